//! What emptying and deleting a bucket takes: ListObjectVersions (every version and
//! delete marker), ListMultipartUploads (the uploads still open) and DeleteBucket.
//!
//! Both listings continue from a pair of markers (`key-marker` with `version-id-marker`
//! or `upload-id-marker`), carried through the one paginator (aws/paginate.rs) as one
//! token. Their pages are read entry by entry and capped as ListObjectsV2's are; a
//! listing that goes back or comes round to markers it has already been given is
//! stopped with an error (the paginator itself stops a token sent straight back and
//! long runs of empty pages). `<Version>` and `<DeleteMarker>` elements are read in
//! whatever order they come: S3 orders a page by key, newest first, which interleaves
//! them; moto sends every version first.

use std::collections::HashSet;

use super::S3;
use super::list::{MAX_PAGE_BYTES, MAX_PAGE_KEYS, unquote_plus};
use crate::aws::http::{Request, Response};
use crate::aws::operation::{Operation, S3Operation};
use crate::aws::paginate::{Page, Paginator};
use crate::aws::shape::read_bool;
use crate::aws::xml::{self, Element, XmlError};
use crate::error::Error;
use crate::output::py_repr_str;

/// One entry of ListObjectVersions: a version of an object, or a delete marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedVersion {
    pub key: String,
    /// `null` for an object written while the bucket was unversioned.
    pub version_id: String,
    pub is_latest: bool,
    pub delete_marker: bool,
}

/// One open multipart upload of ListMultipartUploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedUpload {
    pub key: String,
    pub upload_id: String,
}

/// Where a version or upload listing goes on from: the key and the version (or
/// upload) id of the page's last entry, as S3 names them in `NextKeyMarker` and
/// `NextVersionIdMarker` / `NextUploadIdMarker`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Markers {
    pub(crate) key: String,
    pub(crate) id: String,
}

impl Markers {
    /// The pair as one paginator token: the id's length, `:`, the id, the key. Either
    /// may hold any character, so the length keeps the two apart (and the token
    /// one-to-one with the pair, for the paginator's "sent back" check).
    pub(crate) fn token(&self) -> String {
        format!("{}:{}{}", self.id.len(), self.id, self.key)
    }

    pub(crate) fn from_token(token: &str) -> Option<Markers> {
        let (len, rest) = token.split_once(':')?;
        let len: usize = len.parse().ok()?;
        Some(Markers {
            id: rest.get(..len)?.to_string(),
            key: rest.get(len..)?.to_string(),
        })
    }
}

/// What a listing page held before it becomes a [`Page`].
struct RawPage<T> {
    items: Vec<T>,
    url_encoded: bool,
    truncated: bool,
    next_key: Option<String>,
    next_id: Option<String>,
}

const TOO_MANY: &str = "too many entries";

/// Read a page whose root is `root`, handing each element named in `entries` to `read`
/// as soon as it is complete (an entry it cannot read is skipped), and the members
/// that say how the listing goes on (`next_id` names the id marker).
fn read_page<T>(
    resp: &Response,
    operation: &str,
    bucket: &str,
    root: &str,
    entries: &[&str],
    next_id: &str,
    read: impl Fn(&Element) -> Option<T>,
) -> Result<RawPage<T>, Error> {
    let mut page = RawPage {
        items: Vec::new(),
        url_encoded: false,
        truncated: false,
        next_key: None,
        next_id: None,
    };
    let mut count = 0usize;
    let parsed = xml::parse_children(&resp.body, |el| {
        let name = el.name.as_str();
        if entries.contains(&name) {
            count += 1;
            if count > MAX_PAGE_KEYS {
                return Err(XmlError(TOO_MANY.into()));
            }
            page.items.extend(read(&el));
        } else if name == "EncodingType" {
            page.url_encoded = el.text == "url";
        } else if name == "IsTruncated" {
            page.truncated = read_bool(&el.text);
        } else if name == "NextKeyMarker" {
            page.next_key = Some(el.text);
        } else if name == next_id {
            page.next_id = Some(el.text);
        }
        Ok(())
    });
    let doc = match parsed {
        Ok(doc) => doc,
        Err(e) if e.0 == TOO_MANY => {
            return Err(Error::transport(format!(
                "The {operation} page for bucket {bucket} holds more than {MAX_PAGE_KEYS} \
                 entries (S3 sends at most 1,000 a page): refusing it"
            )));
        }
        Err(e) => {
            let message = format!("Unable to parse the {operation} response: {e}");
            return Err(Error::transport_from(message, e));
        }
    };
    if doc.name != root {
        return Err(Error::transport(format!(
            "Unable to parse the {operation} response: expected <{root}>, got <{}>",
            doc.name
        )));
    }
    Ok(page)
}

impl<T> RawPage<T> {
    /// The page, keys decoded when they were sent URL-encoded; the next token only
    /// when the page says it is truncated and names a key to go on from.
    fn finish(mut self, key: impl Fn(&mut T) -> &mut String) -> Page<T> {
        if self.url_encoded {
            for item in &mut self.items {
                let k = key(item);
                *k = unquote_plus(k);
            }
            self.next_key = self.next_key.map(|k| unquote_plus(&k));
        }
        let next = match (self.truncated, self.next_key) {
            (true, Some(key)) if !key.is_empty() => Some(
                Markers {
                    key,
                    id: self.next_id.unwrap_or_default(),
                }
                .token(),
            ),
            _ => None,
        };
        Page {
            items: self.items,
            next,
        }
    }
}

/// ListObjectVersions, one page, from the markers of the page before (None: the
/// first). Keys are asked URL-encoded, as botocore asks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListObjectVersions<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) markers: Option<&'a Markers>,
    pub(crate) max_keys: Option<u32>,
}

impl Operation for ListObjectVersions<'_> {
    const NAME: &'static str = "ListObjectVersions";
    type Output = Page<ListedVersion>;
    fn parse(&self, resp: Response) -> Result<Page<ListedVersion>, Error> {
        let raw = read_page(
            &resp,
            Self::NAME,
            self.bucket,
            "ListVersionsResult",
            &["Version", "DeleteMarker"],
            "NextVersionIdMarker",
            |el| {
                Some(ListedVersion {
                    key: el.string("Key")?,
                    version_id: el.string("VersionId").unwrap_or_else(|| "null".into()),
                    is_latest: el.text_of("IsLatest").is_some_and(read_bool),
                    delete_marker: el.name == "DeleteMarker",
                })
            },
        )?;
        Ok(raw.finish(|v| &mut v.key))
    }
}

impl S3Operation for ListObjectVersions<'_> {
    const METHOD: &'static str = "GET";
    const BODY_LIMIT: Option<u64> = Some(MAX_PAGE_BYTES);
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn build(&self, req: Request) -> Request {
        let mut r = req.query("versions", "").query("encoding-type", "url");
        if let Some(m) = self.markers {
            r = r.query("key-marker", &m.key);
            if !m.id.is_empty() {
                r = r.query("version-id-marker", &m.id);
            }
        }
        if let Some(n) = self.max_keys {
            r = r.query("max-keys", n.to_string());
        }
        r
    }
}

/// ListMultipartUploads, one page, from the markers of the page before.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListMultipartUploads<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) markers: Option<&'a Markers>,
}

impl Operation for ListMultipartUploads<'_> {
    const NAME: &'static str = "ListMultipartUploads";
    type Output = Page<ListedUpload>;
    fn parse(&self, resp: Response) -> Result<Page<ListedUpload>, Error> {
        let raw = read_page(
            &resp,
            Self::NAME,
            self.bucket,
            "ListMultipartUploadsResult",
            &["Upload"],
            "NextUploadIdMarker",
            |el| {
                Some(ListedUpload {
                    key: el.string("Key")?,
                    upload_id: el.string("UploadId").filter(|id| !id.is_empty())?,
                })
            },
        )?;
        Ok(raw.finish(|u| &mut u.key))
    }
}

impl S3Operation for ListMultipartUploads<'_> {
    const METHOD: &'static str = "GET";
    const BODY_LIMIT: Option<u64> = Some(MAX_PAGE_BYTES);
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn build(&self, req: Request) -> Request {
        let mut r = req.query("uploads", "").query("encoding-type", "url");
        if let Some(m) = self.markers {
            r = r.query("key-marker", &m.key);
            if !m.id.is_empty() {
                r = r.query("upload-id-marker", &m.id);
            }
        }
        r
    }
}

/// DeleteBucket: S3 refuses (409 `BucketNotEmpty`) while any version, delete marker
/// (or, on AWS, open upload) is left.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DeleteBucket<'a> {
    pub(crate) bucket: &'a str,
}

impl Operation for DeleteBucket<'_> {
    const NAME: &'static str = "DeleteBucket";
    type Output = ();
    fn parse(&self, _resp: Response) -> Result<(), Error> {
        Ok(())
    }
}

impl S3Operation for DeleteBucket<'_> {
    const METHOD: &'static str = "DELETE";
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn build(&self, req: Request) -> Request {
        req
    }
}

/// A marker listing must move forward: each page's markers come after the page
/// before's (S3 lists by key, then within a key), so a key marker never goes back and
/// the same pair never comes twice; no entry comes before the key marker it was asked
/// from. Catches a server that loops through markers the paginator cannot see repeat.
struct Advance<T> {
    listing: String,
    key_of: fn(&T) -> &str,
    last: Option<Markers>,
    /// The id markers seen with `last`'s key.
    ids: HashSet<String>,
    number: u64,
}

impl<T> Advance<T> {
    fn new(listing: String, key_of: fn(&T) -> &str) -> Self {
        Advance {
            listing,
            key_of,
            last: None,
            ids: HashSet::new(),
            number: 0,
        }
    }

    fn stuck(&self, why: String) -> Error {
        Error::transport(format!(
            "The {} does not advance: page {} {why}; the server is repeating itself",
            self.listing, self.number
        ))
    }

    fn check(&mut self, page: &Page<T>) -> Result<(), Error> {
        self.number += 1;
        if let Some(last) = &self.last {
            let key_of = self.key_of;
            if let Some(back) = page
                .items
                .iter()
                .map(key_of)
                .find(|k| k.as_bytes() < last.key.as_bytes())
            {
                return Err(self.stuck(format!(
                    "lists {} before its key marker {}",
                    py_repr_str(back),
                    py_repr_str(&last.key)
                )));
            }
        }
        let Some(next) = page.next.as_deref().and_then(Markers::from_token) else {
            return Ok(());
        };
        match &self.last {
            Some(last) if next.key.as_bytes() < last.key.as_bytes() => {
                return Err(self.stuck(format!(
                    "goes back to key marker {} after {}",
                    py_repr_str(&next.key),
                    py_repr_str(&last.key)
                )));
            }
            Some(last) if next.key == last.key => {
                if !self.ids.insert(next.id.clone()) {
                    return Err(self.stuck(format!(
                        "names the markers {} and {} again",
                        py_repr_str(&next.key),
                        py_repr_str(&next.id)
                    )));
                }
            }
            _ => {
                self.ids.clear();
                self.ids.insert(next.id.clone());
            }
        }
        self.last = Some(next);
        Ok(())
    }
}

impl S3<'_> {
    /// Every version and delete marker in a bucket, page by page.
    pub fn version_pages<'s>(
        &'s self,
        bucket: &'s str,
    ) -> impl Iterator<Item = Result<Vec<ListedVersion>, Error>> + Send + 's {
        self.version_pages_from(bucket, None)
    }

    /// The first page that holds anything of the versions after `from` (the start
    /// when None); None when there are none.
    pub(crate) fn first_version_page(
        &self,
        bucket: &str,
        from: Option<Markers>,
    ) -> Result<Option<Vec<ListedVersion>>, Error> {
        self.version_pages_from(bucket, from)
            .find(|page| !page.as_ref().is_ok_and(Vec::is_empty))
            .transpose()
    }

    /// The versions after `from` (the start when None), page by page.
    fn version_pages_from<'s>(
        &'s self,
        bucket: &'s str,
        from: Option<Markers>,
    ) -> impl Iterator<Item = Result<Vec<ListedVersion>, Error>> + Send + 's {
        let listing = format!("ListObjectVersions listing of bucket {bucket}");
        let mut advance = Advance::new(listing.clone(), |v: &ListedVersion| &v.key);
        Paginator::checked(
            listing,
            move |token: Option<&str>| {
                let markers = token.and_then(Markers::from_token).or_else(|| from.clone());
                self.send(&ListObjectVersions {
                    bucket,
                    markers: markers.as_ref(),
                    max_keys: None,
                })
            },
            move |page: &Page<ListedVersion>| advance.check(page),
        )
    }

    /// Every open multipart upload in a bucket, page by page.
    pub fn upload_pages<'s>(
        &'s self,
        bucket: &'s str,
    ) -> impl Iterator<Item = Result<Vec<ListedUpload>, Error>> + Send + 's {
        let listing = format!("ListMultipartUploads listing of bucket {bucket}");
        let mut advance = Advance::new(listing.clone(), |u: &ListedUpload| &u.key);
        Paginator::checked(
            listing,
            move |token: Option<&str>| {
                let markers = token.and_then(Markers::from_token);
                self.send(&ListMultipartUploads {
                    bucket,
                    markers: markers.as_ref(),
                })
            },
            move |page: &Page<ListedUpload>| advance.check(page),
        )
    }

    /// DeleteBucket.
    pub fn delete_bucket(&self, bucket: &str) -> Result<(), Error> {
        self.send(&DeleteBucket { bucket })
    }
}
