use super::*;
use time::macros::datetime;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[test]
fn empty_sha256_is_the_hash_of_nothing() {
    assert_eq!(sha256_hex(b""), EMPTY_SHA256);
}

#[test]
fn uri_encode_keeps_only_unreserved() {
    assert_eq!(uri_encode("AZaz09-_.~", true), "AZaz09-_.~");
    assert_eq!(uri_encode("a b+c=d&e", true), "a%20b%2Bc%3Dd%26e");
    assert_eq!(uri_encode("a/b", true), "a%2Fb");
    assert_eq!(uri_encode("a/b", false), "a/b");
    assert_eq!(uri_encode("100%", false), "100%25");
    assert_eq!(uri_encode("*", false), "%2A");
    assert_eq!(uri_encode("ሴ", false), "%E1%88%B4");
    assert_eq!(uri_encode("é", false), "%C3%A9");
}

#[test]
fn canonical_query_sorts_encoded_names_then_values() {
    let query = pairs(&[
        ("Param-3", "Value3"),
        ("Param", "b"),
        ("Param", "a"),
        ("ሴ", "Value1"),
        ("lower", ""),
    ]);
    // '%' sorts before letters; "Param" before "Param-3"; equal names by value;
    // uppercase before lowercase (byte order).
    assert_eq!(
        canonical_query(&query),
        "%E1%88%B4=Value1&Param=a&Param=b&Param-3=Value3&lower="
    );
    assert_eq!(canonical_query(&[]), "");
    assert_eq!(
        canonical_query(&pairs(&[("prefix", "a/b c"), ("max-keys", "2")])),
        "max-keys=2&prefix=a%2Fb%20c"
    );
}

#[test]
fn path_normalisation() {
    for (given, expected) in [
        ("", "/"),
        ("/", "/"),
        ("//", "/"),
        ("/./", "/"),
        ("/example/..", "/"),
        ("/example1/example2/../..", "/"),
        ("/./example", "/example"),
        ("//example//", "/example/"),
        ("/a/b/..", "/a/"),
        ("/a/b/.", "/a/b/"),
        ("/../a", "/a"),
        ("a/b", "/a/b"),
        ("/a/b/c", "/a/b/c"),
    ] {
        assert_eq!(normalize_path(given), expected, "normalising {given:?}");
    }
}

#[test]
fn modes_treat_the_path_differently() {
    let path = "/a%20b//c/../d";
    assert_eq!(canonical_path(path, Mode::S3), path);
    assert_eq!(canonical_path(path, Mode::Generic), "/a%2520b/d");
    assert_eq!(canonical_path("", Mode::S3), "/");
}

#[test]
fn headers_are_lowercased_trimmed_sorted_and_joined() {
    let headers = pairs(&[
        ("Host", "example.amazonaws.com"),
        ("My-Header1", "value2"),
        ("X-Amz-Date", "20150830T123600Z"),
        ("my-header1", "  a   b  c "),
        ("My-Header2", "\"a   b   c\""),
    ]);
    let (block, signed) = canonical_headers(&headers);
    assert_eq!(
        block,
        "host:example.amazonaws.com\nmy-header1:value2,a b c\nmy-header2:\"a b c\"\n\
         x-amz-date:20150830T123600Z\n"
    );
    assert_eq!(signed, "host;my-header1;my-header2;x-amz-date");
}

#[test]
fn signing_key_matches_the_aws_documentation_example() {
    let key = signing_key(
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "20120215",
        "us-east-1",
        "iam",
    );
    assert_eq!(
        hex::encode(key),
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    );
}

#[test]
fn dates_are_formatted_in_utc() {
    let t = datetime!(2015-08-30 14:36:00 +02:00);
    assert_eq!(amz_date(t), "20150830T123600Z");
    assert_eq!(
        date_stamp(datetime!(2015-08-31 01:00:00 +02:00)),
        "20150830"
    );
}

fn signer(token: Option<&str>) -> Signer<'_> {
    Signer {
        access_key: "AKIDEXAMPLE",
        secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        session_token: token,
        region: "us-east-1",
        service: "s3",
        time: datetime!(2015-08-30 12:36:00 UTC),
    }
}

#[test]
fn sign_headers_adds_its_headers_in_order() {
    let s = signer(Some("TOKEN"));
    let mut headers = pairs(&[("host", "b.s3.amazonaws.com")]);
    s.sign_headers("GET", "/k", &[], &mut headers, EMPTY_SHA256, Mode::S3);
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "host",
            "x-amz-date",
            "x-amz-content-sha256",
            "x-amz-security-token",
            "authorization"
        ]
    );
    assert!(
        headers[4]
            .1
            .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, ")
    );

    let mut generic = pairs(&[("host", "iam.amazonaws.com")]);
    signer(None).sign_headers("POST", "/", &[], &mut generic, EMPTY_SHA256, Mode::Generic);
    let names: Vec<&str> = generic.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["host", "x-amz-date", "authorization"]);
}

#[test]
fn signing_again_replaces_the_previous_signature() {
    let s = signer(Some("TOKEN"));
    let mut once = pairs(&[("host", "b.s3.amazonaws.com")]);
    s.sign_headers("GET", "/k", &[], &mut once, EMPTY_SHA256, Mode::S3);
    let mut twice = once.clone();
    s.sign_headers("GET", "/k", &[], &mut twice, EMPTY_SHA256, Mode::S3);
    assert_eq!(once, twice);
}

#[test]
fn presign_includes_the_session_token_in_what_is_signed() {
    let host = pairs(&[("host", "b.s3.amazonaws.com")]);
    let with = signer(Some("a/b+c")).presign_query("GET", "/k", &[], &host, 60, Mode::S3);
    let without = signer(None).presign_query("GET", "/k", &[], &host, 60, Mode::S3);
    assert!(with.contains("&X-Amz-Security-Token=a%2Fb%2Bc&"));
    assert!(!without.contains("X-Amz-Security-Token"));
    let signature = |q: &str| {
        q.rsplit_once("X-Amz-Signature=")
            .map(|(_, s)| s.to_string())
    };
    assert_ne!(signature(&with), signature(&without));
}

#[test]
fn debug_hides_the_secrets() {
    let s = signer(Some("SESSION-TOKEN-VALUE"));
    let shown = format!("{s:?}");
    assert!(shown.contains("AKIDEXAMPLE"));
    assert!(!shown.contains("EXAMPLEKEY"));
    assert!(!shown.contains("SESSION-TOKEN-VALUE"));
}
