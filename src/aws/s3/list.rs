//! S3 listings: ListBuckets and ListObjectsV2, page by page through the one paginator
//! (aws/paginate.rs), in botocore's Object and Bucket shapes, with keys listed
//! URL-encoded and decoded as botocore decodes them.
//!
//! A ListObjectsV2 page is read entry by entry (one entry's tree at a time) and is capped
//! in bytes and in entries, so a page costs a small multiple of its size. A listing that
//! would never end is stopped with an error: S3 lists keys in ascending UTF-8 binary
//! order, so each page must begin past the greatest key of the pages before it (checked
//! here); a continuation token may not come back, and empty pages may not go on forever
//! (checked by the paginator).

use serde_json::Value;

use super::S3;
use super::bucket_outputs::Owner;
use crate::aws::http::{Request, Response};
use crate::aws::operation::{Operation, S3Operation};
use crate::aws::paginate::{Page, Paginator};
use crate::aws::shape::{FromXml, Timestamp, read, shape, to_value};
use crate::aws::xml::{self, Element, XmlError};
use crate::error::Error;

/// The largest ListObjectsV2 page read. S3's pages of 1,000 keys are a few hundred KiB
/// (at most about 4 MiB with 1,024-byte keys URL-encoded).
pub(crate) const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;

/// The most entries a ListObjectsV2 page may hold. S3 sends at most 1,000 (we never ask
/// for more); a server sending ten times that is not listing in pages.
pub(crate) const MAX_PAGE_KEYS: usize = 10_000;

shape! {
    /// botocore's Object shape (a ListObjectsV2 `Contents` entry), in its order.
    pub(crate) struct Object {
        key: Option<String> = "Key" <- member("Key"),
        last_modified: Option<Timestamp> = "LastModified" <- member("LastModified"),
        etag: Option<String> = "ETag" <- member("ETag"),
        checksum_algorithm: Option<Vec<String>> =
            "ChecksumAlgorithm" <- flat("ChecksumAlgorithm"),
        checksum_type: Option<String> = "ChecksumType" <- member("ChecksumType"),
        size: Option<i64> = "Size" <- member("Size"),
        storage_class: Option<String> = "StorageClass" <- member("StorageClass"),
        owner: Option<Owner> = "Owner" <- member("Owner"),
        restore_status: Option<RestoreStatus> = "RestoreStatus" <- member("RestoreStatus"),
    }
}

shape! {
    pub(crate) struct RestoreStatus {
        is_restore_in_progress: Option<bool> =
            "IsRestoreInProgress" <- member("IsRestoreInProgress"),
        restore_expiry_date: Option<Timestamp> =
            "RestoreExpiryDate" <- member("RestoreExpiryDate"),
    }
}

shape! {
    /// botocore's Bucket shape (a ListBuckets entry).
    pub(crate) struct Bucket {
        name: Option<String> = "Name" <- member("Name"),
        creation_date: Option<Timestamp> = "CreationDate" <- member("CreationDate"),
        bucket_region: Option<String> = "BucketRegion" <- member("BucketRegion"),
        bucket_arn: Option<String> = "BucketArn" <- member("BucketArn"),
    }
}

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

/// A listed key and its size, without botocore's JSON: what bulk commands need, at a
/// fraction of a [`ListedObject`]'s memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedKey {
    pub key: String,
    pub size: u64,
}

/// What a page's `Contents` entry is read into: first as `Raw` (compact, read as soon
/// as the entry is complete), then, once the page says whether its keys are URL-encoded,
/// decoded and finished.
pub(crate) trait Entry: Sized {
    type Raw;
    /// None for an entry to skip.
    fn read(el: &Element) -> Option<Self::Raw>;
    /// Decode the key of a listing sent with `encoding-type=url`.
    fn decode(raw: &mut Self::Raw);
    fn finish(raw: Self::Raw) -> Self;
    fn key(&self) -> Option<&str>;
}

fn size(n: Option<i64>) -> u64 {
    n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0)
}

impl Entry for ListedObject {
    type Raw = Object;

    fn read(el: &Element) -> Option<Object> {
        Object::from_xml(el)
    }

    fn decode(object: &mut Object) {
        object.key = object.key.as_deref().map(unquote_plus);
    }

    fn finish(object: Object) -> Self {
        ListedObject {
            key: object.key.clone(),
            size: size(object.size),
            json: to_value(&object),
        }
    }

    fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}

impl Entry for ListedKey {
    type Raw = ListedKey;

    fn read(el: &Element) -> Option<Self> {
        Some(ListedKey {
            key: read::member(el, "Key")?,
            size: size(read::member(el, "Size")),
        })
    }

    fn decode(raw: &mut Self) {
        raw.key = unquote_plus(&raw.key);
    }

    fn finish(raw: Self) -> Self {
        raw
    }

    fn key(&self) -> Option<&str> {
        Some(&self.key)
    }
}

/// ListBuckets, one page (servers that page send a ContinuationToken).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListBuckets<'a> {
    pub(crate) token: Option<&'a str>,
}

impl Operation for ListBuckets<'_> {
    const NAME: &'static str = "ListBuckets";
    type Output = Page<ListedBucket>;
    fn parse(&self, resp: Response) -> Result<Page<ListedBucket>, Error> {
        let root = resp.xml_root(Self::NAME, "ListAllMyBucketsResult")?;
        let buckets: Vec<Bucket> = read::list(&root, "Buckets", "Bucket").unwrap_or_default();
        Ok(Page {
            items: buckets
                .into_iter()
                .map(|b| ListedBucket {
                    json: to_value(&b),
                    name: b.name.unwrap_or_default(),
                })
                .collect(),
            next: read::member(&root, "ContinuationToken"),
        })
    }
}

impl S3Operation for ListBuckets<'_> {
    const METHOD: &'static str = "GET";
    fn bucket(&self) -> Option<&str> {
        None
    }
    fn build(&self, req: Request) -> Request {
        match self.token {
            Some(t) => req.query("continuation-token", t),
            None => req,
        }
    }
}

/// ListObjectsV2, one page, its entries read into `T`. Keys are asked URL-encoded
/// (`encoding-type=url`, as botocore asks, so that keys with characters XML 1.0 cannot
/// carry survive) unless `url_encoded` is false; a page over [`MAX_PAGE_BYTES`] or
/// [`MAX_PAGE_KEYS`] is an error.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListObjectsV2<'a, T> {
    pub(crate) bucket: &'a str,
    pub(crate) prefix: Option<&'a str>,
    pub(crate) token: Option<&'a str>,
    pub(crate) max_keys: Option<u32>,
    pub(crate) url_encoded: bool,
    pub(crate) entries: std::marker::PhantomData<fn() -> T>,
}

impl<'a, T> ListObjectsV2<'a, T> {
    /// A page as listings ask for it: URL-encoded, S3's page size.
    pub(crate) fn page(bucket: &'a str, prefix: Option<&'a str>, token: Option<&'a str>) -> Self {
        ListObjectsV2 {
            bucket,
            prefix,
            token,
            max_keys: None,
            url_encoded: true,
            entries: std::marker::PhantomData,
        }
    }
}

const TOO_MANY: &str = "too many entries";

impl<T: Entry> Operation for ListObjectsV2<'_, T> {
    const NAME: &'static str = "ListObjectsV2";
    type Output = Page<T>;
    fn parse(&self, resp: Response) -> Result<Page<T>, Error> {
        const OP: &str = "ListObjectsV2";
        let mut items: Vec<T::Raw> = Vec::new();
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
                    "The {OP} page for bucket {} holds more than {MAX_PAGE_KEYS} keys \
                     (S3 sends at most 1,000 a page): refusing it",
                    self.bucket
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
        Ok(Page {
            items: items.into_iter().map(T::finish).collect(),
            next: next.filter(|t| truncated && !t.is_empty()),
        })
    }
}

impl<T: Entry> S3Operation for ListObjectsV2<'_, T> {
    const METHOD: &'static str = "GET";
    const BODY_LIMIT: Option<u64> = Some(MAX_PAGE_BYTES);
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn build(&self, req: Request) -> Request {
        let mut r = req.query("list-type", "2");
        if self.url_encoded {
            r = r.query("encoding-type", "url");
        }
        if let Some(n) = self.max_keys {
            r = r.query("max-keys", n.to_string());
        }
        if let Some(p) = self.prefix {
            r = r.query("prefix", p);
        }
        if let Some(t) = self.token {
            r = r.query("continuation-token", t);
        }
        r
    }
}

impl S3<'_> {
    /// ListBuckets, following continuation tokens where the server pages.
    pub fn list_buckets(&self) -> Result<Vec<ListedBucket>, Error> {
        Paginator::new("ListBuckets listing", |token: Option<&str>| {
            self.send(&ListBuckets { token })
        })
        .items()
        .collect()
    }

    /// One ListObjectsV2 page, from the start (`token` None) or a continuation token.
    fn fetch_page<T: Entry>(
        &self,
        bucket: &str,
        prefix: Option<&str>,
        token: Option<&str>,
    ) -> Result<Page<T>, Error> {
        self.send(&ListObjectsV2::page(bucket, prefix, token))
            .map_err(|e| too_long(e, bucket))
    }

    /// The pages of a listing, each checked to go past the pages before it.
    fn pages<'s, T: Entry + Send + 's>(
        &'s self,
        bucket: &'s str,
        prefix: Option<&'s str>,
    ) -> impl Iterator<Item = Result<Vec<T>, Error>> + Send + 's {
        let mut order = KeyOrder {
            bucket,
            high: None,
            number: 0,
        };
        Paginator::checked(
            format!("ListObjectsV2 listing of bucket {bucket}"),
            move |token: Option<&str>| self.fetch_page::<T>(bucket, prefix, token),
            move |page: &Page<T>| order.check(page),
        )
    }

    /// Every object under a prefix, one at a time; the next page is fetched only
    /// when the previous one has been used up. Ends after the first error.
    pub fn objects<'s>(
        &'s self,
        bucket: &'s str,
        prefix: Option<&'s str>,
    ) -> impl Iterator<Item = Result<ListedObject, Error>> + 's {
        flatten(self.pages(bucket, prefix))
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
        self.pages(bucket, prefix)
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

/// S3 lists keys in ascending UTF-8 binary order: a page's keys must all come after
/// the greatest key of the pages before it.
struct KeyOrder<'b> {
    bucket: &'b str,
    /// The greatest key listed so far.
    high: Option<String>,
    number: u64,
}

impl KeyOrder<'_> {
    fn check<T: Entry>(&mut self, page: &Page<T>) -> Result<(), Error> {
        self.number += 1;
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
        Ok(())
    }
}

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
pub(crate) fn unquote_plus(s: &str) -> String {
    crate::aws::shape::percent_decode(&s.replace('+', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_keys_are_decoded_like_botocore() {
        assert_eq!(unquote_plus("a+b%2Bc%0D"), "a b+c\r");
    }
}
