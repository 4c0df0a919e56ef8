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

#[test]
fn certificate_failures_are_known_by_rustls_error_type_not_by_wording() {
    use std::io::{Error as IoError, ErrorKind};
    let url = "https://s3.amazonaws.com/";
    let rejected = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
    let failure = errors::describe(IoError::new(ErrorKind::InvalidData, rejected).into(), url);
    assert!(!failure.retryable);
    assert_eq!(
        failure.message,
        "SSL validation failed for https://s3.amazonaws.com/ invalid peer certificate: UnknownIssuer"
    );
    // Another TLS failure is a broken connection (retried), as before.
    let other = errors::describe(
        IoError::new(ErrorKind::InvalidData, rustls::Error::DecryptError).into(),
        url,
    );
    assert!(other.retryable);
    assert!(
        other.message.starts_with("Connection was closed"),
        "{}",
        other.message
    );
    // The word alone, from something that is not rustls, is no certificate failure.
    let worded = errors::describe(
        IoError::other("bad certificate, says the proxy").into(),
        url,
    );
    assert!(worded.retryable);
    assert!(
        worded.message.starts_with("Connection was closed"),
        "{}",
        worded.message
    );
}

#[test]
fn the_request_id_is_read_in_one_place() {
    let h = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let resp = |headers| Response {
        status: 200,
        headers,
        body: Vec::new(),
    };
    assert_eq!(
        resp(h(&[("x-amzn-requestid", "Q")]))
            .request_id()
            .as_deref(),
        Some("Q")
    );
    assert_eq!(
        resp(h(&[("x-amzn-requestid", "Q"), ("x-amz-request-id", "S")]))
            .request_id()
            .as_deref(),
        Some("S")
    );
    assert_eq!(resp(Vec::new()).request_id(), None);
}

#[test]
fn agent_errors_keep_words_and_cause() {
    use std::error::Error as _;
    let missing = "/nonexistent/s3creds/ca.pem";
    let Err(err) = root_certs(Some(missing)) else {
        panic!("no such bundle");
    };
    assert!(
        err.to_string()
            .starts_with("Could not read the CA bundle /nonexistent/s3creds/ca.pem: "),
        "{err}"
    );
    let io = err
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>());
    assert_eq!(
        io.map(std::io::Error::kind),
        Some(std::io::ErrorKind::NotFound)
    );
    let e = Error::from(err);
    let typed = e.source().and_then(|s| s.downcast_ref::<AgentError>());
    assert!(matches!(typed, Some(AgentError::CaBundleUnreadable { .. })));
}
