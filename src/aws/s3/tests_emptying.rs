//! delete-bucket's operations built and parsed offline: GetBucketVersioning,
//! ListObjectVersions, ListMultipartUploads, DeleteBucket and DeleteObjects naming
//! versions, against the examples of the Amazon S3 API reference
//! (https://docs.aws.amazon.com/AmazonS3/latest/API/API_<Operation>.html); and the
//! version and upload listings run over an in-memory server, hostile ones included.

use super::bucket::GetBucketVersioning;
use super::emptying::{
    DeleteBucket, ListMultipartUploads, ListObjectVersions, ListedUpload, ListedVersion, Markers,
};
use super::object::{DeleteObjects, ObjectVersion};
use super::tests_ops::{NS, body, header, ok, request};
use super::*;
use crate::aws::http::testing::{self, CannedResponse, InMemory};

#[test]
fn get_bucket_versioning_reads_the_status_or_none() {
    let op = GetBucketVersioning { bucket: "b" };
    let req = request(&op);
    assert_eq!(
        (req.method, req.url()),
        ("GET", "http://127.0.0.1:9000/b?versioning=".into())
    );
    // API_GetBucketVersioning.html, "Sample Response".
    let enabled =
        format!("<VersioningConfiguration {NS}><Status>Enabled</Status></VersioningConfiguration>");
    assert_eq!(op.parse(ok(&enabled)).unwrap().as_deref(), Some("Enabled"));
    // "if versioning has never been enabled ... the response does not contain Status".
    let never = format!("<VersioningConfiguration {NS}/>");
    assert_eq!(op.parse(ok(&never)).unwrap(), None);
    assert_eq!(op.parse(ok("")).unwrap(), None);
    assert!(op.parse(ok("<Versioning")).is_err(), "garbage is an error");
}

#[test]
fn delete_bucket_is_a_delete_of_the_bucket() {
    let req = request(&DeleteBucket { bucket: "b" });
    assert_eq!(
        (req.method, req.url()),
        ("DELETE", "http://127.0.0.1:9000/b".into())
    );
    assert_eq!(body(&req), "");
}

#[test]
fn delete_objects_names_versions_escaped_as_keys_are() {
    let objects = [
        ObjectVersion {
            key: "a&b".into(),
            version_id: Some("3/L4kq<tg".into()),
        },
        ObjectVersion {
            key: "plain".into(),
            version_id: None,
        },
        ObjectVersion {
            key: "old".into(),
            version_id: Some("null".into()),
        },
    ];
    let req = request(&DeleteObjects {
        bucket: "b",
        keys: &objects,
    });
    // API_DeleteObjects.html, "Example 2: Deleting a versioned object".
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete {NS}>\
         <Object><Key>a&amp;b</Key><VersionId>3/L4kq&lt;tg</VersionId></Object>\
         <Object><Key>plain</Key></Object>\
         <Object><Key>old</Key><VersionId>null</VersionId></Object>\
         <Quiet>true</Quiet></Delete>"
    );
    assert_eq!(body(&req), doc);
    assert_eq!(
        header(&req, "content-md5"),
        Some(crate::aws::md5::content_md5(doc.as_bytes()).as_str())
    );
}

#[test]
fn list_object_versions_requests() {
    let first = request(&ListObjectVersions {
        bucket: "b",
        markers: None,
        max_keys: None,
    });
    assert_eq!(
        (first.method, first.url()),
        (
            "GET",
            "http://127.0.0.1:9000/b?encoding-type=url&versions=".into()
        )
    );
    let markers = Markers {
        key: "my image.jpg".into(),
        id: "3/L4kq".into(),
    };
    let next = request(&ListObjectVersions {
        bucket: "b",
        markers: Some(&markers),
        max_keys: Some(2),
    });
    assert_eq!(
        next.url(),
        "http://127.0.0.1:9000/b?encoding-type=url&key-marker=my%20image.jpg&max-keys=2\
         &version-id-marker=3%2FL4kq&versions="
    );
}

/// API_ListObjectVersions.html, "Sample Response" (versions and a delete marker
/// interleaved by key), truncated, with keys URL-encoded.
#[test]
fn versions_and_delete_markers_are_read_in_any_order() {
    let page = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListVersionsResult {NS}>\
         <Name>bucket</Name><Prefix>my</Prefix><KeyMarker/><VersionIdMarker/>\
         <MaxKeys>5</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>\
         <NextKeyMarker>my-second%2Bimage.jpg</NextKeyMarker>\
         <NextVersionIdMarker>03jpff543dhffds434rfdsFDN943fdsFkdmqnh892</NextVersionIdMarker>\
         <Version><Key>my-image.jpg</Key><VersionId>3/L4kqtJl40Nr8X8gdRQBpUMLUo</VersionId>\
         <IsLatest>true</IsLatest><LastModified>2009-10-12T17:50:30.000Z</LastModified>\
         <ETag>\"fba9dede5f27731c9771645a39863328\"</ETag><Size>434234</Size>\
         <StorageClass>STANDARD</StorageClass></Version>\
         <DeleteMarker><Key>my-second%2Bimage.jpg</Key>\
         <VersionId>03jpff543dhffds434rfdsFDN943fdsFkdmqnh892</VersionId>\
         <IsLatest>true</IsLatest><LastModified>2009-11-12T17:50:30.000Z</LastModified>\
         </DeleteMarker>\
         <Version><Key>my-second%2Bimage.jpg</Key><VersionId>QUpfdndhfd8438MNFDN93jdnJFkdmqnh893</VersionId>\
         <IsLatest>false</IsLatest><Size>166434</Size></Version>\
         <Version><Key>no-version-id</Key><IsLatest>true</IsLatest></Version>\
         <Version><VersionId>no-key</VersionId></Version>\
         </ListVersionsResult>"
    );
    let op = ListObjectVersions {
        bucket: "bucket",
        markers: None,
        max_keys: None,
    };
    let page = op.parse(ok(&page)).unwrap();
    let version = |key: &str, id: &str, latest: bool, marker: bool| ListedVersion {
        key: key.into(),
        version_id: id.into(),
        is_latest: latest,
        delete_marker: marker,
    };
    assert_eq!(
        page.items,
        [
            version("my-image.jpg", "3/L4kqtJl40Nr8X8gdRQBpUMLUo", true, false),
            version(
                "my-second+image.jpg",
                "03jpff543dhffds434rfdsFDN943fdsFkdmqnh892",
                true,
                true
            ),
            version(
                "my-second+image.jpg",
                "QUpfdndhfd8438MNFDN93jdnJFkdmqnh893",
                false,
                false
            ),
            // A version without an id is the unversioned one; without a key, skipped.
            version("no-version-id", "null", true, false),
        ]
    );
    let next = Markers::from_token(page.next.as_deref().unwrap()).unwrap();
    assert_eq!(
        next,
        Markers {
            key: "my-second+image.jpg".into(),
            id: "03jpff543dhffds434rfdsFDN943fdsFkdmqnh892".into(),
        }
    );
    // Not truncated: no next page, whatever markers it names.
    let last = format!(
        "<ListVersionsResult {NS}><IsTruncated>false</IsTruncated>\
         <NextKeyMarker>x</NextKeyMarker></ListVersionsResult>"
    );
    assert_eq!(op.parse(ok(&last)).unwrap().next, None);
    // Another document is not a listing.
    let wrong = format!("<ListBucketResult {NS}/>");
    let err = op.parse(ok(&wrong)).unwrap_err().to_string();
    assert!(err.contains("expected <ListVersionsResult>"), "{err}");
}

#[test]
fn markers_travel_as_one_token_and_back() {
    for (key, id) in [("k", "v"), ("a:b", "1:2"), ("", ""), ("ключ", "3/L4")] {
        let m = Markers {
            key: key.into(),
            id: id.into(),
        };
        assert_eq!(Markers::from_token(&m.token()), Some(m));
    }
    assert_eq!(Markers::from_token("nonsense"), None);
    assert_eq!(Markers::from_token("99:short"), None);
}

/// API_ListMultipartUploads.html, "Sample Response".
#[test]
fn list_multipart_uploads_request_and_parse() {
    let markers = Markers {
        key: "my-movie.m2ts".into(),
        id: "YW55IGlkZWEgd2h5".into(),
    };
    let op = ListMultipartUploads {
        bucket: "b",
        markers: Some(&markers),
    };
    assert_eq!(
        request(&op).url(),
        "http://127.0.0.1:9000/b?encoding-type=url&key-marker=my-movie.m2ts\
         &upload-id-marker=YW55IGlkZWEgd2h5&uploads="
    );
    let answer = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListMultipartUploadsResult {NS}>\
         <Bucket>bucket</Bucket><KeyMarker/><UploadIdMarker/>\
         <NextKeyMarker>my-movie.m2ts</NextKeyMarker>\
         <NextUploadIdMarker>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</NextUploadIdMarker>\
         <MaxUploads>3</MaxUploads><IsTruncated>true</IsTruncated>\
         <Upload><Key>my-divisor</Key><UploadId>XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw</UploadId>\
         <Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>\
         <Upload><Key>my-movie.m2ts</Key><UploadId>VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId></Upload>\
         <Upload><Key>no-id</Key></Upload>\
         </ListMultipartUploadsResult>"
    );
    let page = op.parse(ok(&answer)).unwrap();
    assert_eq!(
        page.items,
        [
            ListedUpload {
                key: "my-divisor".into(),
                upload_id: "XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw".into(),
            },
            ListedUpload {
                key: "my-movie.m2ts".into(),
                upload_id: "VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA".into(),
            },
        ]
    );
    assert_eq!(
        Markers::from_token(page.next.as_deref().unwrap()).unwrap(),
        Markers {
            key: "my-movie.m2ts".into(),
            id: "YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ".into(),
        }
    );
}

/// A version listing served by `answer` (given the key-marker and version-id-marker
/// asked for), run to its end: the keys listed, or the error it ended with.
fn list_versions(
    answer: impl Fn(Option<&str>, Option<&str>) -> String + Send + Sync + 'static,
) -> (Vec<String>, Option<String>, usize) {
    let server = InMemory::new(move |req| {
        CannedResponse::ok(answer(
            req.query("key-marker"),
            req.query("version-id-marker"),
        ))
    });
    let session = testing::session(&server, &[("AWS_ENDPOINT_URL", "http://s3.test")]);
    let s3 = S3::new(&session);
    let (mut keys, mut error) = (Vec::new(), None);
    for page in s3.version_pages("b") {
        match page {
            Ok(page) => keys.extend(page.into_iter().map(|v| v.key)),
            Err(e) => error = Some(e.to_string()),
        }
    }
    (keys, error, server.requests().len())
}

fn versions_page(entries: &[(&str, &str)], next: Option<(&str, &str)>) -> String {
    let mut doc = String::from("<ListVersionsResult>");
    for (key, id) in entries {
        doc.push_str(&format!(
            "<Version><Key>{key}</Key><VersionId>{id}</VersionId></Version>"
        ));
    }
    match next {
        Some((key, id)) => doc.push_str(&format!(
            "<IsTruncated>true</IsTruncated><NextKeyMarker>{key}</NextKeyMarker>\
             <NextVersionIdMarker>{id}</NextVersionIdMarker>"
        )),
        None => doc.push_str("<IsTruncated>false</IsTruncated>"),
    }
    doc + "</ListVersionsResult>"
}

#[test]
fn a_version_listing_follows_both_markers() {
    let (keys, error, requests) = list_versions(|key, id| match (key, id) {
        (None, None) => versions_page(&[("a", "2"), ("a", "1")], Some(("a", "1"))),
        (Some("a"), Some("1")) => versions_page(&[("a", "0"), ("b", "9")], Some(("b", "9"))),
        (Some("b"), Some("9")) => versions_page(&[("c", "5")], None),
        other => panic!("asked for {other:?}"),
    });
    assert_eq!(
        (keys.join(","), error, requests),
        ("a,a,a,b,c".into(), None, 3)
    );
}

#[test]
fn a_version_listing_that_loops_through_markers_is_stopped() {
    // Two marker pairs in turn, for ever: never the token just given, so only the
    // listing's own rule sees it.
    let (_, error, requests) = list_versions(|_, id| match id {
        Some("1") => versions_page(&[("a", "0")], Some(("a", "0"))),
        _ => versions_page(&[("a", "1")], Some(("a", "1"))),
    });
    let error = error.expect("stopped");
    assert!(
        error.contains("ListObjectVersions listing of bucket b does not advance"),
        "{error}"
    );
    assert_eq!(requests, 3);

    // A marker that goes back.
    let (_, error, _) = list_versions(|key, _| match key {
        None => versions_page(&[("m", "1")], Some(("m", "1"))),
        _ => versions_page(&[("n", "1")], Some(("a", "1"))),
    });
    assert!(error.unwrap().contains("goes back to key marker 'a'"));

    // Garbage: one error, no panic.
    let (keys, error, _) = list_versions(|_, _| "<ListVersionsResult><Version>".into());
    assert!(keys.is_empty());
    assert!(
        error
            .unwrap()
            .starts_with("Unable to parse the ListObjectVersions response")
    );
}
