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
use crate::aws::http::{Body, Request, Streaming};
use crate::aws::md5;
use crate::aws::sigv4::UNSIGNED_PAYLOAD;
use crate::aws::xml::{self, Field, Kind, to_json};
use crate::error::Error;

/// botocore's Error shape of a DeleteObjects result, in its member order.
const DELETE_ERROR: &[Field] = &[
    Field("Key", Kind::Str),
    Field("VersionId", Kind::Str),
    Field("Code", Kind::Str),
    Field("Message", Kind::Str),
];

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
pub fn crc32_base64(crc: u32) -> String {
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
pub const CHECKSUM_HEADERS: &[&str] = &["crc32", "crc64nvme", "sha256", "crc32c", "sha1"];

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

/// One uploaded part, as CompleteMultipartUpload lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedPart {
    pub number: u32,
    pub etag: String,
    pub crc32: u32,
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

    /// Add a payload to a request: body, checksum header and the payload hash to sign.
    fn with_payload(&self, req: Request, payload: &Payload) -> Request {
        let crc32 = self.ctx.checksums.request_crc32;
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
    pub fn put_object(
        &self,
        bucket: &str,
        key: &str,
        payload: &Payload,
        content_type: Option<&str>,
    ) -> Result<(), Error> {
        self.call("PUT", Some(bucket), Some(key), "PutObject", |r| {
            let mut r = self.with_payload(r, payload);
            if let Some(ct) = content_type {
                r = r.header("content-type", ct);
            }
            r
        })?;
        Ok(())
    }

    /// HeadObject, asking for the object's checksum when it has one.
    pub fn head_object(&self, bucket: &str, key: &str) -> Result<ObjectInfo, Error> {
        let validate = self.validates_responses();
        let result = self.call("HEAD", Some(bucket), Some(key), "HeadObject", |r| {
            if validate {
                r.header("x-amz-checksum-mode", "ENABLED")
            } else {
                r
            }
        });
        let resp = match result {
            // A HEAD 404 has no body to say whether the key or the bucket is missing
            // (botocore prints "(404) Not Found"); one HeadBucket tells them apart.
            Err(Error::Aws(mut e)) if e.code == "NoSuchKey" => {
                if let Ok(false) = self.head_bucket(bucket) {
                    e.code = "NoSuchBucket".into();
                    e.message = "The specified bucket does not exist".into();
                }
                return Err(Error::Aws(e));
            }
            other => other?,
        };
        let mut info = ObjectInfo::from_headers(|name| resp.header(name).map(str::to_string));
        if !validate {
            info.checksum = None;
        }
        Ok(info)
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
        let validate = self.validates_responses();
        self.call_streaming("GET", Some(bucket), Some(key), "GetObject", |mut r| {
            match range {
                Some((first, last)) => r = r.header("range", format!("bytes={first}-{last}")),
                // Ranged responses carry no whole-object checksum; whole ones can.
                None if validate => r = r.header("x-amz-checksum-mode", "ENABLED"),
                None => {}
            }
            if let Some(etag) = if_match {
                r = r.header("if-match", etag);
            }
            r
        })
    }

    /// DeleteObjects for up to 1,000 keys (quiet mode: only failures are listed).
    /// Returns the per-key errors in botocore's shape (Key, VersionId, Code, Message).
    pub fn delete_objects(&self, bucket: &str, keys: &[String]) -> Result<Vec<Value>, Error> {
        let mut doc = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"{}\">",
            xml::S3_XMLNS
        );
        for key in keys {
            doc.push_str("<Object><Key>");
            doc.push_str(&xml::escape(key));
            doc.push_str("</Key></Object>");
        }
        doc.push_str("<Quiet>true</Quiet></Delete>");
        let body = doc.into_bytes();
        // S3 refuses DeleteObjects without an integrity header.
        let content_md5 = md5::content_md5(&body);
        let resp = self.call("POST", Some(bucket), None, "DeleteObjects", |r| {
            r.query("delete", "")
                .header("content-type", "application/xml")
                .header("content-md5", content_md5.clone())
                .body(body.clone())
        })?;
        let root = resp.xml("DeleteObjects")?;
        Ok(root
            .children("Error")
            .map(|e| to_json(e, DELETE_ERROR))
            .collect())
    }

    /// CreateMultipartUpload, with CRC32 part checksums unless they are off; returns the
    /// upload id.
    pub fn create_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        content_type: Option<&str>,
    ) -> Result<String, Error> {
        let crc32 = self.ctx.checksums.request_crc32;
        let resp = self.call(
            "POST",
            Some(bucket),
            Some(key),
            "CreateMultipartUpload",
            |mut r| {
                // An empty body, sent with Content-Length: 0 (some servers require it).
                r = r.query("uploads", "").body(Vec::new());
                if crc32 {
                    r = r.header("x-amz-checksum-algorithm", "CRC32");
                }
                if let Some(ct) = content_type {
                    r = r.header("content-type", ct);
                }
                r
            },
        )?;
        let root = resp.xml("CreateMultipartUpload")?;
        match root.text_of("UploadId").filter(|id| !id.is_empty()) {
            Some(id) => Ok(id.to_string()),
            None => Err(Error::transport(
                "The CreateMultipartUpload response has no UploadId",
            )),
        }
    }

    /// UploadPart; returns what CompleteMultipartUpload needs.
    pub fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        number: u32,
        payload: &Payload,
    ) -> Result<CompletedPart, Error> {
        let resp = self.call("PUT", Some(bucket), Some(key), "UploadPart", |r| {
            let r = r
                .query("partNumber", number.to_string())
                .query("uploadId", upload_id);
            self.with_payload(r, payload)
        })?;
        let etag = resp.header("etag").unwrap_or_default().to_string();
        Ok(CompletedPart {
            number,
            etag,
            crc32: payload.crc32,
        })
    }

    /// CompleteMultipartUpload. S3 can answer 200 and still fail, with an `<Error>`
    /// document as the body; that is an error here.
    pub fn complete_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: &[CompletedPart],
    ) -> Result<(), Error> {
        let mut doc = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload xmlns=\"{}\">",
            xml::S3_XMLNS
        );
        for part in parts {
            // Parts uploaded without a checksum are listed without one.
            let checksum = if self.ctx.checksums.request_crc32 {
                format!(
                    "<ChecksumCRC32>{}</ChecksumCRC32>",
                    crc32_base64(part.crc32)
                )
            } else {
                String::new()
            };
            doc.push_str(&format!(
                "<Part><PartNumber>{}</PartNumber><ETag>{}</ETag>{checksum}</Part>",
                part.number,
                xml::escape(&part.etag),
            ));
        }
        doc.push_str("</CompleteMultipartUpload>");
        let body = doc.into_bytes();
        let operation = "CompleteMultipartUpload";
        let resp = self.call("POST", Some(bucket), Some(key), operation, |r| {
            r.query("uploadId", upload_id)
                .header("content-type", "application/xml")
                .body(body.clone())
        })?;
        let root = resp.xml(operation)?;
        if root.name == "Error" {
            let mut err = crate::aws::http::parse_error_body(resp.status, &resp.body, operation);
            if err.code == resp.status.to_string() {
                err.code = "InternalError".into();
            }
            return Err(Error::Aws(err));
        }
        Ok(())
    }

    /// AbortMultipartUpload, so a failed upload's parts stop costing storage.
    pub fn abort_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> Result<(), Error> {
        self.call(
            "DELETE",
            Some(bucket),
            Some(key),
            "AbortMultipartUpload",
            |r| r.query("uploadId", upload_id),
        )?;
        Ok(())
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
