//! The S3 REST client core: addressing, signing, bucket-region discovery and
//! the calls every S3 command shares (HeadBucket, ListBuckets, ListObjectsV2).
//! Bucket configuration and object transfers build on [`S3::call`].

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;

use super::context::Context;
use super::http::{Request, Response, SigningTarget, Streaming};
use super::sigv4::{Mode, uri_encode};
use super::xml::{Element, Field, Kind, to_json};
use crate::error::{AwsError, Error};

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

pub struct S3<'a> {
    pub(crate) ctx: &'a Context,
    /// Regions learnt for buckets during this process.
    regions: Mutex<HashMap<String, String>>,
}

/// Is this bucket name usable as a DNS label (virtual-hosted addressing)?
pub fn dns_compatible(bucket: &str) -> bool {
    (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !bucket.starts_with('-')
        && !bucket.ends_with('-')
}

/// The AWS S3 endpoint of a region (used once a bucket's region is learnt).
fn aws_endpoint(region: &str) -> String {
    match region {
        "us-east-1" => "https://s3.amazonaws.com".to_string(),
        r if r.starts_with("cn-") => format!("https://s3.{r}.amazonaws.com.cn"),
        r => format!("https://s3.{r}.amazonaws.com"),
    }
}

/// The path of a key: each character encoded once, `/` kept.
pub fn key_path(key: &str) -> String {
    uri_encode(key, false)
}

impl<'a> S3<'a> {
    pub fn new(ctx: &'a Context) -> Self {
        S3 {
            ctx,
            regions: Mutex::new(HashMap::new()),
        }
    }

    /// The region requests for this bucket are signed for.
    pub fn region_for(&self, bucket: Option<&str>) -> String {
        bucket
            .and_then(|b| self.regions.lock().ok()?.get(b).cloned())
            .unwrap_or_else(|| self.ctx.region.clone())
    }

    fn remember(&self, bucket: &str, region: &str) {
        if let Ok(mut map) = self.regions.lock() {
            map.insert(bucket.to_string(), region.to_string());
        }
    }

    /// Base URL and path for a bucket and key in a region. Custom endpoints and
    /// dotted or otherwise non-DNS names use path style; AWS endpoints use
    /// virtual-hosted style.
    pub fn address(
        &self,
        bucket: Option<&str>,
        key: Option<&str>,
        region: &str,
    ) -> (String, String) {
        let key_part = key.map(key_path).unwrap_or_default();
        let endpoint = if self.ctx.s3_endpoint.custom || region == self.ctx.region {
            self.ctx.s3_endpoint.url.clone()
        } else {
            aws_endpoint(region)
        };
        match bucket {
            None => (endpoint, "/".to_string()),
            Some(b) if !self.ctx.s3_endpoint.custom && dns_compatible(b) => {
                let (scheme, host) = endpoint.split_once("://").unwrap_or(("https", &endpoint));
                (format!("{scheme}://{b}.{host}"), format!("/{key_part}"))
            }
            Some(b) => {
                let path = if key.is_some() {
                    format!("/{}/{key_part}", uri_encode(b, true))
                } else {
                    format!("/{}", uri_encode(b, true))
                };
                (endpoint, path)
            }
        }
    }

    /// A virtual-hosted or path-style URL for an object, as the tool prints one
    /// (no signature).
    pub fn object_url(&self, bucket: &str, key: &str) -> String {
        let region = self.region_for(Some(bucket));
        let (base, path) = self.address(Some(bucket), Some(key), &region);
        format!("{base}{path}")
    }

    /// Send one S3 operation and read the response. `build` adds query, headers
    /// and body to the addressed request; it runs again when the bucket turns out
    /// to live in another region, and the request is re-signed for that region.
    pub fn call(
        &self,
        method: &'static str,
        bucket: Option<&str>,
        key: Option<&str>,
        operation: &str,
        build: impl Fn(Request) -> Request,
    ) -> Result<Response, Error> {
        self.with_region(
            bucket,
            key,
            |http, target, req| http.send(target, req, operation),
            method,
            &build,
        )
    }

    /// Like [`S3::call`], with the body of a 2xx response left unread.
    pub fn call_streaming(
        &self,
        method: &'static str,
        bucket: Option<&str>,
        key: Option<&str>,
        operation: &str,
        build: impl Fn(Request) -> Request,
    ) -> Result<Streaming, Error> {
        self.with_region(
            bucket,
            key,
            |http, target, req| http.send_streaming(target, req, operation),
            method,
            &build,
        )
    }

    fn with_region<T>(
        &self,
        bucket: Option<&str>,
        key: Option<&str>,
        send: impl Fn(&super::http::Http, SigningTarget<'_>, &Request) -> Result<T, Error>,
        method: &'static str,
        build: &dyn Fn(Request) -> Request,
    ) -> Result<T, Error> {
        let mut redirected = false;
        loop {
            let region = self.region_for(bucket);
            let (base, path) = self.address(bucket, key, &region);
            let req = build(Request::new(method, &base, path));
            let target = SigningTarget {
                credentials: &self.ctx.credentials,
                region: &region,
                service: "s3",
                mode: Mode::S3,
            };
            match send(&self.ctx.http, target, &req) {
                Err(Error::Aws(e)) => {
                    if let (Some(b), Some(actual)) = (bucket, e.region.as_deref()) {
                        if !redirected && actual != region && is_region_error(&e) {
                            self.remember(b, actual);
                            redirected = true;
                            continue;
                        }
                    }
                    return Err(Error::Aws(refine(e, method, key)));
                }
                other => return other,
            }
        }
    }

    /// HeadBucket. `Ok(false)` for a missing bucket; other failures are errors.
    pub fn head_bucket(&self, bucket: &str) -> Result<bool, Error> {
        match self.call("HEAD", Some(bucket), None, "HeadBucket", |r| r) {
            Ok(resp) => {
                if let Some(region) = resp.header("x-amz-bucket-region") {
                    self.remember(bucket, region);
                }
                Ok(true)
            }
            Err(e) if e.aws().is_some_and(|a| a.status == 404) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The original's `bucket_exists`: any S3 error (missing, forbidden, ...)
    /// counts as "does not exist"; only transport failures are errors.
    pub fn bucket_exists(&self, bucket: &str) -> Result<bool, Error> {
        match self.head_bucket(bucket) {
            Err(Error::Aws(_)) => Ok(false),
            other => other,
        }
    }

    /// ListBuckets, following continuation tokens where the server pages.
    pub fn list_buckets(&self) -> Result<Vec<Value>, Error> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let resp = self.call("GET", None, None, "ListBuckets", |mut r| {
                if let Some(t) = &token {
                    r = r.query("continuation-token", t.clone());
                }
                r
            })?;
            let root = resp.xml("ListBuckets")?;
            if let Some(buckets) = root.child("Buckets") {
                out.extend(buckets.children("Bucket").map(|b| to_json(b, BUCKET)));
            }
            match root.text_of("ContinuationToken").filter(|t| !t.is_empty()) {
                Some(next) if token.as_deref() != Some(next) => token = Some(next.to_string()),
                _ => return Ok(out),
            }
        }
    }

    /// ListObjectsV2 over every page; `each` receives each page's objects (as
    /// botocore's Object shape) as the page arrives.
    pub fn list_objects(
        &self,
        bucket: &str,
        prefix: Option<&str>,
        mut each: impl FnMut(Vec<Value>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut token: Option<String> = None;
        loop {
            let resp = self.call("GET", Some(bucket), None, "ListObjectsV2", |mut r| {
                r = r.query("list-type", "2").query("encoding-type", "url");
                if let Some(p) = prefix {
                    r = r.query("prefix", p);
                }
                if let Some(t) = &token {
                    r = r.query("continuation-token", t.clone());
                }
                r
            })?;
            let root = resp.xml("ListObjectsV2")?;
            let url_encoded = root.text_of("EncodingType") == Some("url");
            let objects = root
                .children("Contents")
                .map(|c| {
                    let mut obj = to_json(c, OBJECT);
                    if url_encoded {
                        if let Some(Value::String(k)) = obj.get_mut("Key") {
                            *k = unquote_plus(k);
                        }
                    }
                    obj
                })
                .collect();
            each(objects)?;
            let truncated = root.text_of("IsTruncated") == Some("true");
            match root
                .text_of("NextContinuationToken")
                .filter(|t| !t.is_empty())
            {
                Some(next) if truncated && token.as_deref() != Some(next) => {
                    token = Some(next.to_string());
                }
                _ => return Ok(()),
            }
        }
    }

    /// Every key under a prefix.
    pub fn list_keys(&self, bucket: &str, prefix: Option<&str>) -> Result<Vec<Value>, Error> {
        let mut all = Vec::new();
        self.list_objects(bucket, prefix, |page| {
            all.extend(page);
            Ok(())
        })?;
        Ok(all)
    }

    /// The root element of an XML response body.
    pub fn xml(&self, resp: &Response, operation: &str) -> Result<Element, Error> {
        resp.xml(operation)
    }
}

/// Errors that say the request went to the wrong region.
fn is_region_error(e: &AwsError) -> bool {
    matches!(e.status, 301 | 307 | 400)
        && matches!(
            e.code.as_str(),
            "PermanentRedirect"
                | "301"
                | "TemporaryRedirect"
                | "307"
                | "AuthorizationHeaderMalformed"
                | "IllegalLocationConstraintException"
                | "400"
        )
}

/// Give body-less HEAD errors a name: a 404 HEAD is a missing key or bucket.
fn refine(mut e: AwsError, method: &str, key: Option<&str>) -> AwsError {
    if method == "HEAD" && e.code == "404" {
        if key.is_some() {
            e.code = "NoSuchKey".into();
            e.message = "The specified key does not exist.".into();
        } else {
            e.code = "NoSuchBucket".into();
            e.message = "The specified bucket does not exist".into();
        }
    }
    e
}

/// `urllib.parse.unquote_plus`, for keys listed with `encoding-type=url`.
pub fn unquote_plus(s: &str) -> String {
    super::xml::percent_decode(&s.replace('+', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        assert!(dns_compatible("my-bucket"));
        assert!(!dns_compatible("static.niche-museums.com"));
        assert!(!dns_compatible("My_Bucket"));
        assert!(!dns_compatible("ab"));
        assert!(!dns_compatible("-bucket"));
    }

    #[test]
    fn keys_are_encoded_once_with_slashes_kept() {
        assert_eq!(key_path("a b/c+d/ü&?#"), "a%20b/c%2Bd/%C3%BC%26%3F%23");
    }

    #[test]
    fn listed_keys_are_decoded_like_botocore() {
        assert_eq!(unquote_plus("a+b%2Bc%0D"), "a b+c\r");
    }

    #[test]
    fn head_404s_get_names() {
        let e = AwsError {
            code: "404".into(),
            message: "Not Found".into(),
            status: 404,
            operation: "HeadObject".into(),
            ..AwsError::default()
        };
        assert_eq!(refine(e.clone(), "HEAD", Some("k")).code, "NoSuchKey");
        assert_eq!(refine(e, "HEAD", None).code, "NoSuchBucket");
    }
}
