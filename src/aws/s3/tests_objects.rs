//! Object operations built and parsed without a network (PutObject, GetObject,
//! HeadObject, DeleteObjects, multipart uploads), against the examples of the Amazon S3
//! API reference (https://docs.aws.amazon.com/AmazonS3/latest/API/API_<Operation>.html).

use super::multipart::{
    AbortMultipartUpload, CompleteMultipartUpload, CompletedPart, CreateMultipartUpload, UploadPart,
};
use super::object::{self, DeleteObjects, GetObject, HeadObject, Payload, PutObject};
use super::tests_ops::{NS, body, header, ok, request, response};
use crate::aws::http::Body;
use crate::aws::operation::Operation;
use crate::output::dumps;

fn payload(bytes: &[u8]) -> Payload {
    Payload {
        body: Body::Bytes(bytes.to_vec()),
        crc32: crc32fast::hash(bytes),
        sha256: Some(crate::aws::sigv4::sha256_hex(bytes)),
    }
}

#[test]
fn object_requests() {
    let p = payload(b"abc");
    let req = request(&PutObject {
        bucket: "b",
        key: "a b/c",
        payload: &p,
        content_type: Some("text/plain"),
        crc32: true,
    });
    assert_eq!(
        (req.method, req.url()),
        ("PUT", "http://127.0.0.1:9000/b/a%20b/c".into())
    );
    assert_eq!(header(&req, "content-type"), Some("text/plain"));
    assert_eq!(header(&req, "x-amz-checksum-crc32"), Some("NSRBwg=="));
    // Plain HTTP: the payload's SHA-256 is signed.
    assert_eq!(req.payload_hash, p.sha256);

    let req = request(&GetObject {
        bucket: "b",
        key: "k",
        range: Some((0, 99)),
        if_match: Some("\"e\""),
        validate: true,
    });
    assert_eq!(header(&req, "range"), Some("bytes=0-99"));
    assert_eq!(header(&req, "if-match"), Some("\"e\""));
    // A range has no whole-object checksum to ask for.
    assert_eq!(header(&req, "x-amz-checksum-mode"), None);

    let head = HeadObject {
        bucket: "b",
        key: "k",
        validate: true,
    };
    let req = request(&head);
    assert_eq!(
        (req.method, header(&req, "x-amz-checksum-mode")),
        ("HEAD", Some("ENABLED"))
    );
    let info = head
        .parse(response(
            200,
            &[
                ("content-length", "3"),
                ("etag", "\"e\""),
                ("x-amz-checksum-crc32", "NSRBwg=="),
            ],
            "",
        ))
        .unwrap();
    assert_eq!(info.size, 3);
    assert_eq!(info.checksum, Some(("crc32".into(), "NSRBwg==".into())));
}

/// API_DeleteObjects.html, "Example 1: Multi-object delete resulting in mixed success/error
/// response".
#[test]
fn delete_objects_request_and_errors() {
    let keys = ["sample1.txt".to_string(), "a&b".to_string()];
    let op = DeleteObjects {
        bucket: "b",
        keys: &keys,
    };
    let req = request(&op);
    assert_eq!(
        (req.method, req.url()),
        ("POST", "http://127.0.0.1:9000/b?delete=".into())
    );
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete {NS}><Object><Key>sample1.txt</Key>\
         </Object><Object><Key>a&amp;b</Key></Object><Quiet>true</Quiet></Delete>"
    );
    assert_eq!(body(&req), doc);
    assert_eq!(
        header(&req, "content-md5"),
        Some(crate::aws::md5::content_md5(doc.as_bytes()).as_str())
    );
    let answer = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult {NS}>\
         <Deleted><Key>sample1.txt</Key></Deleted>\
         <Error><Key>sample2.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>\
         </DeleteResult>"
    );
    let errors = op.parse(ok(&answer)).unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        dumps(&crate::aws::shape::to_value(&errors[0]), None),
        r#"{"Key": "sample2.txt", "Code": "AccessDenied", "Message": "Access Denied"}"#
    );
}

/// API_CreateMultipartUpload.html and API_CompleteMultipartUpload.html examples.
#[test]
fn multipart_requests_and_answers() {
    let create = CreateMultipartUpload {
        bucket: "example-bucket",
        key: "example-object",
        content_type: None,
        crc32: true,
    };
    let req = request(&create);
    assert_eq!(
        (req.method, req.url()),
        (
            "POST",
            "http://127.0.0.1:9000/example-bucket/example-object?uploads=".into()
        )
    );
    assert_eq!(header(&req, "x-amz-checksum-algorithm"), Some("CRC32"));
    assert!(
        matches!(&req.body, Body::Bytes(b) if b.is_empty()),
        "an empty body, Content-Length 0"
    );
    let answer = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult {NS}>\
         <Bucket>example-bucket</Bucket><Key>example-object</Key>\
         <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>\
         </InitiateMultipartUploadResult>"
    );
    assert_eq!(
        create.parse(ok(&answer)).unwrap(),
        "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA"
    );
    assert!(
        create
            .parse(ok("<InitiateMultipartUploadResult/>"))
            .is_err()
    );

    let p = payload(b"part");
    let part = UploadPart {
        bucket: "b",
        key: "k",
        upload_id: "u/1",
        number: 2,
        payload: &p,
        crc32: false,
    };
    let req = request(&part);
    assert_eq!(
        req.url(),
        "http://127.0.0.1:9000/b/k?partNumber=2&uploadId=u%2F1"
    );
    assert_eq!(header(&req, "x-amz-checksum-crc32"), None);
    let done = part
        .parse(response(
            200,
            &[("etag", "\"7778aef83f66abc1fa1e8477f296d394\"")],
            "",
        ))
        .unwrap();
    assert_eq!(
        done,
        CompletedPart {
            number: 2,
            etag: "\"7778aef83f66abc1fa1e8477f296d394\"".into(),
            crc32: p.crc32
        }
    );

    let parts = [done];
    let complete = CompleteMultipartUpload {
        bucket: "b",
        key: "k",
        upload_id: "u",
        parts: &parts,
        crc32: true,
    };
    let req = request(&complete);
    assert_eq!(header(&req, "content-type"), Some("application/xml"));
    assert_eq!(
        body(&req),
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload {NS}><Part>\
             <PartNumber>2</PartNumber><ETag>&quot;7778aef83f66abc1fa1e8477f296d394&quot;</ETag>\
             <ChecksumCRC32>{}</ChecksumCRC32></Part></CompleteMultipartUpload>",
            object::crc32_base64(p.crc32)
        )
    );
    // "Example 3": a 200 whose body is an error document is an error.
    let failed = complete
        .parse(ok(
            "<Error><Code>InternalError</Code><Message>We encountered an internal \
                   error. Please try again.</Message></Error>",
        ))
        .unwrap_err();
    assert_eq!(failed.code(), Some("InternalError"));
    assert!(
        complete
            .parse(ok(&format!("<CompleteMultipartUploadResult {NS}/>")))
            .is_ok()
    );

    let req = request(&AbortMultipartUpload {
        bucket: "b",
        key: "k",
        upload_id: "u",
    });
    assert_eq!(
        (req.method, req.url()),
        ("DELETE", "http://127.0.0.1:9000/b/k?uploadId=u".into())
    );
}
