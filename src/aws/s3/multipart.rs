//! The multipart upload calls: CreateMultipartUpload, UploadPart,
//! CompleteMultipartUpload and AbortMultipartUpload, each an operation type.

use super::S3;
use super::documents::{PartEntry, complete_xml};
use super::object::{Payload, crc32_base64, with_payload};
use crate::aws::http::{Request, Response};
use crate::aws::operation::{Operation, S3Operation};
use crate::error::Error;

/// One uploaded part, as CompleteMultipartUpload lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedPart {
    pub number: u32,
    pub etag: String,
    pub crc32: u32,
}

/// CreateMultipartUpload, with CRC32 part checksums unless they are off; gives the
/// upload id.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CreateMultipartUpload<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) key: &'a str,
    pub(crate) content_type: Option<&'a str>,
    pub(crate) crc32: bool,
}

impl Operation for CreateMultipartUpload<'_> {
    const NAME: &'static str = "CreateMultipartUpload";
    type Output = String;
    fn parse(&self, resp: Response) -> Result<String, Error> {
        let root = resp.xml(Self::NAME)?;
        match root.text_of("UploadId").filter(|id| !id.is_empty()) {
            Some(id) => Ok(id.to_string()),
            None => Err(Error::transport(
                "The CreateMultipartUpload response has no UploadId",
            )),
        }
    }
}

impl S3Operation for CreateMultipartUpload<'_> {
    const METHOD: &'static str = "POST";
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn key(&self) -> Option<&str> {
        Some(self.key)
    }
    fn build(&self, req: Request) -> Request {
        // An empty body, sent with Content-Length: 0 (some servers require it).
        let mut r = req.query("uploads", "").body(Vec::new());
        if self.crc32 {
            r = r.header("x-amz-checksum-algorithm", "CRC32");
        }
        if let Some(ct) = self.content_type {
            r = r.header("content-type", ct);
        }
        r
    }
}

/// UploadPart; gives what CompleteMultipartUpload needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UploadPart<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) key: &'a str,
    pub(crate) upload_id: &'a str,
    pub(crate) number: u32,
    pub(crate) payload: &'a Payload,
    pub(crate) crc32: bool,
}

impl Operation for UploadPart<'_> {
    const NAME: &'static str = "UploadPart";
    type Output = CompletedPart;
    fn parse(&self, resp: Response) -> Result<CompletedPart, Error> {
        Ok(CompletedPart {
            number: self.number,
            etag: resp.header("etag").unwrap_or_default().to_string(),
            crc32: self.payload.crc32,
        })
    }
}

impl S3Operation for UploadPart<'_> {
    const METHOD: &'static str = "PUT";
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn key(&self) -> Option<&str> {
        Some(self.key)
    }
    fn build(&self, req: Request) -> Request {
        let r = req
            .query("partNumber", self.number.to_string())
            .query("uploadId", self.upload_id);
        with_payload(r, self.payload, self.crc32)
    }
}

/// CompleteMultipartUpload. S3 can answer 200 and still fail, with an `<Error>`
/// document as the body; that is an error here.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CompleteMultipartUpload<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) key: &'a str,
    pub(crate) upload_id: &'a str,
    pub(crate) parts: &'a [CompletedPart],
    /// Parts uploaded without a checksum are listed without one.
    pub(crate) crc32: bool,
}

impl Operation for CompleteMultipartUpload<'_> {
    const NAME: &'static str = "CompleteMultipartUpload";
    type Output = ();
    fn parse(&self, resp: Response) -> Result<(), Error> {
        let root = resp.xml(Self::NAME)?;
        if root.name == "Error" {
            let mut err = crate::aws::http::parse_error_body(resp.status, &resp.body, Self::NAME);
            if err.code == resp.status.to_string() {
                err.code = "InternalError".into();
            }
            return Err(Error::Aws(err));
        }
        Ok(())
    }
}

impl S3Operation for CompleteMultipartUpload<'_> {
    const METHOD: &'static str = "POST";
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn key(&self) -> Option<&str> {
        Some(self.key)
    }
    fn build(&self, req: Request) -> Request {
        let body = complete_xml(self.parts.iter().map(|part| PartEntry {
            number: part.number,
            etag: &part.etag,
            crc32: self.crc32.then(|| crc32_base64(part.crc32)),
        }));
        req.query("uploadId", self.upload_id)
            .header("content-type", "application/xml")
            .body(body.into_bytes())
    }
}

/// AbortMultipartUpload, so a failed upload's parts stop costing storage.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AbortMultipartUpload<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) key: &'a str,
    pub(crate) upload_id: &'a str,
}

impl Operation for AbortMultipartUpload<'_> {
    const NAME: &'static str = "AbortMultipartUpload";
    type Output = ();
    fn parse(&self, _resp: Response) -> Result<(), Error> {
        Ok(())
    }
}

impl S3Operation for AbortMultipartUpload<'_> {
    const METHOD: &'static str = "DELETE";
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn key(&self) -> Option<&str> {
        Some(self.key)
    }
    fn build(&self, req: Request) -> Request {
        req.query("uploadId", self.upload_id)
    }
}

impl S3<'_> {
    /// CreateMultipartUpload, with CRC32 part checksums unless they are off; returns the
    /// upload id.
    pub fn create_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        content_type: Option<&str>,
    ) -> Result<String, Error> {
        self.send(&CreateMultipartUpload {
            bucket,
            key,
            content_type,
            crc32: self.request_crc32(),
        })
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
        self.send(&UploadPart {
            bucket,
            key,
            upload_id,
            number,
            payload,
            crc32: self.request_crc32(),
        })
    }

    /// CompleteMultipartUpload; a 200 carrying an `<Error>` document is an error.
    pub fn complete_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: &[CompletedPart],
    ) -> Result<(), Error> {
        self.send(&CompleteMultipartUpload {
            bucket,
            key,
            upload_id,
            parts,
            crc32: self.request_crc32(),
        })
    }

    /// AbortMultipartUpload, so a failed upload's parts stop costing storage.
    pub fn abort_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> Result<(), Error> {
        self.send(&AbortMultipartUpload {
            bucket,
            key,
            upload_id,
        })
    }
}
