//! Object operations on top of the S3 core: PutObject, GetObject (streamed, ranged),
//! HeadObject, DeleteObjects and the multipart upload calls. Each upload carries a
//! checksum the server verifies (`x-amz-checksum-crc32`); over plain HTTP the payload's
//! SHA-256 is signed as well, over HTTPS the payload is sent `UNSIGNED-PAYLOAD` and the
//! checksum alone vouches for it (DESIGN.md §4). With `request_checksum_calculation =
//! when_required` there is no checksum header, so the SHA-256 is signed over HTTPS too;
//! with `response_checksum_validation = when_required` downloads neither ask for nor
//! check the object's checksum (config/checksums.rs).

use serde_json::Value;

use super::S3;
use super::documents::delete_xml;
pub(crate) use super::multipart::CompletedPart;
use crate::aws::http::{Body, Request, Response, Streaming};
use crate::aws::md5;
use crate::aws::operation::{Operation, S3Operation};
use crate::aws::shape::{read, shape, to_value};
use crate::aws::sigv4::UNSIGNED_PAYLOAD;
use crate::error::Error;

shape! {
    /// botocore's Error shape of a DeleteObjects result: one key that was not deleted.
    pub(crate) struct DeleteError {
        key: Option<String> = "Key" <- member("Key"),
        version_id: Option<String> = "VersionId" <- member("VersionId"),
        code: Option<String> = "Code" <- member("Code"),
        message: Option<String> = "Message" <- member("Message"),
    }
}

/// A request body with what vouches for it.
#[derive(Debug, Clone)]
pub struct Payload {
    pub body: Body,
    /// CRC32 of the body; sent as `x-amz-checksum-crc32` (base64 of the big-endian value).
    pub crc32: u32,
    /// Hex SHA-256 of the body: signed over plain HTTP, where there is no TLS to protect
    /// the payload. May be None over HTTPS (see [`S3::signs_payloads`]).
    pub sha256: Option<String>,
}

/// The base64 form of a CRC32 that S3 uses in headers and XML.
pub(crate) fn crc32_base64(crc: u32) -> String {
    md5::base64(&crc.to_be_bytes())
}

/// What HeadObject (or a GetObject response) says about an object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectInfo {
    pub size: u64,
    pub etag: Option<String>,
    /// (algorithm header suffix, value), e.g. ("crc32", "AAAAAA=="), when the server
    /// returned a checksum of the whole object.
    pub checksum: Option<(String, String)>,
}

/// The checksum headers S3 may return, in the order we prefer to check them.
pub(crate) const CHECKSUM_HEADERS: &[&str] = &["crc32", "crc64nvme", "sha256", "crc32c", "sha1"];

impl ObjectInfo {
    fn from_headers(header: impl Fn(&str) -> Option<String>) -> ObjectInfo {
        // The checksum of a multipart object is a checksum of its parts' checksums
        // ("...-3", type COMPOSITE) unless the server says FULL_OBJECT; moto leaves out
        // both the suffix and the type, so an ETag of a multipart upload ("...-3")
        // without FULL_OBJECT counts as composite too. Only whole-object checksums
        // can be checked against the bytes.
        let etag = header("etag");
        let kind = header("x-amz-checksum-type");
        let multipart = etag
            .as_deref()
            .is_some_and(|e| e.trim_matches('"').contains('-'));
        let composite = kind.as_deref() == Some("COMPOSITE")
            || (multipart && kind.as_deref() != Some("FULL_OBJECT"));
        let checksum = CHECKSUM_HEADERS.iter().find_map(|alg| {
            let value = header(&format!("x-amz-checksum-{alg}"))?;
            (!composite && !value.contains('-')).then(|| (alg.to_string(), value))
        });
        ObjectInfo {
            size: header("content-length")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0),
            etag,
            checksum,
        }
    }

    /// From the headers of a streaming GET response.
    pub fn from_streaming(resp: &Streaming) -> ObjectInfo {
        ObjectInfo::from_headers(|name| resp.header(name).map(str::to_string))
    }
}

/// Add a payload to a request: body, checksum header and the payload hash to sign.
/// `crc32`: whether uploads carry a CRC32 (`request_checksum_calculation`).
pub(crate) fn with_payload(req: Request, payload: &Payload, crc32: bool) -> Request {
    let unsigned = req.base.starts_with("https://") && crc32;
    // The algorithm header too, as botocore sends it: S3 (and moto) record the
    // object's ChecksumAlgorithm from it, which listings then show.
    let mut req = if crc32 {
        req.header("x-amz-sdk-checksum-algorithm", "CRC32")
            .header("x-amz-checksum-crc32", crc32_base64(payload.crc32))
    } else {
        req
    };
    req.payload_hash = match (&payload.sha256, unsigned) {
        (_, true) => Some(UNSIGNED_PAYLOAD.to_string()),
        (Some(hash), false) => Some(hash.clone()),
        // Bytes bodies are hashed by the transport; files must come with a hash.
        (None, false) => None,
    };
    req.body = payload.body.clone();
    req
}

/// PutObject of a whole body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PutObject<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) key: &'a str,
    pub(crate) payload: &'a Payload,
    pub(crate) content_type: Option<&'a str>,
    pub(crate) crc32: bool,
}

impl Operation for PutObject<'_> {
    const NAME: &'static str = "PutObject";
    type Output = ();
    fn parse(&self, _resp: Response) -> Result<(), Error> {
        Ok(())
    }
}

impl S3Operation for PutObject<'_> {
    const METHOD: &'static str = "PUT";
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn key(&self) -> Option<&str> {
        Some(self.key)
    }
    fn build(&self, req: Request) -> Request {
        let mut r = with_payload(req, self.payload, self.crc32);
        if let Some(ct) = self.content_type {
            r = r.header("content-type", ct);
        }
        r
    }
}

/// HeadObject, asking for the object's checksum when downloads check it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeadObject<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) key: &'a str,
    pub(crate) validate: bool,
}

impl Operation for HeadObject<'_> {
    const NAME: &'static str = "HeadObject";
    type Output = ObjectInfo;
    fn parse(&self, resp: Response) -> Result<ObjectInfo, Error> {
        let mut info = ObjectInfo::from_headers(|name| resp.header(name).map(str::to_string));
        if !self.validate {
            info.checksum = None;
        }
        Ok(info)
    }
}

impl S3Operation for HeadObject<'_> {
    const METHOD: &'static str = "HEAD";
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn key(&self) -> Option<&str> {
        Some(self.key)
    }
    fn build(&self, req: Request) -> Request {
        if self.validate {
            req.header("x-amz-checksum-mode", "ENABLED")
        } else {
            req
        }
    }
}

/// GetObject. `range` is inclusive (`bytes=first-last`); `if_match` makes the server
/// refuse (412) if the object changed meanwhile. Downloads stream its body
/// ([`S3::send_streaming`]); read whole, its output is the response.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GetObject<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) key: &'a str,
    pub(crate) range: Option<(u64, u64)>,
    pub(crate) if_match: Option<&'a str>,
    pub(crate) validate: bool,
}

impl Operation for GetObject<'_> {
    const NAME: &'static str = "GetObject";
    type Output = Response;
    fn parse(&self, resp: Response) -> Result<Response, Error> {
        Ok(resp)
    }
}

impl S3Operation for GetObject<'_> {
    const METHOD: &'static str = "GET";
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn key(&self) -> Option<&str> {
        Some(self.key)
    }
    fn build(&self, mut r: Request) -> Request {
        match self.range {
            Some((first, last)) => r = r.header("range", format!("bytes={first}-{last}")),
            // Ranged responses carry no whole-object checksum; whole ones can.
            None if self.validate => r = r.header("x-amz-checksum-mode", "ENABLED"),
            None => {}
        }
        if let Some(etag) = self.if_match {
            r = r.header("if-match", etag);
        }
        r
    }
}

/// One object a DeleteObjects request names (botocore's ObjectIdentifier): a key, and
/// the version of it to delete when one is named. A plain key names the current object
/// (on a versioned bucket, S3 then adds a delete marker instead of deleting).
pub(crate) trait ObjectIdentifier {
    fn key(&self) -> &str;
    fn version_id(&self) -> Option<&str>;
}

impl ObjectIdentifier for String {
    fn key(&self) -> &str {
        self
    }
    fn version_id(&self) -> Option<&str> {
        None
    }
}

/// A key and, when named, one version of it (`null` names the version written while
/// the bucket was unversioned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ObjectVersion {
    pub(crate) key: String,
    pub(crate) version_id: Option<String>,
}

impl ObjectIdentifier for ObjectVersion {
    fn key(&self) -> &str {
        &self.key
    }
    fn version_id(&self) -> Option<&str> {
        self.version_id.as_deref()
    }
}

/// DeleteObjects for up to 1,000 keys (or versions), quiet: the answer lists only
/// failures.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DeleteObjects<'a, T> {
    pub(crate) bucket: &'a str,
    pub(crate) keys: &'a [T],
}

impl<T: ObjectIdentifier> Operation for DeleteObjects<'_, T> {
    const NAME: &'static str = "DeleteObjects";
    type Output = Vec<DeleteError>;
    fn parse(&self, resp: Response) -> Result<Vec<DeleteError>, Error> {
        let root = resp.xml(Self::NAME)?;
        Ok(read::flat(&root, "Error").unwrap_or_default())
    }
}

impl<T: ObjectIdentifier> S3Operation for DeleteObjects<'_, T> {
    const METHOD: &'static str = "POST";
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn build(&self, req: Request) -> Request {
        let body = delete_xml(self.keys).into_bytes();
        // S3 refuses DeleteObjects without an integrity header.
        req.query("delete", "")
            .header("content-type", "application/xml")
            .header("content-md5", md5::content_md5(&body))
            .body(body)
    }
}

impl S3<'_> {
    /// True when the payload's SHA-256 must be signed: over plain HTTP, and whenever
    /// no checksum header vouches for the body.
    pub fn signs_payloads(&self) -> bool {
        !self.ctx.s3_endpoint.url.starts_with("https://") || !self.ctx.checksums.request_crc32
    }

    /// Whether downloads ask for the object's checksum and check it.
    pub fn validates_responses(&self) -> bool {
        self.ctx.checksums.validate_responses
    }

    /// What a GET response says about its object; without validation, no checksum.
    pub fn object_info(&self, resp: &Streaming) -> ObjectInfo {
        let mut info = ObjectInfo::from_streaming(resp);
        if !self.validates_responses() {
            info.checksum = None;
        }
        info
    }

    /// Whether uploads carry a CRC32.
    pub(crate) fn request_crc32(&self) -> bool {
        self.ctx.checksums.request_crc32
    }

    #[cfg(test)]
    fn with_payload(&self, req: Request, payload: &Payload) -> Request {
        with_payload(req, payload, self.request_crc32())
    }

    /// PutObject of a whole body.
    pub fn put_object(
        &self,
        bucket: &str,
        key: &str,
        payload: &Payload,
        content_type: Option<&str>,
    ) -> Result<(), Error> {
        self.send(&PutObject {
            bucket,
            key,
            payload,
            content_type,
            crc32: self.request_crc32(),
        })
    }

    /// HeadObject, asking for the object's checksum when it has one.
    pub fn head_object(&self, bucket: &str, key: &str) -> Result<ObjectInfo, Error> {
        let validate = self.validates_responses();
        match self.send(&HeadObject {
            bucket,
            key,
            validate,
        }) {
            // A HEAD 404 has no body to say whether the key or the bucket is missing
            // (botocore prints "(404) Not Found"); one HeadBucket tells them apart.
            Err(Error::Aws(mut e)) if e.code == "NoSuchKey" => {
                if let Ok(false) = self.head_bucket(bucket) {
                    e.code = "NoSuchBucket".into();
                    e.message = "The specified bucket does not exist".into();
                }
                Err(Error::Aws(e))
            }
            other => other,
        }
    }

    /// GetObject with the body left to stream. `range` is inclusive (`bytes=first-last`);
    /// `if_match` makes the server refuse (412) if the object changed meanwhile.
    pub fn get_object(
        &self,
        bucket: &str,
        key: &str,
        range: Option<(u64, u64)>,
        if_match: Option<&str>,
    ) -> Result<Streaming, Error> {
        self.send_streaming(&GetObject {
            bucket,
            key,
            range,
            if_match,
            validate: self.validates_responses(),
        })
    }

    /// DeleteObjects for up to 1,000 keys or versions (quiet mode: only failures are
    /// listed). Returns the per-key errors in botocore's shape (Key, VersionId, Code,
    /// Message).
    pub(crate) fn delete_objects<T: ObjectIdentifier>(
        &self,
        bucket: &str,
        keys: &[T],
    ) -> Result<Vec<Value>, Error> {
        let errors = self.send(&DeleteObjects { bucket, keys })?;
        Ok(errors.iter().map(to_value).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A context for an HTTPS endpoint, with these extra variables.
    fn https_context(extra: &[(&str, &str)]) -> crate::aws::Context {
        let mut pairs = vec![
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_CONFIG_FILE", "/nonexistent/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
            ("AWS_ENDPOINT_URL", "https://s3.example.com"),
        ];
        pairs.extend_from_slice(extra);
        let env = crate::aws::config::MapEnv::from_pairs(&pairs);
        crate::aws::Context::with_env(&Default::default(), &env).unwrap()
    }

    #[test]
    fn unsigned_payload_only_over_https_with_a_checksum_header() {
        let payload = Payload {
            body: Body::Bytes(b"abc".to_vec()),
            crc32: crc32fast::hash(b"abc"),
            sha256: Some(crate::aws::sigv4::sha256_hex(b"abc")),
        };
        let header = |r: &Request, name: &str| {
            r.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let ctx = https_context(&[]);
        let s3 = ctx.s3();
        assert!(!s3.signs_payloads());
        let req = s3.with_payload(
            Request::new("PUT", "https://s3.example.com", "/b/k"),
            &payload,
        );
        assert_eq!(req.payload_hash.as_deref(), Some(UNSIGNED_PAYLOAD));
        assert_eq!(
            header(&req, "x-amz-checksum-crc32"),
            Some(crc32_base64(payload.crc32))
        );

        // No checksum header: the SHA-256 is what vouches for the body, so it is signed.
        let ctx = https_context(&[("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")]);
        let s3 = ctx.s3();
        assert!(s3.signs_payloads());
        let req = s3.with_payload(
            Request::new("PUT", "https://s3.example.com", "/b/k"),
            &payload,
        );
        assert_eq!(req.payload_hash, payload.sha256);
        assert_eq!(header(&req, "x-amz-checksum-crc32"), None);
        assert_eq!(header(&req, "x-amz-sdk-checksum-algorithm"), None);
    }

    #[test]
    fn crc32_header_values() {
        // botocore sends base64 of the big-endian CRC; the CRC of nothing is 0.
        assert_eq!(crc32_base64(crc32fast::hash(b"")), "AAAAAA==");
        assert_eq!(crc32_base64(0x1234_5678), "EjRWeA==");
    }

    #[test]
    fn composite_checksums_are_not_checked() {
        let headers = [
            ("content-length", "5"),
            ("etag", "\"abc-2\""),
            ("x-amz-checksum-crc32", "AAAAAA=="),
        ];
        let info = ObjectInfo::from_headers(|n| {
            headers
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        });
        assert_eq!(info.size, 5);
        assert_eq!(info.checksum, None);
        let whole = [("x-amz-checksum-crc32", "EjRWeA==")];
        let info = ObjectInfo::from_headers(|n| {
            whole
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        });
        assert_eq!(info.checksum, Some(("crc32".into(), "EjRWeA==".into())));
    }

    fn info(headers: &[(&str, &str)]) -> ObjectInfo {
        ObjectInfo::from_headers(|n| {
            headers
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn full_object_checksums_of_multipart_objects_are_checked() {
        let full = info(&[
            ("etag", "\"abc-2\""),
            ("x-amz-checksum-crc64nvme", "AAAAAAAAAAA="),
            ("x-amz-checksum-type", "FULL_OBJECT"),
        ]);
        assert_eq!(
            full.checksum,
            Some(("crc64nvme".into(), "AAAAAAAAAAA=".into()))
        );
        let suffixed = info(&[("x-amz-checksum-crc32", "AAAAAA==-3")]);
        assert_eq!(suffixed.checksum, None);
    }

    #[test]
    fn payloads_are_signed_over_http_and_unsigned_over_https() {
        let payload = Payload {
            body: Body::Bytes(b"x".to_vec()),
            crc32: crc32fast::hash(b"x"),
            sha256: Some("ab".repeat(32)),
        };
        let ctx = https_context(&[]);
        let s3 = ctx.s3();
        let http = s3.with_payload(
            Request::new("PUT", "http://127.0.0.1:9000", "/b/k"),
            &payload,
        );
        assert_eq!(http.payload_hash.as_deref(), Some("ab".repeat(32).as_str()));
        let https = s3.with_payload(
            Request::new("PUT", "https://s3.amazonaws.com", "/b/k"),
            &payload,
        );
        assert_eq!(https.payload_hash.as_deref(), Some(UNSIGNED_PAYLOAD));
        let crc = https
            .headers
            .iter()
            .find(|(k, _)| k == "x-amz-checksum-crc32")
            .map(|(_, v)| v.as_str());
        assert_eq!(crc, Some(crc32_base64(crc32fast::hash(b"x")).as_str()));
    }
}
