//! Expected bytes come from the reference transcript and from Python 3.11.

use super::*;
use serde_json::{Value, json};
use std::io::Write;

// Exact stdout of the original 0.17, copied from the reference transcript.
const LIST_BUCKET_JSON: &str = "[\n  {\n    \"Key\": \"hello.txt\",\n    \"LastModified\": \"2026-11-28 22:57:24+00:00\",\n    \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\",\n    \"ChecksumAlgorithm\": [\n      \"CRC32\"\n    ],\n    \"Size\": 12,\n    \"StorageClass\": \"STANDARD\"\n  },\n  {\n    \"Key\": \"quiet.txt\",\n    \"LastModified\": \"2026-11-28 22:57:24+00:00\",\n    \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\",\n    \"ChecksumAlgorithm\": [\n      \"CRC32\"\n    ],\n    \"Size\": 12,\n    \"StorageClass\": \"STANDARD\"\n  },\n  {\n    \"Key\": \"stdin.txt\",\n    \"LastModified\": \"2026-11-28 22:57:24+00:00\",\n    \"ETag\": \"\\\"dabb1b92ea7adae3c6b905f49acd4d42\\\"\",\n    \"ChecksumAlgorithm\": [\n      \"CRC32\"\n    ],\n    \"Size\": 10,\n    \"StorageClass\": \"STANDARD\"\n  }\n]\n";
const LIST_BUCKET_NL: &str = "{\"Key\": \"files/f1.txt\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"e243bb39c844b3543a7726576c869caf\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 7, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"files/f2.txt\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"4349cfeff8e2eb74dffc369bb5fd084e\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 7, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"files/f3.txt\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"9c38e8324dbf031557c89d53a39f0b26\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 7, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"files/sub/page.html\", \"LastModified\": \"2026-11-28 22:57:26+00:00\", \"ETag\": \"\\\"191d0845e70bcc5f5e6a98cc2bb13e95\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 8, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"hello.txt\", \"LastModified\": \"2026-11-28 22:57:24+00:00\", \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 12, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"quiet.txt\", \"LastModified\": \"2026-11-28 22:57:24+00:00\", \"ETag\": \"\\\"f0ef7081e1539ac00ef5b761b4fb01b3\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 12, \"StorageClass\": \"STANDARD\"}\n{\"Key\": \"stdin.txt\", \"LastModified\": \"2026-11-28 22:57:24+00:00\", \"ETag\": \"\\\"dabb1b92ea7adae3c6b905f49acd4d42\\\"\", \"ChecksumAlgorithm\": [\"CRC32\"], \"Size\": 10, \"StorageClass\": \"STANDARD\"}\n";
const LIST_ROLES_JSON: &str = "[\n  {\n    \"Path\": \"/\",\n    \"RoleName\": \"s3-credentials.AmazonS3FullAccess\",\n    \"RoleId\": \"AROARZPUZDIKMZ5SO7MAM\",\n    \"Arn\": \"arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess\",\n    \"CreateDate\": \"2026-11-28 22:57:21.355176+00:00\",\n    \"AssumeRolePolicyDocument\": {\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [\n        {\n          \"Effect\": \"Allow\",\n          \"Principal\": {\n            \"AWS\": \"arn:aws:iam::123456789012:root\"\n          },\n          \"Action\": \"sts:AssumeRole\"\n        }\n      ]\n    },\n    \"Description\": \"Role used by the s3-credentials tool to create time-limited credentials that are restricted to specific buckets\",\n    \"MaxSessionDuration\": 43200\n  }\n]\n";
const LIST_USERS_JSON: &str = "[\n  {\n    \"Path\": \"/\",\n    \"UserName\": \"s3.read-write.my-bucket\",\n    \"UserId\": \"uerd61x5recy97s98kfq\",\n    \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-write.my-bucket\",\n    \"CreateDate\": \"2026-11-28 22:57:20.362330+00:00\"\n  },\n  {\n    \"Path\": \"/\",\n    \"UserName\": \"s3.read-only.my-bucket\",\n    \"UserId\": \"qm804b4gn0p5j6d9jnzn\",\n    \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-only.my-bucket\",\n    \"CreateDate\": \"2026-11-28 22:57:22.079724+00:00\"\n  }\n]\n";
const LIST_USERS_NL: &str = "{\"Path\": \"/\", \"UserName\": \"s3.read-write.my-bucket\", \"UserId\": \"uerd61x5recy97s98kfq\", \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-write.my-bucket\", \"CreateDate\": \"2026-11-28 22:57:20.362330+00:00\"}\n{\"Path\": \"/\", \"UserName\": \"s3.read-only.my-bucket\", \"UserId\": \"qm804b4gn0p5j6d9jnzn\", \"Arn\": \"arn:aws:iam::123456789012:user/s3.read-only.my-bucket\", \"CreateDate\": \"2026-11-28 22:57:22.079724+00:00\"}\n";
const CREATE_JSON: &str = "{\n    \"UserName\": \"s3.read-write.my-bucket\",\n    \"AccessKeyId\": \"AKIARZPUZDIKEX5BFOYJ\",\n    \"Status\": \"Active\",\n    \"SecretAccessKey\": \"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\",\n    \"CreateDate\": \"2026-11-28 22:57:20.370918+00:00\"\n}\n";

pub(super) fn parse(s: &str) -> Value {
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
