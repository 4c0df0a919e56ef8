//! The transport over the in-memory server ([`super::testing`]): retries, faults,
//! keep-alive and signing, seen from the server's side, with no socket.

use super::testing::{self, CannedResponse, InMemory, RecordedRequest};
use super::*;
use crate::aws::config::MapEnv;

fn env(pairs: &[(&str, &str)]) -> MapEnv {
    let mut vars = vec![("S3_CREDENTIALS_RETRY_BASE_MS", "0")];
    vars.extend_from_slice(pairs);
    MapEnv::from_pairs(&vars)
}

fn list_buckets(http: &Http) -> Result<Response, Error> {
    let creds = testing::test_credentials();
    let target = SigningTarget {
        credentials: &creds,
        region: "us-east-1",
        service: "s3",
        mode: Mode::S3,
    };
    let req = Request::new("GET", "https://s3.amazonaws.com", "/").query("x-id", "ListBuckets");
    http.send(target, &req, "ListBuckets")
}

fn signed_by_test_keys(req: &RecordedRequest) -> bool {
    req.header("authorization").is_some_and(|a| {
        a.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
            && a.contains("/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=")
    })
}

#[test]
fn a_500_is_retried_and_each_attempt_is_signed() {
    let server = InMemory::script(vec![
        CannedResponse::s3_error(500, "InternalError", "try again"),
        CannedResponse::ok("<ListAllMyBucketsResult/>"),
    ]);
    let http = server.http(&env(&[]));
    let resp = list_buckets(&http).unwrap();
    assert_eq!(resp.body, b"<ListAllMyBucketsResult/>");
    let sent = server.requests();
    assert_eq!(sent.len(), 2);
    for req in &sent {
        assert_eq!((req.method.as_str(), req.path()), ("GET", "/"));
        assert_eq!(req.query("x-id"), Some("ListBuckets"));
        assert_eq!(req.header("host"), Some("s3.amazonaws.com"));
        assert_eq!(
            req.header("x-amz-content-sha256"),
            Some(sigv4::EMPTY_SHA256)
        );
        assert!(
            signed_by_test_keys(req),
            "{:?}",
            req.header("authorization")
        );
    }
    // Keep-alive: the 500 did not cost a connection.
    assert_eq!(server.connections(), 1);
}

#[test]
fn retries_stop_at_the_configured_attempts() {
    let server = InMemory::new(|_| CannedResponse::s3_error(503, "SlowDown", "slow"));
    let http = server.http(&env(&[("AWS_MAX_ATTEMPTS", "3")]));
    let Err(Error::Aws(err)) = list_buckets(&http) else {
        panic!("expected an AWS error");
    };
    assert_eq!((err.code.as_str(), err.retries), ("SlowDown", 2));
    assert_eq!(err.request_id.as_deref(), Some("REQ-SlowDown"));
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_client_error_is_not_retried() {
    let server = InMemory::script(vec![CannedResponse::s3_error(
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
    )]);
    let http = server.http(&env(&[]));
    let err = list_buckets(&http).unwrap_err();
    assert_eq!(
        err.to_string(),
        "An error occurred (NoSuchBucket) when calling the ListBuckets operation: The specified bucket does not exist (request id: REQ-NoSuchBucket)"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_dropped_connection_is_retried_on_a_new_one() {
    let server = InMemory::script(vec![CannedResponse::dropped(), CannedResponse::ok("done")]);
    let http = server.http(&env(&[]));
    assert_eq!(list_buckets(&http).unwrap().body, b"done");
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_dropped_connection_on_the_last_attempt_is_a_transport_error() {
    let server = InMemory::new(|_| CannedResponse::dropped());
    let http = server.http(&env(&[("AWS_MAX_ATTEMPTS", "2")]));
    let err = list_buckets(&http).unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("Connection was closed before we received a valid response from endpoint URL: \"https://s3.amazonaws.com/?x-id=ListBuckets\""),
        "{err}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_reset_and_a_short_body_are_retried() {
    let server = InMemory::script(vec![
        CannedResponse::reset(),
        CannedResponse::ok("0123456789").truncated(4),
        CannedResponse::ok("0123456789"),
    ]);
    let http = server.http(&env(&[]));
    assert_eq!(list_buckets(&http).unwrap().body, b"0123456789");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_read_timeout_is_retried_and_worded_as_botocore_words_it() {
    let server = InMemory::script(vec![
        CannedResponse::timed_out(),
        CannedResponse::ok("late"),
    ]);
    let http = server.http(&env(&[]));
    assert_eq!(list_buckets(&http).unwrap().body, b"late");
    let server = InMemory::new(|_| CannedResponse::timed_out());
    let http = server.http(&env(&[("AWS_MAX_ATTEMPTS", "1")]));
    let err = list_buckets(&http).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Read timeout on endpoint URL: \"https://s3.amazonaws.com/?x-id=ListBuckets\""
    );
}

#[test]
fn request_bodies_reach_the_server_whole() {
    let server = InMemory::new(|req| CannedResponse::ok(req.body.clone()));
    let http = server.http(&env(&[]));
    let creds = testing::test_credentials();
    let target = SigningTarget {
        credentials: &creds,
        region: "us-east-1",
        service: "s3",
        mode: Mode::S3,
    };
    let bytes = Request::new("PUT", "https://b.s3.amazonaws.com", "/k").body(b"hello".to_vec());
    assert_eq!(
        http.send(target, &bytes, "PutObject").unwrap().body,
        b"hello"
    );

    let file = crate::testutil::TempFile::new("in-memory-range", "0123456789");
    let mut ranged = Request::new("PUT", "https://b.s3.amazonaws.com", "/k");
    ranged.body = Body::File {
        path: file.path().into(),
        offset: 2,
        len: 5,
    };
    ranged.payload_hash = Some("UNSIGNED-PAYLOAD".to_string());
    assert_eq!(
        http.send(target, &ranged, "UploadPart").unwrap().body,
        b"23456"
    );
    let sent = server.requests();
    assert_eq!(sent[0].header("host"), Some("b.s3.amazonaws.com"));
    assert_eq!(sent[1].header("content-length"), Some("5"));
    assert_eq!(
        sent[1].header("x-amz-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
}

#[test]
fn a_test_session_signs_with_its_keys_and_settings() {
    let server = InMemory::new(|_| CannedResponse::status(500));
    let session = testing::session(&server, &[("AWS_MAX_ATTEMPTS", "2")]);
    assert_eq!(session.region, "us-east-1");
    assert_eq!(session.s3_endpoint.url, "https://s3.amazonaws.com");
    assert_eq!(session.http.max_attempts(), 2);
    let target = SigningTarget {
        credentials: &session.credentials,
        region: &session.region,
        service: "s3",
        mode: Mode::S3,
    };
    let req = Request::new("GET", &session.s3_endpoint.url, "/");
    let Err(Error::Aws(err)) = session.http.send(target, &req, "ListBuckets") else {
        panic!("expected the 500");
    };
    assert_eq!((err.code.as_str(), err.retries), ("500", 1));
    let sent = server.requests();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(signed_by_test_keys));
}

#[test]
fn a_head_answer_has_headers_and_no_body() {
    let server = InMemory::script(vec![
        CannedResponse::status(200)
            .header("Content-Length", "1048576")
            .header("ETag", "\"abc\""),
        CannedResponse::status(404).header("x-amz-request-id", "REQ-HEAD"),
    ]);
    let http = server.http(&env(&[]));
    let creds = testing::test_credentials();
    let target = SigningTarget {
        credentials: &creds,
        region: "us-east-1",
        service: "s3",
        mode: Mode::S3,
    };
    let head = Request::new("HEAD", "https://b.s3.amazonaws.com", "/k");
    let resp = http.send(target, &head, "HeadObject").unwrap();
    assert_eq!(resp.header("content-length"), Some("1048576"));
    assert_eq!(resp.header("etag"), Some("\"abc\""));
    assert!(resp.body.is_empty());
    let Err(Error::Aws(err)) = http.send(target, &head, "HeadObject") else {
        panic!("expected the 404");
    };
    assert_eq!(
        (err.code.as_str(), err.request_id.as_deref()),
        ("404", Some("REQ-HEAD"))
    );
    assert_eq!(server.connections(), 1);
}
