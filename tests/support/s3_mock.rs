//! S3 on the mock server, as the object tests set it up: the binary keyed for the mock,
//! ListObjectsV2 pages, objects served by HEAD and (ranged) GET, and what a download
//! left on disk. One copy here instead of one per test file.

use std::path::Path;
use std::process::Command;

use super::{Matcher, MockServer, Recorded, Reply, bin};

/// The binary with a fixed key for the mock, in us-east-1, retrying without waiting,
/// `args` then `--endpoint-url` of the mock. Callers add `AWS_MAX_ATTEMPTS` where the
/// number of attempts matters.
pub fn mock_cmd(server: &MockServer, args: &[&str]) -> Command {
    let mut c = bin();
    c.env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "SECRETEXAMPLE")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("S3_CREDENTIALS_RETRY_BASE_MS", "1")
        .args(args)
        .args(["--endpoint-url", &server.url()]);
    c
}

/// Percent-encoding for a listing with `encoding-type=url` (so any key survives XML).
pub fn url_encode(key: &str) -> String {
    key.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One ListObjectsV2 page (`encoding-type=url`) of `(key, size)` entries, truncated with
/// the continuation token `next` when given. Keys are written URL-encoded.
pub fn list_page<K: AsRef<str>>(objects: &[(K, u64)], next: Option<&str>) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
         <Name>bucket</Name><Prefix></Prefix><EncodingType>url</EncodingType>",
    );
    for (key, size) in objects {
        xml.push_str(&format!(
            "<Contents><Key>{}</Key><LastModified>2026-11-28T22:57:20.000Z</LastModified>\
             <ETag>\"e1\"</ETag><Size>{size}</Size><StorageClass>STANDARD</StorageClass></Contents>",
            url_encode(key.as_ref())
        ));
    }
    match next {
        Some(token) => xml.push_str(&format!(
            "<IsTruncated>true</IsTruncated><NextContinuationToken>{token}</NextContinuationToken>"
        )),
        None => xml.push_str("<IsTruncated>false</IsTruncated>"),
    }
    xml.push_str("</ListBucketResult>");
    xml
}

/// ListObjectsV2 of `bucket` over `objects`, `page` keys a page, with continuation
/// tokens that are the index of the next key.
pub fn serve_listing(server: &MockServer, bucket: &str, objects: &[(&str, u64)], page: usize) {
    let objects: Vec<(String, u64)> = objects.iter().map(|(k, s)| (k.to_string(), *s)).collect();
    server.on(
        Matcher::get(&format!("/{bucket}")).query("list-type", "2"),
        Reply::compute(move |r: &Recorded| {
            let start: usize = r
                .query_param("continuation-token")
                .map_or(0, |t| t.parse().unwrap());
            let end = (start + page).min(objects.len());
            let next = (end < objects.len()).then(|| end.to_string());
            Reply::xml(200, list_page(&objects[start..end], next.as_deref()))
        }),
    );
}

/// The object at `path` served by HEAD and by GET, whole or by `Range` (206 with its
/// `Content-Range`), with one ETag.
pub fn serve_object(server: &MockServer, path: &str, body: Vec<u8>) {
    let len = body.len();
    server.on(
        Matcher::head(path),
        Reply::status(200)
            .header("Content-Length", &len.to_string())
            .header("ETag", "\"e1\""),
    );
    server.on(
        Matcher::get(path),
        Reply::compute(move |r: &Recorded| match r.header("range") {
            None => Reply::ok(body.clone()).header("ETag", "\"e1\""),
            Some(range) => {
                let (a, b) = range
                    .trim_start_matches("bytes=")
                    .split_once('-')
                    .unwrap_or(("0", ""));
                let a: usize = a.parse().unwrap_or(0).min(len.saturating_sub(1));
                let b: usize = b.parse().unwrap_or(len).min(len.saturating_sub(1));
                Reply::status(206)
                    .header("Content-Range", &format!("bytes {a}-{b}/{len}"))
                    .header("ETag", "\"e1\"")
                    .body(body[a..=b].to_vec())
            }
        }),
    );
}

/// Every entry below `dir` (files, links, directories), relative, sorted.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}
