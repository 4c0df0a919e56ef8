use super::*;

#[test]
fn error_bodies_of_both_protocols() {
    let s3 = parse_error_body(
        404,
        b"<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><RequestId>R1</RequestId></Error>",
        "GetBucketAcl",
    );
    assert_eq!(s3.code, "NoSuchBucket");
    assert_eq!(s3.request_id.as_deref(), Some("R1"));
    assert_eq!(
        s3.to_string(),
        "An error occurred (NoSuchBucket) when calling the GetBucketAcl operation: The specified bucket does not exist"
    );
    let ec2 = parse_error_body(
        403,
        b"<Response><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>bad</Message></Error></Errors><RequestID>R3</RequestID></Response>",
        "GetCallerIdentity",
    );
    assert_eq!(
        (ec2.code.as_str(), ec2.request_id.as_deref()),
        ("SignatureDoesNotMatch", Some("R3"))
    );
    let iam = parse_error_body(
        404,
        b"<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>nope</Message></Error><RequestId>R2</RequestId></ErrorResponse>",
        "GetUser",
    );
    assert_eq!(
        (iam.code.as_str(), iam.message.as_str()),
        ("NoSuchEntity", "nope")
    );
    assert_eq!(iam.request_id.as_deref(), Some("R2"));
}

#[test]
fn an_s3_error_without_a_message_is_unknown_as_botocore_says() {
    let e = parse_error_body(
        404,
        b"<Error><Code>NoSuchBucket</Code></Error>",
        "ListObjectsV2",
    );
    assert_eq!(
        e.to_string(),
        "An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: Unknown"
    );
    let iam = parse_error_body(
        400,
        b"<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>",
        "GetUser",
    );
    assert_eq!(iam.message, "");
}

#[test]
fn bodiless_and_garbage_errors_use_the_status() {
    for body in [&b""[..], b"<html>oops", b"not xml at all"] {
        let e = parse_error_body(404, body, "HeadObject");
        assert_eq!(
            e.to_string(),
            "An error occurred (404) when calling the HeadObject operation: Not Found"
        );
    }
    let e = parse_error_body(503, b"", "ListUsers");
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("503", "Service Unavailable")
    );
    assert!(retryable(&e));
}

#[test]
fn no_proxy_matching() {
    assert!(bypasses_proxy("s3.amazonaws.com", "amazonaws.com"));
    assert!(bypasses_proxy("s3.amazonaws.com", ".amazonaws.com"));
    assert!(bypasses_proxy("127.0.0.1", "localhost, 127.0.0.1:9000"));
    assert!(bypasses_proxy("anything", "*"));
    assert!(!bypasses_proxy("notamazonaws.com", "amazonaws.com"));
    assert!(!bypasses_proxy("example.com", ""));
}

#[test]
fn authority_of_base_urls() {
    assert_eq!(authority("http://127.0.0.1:5000"), "127.0.0.1:5000");
    assert_eq!(authority("https://s3.amazonaws.com"), "s3.amazonaws.com");
}

#[test]
fn http_dates() {
    let t = parse_http_date("Sat, 28 Nov 2026 22:57:41 GMT").unwrap();
    assert_eq!(t.unix_timestamp(), 1_795_906_661);
    assert!(parse_http_date("yesterday").is_none());
}

#[test]
fn jitter_stays_in_range() {
    for _ in 0..1000 {
        let j = jitter();
        assert!((0.0..1.0).contains(&j));
    }
}

#[test]
fn transport_errors_keep_the_failure_they_came_from() {
    use std::error::Error as _;
    let url = "https://s3.amazonaws.com/";
    let e = errors::describe(ureq::Error::ConnectionFailed, url).into_error();
    assert_eq!(
        e.to_string(),
        "Could not connect to the endpoint URL: \"https://s3.amazonaws.com/\""
    );
    let source = e.source().and_then(|t| t.source()).expect("a source");
    assert!(matches!(
        source.downcast_ref::<ureq::Error>(),
        Some(ureq::Error::ConnectionFailed)
    ));
    // A body that is not XML keeps the parser's error.
    let resp = Response {
        status: 200,
        headers: Vec::new(),
        body: b"<Error".to_vec(),
    };
    let e = resp.xml("GetBucketAcl").unwrap_err();
    let xml = e.source().and_then(|t| t.source()).expect("a source");
    assert!(xml.downcast_ref::<crate::aws::xml::XmlError>().is_some());
}
