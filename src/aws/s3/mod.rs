//! The S3 REST client core: addressing, signing, bucket-region discovery. Each S3
//! operation is a value of its own type ([`S3Operation`]): it says what it sends and
//! how its answer is read; [`S3::send`] only addresses, signs, sends and follows a
//! region redirect. Listings (list.rs), bucket configuration (bucket.rs), what `create`
//! sets up (create.rs), objects (object.rs, multipart.rs), emptying and deleting a
//! bucket (emptying.rs), presigned URLs (presign.rs) and the bucket check (check.rs)
//! each hold their operations and the client methods that send them.

use super::http::{Http, Request, Response, SigningTarget, Streaming};
use super::operation::{Operation, S3Operation};
use super::session::Session;
use super::sigv4::{Mode, uri_encode};
use crate::error::{AwsError, Error};

pub(crate) mod bucket;
mod bucket_outputs;
pub(crate) mod check;
pub(crate) mod create;
mod documents;
pub(crate) mod emptying;
pub(crate) mod list;
mod multipart;
pub(crate) mod object;
pub(crate) mod presign;
#[cfg(test)]
mod tests_addressing;
#[cfg(test)]
mod tests_emptying;
#[cfg(test)]
mod tests_objects;
#[cfg(test)]
mod tests_ops;

pub struct S3<'a> {
    pub(crate) ctx: &'a Session,
}

/// Is this bucket name usable as a DNS label (virtual-hosted addressing)?
/// Names with dots are not: their TLS certificate would not match `*.s3.amazonaws.com`.
pub(crate) fn dns_compatible(bucket: &str) -> bool {
    (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !bucket.starts_with('-')
        && !bucket.ends_with('-')
}

/// botocore's `validate_region_name`: a region a server names goes into a host
/// name, so anything but a DNS label is refused.
fn valid_region(region: &str) -> bool {
    let b = region.as_bytes();
    (1..=63).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// The AWS S3 endpoint of a region a bucket was found to live in, other than the
/// client's. Regional even for us-east-1: botocore uses the global `s3.amazonaws.com`
/// only for a client configured for us-east-1 (`_should_force_s3_global` looks at the
/// client's region), so a redirect from elsewhere lands on `s3.us-east-1.amazonaws.com`.
fn aws_endpoint(region: &str) -> String {
    match region {
        r if r.starts_with("cn-") => format!("https://s3.{r}.amazonaws.com.cn"),
        r => format!("https://s3.{r}.amazonaws.com"),
    }
}

/// A PUT with a body S3 wants a checksum for (PutBucketPolicy, PutPublicAccessBlock,
/// PutBucketCors...): `Content-MD5`. botocore sends `x-amz-checksum-crc32`; S3 takes
/// either.
pub(crate) fn with_md5_body(req: Request, body: &[u8]) -> Request {
    req.header("content-md5", super::md5::content_md5(body))
        .body(body.to_vec())
}

/// The path of a key: each character encoded once, `/` kept.
pub(crate) fn key_path(key: &str) -> String {
    uri_encode(key, false)
}

impl<'a> S3<'a> {
    pub fn new(ctx: &'a Session) -> Self {
        S3 { ctx }
    }

    /// How many times a request is tried before its error is final: transfers size
    /// their own retries of a part by it.
    pub fn max_attempts(&self) -> u32 {
        self.ctx.max_attempts()
    }

    /// Where a bucket's learnt region is filed: per custom endpoint, or AWS.
    fn place(&self) -> &str {
        if self.ctx.s3_endpoint.custom {
            &self.ctx.s3_endpoint.url
        } else {
            ""
        }
    }

    /// The region requests for this bucket are signed for.
    pub fn region_for(&self, bucket: Option<&str>) -> String {
        bucket
            .and_then(|b| self.ctx.regions.get(self.place(), b))
            .unwrap_or_else(|| self.ctx.region.clone())
    }

    /// Record a bucket's region for the rest of the session.
    pub fn remember(&self, bucket: &str, region: &str) {
        if valid_region(region) {
            self.ctx.regions.insert(self.place(), bucket, region);
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
        self.address_styled(bucket, key, region, true)
    }

    fn address_styled(
        &self,
        bucket: Option<&str>,
        key: Option<&str>,
        region: &str,
        virtual_ok: bool,
    ) -> (String, String) {
        let key_part = key.map(key_path).unwrap_or_default();
        let endpoint = if self.ctx.s3_endpoint.custom || region == self.ctx.region {
            self.ctx.s3_endpoint.url.clone()
        } else {
            aws_endpoint(region)
        };
        match bucket {
            None => (endpoint, "/".to_string()),
            Some(b) if virtual_ok && !self.ctx.s3_endpoint.custom && dns_compatible(b) => {
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

    /// The request an operation makes in a region, before signing: addressed as its
    /// type says (path-style for some), with its query, headers and body.
    pub(crate) fn request<O: S3Operation>(&self, op: &O, region: &str) -> Request {
        self.addressed_request(&Sending::of(op), &|r| op.build(r), region)
    }

    fn addressed_request(
        &self,
        sending: &Sending<'_>,
        build: &dyn Fn(Request) -> Request,
        region: &str,
    ) -> Request {
        let (base, path) =
            self.address_styled(sending.bucket, sending.key, region, !sending.path_style);
        build(Request::new(sending.method, &base, path))
    }

    /// Send one operation and read its response.
    pub(crate) fn send<O: S3Operation>(&self, op: &O) -> Result<O::Output, Error> {
        let resp = self.with_region(&Sending::of(op), &|r| op.build(r), &|http, target, req| {
            match O::BODY_LIMIT {
                Some(limit) => http.send_limited(target, req, O::NAME, limit),
                None => http.send(target, req, O::NAME),
            }
        })?;
        op.parse(resp)
    }

    /// Send one operation with the body of a 2xx response left unread (downloads).
    pub(crate) fn send_streaming<O: S3Operation>(&self, op: &O) -> Result<Streaming, Error> {
        self.with_region(&Sending::of(op), &|r| op.build(r), &|http, target, req| {
            http.send_streaming(target, req, O::NAME)
        })
    }

    fn target<'r>(&'r self, region: &'r str) -> SigningTarget<'r> {
        SigningTarget {
            credentials: &self.ctx.credentials,
            region,
            service: "s3",
            mode: Mode::S3,
        }
    }

    /// Send, and when S3 says the bucket lives in another region, learn that
    /// region, re-address and re-sign for it, and send once more.
    /// Not generic over the operation: one copy of this loop serves them all.
    fn with_region<T>(
        &self,
        op: &Sending<'_>,
        build: &dyn Fn(Request) -> Request,
        send: &dyn Fn(&Http, SigningTarget<'_>, &Request) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut redirected = false;
        loop {
            let region = self.region_for(op.bucket);
            let req = self.addressed_request(op, build, &region);
            match send(&self.ctx.http, self.target(&region), &req) {
                Err(Error::Aws(e)) => {
                    if let Some(bucket) = op.bucket.filter(|_| !redirected) {
                        if wrong_region(&e, op) {
                            let actual = e
                                .region
                                .clone()
                                .or_else(|| self.probe_region(bucket, &region));
                            if let Some(actual) = actual.filter(|a| *a != region) {
                                if valid_region(&actual) {
                                    self.remember(bucket, &actual);
                                    redirected = true;
                                    continue;
                                }
                            }
                        }
                    }
                    return Err(Error::Aws(refine(e, op)));
                }
                other => return other,
            }
        }
    }

    /// The last resort for a redirect that did not say where to: HEAD the bucket
    /// and read `x-amz-bucket-region`, which S3 sends with success and error alike.
    fn probe_region(&self, bucket: &str, region: &str) -> Option<String> {
        let req = self.request(&HeadBucket { bucket }, region);
        match self
            .ctx
            .http
            .send(self.target(region), &req, HeadBucket::NAME)
        {
            Ok(resp) => resp.header("x-amz-bucket-region").map(str::to_string),
            Err(Error::Aws(e)) => e.region,
            Err(_) => None,
        }
    }

    /// HeadBucket. `Ok(false)` for a missing bucket; other failures are errors.
    pub fn head_bucket(&self, bucket: &str) -> Result<bool, Error> {
        match self.send(&HeadBucket { bucket }) {
            Ok(region) => {
                if let Some(region) = region {
                    self.remember(bucket, &region);
                }
                Ok(true)
            }
            Err(e) if e.aws().is_some_and(|a| a.status == 404) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// HeadBucket: does the bucket exist, and where (`x-amz-bucket-region`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeadBucket<'a> {
    pub(crate) bucket: &'a str,
}

impl Operation for HeadBucket<'_> {
    const NAME: &'static str = "HeadBucket";
    /// The region S3 says the bucket is in.
    type Output = Option<String>;
    fn parse(&self, resp: Response) -> Result<Self::Output, Error> {
        Ok(resp.header("x-amz-bucket-region").map(str::to_string))
    }
}

impl S3Operation for HeadBucket<'_> {
    const METHOD: &'static str = "HEAD";
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn build(&self, req: Request) -> Request {
        req
    }
}

/// What the redirect rules need to know of an operation being sent: its type's
/// properties, as values.
struct Sending<'o> {
    method: &'static str,
    bucket: Option<&'o str>,
    key: Option<&'o str>,
    path_style: bool,
    names_its_region: bool,
}

impl<'o> Sending<'o> {
    fn of<O: S3Operation>(op: &'o O) -> Self {
        Sending {
            method: O::METHOD,
            bucket: op.bucket(),
            key: op.key(),
            path_style: O::PATH_STYLE,
            names_its_region: O::NAMES_ITS_REGION,
        }
    }
}

/// Does this error say the request went to the wrong region? botocore's
/// `S3RegionRedirectorv2` cases: any 301/302/307, `PermanentRedirect`,
/// `AuthorizationHeaderMalformed` naming the region, a body-less 301/400 on a
/// HEAD, and `IllegalLocationConstraintException` except from an operation that names
/// its region (CreateBucket: there it means the request itself is wrong).
fn wrong_region(e: &AwsError, op: &Sending<'_>) -> bool {
    matches!(e.status, 301 | 302 | 307)
        || e.code == "PermanentRedirect"
        || (e.code == "AuthorizationHeaderMalformed" && e.region.is_some())
        || (op.method == "HEAD" && matches!(e.code.as_str(), "301" | "400"))
        || (e.code == "IllegalLocationConstraintException" && !op.names_its_region)
}

/// Give body-less HEAD errors a name: a 404 HEAD is a missing key or bucket.
fn refine(mut e: AwsError, op: &Sending<'_>) -> AwsError {
    if op.method == "HEAD" && e.code == "404" {
        if op.key.is_some() {
            e.code = "NoSuchKey".into();
            e.message = "The specified key does not exist.".into();
        } else {
            e.code = "NoSuchBucket".into();
            e.message = "The specified bucket does not exist".into();
        }
    }
    e
}
