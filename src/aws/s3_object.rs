//! Object operations on top of the S3 core: PutObject, GetObject (streamed, ranged),
//! HeadObject, DeleteObjects and the multipart upload calls. Each upload carries a
//! checksum the server verifies (`x-amz-checksum-crc32`); over plain HTTP the payload's
//! SHA-256 is signed as well, over HTTPS the payload is sent `UNSIGNED-PAYLOAD` and the
//! checksum alone vouches for it (DESIGN.md §4).

use serde_json::Value;

use super::http::{Body, Request, Streaming};
use super::md5;
use super::s3::S3;
use super::sigv4::UNSIGNED_PAYLOAD;
use super::xml::{self, Field, Kind, to_json};
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
    /// True when requests go over plain HTTP, where the payload's SHA-256 must be signed.
    pub fn signs_payloads(&self) -> bool {
        !self.ctx.s3_endpoint.url.starts_with("https://")
    }

    /// Add a payload to a request: body, checksum header and the payload hash to sign.
    fn with_payload(req: Request, payload: &Payload) -> Request {
        let https = req.base.starts_with("https://");
        // The algorithm header too, as botocore sends it: S3 (and moto) record the
        // object's ChecksumAlgorithm from it, which listings then show.
        let mut req = req
            .header("x-amz-sdk-checksum-algorithm", "CRC32")
            .header("x-amz-checksum-crc32", crc32_base64(payload.crc32));
        req.payload_hash = match (&payload.sha256, https) {
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
            let mut r = Self::with_payload(r, payload);
            if let Some(ct) = content_type {
                r = r.header("content-type", ct);
            }
            r
        })?;
        Ok(())
    }

    /// HeadObject, asking for the object's checksum when it has one.
    pub fn head_object(&self, bucket: &str, key: &str) -> Result<ObjectInfo, Error> {
        let result = self.call("HEAD", Some(bucket), Some(key), "HeadObject", |r| {
            r.header("x-amz-checksum-mode", "ENABLED")
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
        Ok(ObjectInfo::from_headers(|name| {
            resp.header(name).map(str::to_string)
        }))
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
        self.call_streaming("GET", Some(bucket), Some(key), "GetObject", |mut r| {
            match range {
                Some((first, last)) => r = r.header("range", format!("bytes={first}-{last}")),
                // Ranged responses carry no whole-object checksum; whole ones can.
                None => r = r.header("x-amz-checksum-mode", "ENABLED"),
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
        let mut doc = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
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

    /// CreateMultipartUpload with CRC32 part checksums; returns the upload id.
    pub fn create_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        content_type: Option<&str>,
    ) -> Result<String, Error> {
        let resp = self.call(
            "POST",
            Some(bucket),
            Some(key),
            "CreateMultipartUpload",
            |mut r| {
                // An empty body, sent with Content-Length: 0 (some servers require it).
                r = r
                    .query("uploads", "")
                    .header("x-amz-checksum-algorithm", "CRC32")
                    .body(Vec::new());
                if let Some(ct) = content_type {
                    r = r.header("content-type", ct);
                }
                r
            },
        )?;
        let root = resp.xml("CreateMultipartUpload")?;
        match root.text_of("UploadId").filter(|id| !id.is_empty()) {
            Some(id) => Ok(id.to_string()),
            None => Err(Error::Transport(
                "The CreateMultipartUpload response has no UploadId".into(),
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
            Self::with_payload(r, payload)
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
        let mut doc = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
        );
        for part in parts {
            doc.push_str(&format!(
                "<Part><PartNumber>{}</PartNumber><ETag>{}</ETag><ChecksumCRC32>{}</ChecksumCRC32></Part>",
                part.number,
                xml::escape(&part.etag),
                crc32_base64(part.crc32)
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
            let mut err = super::http::parse_error_body(resp.status, &resp.body, operation);
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
        let http = S3::with_payload(
            Request::new("PUT", "http://127.0.0.1:9000", "/b/k"),
            &payload,
        );
        assert_eq!(http.payload_hash.as_deref(), Some("ab".repeat(32).as_str()));
        let https = S3::with_payload(
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
