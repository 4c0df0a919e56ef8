//! Expected bytes come from the reference transcript and from Python 3.11.

use super::*;
use serde_json::{Value, json};
use std::io::Write;

use super::json::write_py_float;

// Exact stdout of the original 0.17, copied from the reference transcript.
const LIST_BUCKET_JSON: &str = "[\n  {\n    \"Key\": \"hello.txt\",\n    \"LastModified\": \"2026-11-28 22:57:24+00:00\",\n    \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\",\n    \"ChecksumAlgorithm\": [\n      \"CRC32\"\n    ],\n    \"Size\": 12,\n    \"StorageClass\": \"STANDARD\"\n  },\n  {\n    \"Key\": \"quiet.txt\",\n    \"LastModified\": \"2026-11-28 22:57:24+00:00\",\n    \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\",\n    \"ChecksumAlgorithm\": [\n      \"CRC32\"\n    ],\n    \"Size\": 12,\n    \"StorageClass\": \"STANDARD\"\n  },\n  {\n    \"Key\": \"stdin.txt\",\n    \"LastModified\": \"2026-11-28 22:57:24+00:00\",\n    \"ETag\": \"\\\"dabb1b92ea7adae3c6b905f49acd4d42\\\"\",\n    \"ChecksumAlgorithm\": [\n      \"CRC32\"\n    ],\n    \"Size\": 10,\n    \"StorageClass\": \"STANDARD\"\n  }\n]\n";
const LIST_BUCKET_NL: &str = "{\"Key\": \"files/f1.txt\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"e243bb39c844b3543a7726576c869caf\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 7, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"files/f2.txt\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"4349cfeff8e2eb74dffc369bb5fd084e\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 7, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"files/f3.txt\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"9c38e8324dbf031557c89d53a39f0b26\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 7, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"files/sub/page.html\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"191d0845e70bcc5f5e6a98cc2bb13e95\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 8, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"hello.txt\", \"LastModified\": \"2026-11-28 22:57:24+00:00\", \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 12, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"quiet.txt\", \"LastModified\": \"2026-11-28 22:57:24+00:00\", \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 12, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"stdin.txt\", \"LastModified\": \"2026-11-28 22:57:24+00:00\", \"ETag\": \"\\\"dabb1b92ea7adae3c6b905f49acd4d42\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 10, \"StorageClass\": \"STANDARD\"}\n";
const LIST_ROLES_JSON: &str = "[\n  {\n    \"Path\": \"/\",\n    \"RoleName\": \"s3-credentials.AmazonS3FullAccess\",\n    \"RoleId\": \"AROARZPUZDIKMZ5SO7MAM\",\n    \"Arn\": \"arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess\",\n    \"CreateDate\": \"2026-11-28 22:57:21.355176+00:00\",\n    \"AssumeRolePolicyDocument\": {\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [\n        {\n          \"Effect\": \"Allow\",\n          \"Principal\": {\n            \"AWS\": \"arn:aws:iam::123456789012:root\"\n          },\n          \"Action\": \"sts:AssumeRole\"\n        }\n      ]\n    },\n    \"Description\": \"Role used by the s3-credentials tool to create time-limited credentials that are restricted to specific buckets\",\n    \"MaxSessionDuration\": 43200\n  }\n]\n";
const LIST_USERS_JSON: &str = "[\n  {\n    \"Path\": \"/\",\n    \"UserName\": \"s3.read-write.my-bucket\",\n    \"UserId\": \"uerd61x5recy97s98kfq\",\n    \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-write.my-bucket\",\n    \"CreateDate\": \"2026-11-28 22:57:20.362330+00:00\"\n  },\n  {\n    \"Path\": \"/\",\n    \"UserName\": \"s3.read-only.my-bucket\",\n    \"UserId\": \"qm804b4gn0p5j6d9jnzn\",\n    \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-only.my-bucket\",\n    \"CreateDate\": \"2026-11-28 22:57:22.079724+00:00\"\n  }\n]\n";
const LIST_USERS_NL: &str = "{\"Path\": \"/\", \"UserName\": \"s3.read-write.my-bucket\", \"UserId\": \"uerd61x5recy97s98kfq\", \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-write.my-bucket\", \"CreateDate\": \"2026-11-28 22:57:20.362330+00:00\"}\n{\"Path\": \"/\", \"UserName\": \"s3.read-only.my-bucket\", \"UserId\": \"qm804b4gn0p5j6d9jnzn\", \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-only.my-bucket\", \"CreateDate\": \"2026-11-28 22:57:22.079724+00:00\"}\n";
const CREATE_JSON: &str = "{\n    \"UserName\": \"s3.read-write.my-bucket\",\n    \"AccessKeyId\": \"AKIARZPUZDIKEX5BFOYJ\",\n    \"Status\": \"Active\",\n    \"SecretAccessKey\": \"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\",\n    \"CreateDate\": \"2026-11-28 22:57:20.370918+00:00\"\n}\n";

fn parse(s: &str) -> Value {
    serde_json::from_str(s).expect("test input is JSON")
}

fn items(s: &str) -> Vec<Value> {
    match parse(s) {
        Value::Array(v) => v,
        other => panic!("not an array: {other}"),
    }
}

fn list(values: Vec<Value>, headers: &[&str], format: Format) -> String {
    let mut out = Vec::new();
    write_list(&mut out, values.into_iter(), headers, format).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn transcript_list_bucket_json_and_nl() {
    assert_eq!(
        list(items(LIST_BUCKET_JSON), &[], Format::Json),
        LIST_BUCKET_JSON
    );
    let nl: Vec<Value> = LIST_BUCKET_NL.lines().map(parse).collect();
    assert_eq!(nl.len(), 7);
    assert_eq!(list(nl, &[], Format::Nl), LIST_BUCKET_NL);
}

#[test]
fn transcript_list_roles_nested_json() {
    assert_eq!(
        list(items(LIST_ROLES_JSON), &[], Format::Json),
        LIST_ROLES_JSON
    );
}

#[test]
fn transcript_list_users_json_nl_csv() {
    let users = items(LIST_USERS_JSON);
    assert_eq!(list(users.clone(), &[], Format::Json), LIST_USERS_JSON);
    assert_eq!(list(users.clone(), &[], Format::Nl), LIST_USERS_NL);
    let headers = [
        "UserName",
        "UserId",
        "Arn",
        "Path",
        "CreateDate",
        "PasswordLastUsed",
        "PermissionsBoundary",
        "Tags",
    ];
    assert_eq!(
        list(users, &headers, Format::Csv),
        "UserName,UserId,Arn,Path,CreateDate,PasswordLastUsed,PermissionsBoundary,Tags\r\n\
         s3.read-write.my-bucket,uerd61x5recy97s98kfq,arn:aws:iam::123456789012:user/s3.read-write.my-bucket,/,2026-11-28 22:57:20.362330+00:00,,,\r\n\
         s3.read-only.my-bucket,qm804b4gn0p5j6d9jnzn,arn:aws:iam::123456789012:user/s3.read-only.my-bucket,/,2026-11-28 22:57:22.079724+00:00,,,\r\n"
    );
}

#[test]
fn transcript_list_roles_csv_nested_value() {
    let headers = [
        "Path",
        "RoleName",
        "RoleId",
        "Arn",
        "CreateDate",
        "AssumeRolePolicyDocument",
        "Description",
        "MaxSessionDuration",
        "PermissionsBoundary",
        "Tags",
        "RoleLastUsed",
    ];
    let expected = "Path,RoleName,RoleId,Arn,CreateDate,AssumeRolePolicyDocument,Description,MaxSessionDuration,PermissionsBoundary,Tags,RoleLastUsed\r\n\
        /,s3-credentials.AmazonS3FullAccess,AROARZPUZDIKMZ5SO7MAM,arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess,2026-11-28 22:57:21.355176+00:00,\"{\n  \"\"Version\"\": \"\"2012-10-17\"\",\n  \"\"Statement\"\": [\n    {\n      \"\"Effect\"\": \"\"Allow\"\",\n      \"\"Principal\"\": {\n        \"\"AWS\"\": \"\"arn:aws:iam::123456789012:root\"\"\n      },\n      \"\"Action\"\": \"\"sts:AssumeRole\"\"\n    }\n  ]\n}\",Role used by the s3-credentials tool to create time-limited credentials that are restricted to specific buckets,43200,,,\r\n";
    assert_eq!(
        list(items(LIST_ROLES_JSON), &headers, Format::Csv),
        expected
    );
}

#[test]
fn transcript_create_indent_4() {
    let doc = parse(CREATE_JSON);
    assert_eq!(dumps(&doc, Some(4)) + "\n", CREATE_JSON);
}

#[test]
fn transcript_csv_header_extra_fields_ignored() {
    // The original crashed after this header because of ChecksumAlgorithm; we print
    // the listed columns.
    let headers = [
        "Key",
        "LastModified",
        "ETag",
        "Size",
        "StorageClass",
        "Owner",
    ];
    let out = list(items(LIST_BUCKET_JSON), &headers, Format::Csv);
    assert!(out.starts_with("Key,LastModified,ETag,Size,StorageClass,Owner\r\n"));
    assert_eq!(
        out.split("\r\n").nth(1).unwrap(),
        "hello.txt,2026-11-28 22:57:24+00:00,\"\"\"f0ef7081e1539ac00ef5b761b4fb01b3\"\"\",12,STANDARD,"
    );
    let urls = [
        "Key",
        "LastModified",
        "ETag",
        "Size",
        "StorageClass",
        "Owner",
        "URL",
    ];
    assert_eq!(
        list(vec![], &urls, Format::Tsv),
        "Key\tLastModified\tETag\tSize\tStorageClass\tOwner\tURL\r\n"
    );
}

/// (input JSON, indent, Python's json.dumps)
const DUMPS_CASES: &[(&str, Option<usize>, &str)] = &[
    (
        "{\"a\": 1, \"b\": [1, 2, {\"c\": null}], \"d\": {}, \"e\": [], \"f\": true, \"g\": false}",
        None,
        "{\"a\": 1, \"b\": [1, 2, {\"c\": null}], \"d\": {}, \"e\": [], \"f\": true, \"g\": false}",
    ),
    (
        "{\"a\": 1, \"b\": [1, 2, {\"c\": null}], \"d\": {}, \"e\": [], \"f\": true, \"g\": false}",
        Some(0),
        "{\n\"a\": 1,\n\"b\": [\n1,\n2,\n{\n\"c\": null\n}\n],\n\"d\": {},\n\"e\": [],\n\"f\": true,\n\"g\": false\n}",
    ),
    (
        "{\"a\": 1, \"b\": [1, 2, {\"c\": null}], \"d\": {}, \"e\": [], \"f\": true, \"g\": false}",
        Some(2),
        "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2,\n    {\n      \"c\": null\n    }\n  ],\n  \"d\": {},\n  \"e\": [],\n  \"f\": true,\n  \"g\": false\n}",
    ),
    (
        "{\"a\": 1, \"b\": [1, 2, {\"c\": null}], \"d\": {}, \"e\": [], \"f\": true, \"g\": false}",
        Some(4),
        "{\n    \"a\": 1,\n    \"b\": [\n        1,\n        2,\n        {\n            \"c\": null\n        }\n    ],\n    \"d\": {},\n    \"e\": [],\n    \"f\": true,\n    \"g\": false\n}",
    ),
    (
        "[[], {}, [[]], [{}], {\"x\": []}, {\"y\": {\"z\": {}}}]",
        None,
        "[[], {}, [[]], [{}], {\"x\": []}, {\"y\": {\"z\": {}}}]",
    ),
    (
        "[[], {}, [[]], [{}], {\"x\": []}, {\"y\": {\"z\": {}}}]",
        Some(0),
        "[\n[],\n{},\n[\n[]\n],\n[\n{}\n],\n{\n\"x\": []\n},\n{\n\"y\": {\n\"z\": {}\n}\n}\n]",
    ),
    (
        "[[], {}, [[]], [{}], {\"x\": []}, {\"y\": {\"z\": {}}}]",
        Some(2),
        "[\n  [],\n  {},\n  [\n    []\n  ],\n  [\n    {}\n  ],\n  {\n    \"x\": []\n  },\n  {\n    \"y\": {\n      \"z\": {}\n    }\n  }\n]",
    ),
    (
        "[[], {}, [[]], [{}], {\"x\": []}, {\"y\": {\"z\": {}}}]",
        Some(4),
        "[\n    [],\n    {},\n    [\n        []\n    ],\n    [\n        {}\n    ],\n    {\n        \"x\": []\n    },\n    {\n        \"y\": {\n            \"z\": {}\n        }\n    }\n]",
    ),
    ("[]", None, "[]"),
    ("[]", Some(0), "[]"),
    ("[]", Some(2), "[]"),
    ("[]", Some(4), "[]"),
    ("{}", None, "{}"),
    ("{}", Some(0), "{}"),
    ("{}", Some(2), "{}"),
    ("{}", Some(4), "{}"),
    ("\"x\"", None, "\"x\""),
    ("\"x\"", Some(0), "\"x\""),
    ("\"x\"", Some(2), "\"x\""),
    ("\"x\"", Some(4), "\"x\""),
    ("12", None, "12"),
    ("12", Some(0), "12"),
    ("12", Some(2), "12"),
    ("12", Some(4), "12"),
    ("-5", None, "-5"),
    ("-5", Some(0), "-5"),
    ("-5", Some(2), "-5"),
    ("-5", Some(4), "-5"),
    ("null", None, "null"),
    ("null", Some(0), "null"),
    ("null", Some(2), "null"),
    ("null", Some(4), "null"),
    ("18446744073709551615", None, "18446744073709551615"),
    ("18446744073709551615", Some(0), "18446744073709551615"),
    ("18446744073709551615", Some(2), "18446744073709551615"),
    ("18446744073709551615", Some(4), "18446744073709551615"),
    ("-9223372036854775808", None, "-9223372036854775808"),
    ("-9223372036854775808", Some(0), "-9223372036854775808"),
    ("-9223372036854775808", Some(2), "-9223372036854775808"),
    ("-9223372036854775808", Some(4), "-9223372036854775808"),
    (
        "{\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"}",
        None,
        "{\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"}",
    ),
    (
        "{\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"}",
        Some(0),
        "{\n\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"\n}",
    ),
    (
        "{\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"}",
        Some(2),
        "{\n  \"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"\n}",
    ),
    (
        "{\"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"}",
        Some(4),
        "{\n    \"s\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00 / \\\\ \\\" \\n\\r\\t\\b\\f \\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff\\uffff\"\n}",
    ),
    (
        "[\"\\u2028\\u2029\", \"\\ud800\\udc00\", \"\\udbff\\udfff\", \"tab\\there\", \"</script>\"]",
        None,
        "[\"\\u2028\\u2029\", \"\\ud800\\udc00\", \"\\udbff\\udfff\", \"tab\\there\", \"</script>\"]",
    ),
    (
        "[\"\\u2028\\u2029\", \"\\ud800\\udc00\", \"\\udbff\\udfff\", \"tab\\there\", \"</script>\"]",
        Some(0),
        "[\n\"\\u2028\\u2029\",\n\"\\ud800\\udc00\",\n\"\\udbff\\udfff\",\n\"tab\\there\",\n\"</script>\"\n]",
    ),
    (
        "[\"\\u2028\\u2029\", \"\\ud800\\udc00\", \"\\udbff\\udfff\", \"tab\\there\", \"</script>\"]",
        Some(2),
        "[\n  \"\\u2028\\u2029\",\n  \"\\ud800\\udc00\",\n  \"\\udbff\\udfff\",\n  \"tab\\there\",\n  \"</script>\"\n]",
    ),
    (
        "[\"\\u2028\\u2029\", \"\\ud800\\udc00\", \"\\udbff\\udfff\", \"tab\\there\", \"</script>\"]",
        Some(4),
        "[\n    \"\\u2028\\u2029\",\n    \"\\ud800\\udc00\",\n    \"\\udbff\\udfff\",\n    \"tab\\there\",\n    \"</script>\"\n]",
    ),
    (
        "{\"f\": [0.1, 1.0, 1.5, -0.0, 0.0, 100.0, 1e16, 1e15, 1.5e-7, 0.0001, 0.00001, 123456.789, 1e300, -2.5e-10]}",
        None,
        "{\"f\": [0.1, 1.0, 1.5, -0.0, 0.0, 100.0, 1e+16, 1000000000000000.0, 1.5e-07, 0.0001, 1e-05, 123456.789, 1e+300, -2.5e-10]}",
    ),
    (
        "{\"f\": [0.1, 1.0, 1.5, -0.0, 0.0, 100.0, 1e16, 1e15, 1.5e-7, 0.0001, 0.00001, 123456.789, 1e300, -2.5e-10]}",
        Some(0),
        "{\n\"f\": [\n0.1,\n1.0,\n1.5,\n-0.0,\n0.0,\n100.0,\n1e+16,\n1000000000000000.0,\n1.5e-07,\n0.0001,\n1e-05,\n123456.789,\n1e+300,\n-2.5e-10\n]\n}",
    ),
    (
        "{\"f\": [0.1, 1.0, 1.5, -0.0, 0.0, 100.0, 1e16, 1e15, 1.5e-7, 0.0001, 0.00001, 123456.789, 1e300, -2.5e-10]}",
        Some(2),
        "{\n  \"f\": [\n    0.1,\n    1.0,\n    1.5,\n    -0.0,\n    0.0,\n    100.0,\n    1e+16,\n    1000000000000000.0,\n    1.5e-07,\n    0.0001,\n    1e-05,\n    123456.789,\n    1e+300,\n    -2.5e-10\n  ]\n}",
    ),
    (
        "{\"f\": [0.1, 1.0, 1.5, -0.0, 0.0, 100.0, 1e16, 1e15, 1.5e-7, 0.0001, 0.00001, 123456.789, 1e300, -2.5e-10]}",
        Some(4),
        "{\n    \"f\": [\n        0.1,\n        1.0,\n        1.5,\n        -0.0,\n        0.0,\n        100.0,\n        1e+16,\n        1000000000000000.0,\n        1.5e-07,\n        0.0001,\n        1e-05,\n        123456.789,\n        1e+300,\n        -2.5e-10\n    ]\n}",
    ),
    (
        "{\"nested\": {\"a\": [1, [2, [3, []]]], \"b\": {\"c\": {\"d\": [{}]}}}}",
        None,
        "{\"nested\": {\"a\": [1, [2, [3, []]]], \"b\": {\"c\": {\"d\": [{}]}}}}",
    ),
    (
        "{\"nested\": {\"a\": [1, [2, [3, []]]], \"b\": {\"c\": {\"d\": [{}]}}}}",
        Some(0),
        "{\n\"nested\": {\n\"a\": [\n1,\n[\n2,\n[\n3,\n[]\n]\n]\n],\n\"b\": {\n\"c\": {\n\"d\": [\n{}\n]\n}\n}\n}\n}",
    ),
    (
        "{\"nested\": {\"a\": [1, [2, [3, []]]], \"b\": {\"c\": {\"d\": [{}]}}}}",
        Some(2),
        "{\n  \"nested\": {\n    \"a\": [\n      1,\n      [\n        2,\n        [\n          3,\n          []\n        ]\n      ]\n    ],\n    \"b\": {\n      \"c\": {\n        \"d\": [\n          {}\n        ]\n      }\n    }\n  }\n}",
    ),
    (
        "{\"nested\": {\"a\": [1, [2, [3, []]]], \"b\": {\"c\": {\"d\": [{}]}}}}",
        Some(4),
        "{\n    \"nested\": {\n        \"a\": [\n            1,\n            [\n                2,\n                [\n                    3,\n                    []\n                ]\n            ]\n        ],\n        \"b\": {\n            \"c\": {\n                \"d\": [\n                    {}\n                ]\n            }\n        }\n    }\n}",
    ),
    (
        "{\"key with \\\"quote\\\"\": \"v\", \"\\u00fc\": 1}",
        None,
        "{\"key with \\\"quote\\\"\": \"v\", \"\\u00fc\": 1}",
    ),
    (
        "{\"key with \\\"quote\\\"\": \"v\", \"\\u00fc\": 1}",
        Some(0),
        "{\n\"key with \\\"quote\\\"\": \"v\",\n\"\\u00fc\": 1\n}",
    ),
    (
        "{\"key with \\\"quote\\\"\": \"v\", \"\\u00fc\": 1}",
        Some(2),
        "{\n  \"key with \\\"quote\\\"\": \"v\",\n  \"\\u00fc\": 1\n}",
    ),
    (
        "{\"key with \\\"quote\\\"\": \"v\", \"\\u00fc\": 1}",
        Some(4),
        "{\n    \"key with \\\"quote\\\"\": \"v\",\n    \"\\u00fc\": 1\n}",
    ),
];

#[test]
fn dumps_matches_python() {
    for (input, indent, expected) in DUMPS_CASES {
        assert_eq!(
            &dumps(&parse(input), *indent),
            expected,
            "{input} {indent:?}"
        );
    }
}

#[test]
fn dumps_non_ascii_and_controls() {
    let v = json!({"s": "caf\u{e9} \u{1f600} \u{0}\u{1f}\u{7f} /\\\"\u{8}\u{c}"});
    assert_eq!(
        dumps(&v, None),
        "{\"s\": \"caf\\u00e9 \\ud83d\\ude00 \\u0000\\u001f\\u007f /\\\\\\\"\\b\\f\"}"
    );
    let mut buf = String::from("x");
    dumps_into(&mut buf, &json!([1]), None);
    assert_eq!(buf, "x[1]");
}

/// (input JSON array, headers, format, what the original's output() prints)
const OUTPUT_CASES: &[(&str, &[&str], Format, &str)] = &[
    ("[]", &["a", "b"], Format::Json, "[]\n"),
    ("[]", &["a", "b"], Format::Nl, ""),
    ("[]", &["a", "b"], Format::Csv, "a,b\r\n"),
    ("[]", &["a", "b"], Format::Tsv, "a\tb\r\n"),
    (
        "[{\"a\": 1}]",
        &["a", "b"],
        Format::Json,
        "[\n  {\n    \"a\": 1\n  }\n]\n",
    ),
    ("[{\"a\": 1}]", &["a", "b"], Format::Nl, "{\"a\": 1}\n"),
    ("[{\"a\": 1}]", &["a", "b"], Format::Csv, "a,b\r\n1,\r\n"),
    ("[{\"a\": 1}]", &["a", "b"], Format::Tsv, "a\tb\r\n1\t\r\n"),
    (
        "[{\"a\": 1, \"b\": \"x\"}, {\"b\": [1, {\"c\": \"d\"}], \"a\": null}, {\"a\": {}, \"b\": []}]",
        &["a", "b"],
        Format::Json,
        "[\n  {\n    \"a\": 1,\n    \"b\": \"x\"\n  },\n  {\n    \"b\": [\n      1,\n      {\n        \"c\": \"d\"\n      }\n    ],\n    \"a\": null\n  },\n  {\n    \"a\": {},\n    \"b\": []\n  }\n]\n",
    ),
    (
        "[{\"a\": 1, \"b\": \"x\"}, {\"b\": [1, {\"c\": \"d\"}], \"a\": null}, {\"a\": {}, \"b\": []}]",
        &["a", "b"],
        Format::Nl,
        "{\"a\": 1, \"b\": \"x\"}\n{\"b\": [1, {\"c\": \"d\"}], \"a\": null}\n{\"a\": {}, \"b\": []}\n",
    ),
    (
        "[{\"a\": 1, \"b\": \"x\"}, {\"b\": [1, {\"c\": \"d\"}], \"a\": null}, {\"a\": {}, \"b\": []}]",
        &["a", "b"],
        Format::Csv,
        "a,b\r\n1,x\r\n,\"[\n  1,\n  {\n    \"\"c\"\": \"\"d\"\"\n  }\n]\"\r\n{},[]\r\n",
    ),
    (
        "[{\"a\": 1, \"b\": \"x\"}, {\"b\": [1, {\"c\": \"d\"}], \"a\": null}, {\"a\": {}, \"b\": []}]",
        &["a", "b"],
        Format::Tsv,
        "a\tb\r\n1\tx\r\n\t\"[\n  1,\n  {\n    \"\"c\"\": \"\"d\"\"\n  }\n]\"\r\n{}\t[]\r\n",
    ),
    (
        "[{\"k\": \"comma,here\", \"v\": \"quote\\\"here\"}, {\"k\": \"new\\nline\", \"v\": \"cr\\rhere\"}, {\"k\": \"tab\\there\", \"v\": \"  spaces  \"}]",
        &["k", "v"],
        Format::Json,
        "[\n  {\n    \"k\": \"comma,here\",\n    \"v\": \"quote\\\"here\"\n  },\n  {\n    \"k\": \"new\\nline\",\n    \"v\": \"cr\\rhere\"\n  },\n  {\n    \"k\": \"tab\\there\",\n    \"v\": \"  spaces  \"\n  }\n]\n",
    ),
    (
        "[{\"k\": \"comma,here\", \"v\": \"quote\\\"here\"}, {\"k\": \"new\\nline\", \"v\": \"cr\\rhere\"}, {\"k\": \"tab\\there\", \"v\": \"  spaces  \"}]",
        &["k", "v"],
        Format::Nl,
        "{\"k\": \"comma,here\", \"v\": \"quote\\\"here\"}\n{\"k\": \"new\\nline\", \"v\": \"cr\\rhere\"}\n{\"k\": \"tab\\there\", \"v\": \"  spaces  \"}\n",
    ),
    (
        "[{\"k\": \"comma,here\", \"v\": \"quote\\\"here\"}, {\"k\": \"new\\nline\", \"v\": \"cr\\rhere\"}, {\"k\": \"tab\\there\", \"v\": \"  spaces  \"}]",
        &["k", "v"],
        Format::Csv,
        "k,v\r\n\"comma,here\",\"quote\"\"here\"\r\n\"new\nline\",\"cr\rhere\"\r\ntab\there,  spaces  \r\n",
    ),
    (
        "[{\"k\": \"comma,here\", \"v\": \"quote\\\"here\"}, {\"k\": \"new\\nline\", \"v\": \"cr\\rhere\"}, {\"k\": \"tab\\there\", \"v\": \"  spaces  \"}]",
        &["k", "v"],
        Format::Tsv,
        "k\tv\r\ncomma,here\t\"quote\"\"here\"\r\n\"new\nline\"\t\"cr\rhere\"\r\n\"tab\there\"\t  spaces  \r\n",
    ),
    (
        "[{\"k\": true, \"v\": false}, {\"k\": 1.5, \"v\": 1e16}, {\"k\": -3, \"v\": \"caf\\u00e9 \\ud83d\\ude00\"}]",
        &["k", "v"],
        Format::Json,
        "[\n  {\n    \"k\": true,\n    \"v\": false\n  },\n  {\n    \"k\": 1.5,\n    \"v\": 1e+16\n  },\n  {\n    \"k\": -3,\n    \"v\": \"caf\\u00e9 \\ud83d\\ude00\"\n  }\n]\n",
    ),
    (
        "[{\"k\": true, \"v\": false}, {\"k\": 1.5, \"v\": 1e16}, {\"k\": -3, \"v\": \"caf\\u00e9 \\ud83d\\ude00\"}]",
        &["k", "v"],
        Format::Nl,
        "{\"k\": true, \"v\": false}\n{\"k\": 1.5, \"v\": 1e+16}\n{\"k\": -3, \"v\": \"caf\\u00e9 \\ud83d\\ude00\"}\n",
    ),
    (
        "[{\"k\": true, \"v\": false}, {\"k\": 1.5, \"v\": 1e16}, {\"k\": -3, \"v\": \"caf\\u00e9 \\ud83d\\ude00\"}]",
        &["k", "v"],
        Format::Csv,
        "k,v\r\nTrue,False\r\n1.5,1e+16\r\n-3,caf\u{e9} \u{1f600}\r\n",
    ),
    (
        "[{\"k\": true, \"v\": false}, {\"k\": 1.5, \"v\": 1e16}, {\"k\": -3, \"v\": \"caf\\u00e9 \\ud83d\\ude00\"}]",
        &["k", "v"],
        Format::Tsv,
        "k\tv\r\nTrue\tFalse\r\n1.5\t1e+16\r\n-3\tcaf\u{e9} \u{1f600}\r\n",
    ),
    (
        "[{\"k\": \"\"}, {\"k\": null}, {}, {\"k\": \"x\"}]",
        &["k"],
        Format::Json,
        "[\n  {\n    \"k\": \"\"\n  },\n  {\n    \"k\": null\n  },\n  {},\n  {\n    \"k\": \"x\"\n  }\n]\n",
    ),
    (
        "[{\"k\": \"\"}, {\"k\": null}, {}, {\"k\": \"x\"}]",
        &["k"],
        Format::Nl,
        "{\"k\": \"\"}\n{\"k\": null}\n{}\n{\"k\": \"x\"}\n",
    ),
    (
        "[{\"k\": \"\"}, {\"k\": null}, {}, {\"k\": \"x\"}]",
        &["k"],
        Format::Csv,
        "k\r\n\"\"\r\n\"\"\r\n\"\"\r\nx\r\n",
    ),
    (
        "[{\"k\": \"\"}, {\"k\": null}, {}, {\"k\": \"x\"}]",
        &["k"],
        Format::Tsv,
        "k\r\n\"\"\r\n\"\"\r\n\"\"\r\nx\r\n",
    ),
    (
        "[{\"k\": \"\", \"v\": \"\"}]",
        &["k", "v"],
        Format::Json,
        "[\n  {\n    \"k\": \"\",\n    \"v\": \"\"\n  }\n]\n",
    ),
    (
        "[{\"k\": \"\", \"v\": \"\"}]",
        &["k", "v"],
        Format::Nl,
        "{\"k\": \"\", \"v\": \"\"}\n",
    ),
    (
        "[{\"k\": \"\", \"v\": \"\"}]",
        &["k", "v"],
        Format::Csv,
        "k,v\r\n,\r\n",
    ),
    (
        "[{\"k\": \"\", \"v\": \"\"}]",
        &["k", "v"],
        Format::Tsv,
        "k\tv\r\n\t\r\n",
    ),
    (
        "[{\"k\": \"single'quote\", \"v\": \"\\\"\\\"\"}]",
        &["k", "v"],
        Format::Json,
        "[\n  {\n    \"k\": \"single'quote\",\n    \"v\": \"\\\"\\\"\"\n  }\n]\n",
    ),
    (
        "[{\"k\": \"single'quote\", \"v\": \"\\\"\\\"\"}]",
        &["k", "v"],
        Format::Nl,
        "{\"k\": \"single'quote\", \"v\": \"\\\"\\\"\"}\n",
    ),
    (
        "[{\"k\": \"single'quote\", \"v\": \"\\\"\\\"\"}]",
        &["k", "v"],
        Format::Csv,
        "k,v\r\nsingle'quote,\"\"\"\"\"\"\r\n",
    ),
    (
        "[{\"k\": \"single'quote\", \"v\": \"\\\"\\\"\"}]",
        &["k", "v"],
        Format::Tsv,
        "k\tv\r\nsingle'quote\t\"\"\"\"\"\"\r\n",
    ),
];

#[test]
fn write_list_matches_python() {
    for (input, headers, format, expected) in OUTPUT_CASES {
        assert_eq!(
            &list(items(input), headers, *format),
            expected,
            "{input} {format:?}"
        );
    }
}

/// Members beyond the headers are dropped (Python's expectation computed without them).
const EXTRA_CASES: &[(&str, Format, &str)] = &[
    (
        "[{\"Key\": \"a.txt\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 3}, {\"Size\": 4, \"Key\": \"b,txt\", \"Other\": 1}]",
        Format::Csv,
        "Key,LastModified,Size\r\na.txt,,3\r\n\"b,txt\",,4\r\n",
    ),
    (
        "[{\"Key\": \"a.txt\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 3}, {\"Size\": 4, \"Key\": \"b,txt\", \"Other\": 1}]",
        Format::Tsv,
        "Key\tLastModified\tSize\r\na.txt\t\t3\r\nb,txt\t\t4\r\n",
    ),
];

#[test]
fn csv_ignores_fields_not_in_headers() {
    for (input, format, expected) in EXTRA_CASES {
        assert_eq!(
            &list(items(input), &["Key", "LastModified", "Size"], *format),
            expected
        );
    }
}

fn fallible(n_ok: usize, format: Format) -> (String, bool) {
    let source = (0..n_ok)
        .map(|i| Ok(json!({ "a": i })))
        .chain(std::iter::once(Err("boom")));
    let mut out = Vec::new();
    let r = write_list_fallible(&mut out, source, &["a"], format);
    let failed = matches!(r, Err(ListError::Item("boom")));
    (String::from_utf8(out).unwrap(), failed)
}

#[test]
fn fallible_stops_like_the_original() {
    // Bytes the original printed before the traceback when the iterator raised after
    // n items.
    let cases: &[(usize, Format, &str)] = &[
        (0, Format::Json, ""),
        (1, Format::Json, ""),
        (2, Format::Json, "[\n  {\n    \"a\": 0\n  },\n"),
        (
            3,
            Format::Json,
            "[\n  {\n    \"a\": 0\n  },\n  {\n    \"a\": 1\n  },\n",
        ),
        (0, Format::Nl, ""),
        (1, Format::Nl, "{\"a\": 0}\n"),
        (2, Format::Nl, "{\"a\": 0}\n{\"a\": 1}\n"),
        (0, Format::Csv, "a\r\n"),
        (1, Format::Csv, "a\r\n0\r\n"),
        (3, Format::Csv, "a\r\n0\r\n1\r\n2\r\n"),
        (2, Format::Tsv, "a\r\n0\r\n1\r\n"),
    ];
    for (n, format, expected) in cases {
        let (out, failed) = fallible(*n, *format);
        assert!(failed);
        assert_eq!(&out, expected, "{n} {format:?}");
    }
    let mut out = Vec::new();
    let ok = (0..2).map(|i| Ok::<_, ()>(json!(i)));
    assert!(write_list_fallible(&mut out, ok, &[], Format::Json).is_ok());
    assert_eq!(out, b"[\n  0,\n  1\n]\n");
}

#[test]
fn write_list_reports_io_errors() {
    struct Broken;
    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let r = write_list(&mut Broken, vec![json!(1)].into_iter(), &[], Format::Nl);
    assert_eq!(r.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
}

/// (input JSON, Python's repr of json.loads(input))
const REPR_CASES: &[(&str, &str)] = &[
    (
        "{\"BlockPublicAcls\": false, \"IgnorePublicAcls\": false, \"BlockPublicPolicy\": false, \"RestrictPublicBuckets\": false}",
        "{'BlockPublicAcls': False, 'IgnorePublicAcls': False, 'BlockPublicPolicy': False, 'RestrictPublicBuckets': False}",
    ),
    (
        "[{\"Key\": \"hello.txt\", \"Code\": \"AccessDenied\", \"Message\": \"Access Denied\"}]",
        "[{'Key': 'hello.txt', 'Code': 'AccessDenied', 'Message': 'Access Denied'}]",
    ),
    (
        "{\"Key\": \"value\", \"N\": 1, \"F\": 1.5, \"B\": true, \"X\": null, \"L\": [], \"D\": {}}",
        "{'Key': 'value', 'N': 1, 'F': 1.5, 'B': True, 'X': None, 'L': [], 'D': {}}",
    ),
    (
        "[\"it's\", \"say \\\"hi\\\"\", \"both ' and \\\"\", \"back\\\\slash\", \"nl\\n cr\\r tab\\t\", \"\\u0000\\u001f\\u007f\\u0080\\u009f\\u00a0\\u00ad\", \"caf\\u00e9 \\u2603 \\ud83d\\ude00\", \"\\u200b\\u2028\\ufeff\\ue000\\udb80\\udc00\"]",
        "[\"it's\", 'say \"hi\"', 'both \\' and \"', 'back\\\\slash', 'nl\\n cr\\r tab\\t', '\\x00\\x1f\\x7f\\x80\\x9f\\xa0\\xad', 'caf\u{e9} \u{2603} \u{1f600}', '\\u200b\\u2028\\ufeff\\ue000\\U000f0000']",
    ),
];

#[test]
fn py_repr_matches_python() {
    for (input, expected) in REPR_CASES {
        assert_eq!(&py_repr(&parse(input)), expected);
    }
    assert_eq!(py_repr_str("it's"), "\"it's\"");
}

/// (value, Python's repr)
const FLOAT_CASES: &[(f64, &str)] = &[
    (0.0, "0.0"),
    (-0.0, "-0.0"),
    (1.0, "1.0"),
    (0.1, "0.1"),
    (0.30000000000000004, "0.30000000000000004"),
    (1.5, "1.5"),
    (100.0, "100.0"),
    (1e+16, "1e+16"),
    (1000000000000000.0, "1000000000000000.0"),
    (9999999999999998.0, "9999999999999998.0"),
    (1.5e-07, "1.5e-07"),
    (1e-07, "1e-07"),
    (0.0001, "0.0001"),
    (1e-05, "1e-05"),
    (123456.789, "123456.789"),
    (1e+300, "1e+300"),
    (-2.5e-10, "-2.5e-10"),
    (5e-324, "5e-324"),
    (1.7976931348623157e+308, "1.7976931348623157e+308"),
    (9007199254740992.0, "9007199254740992.0"),
    (0.3333333333333333, "0.3333333333333333"),
    (1e+22, "1e+22"),
    (1.2345678901234568e+16, "1.2345678901234568e+16"),
    (0.000123, "0.000123"),
    (1267860061485775.0 + 0.25, "1267860061485775.2"),
    (1267860061485775.0 + 0.75, "1267860061485775.8"),
    (-2032606824207703.0 - 0.25, "-2032606824207703.2"),
];

#[test]
fn floats_as_python_repr() {
    for (f, expected) in FLOAT_CASES {
        assert_eq!(&py_float(*f), expected);
    }
    assert_eq!(py_float(f64::INFINITY), "inf");
    assert_eq!(py_float(f64::NEG_INFINITY), "-inf");
    assert_eq!(py_float(f64::NAN), "nan");
    let mut buf = String::new();
    write_py_float(&mut buf, f64::NEG_INFINITY, true);
    write_py_float(&mut buf, f64::NAN, true);
    assert_eq!(buf, "-InfinityNaN");
}

/// (size, the original's format_bytes)
const BYTES_CASES: &[(u64, &str)] = &[
    (0, "0.0 bytes"),
    (1, "1.0 bytes"),
    (29, "29.0 bytes"),
    (1023, "1023.0 bytes"),
    (1024, "1.0 KB"),
    (1536, "1.5 KB"),
    (1048575, "1024.0 KB"),
    (1048576, "1.0 MB"),
    (1000000000, "953.7 MB"),
    (1099511627775, "1024.0 GB"),
    (1099511627776, "1.0 TB"),
    (1125899906842623, "1024.0 TB"),
    (1125899906842624, "1.0"),
    (3377699720540217, "3.0000000000109646"),
    (18446744073709551615, "16384.0"),
    (1075, "1.0 KB"),
    (1126, "1.1 KB"),
    (1177, "1.1 KB"),
    (1229, "1.2 KB"),
    (2611, "2.5 KB"),
    (1048552, "1024.0 KB"),
    (1125350151028736, "1023.5 TB"),
];

#[test]
fn format_bytes_matches_python() {
    for (n, expected) in BYTES_CASES {
        assert_eq!(&format_bytes(*n), expected, "{n}");
    }
}

#[test]
fn py_datetime_as_python_str() {
    use time::macros::datetime;
    assert_eq!(
        py_datetime(datetime!(2021-11-03 01:38:24 UTC)),
        "2021-11-03 01:38:24+00:00"
    );
    assert_eq!(
        py_datetime(datetime!(2026-11-28 22:57:20.370918 UTC)),
        "2026-11-28 22:57:20.370918+00:00"
    );
    assert_eq!(
        py_datetime(datetime!(2026-11-28 22:57:20.000001999 UTC)),
        "2026-11-28 22:57:20.000001+00:00"
    );
    // Below a microsecond is dropped, and with it the fraction.
    assert_eq!(
        py_datetime(datetime!(2026-11-28 22:57:20.000000999 UTC)),
        "2026-11-28 22:57:20+00:00"
    );
    assert_eq!(
        py_datetime(datetime!(2026-11-29 00:57:20.5 +02:00)),
        "2026-11-28 22:57:20.500000+00:00"
    );
    assert_eq!(
        py_datetime(datetime!(0001-01-01 00:00:00 UTC)),
        "0001-01-01 00:00:00+00:00"
    );
}

#[test]
fn parses_aws_timestamps() {
    let p = |s: &str| parse_aws_timestamp(s).map(py_datetime);
    let cases = [
        (
            "2026-11-28T22:57:20.370918Z",
            "2026-11-28 22:57:20.370918+00:00",
        ),
        ("2026-11-28T22:57:20Z", "2026-11-28 22:57:20+00:00"),
        (
            "2026-11-28T22:57:20.370+00:00",
            "2026-11-28 22:57:20.370000+00:00",
        ),
        ("2026-11-28T22:57:20.000Z", "2026-11-28 22:57:20+00:00"),
        (
            "2026-11-28T23:57:20.5+01:00",
            "2026-11-28 22:57:20.500000+00:00",
        ),
        ("2026-11-28T21:57:20-0100", "2026-11-28 22:57:20+00:00"),
        ("2026-11-28T22:57:20", "2026-11-28 22:57:20+00:00"),
        ("2026-11-28 22:57:20+00:00", "2026-11-28 22:57:20+00:00"),
        (
            "2026-11-28T22:57:20.1234567891Z",
            "2026-11-28 22:57:20.123456+00:00",
        ),
        ("2026-11-28", "2026-11-28 00:00:00+00:00"),
        ("Sat, 28 Nov 2026 22:57:41 GMT", "2026-11-28 22:57:41+00:00"),
        ("Sat, 8 Nov 2026 22:57:41 GMT", "2026-11-08 22:57:41+00:00"),
        ("28 Nov 2026 22:57:41 +0000", "2026-11-28 22:57:41+00:00"),
        ("1700000000", "2023-11-14 22:13:20+00:00"),
        ("1700000000.25", "2023-11-14 22:13:20.250000+00:00"),
    ];
    for (input, expected) in cases {
        assert_eq!(p(input).as_deref(), Some(expected), "{input}");
    }
    for bad in [
        "",
        "yesterday",
        "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-11-28T22:57:20Zjunk",
        "2026-11-28T25:00:00Z",
        "Sat, 28 Foo 2026 22:57:41 GMT",
        "Sat, 28 Nov 2026 22:57 GMT",
        "2026-11-28T22:57:20.Z",
        ".",
    ] {
        assert_eq!(p(bad), None, "{bad}");
    }
}
