//! S3 listings: ListBuckets and ListObjectsV2, page by page, in botocore's Object and
//! Bucket shapes, with keys listed URL-encoded and decoded as botocore decodes them.
//!
//! A ListObjectsV2 page is read entry by entry (one entry's tree at a time) and is capped
//! in bytes and in entries, so a page costs a small multiple of its size. A listing that
//! would never end is stopped with an error: S3 lists keys in ascending UTF-8 binary
//! order, so each page must begin past the greatest key of the pages before it, a
//! continuation token may not come back, and empty pages may not go on forever.

use serde_json::Value;

use super::S3;
use crate::aws::xml::{self, Element, Field, Kind, XmlError, to_json};
use crate::error::Error;

/// The largest ListObjectsV2 page read. S3's pages of 1,000 keys are a few hundred KiB
/// (at most about 4 MiB with 1,024-byte keys URL-encoded).
pub const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;

/// The most entries a ListObjectsV2 page may hold. S3 sends at most 1,000 (we never ask
/// for more); a server sending ten times that is not listing in pages.
pub const MAX_PAGE_KEYS: usize = 10_000;

/// How many truncated pages in a row may come without a key before the listing is
/// taken to go nowhere. S3 can send an empty page while it skips over delete markers,
/// rarely more than a few in a row.
pub const MAX_EMPTY_PAGES: u32 = 1_000;

/// botocore's Object shape (a ListObjectsV2 `Contents` entry), in its order.
pub const OBJECT: &[Field] = &[
    Field("Key", Kind::Str),
    Field("LastModified", Kind::Time),
    Field("ETag", Kind::Str),
    Field("ChecksumAlgorithm", Kind::Flat(&Kind::Str)),
    Field("ChecksumType", Kind::Str),
    Field("Size", Kind::Int),
    Field("StorageClass", Kind::Str),
    Field(
        "Owner",
        Kind::Struct(&[Field("DisplayName", Kind::Str), Field("ID", Kind::Str)]),
    ),
    Field(
        "RestoreStatus",
        Kind::Struct(&[
            Field("IsRestoreInProgress", Kind::Bool),
            Field("RestoreExpiryDate", Kind::Time),
        ]),
    ),
];

/// botocore's Bucket shape (a ListBuckets entry).
pub const BUCKET: &[Field] = &[
    Field("Name", Kind::Str),
    Field("CreationDate", Kind::Time),
    Field("BucketRegion", Kind::Str),
    Field("BucketArn", Kind::Str),
];

/// A listed object: botocore's Object shape as JSON, for printing whole, and the
/// members commands read.
pub struct ListedObject {
    /// Decoded when the listing was URL-encoded (as `json`'s `Key` is); None for an
    /// entry without one, which commands skip.
    pub key: Option<String>,
    pub size: u64,
    pub json: Value,
}

/// A listed bucket: botocore's Bucket shape as JSON, and its name.
pub struct ListedBucket {
    pub name: String,
    pub json: Value,
}

/// One ListObjectsV2 page: its objects and the token of the next page, if there is
/// one.
pub struct ObjectPage {
    pub objects: Vec<ListedObject>,
    pub next: Option<String>,
}

/// A listed key and its size, without botocore's JSON: what bulk commands need, at a
/// fraction of a [`ListedObject`]'s memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedKey {
    pub key: String,
    pub size: u64,
}

/// What a page's `Contents` entry is read into.
trait Entry: Sized {
    /// None for an entry to skip.
    fn read(el: &Element) -> Option<Self>;
    /// Decode the key of a listing sent with `encoding-type=url`.
    fn decode(&mut self);
    fn key(&self) -> Option<&str>;
}

impl Entry for ListedObject {
    fn read(el: &Element) -> Option<Self> {
        let json = to_json(el, OBJECT);
        Some(ListedObject {
            key: json["Key"].as_str().map(str::to_string),
            size: json["Size"].as_u64().unwrap_or(0),
            json,
        })
    }

    fn decode(&mut self) {
        if let Some(Value::String(k)) = self.json.get_mut("Key") {
            *k = unquote_plus(k);
            self.key = Some(k.clone());
        }
    }

    fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}

impl Entry for ListedKey {
    fn read(el: &Element) -> Option<Self> {
        Some(ListedKey {
            key: el.string("Key")?,
            size: el
                .integer("Size")
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0),
        })
    }

    fn decode(&mut self) {
        self.key = unquote_plus(&self.key);
    }

    fn key(&self) -> Option<&str> {
        Some(&self.key)
    }
}

/// A page as read: its entries, and the next page's token when it is truncated.
struct Page<T> {
    items: Vec<T>,
    next: Option<String>,
}

impl S3<'_> {
    /// ListBuckets, following continuation tokens where the server pages.
    pub fn list_buckets(&self) -> Result<Vec<ListedBucket>, Error> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let resp = self.call("GET", None, None, "ListBuckets", |mut r| {
                if let Some(t) = &token {
                    r = r.query("continuation-token", t.clone());
                }
                r
            })?;
            let root = resp.xml_root("ListBuckets", "ListAllMyBucketsResult")?;
            if let Some(buckets) = root.child("Buckets") {
                out.extend(buckets.children("Bucket").map(|b| ListedBucket {
                    name: b.string("Name").unwrap_or_default(),
                    json: to_json(b, BUCKET),
                }));
            }
            match root.text_of("ContinuationToken").filter(|t| !t.is_empty()) {
                Some(next) if token.as_deref() != Some(next) => token = Some(next.to_string()),
                _ => return Ok(out),
            }
        }
    }

    /// One ListObjectsV2 page, from the start (`token` None) or a continuation token.
    /// Keys come back URL-encoded (`encoding-type=url`, as botocore asks, so that
    /// keys with characters XML 1.0 cannot carry survive) and are decoded here. A page
    /// over [`MAX_PAGE_BYTES`] or [`MAX_PAGE_KEYS`], or one that hands back the token it
    /// was given, is an error.
    pub fn list_objects_page(
        &self,
        bucket: &str,
        prefix: Option<&str>,
        token: Option<&str>,
    ) -> Result<ObjectPage, Error> {
        let page = self.fetch_page(bucket, prefix, token)?;
        Ok(ObjectPage {
            objects: page.items,
            next: page.next,
        })
    }

    fn fetch_page<T: Entry>(
        &self,
        bucket: &str,
        prefix: Option<&str>,
        token: Option<&str>,
    ) -> Result<Page<T>, Error> {
        const OP: &str = "ListObjectsV2";
        let resp = self
            .call_limited("GET", Some(bucket), OP, MAX_PAGE_BYTES, |mut r| {
                r = r.query("list-type", "2").query("encoding-type", "url");
                if let Some(p) = prefix {
                    r = r.query("prefix", p);
                }
                if let Some(t) = token {
                    r = r.query("continuation-token", t);
                }
                r
            })
            .map_err(|e| too_long(e, bucket))?;
        let mut items: Vec<T> = Vec::new();
        let (mut entries, mut url_encoded, mut truncated) = (0usize, false, false);
        let mut next: Option<String> = None;
        let parsed = xml::parse_children(&resp.body, |el| {
            match el.name.as_str() {
                "Contents" => {
                    entries += 1;
                    if entries > MAX_PAGE_KEYS {
                        return Err(XmlError(TOO_MANY.into()));
                    }
                    items.extend(T::read(&el));
                }
                "EncodingType" => url_encoded = el.text == "url",
                "IsTruncated" => truncated = el.text == "true",
                "NextContinuationToken" => next = Some(el.text),
                _ => {}
            }
            Ok(())
        });
        let root = match parsed {
            Ok(root) => root,
            Err(e) if e.0 == TOO_MANY => {
                return Err(Error::transport(format!(
                    "The {OP} page for bucket {bucket} holds more than {MAX_PAGE_KEYS} keys \
                     (S3 sends at most 1,000 a page): refusing it"
                )));
            }
            Err(e) => {
                let message = format!("Unable to parse the {OP} response: {e}");
                return Err(Error::transport_from(message, e));
            }
        };
        if root.name != "ListBucketResult" {
            return Err(Error::transport(format!(
                "Unable to parse the {OP} response: expected <ListBucketResult>, got <{}>",
                root.name
            )));
        }
        if url_encoded {
            items.iter_mut().for_each(T::decode);
        }
        let next = next.filter(|t| truncated && !t.is_empty());
        if let (Some(given), Some(again)) = (token, &next) {
            if given == again {
                return Err(Error::transport(format!(
                    "The {OP} listing of bucket {bucket} does not advance: the server sent \
                     back the continuation token it was given"
                )));
            }
        }
        Ok(Page { items, next })
    }

    /// Every object under a prefix, one at a time; the next page is fetched only
    /// when the previous one has been used up. Ends after the first error.
    pub fn objects<'s>(
        &'s self,
        bucket: &'s str,
        prefix: Option<&'s str>,
    ) -> impl Iterator<Item = Result<ListedObject, Error>> + 's {
        flatten(Pages::new(self, bucket, prefix))
    }

    /// Every key under a prefix with its size, one at a time, without botocore's JSON.
    pub fn keys<'s>(
        &'s self,
        bucket: &'s str,
        prefix: Option<&'s str>,
    ) -> impl Iterator<Item = Result<ListedKey, Error>> + 's {
        flatten(self.key_pages(bucket, prefix))
    }

    /// The keys under a prefix page by page (entries without a key left out): for
    /// commands that act on a page at a time.
    pub fn key_pages<'s>(
        &'s self,
        bucket: &'s str,
        prefix: Option<&'s str>,
    ) -> impl Iterator<Item = Result<Vec<ListedKey>, Error>> + Send + 's {
        Pages::new(self, bucket, prefix)
    }

    /// Every key under a prefix.
    pub fn list_keys(
        &self,
        bucket: &str,
        prefix: Option<&str>,
    ) -> Result<Vec<ListedObject>, Error> {
        self.objects(bucket, prefix).collect()
    }
}

/// One page's entries at a time, then the items of each; ends after the first error.
fn flatten<T>(
    pages: impl Iterator<Item = Result<Vec<T>, Error>>,
) -> impl Iterator<Item = Result<T, Error>> {
    pages.flat_map(|page| {
        let (items, error) = match page {
            Ok(items) => (items, None),
            Err(e) => (Vec::new(), Some(Err(e))),
        };
        items.into_iter().map(Ok).chain(error)
    })
}

/// The pages of a listing, each checked to go past the pages before it.
struct Pages<'s, T> {
    s3: &'s S3<'s>,
    bucket: &'s str,
    prefix: Option<&'s str>,
    /// None: finished; Some(None): the first page is still to fetch.
    token: Option<Option<String>>,
    /// The greatest key listed so far.
    high: Option<String>,
    empty_run: u32,
    number: u64,
    _entries: std::marker::PhantomData<fn() -> T>,
}

impl<'s, T: Entry> Pages<'s, T> {
    fn new(s3: &'s S3<'s>, bucket: &'s str, prefix: Option<&'s str>) -> Self {
        Pages {
            s3,
            bucket,
            prefix,
            token: Some(None),
            high: None,
            empty_run: 0,
            number: 0,
            _entries: std::marker::PhantomData,
        }
    }

    /// The page's keys must all come after the greatest key of the pages before it,
    /// and a run of empty truncated pages must end.
    fn check(&mut self, page: &Page<T>) -> Result<(), Error> {
        let keys = page.items.iter().filter_map(T::key);
        if let Some(high) = &self.high {
            if let Some(back) = keys.clone().find(|k| k.as_bytes() <= high.as_bytes()) {
                return Err(Error::transport(format!(
                    "The ListObjectsV2 listing of bucket {} does not advance: page {} lists \
                     {} again or out of order, after {} (S3 lists keys in ascending order); \
                     the server is repeating itself",
                    self.bucket,
                    self.number,
                    crate::output::py_repr_str(back),
                    crate::output::py_repr_str(high),
                )));
            }
        }
        if let Some(top) = keys.max_by(|a, b| a.as_bytes().cmp(b.as_bytes())) {
            self.high = Some(top.to_string());
        }
        if page.items.is_empty() && page.next.is_some() {
            self.empty_run += 1;
            if self.empty_run >= MAX_EMPTY_PAGES {
                return Err(Error::transport(format!(
                    "The ListObjectsV2 listing of bucket {} does not advance: {} pages in a row \
                     without a key",
                    self.bucket, self.empty_run
                )));
            }
        } else {
            self.empty_run = 0;
        }
        Ok(())
    }
}

impl<T: Entry> Iterator for Pages<'_, T> {
    type Item = Result<Vec<T>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let current = self.token.take()?;
        self.number += 1;
        let page = self
            .s3
            .fetch_page::<T>(self.bucket, self.prefix, current.as_deref())
            .and_then(|page| self.check(&page).map(|()| page));
        Some(page.map(|page| {
            self.token = page.next.map(Some);
            page.items
        }))
    }
}

const TOO_MANY: &str = "too many entries";

/// A page refused for its length says so in the listing's words.
fn too_long(e: Error, bucket: &str) -> Error {
    let over = matches!(&e, Error::Transport(t)
        if std::error::Error::source(t)
            .and_then(|s| s.downcast_ref::<ureq::Error>())
            .is_some_and(|u| matches!(u, ureq::Error::BodyExceedsLimit(_))));
    if over {
        Error::transport(format!(
            "The ListObjectsV2 page for bucket {bucket} is larger than {} MiB (S3's pages of \
             1,000 keys are a few hundred KiB): refusing it",
            MAX_PAGE_BYTES / (1024 * 1024)
        ))
    } else {
        e
    }
}

/// `urllib.parse.unquote_plus`, for keys listed with `encoding-type=url`.
pub fn unquote_plus(s: &str) -> String {
    crate::aws::xml::percent_decode(&s.replace('+', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_keys_are_decoded_like_botocore() {
        assert_eq!(unquote_plus("a+b%2Bc%0D"), "a b+c\r");
    }
}
