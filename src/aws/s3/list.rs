//! S3 listings: ListBuckets and ListObjectsV2, page by page, in botocore's Object and
//! Bucket shapes, with keys listed URL-encoded and decoded as botocore decodes them.

use serde_json::Value;

use super::S3;
use crate::aws::xml::{Field, Kind, to_json};
use crate::error::Error;

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
    /// keys with characters XML 1.0 cannot carry survive) and are decoded here.
    pub fn list_objects_page(
        &self,
        bucket: &str,
        prefix: Option<&str>,
        token: Option<&str>,
    ) -> Result<ObjectPage, Error> {
        let resp = self.call("GET", Some(bucket), None, "ListObjectsV2", |mut r| {
            r = r.query("list-type", "2").query("encoding-type", "url");
            if let Some(p) = prefix {
                r = r.query("prefix", p);
            }
            if let Some(t) = token {
                r = r.query("continuation-token", t);
            }
            r
        })?;
        let root = resp.xml_root("ListObjectsV2", "ListBucketResult")?;
        let url_encoded = root.text_of("EncodingType") == Some("url");
        let objects = root
            .children("Contents")
            .map(|c| {
                let mut json = to_json(c, OBJECT);
                if url_encoded {
                    if let Some(Value::String(k)) = json.get_mut("Key") {
                        *k = unquote_plus(k);
                    }
                }
                ListedObject {
                    key: json["Key"].as_str().map(str::to_string),
                    size: json["Size"].as_u64().unwrap_or(0),
                    json,
                }
            })
            .collect();
        let truncated = root.text_of("IsTruncated") == Some("true");
        // A server that hands back the token it was given would page forever.
        let next = root
            .text_of("NextContinuationToken")
            .filter(|t| truncated && !t.is_empty() && Some(*t) != token)
            .map(str::to_string);
        Ok(ObjectPage { objects, next })
    }

    /// Every object under a prefix, one at a time; the next page is fetched only
    /// when the previous one has been used up. Ends after the first error.
    pub fn objects<'s>(
        &'s self,
        bucket: &'s str,
        prefix: Option<&'s str>,
    ) -> impl Iterator<Item = Result<ListedObject, Error>> + 's {
        let mut buffered = std::collections::VecDeque::new();
        // None: finished; Some(None): first page still to fetch.
        let mut token: Option<Option<String>> = Some(None);
        std::iter::from_fn(move || {
            loop {
                if let Some(obj) = buffered.pop_front() {
                    return Some(Ok(obj));
                }
                let current = token.take()?;
                match self.list_objects_page(bucket, prefix, current.as_deref()) {
                    Ok(page) => {
                        buffered.extend(page.objects);
                        token = page.next.map(Some);
                    }
                    Err(e) => return Some(Err(e)),
                }
            }
        })
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
