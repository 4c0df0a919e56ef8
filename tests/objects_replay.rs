//! The object commands against the mock server: what each request carries (checksums,
//! signed payload hashes, Content-MD5, ranges), multipart uploads and their abort on
//! failure, resumed and failed downloads, unsafe keys, and DeleteObjects batching.

use crate::support;

use std::path::Path;

use sha2::Digest;
use support::s3_mock::{mock_cmd as cmd, serve_object};
use support::{Matcher, MockServer, Recorded, Reply, TempDir, run};

const UPLOAD_ID: &str = "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA";

/// base64 of the big-endian CRC32, as `x-amz-checksum-crc32` carries it.
fn crc32_header(bytes: &[u8]) -> String {
    s3_credentials::aws::md5::base64(&crc32fast::hash(bytes).to_be_bytes())
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

fn by_method<'a>(reqs: &'a [Recorded], method: &str) -> Vec<&'a Recorded> {
    reqs.iter().filter(|r| r.method == method).collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn put_object_sends_a_verifiable_body_with_a_guessed_type() {
    let server = MockServer::start();
    server.on(Matcher::put("/bucket/dir/hello.txt"), Reply::status(200));
    let dir = TempDir::new();
    let file = write(dir.path(), "hello.txt", b"Hello world\n");
    let out = run(
        &mut cmd(&server, &["put-object", "bucket", "dir/hello.txt", &file]),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The original's click progress bar, hidden when stderr is not a terminal.
    assert_eq!(out.stderr, "Uploading\n");
    assert!(out.stdout.is_empty());
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.body, b"Hello world\n");
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(
        r.header("x-amz-checksum-crc32"),
        Some(crc32_header(b"Hello world\n").as_str())
    );
    // As botocore sends it: S3 records the object's ChecksumAlgorithm from this header.
    assert_eq!(r.header("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
    // Plain HTTP: the payload hash is signed, not UNSIGNED-PAYLOAD.
    assert_eq!(
        r.header("x-amz-content-sha256"),
        Some(sha256_hex(b"Hello world\n").as_str())
    );
    let auth = r.header("authorization").unwrap_or_default();
    assert!(auth.contains("x-amz-checksum-crc32"), "{auth}");
}

#[test]
fn put_object_from_stdin_with_a_content_type_and_silent() {
    let server = MockServer::start();
    server.on(Matcher::put("/bucket/from stdin+1.bin"), Reply::status(200));
    let out = run(
        &mut cmd(
            &server,
            &[
                "put-object",
                "bucket",
                "from stdin+1.bin",
                "-",
                "--content-type",
                "image/png",
                "-s",
            ],
        ),
        Some(b"from stdin"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].raw_path, "/bucket/from%20stdin%2B1.bin");
    assert_eq!(reqs[0].body, b"from stdin");
    assert_eq!(reqs[0].header("content-type"), Some("image/png"));
}

/// Routes for a multipart upload that succeeds; each part's ETag names its number.
fn multipart_routes(server: &MockServer, path: &str) {
    server.on(
        Matcher::post(path).query("uploads", ""),
        Reply::fixture("objects/InitiateMultipartUpload.xml"),
    );
    server.on(
        Matcher::put(path).query("uploadId", UPLOAD_ID),
        Reply::compute(|r| {
            let n = r.query_param("partNumber").unwrap_or("?");
            Reply::status(200).header("ETag", &format!("\"etag-{n}\""))
        }),
    );
    server.on(
        Matcher::post(path).query("uploadId", UPLOAD_ID),
        Reply::fixture("objects/CompleteMultipartUpload.xml"),
    );
    server.on(
        Matcher::delete(path).query("uploadId", UPLOAD_ID),
        Reply::status(204),
    );
}

/// Small multipart sizes so the mock sees several parts of a small file.
fn small_parts(c: &mut std::process::Command) -> &mut std::process::Command {
    c.env("S3_CREDENTIALS_MULTIPART_THRESHOLD", "10")
        .env("S3_CREDENTIALS_MULTIPART_CHUNKSIZE", "8")
}

/// The parts the mock received, in part-number order: (number, body).
fn parts_received(reqs: &[Recorded]) -> Vec<(u32, Vec<u8>)> {
    let mut parts: Vec<(u32, Vec<u8>)> = by_method(reqs, "PUT")
        .into_iter()
        .map(|r| {
            assert_eq!(r.query_param("uploadId"), Some(UPLOAD_ID));
            assert_eq!(
                r.header("x-amz-checksum-crc32"),
                Some(crc32_header(&r.body).as_str()),
                "part checksum"
            );
            assert_eq!(
                r.header("x-amz-content-sha256"),
                Some(sha256_hex(&r.body).as_str())
            );
            (
                r.query_param("partNumber").unwrap().parse().unwrap(),
                r.body.clone(),
            )
        })
        .collect();
    parts.sort();
    parts
}

#[test]
fn big_files_go_multipart_with_a_checksum_per_part() {
    let server = MockServer::start();
    multipart_routes(&server, "/bucket/big.txt");
    let dir = TempDir::new();
    let data = b"0123456789abcdefghij";
    let file = write(dir.path(), "big.txt", data);
    let out = run(
        small_parts(&mut cmd(
            &server,
            &["put-object", "bucket", "big.txt", &file, "-s"],
        )),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reqs = server.requests();
    let create = reqs
        .iter()
        .find(|r| r.query_param("uploads").is_some())
        .unwrap();
    assert_eq!(create.header("x-amz-checksum-algorithm"), Some("CRC32"));
    assert_eq!(create.header("content-type"), Some("text/plain"));
    let parts = parts_received(&reqs);
    let numbers: Vec<u32> = parts.iter().map(|p| p.0).collect();
    assert_eq!(numbers, [1, 2, 3]);
    let joined: Vec<u8> = parts.iter().flat_map(|p| p.1.clone()).collect();
    assert_eq!(joined, data);
    let complete = reqs
        .iter()
        .find(|r| r.method == "POST" && r.query_param("uploadId").is_some())
        .expect("CompleteMultipartUpload");
    let body = complete.body_str();
    let expected: String = parts
        .iter()
        .map(|(n, bytes)| {
            format!(
                "<Part><PartNumber>{n}</PartNumber><ETag>&quot;etag-{n}&quot;</ETag><ChecksumCRC32>{}</ChecksumCRC32></Part>",
                crc32_header(bytes)
            )
        })
        .collect();
    assert!(body.contains(&expected), "{body}");
    assert!(by_method(&reqs, "DELETE").is_empty());
}

#[test]
fn stdin_of_unknown_length_streams_in_parts() {
    let server = MockServer::start();
    multipart_routes(&server, "/bucket/stream.bin");
    let data: Vec<u8> = (0..30u8).collect();
    let out = run(
        small_parts(&mut cmd(
            &server,
            &["put-object", "bucket", "stream.bin", "-", "-s"],
        )),
        Some(&data),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let parts = parts_received(&server.requests());
    let sizes: Vec<usize> = parts.iter().map(|p| p.1.len()).collect();
    assert_eq!(sizes, [8, 8, 8, 6]);
    let joined: Vec<u8> = parts.iter().flat_map(|p| p.1.clone()).collect();
    assert_eq!(joined, data);
}

#[test]
fn a_failed_part_aborts_the_upload() {
    let server = MockServer::start();
    multipart_routes(&server, "/bucket/big.bin");
    server.on(
        Matcher::put("/bucket/big.bin").query("partNumber", "2"),
        Reply::s3_error(500, "InternalError", "We encountered an internal error."),
    );
    let dir = TempDir::new();
    let file = write(dir.path(), "big.bin", &[7u8; 20]);
    let out = run(
        small_parts(&mut cmd(
            &server,
            &["put-object", "bucket", "big.bin", &file, "-s"],
        ))
        .env("AWS_MAX_ATTEMPTS", "2"),
        None,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with(
            "Error: An error occurred (InternalError) when calling the UploadPart operation"
        ),
        "{}",
        out.stderr
    );
    let reqs = server.requests();
    let aborts = by_method(&reqs, "DELETE");
    assert_eq!(aborts.len(), 1, "one AbortMultipartUpload");
    assert_eq!(aborts[0].query_param("uploadId"), Some(UPLOAD_ID));
    assert!(
        !reqs
            .iter()
            .any(|r| r.method == "POST" && r.query_param("uploadId").is_some()),
        "never completed"
    );
}

#[test]
fn an_error_inside_a_200_complete_aborts_the_upload() {
    let server = MockServer::start();
    multipart_routes(&server, "/bucket/big.bin");
    server.on(
        Matcher::post("/bucket/big.bin").query("uploadId", UPLOAD_ID),
        Reply::s3_error(
            200,
            "InvalidPart",
            "One or more of the specified parts could not be found.",
        ),
    );
    let dir = TempDir::new();
    let file = write(dir.path(), "big.bin", &[1u8; 20]);
    let out = run(
        small_parts(&mut cmd(
            &server,
            &["put-object", "bucket", "big.bin", &file, "-s"],
        )),
        None,
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("(InvalidPart)"), "{}", out.stderr);
    assert_eq!(by_method(&server.requests(), "DELETE").len(), 1);
}

fn pattern_bytes(len: usize) -> &'static [u8] {
    let v: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
    Box::leak(v.into_boxed_slice())
}

#[test]
fn a_broken_download_resumes_where_it_stopped() {
    let server = MockServer::start();
    let data = pattern_bytes(1000);
    serve_object(&server, "/bucket/obj", data.to_vec());
    // The first GET breaks after 300 bytes.
    server.on(
        Matcher::get("/bucket/obj").times(1),
        Reply::ok(data.to_vec()).truncate_after(300),
    );
    let out = run(&mut cmd(&server, &["get-object", "bucket", "obj"]), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, data);
    let gets = server.requests();
    let gets = by_method(&gets, "GET");
    assert_eq!(gets.len(), 2);
    assert_eq!(gets[1].header("range"), Some("bytes=300-999"));
    assert_eq!(gets[1].header("if-match"), Some("\"e1\""));
}

#[test]
fn a_server_failing_mid_download_leaves_no_file() {
    let server = MockServer::start();
    let data = pattern_bytes(1000);
    serve_object(&server, "/bucket/obj", data.to_vec());
    server.on(
        Matcher::get("/bucket/obj"),
        Reply::ok(data.to_vec()).truncate_after(300),
    );
    let dir = TempDir::new();
    let dest = dir.path().join("obj.bin");
    let out = run(
        cmd(
            &server,
            &["get-object", "bucket", "obj", "-o", dest.to_str().unwrap()],
        )
        .env("AWS_MAX_ATTEMPTS", "3"),
        None,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("Error: Download of s3://bucket/obj failed after 3 attempts"),
        "{}",
        out.stderr
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(
        left.is_empty(),
        "nothing under the final name, no temporary file: {left:?}"
    );
}

#[test]
fn a_checksum_mismatch_leaves_no_file() {
    let server = MockServer::start();
    let data = b"payload";
    server.on(
        Matcher::head("/bucket/obj"),
        Reply::status(200)
            .header("Content-Length", "7")
            .header("x-amz-checksum-crc32", &crc32_header(b"something else")),
    );
    server.on(Matcher::get("/bucket/obj"), Reply::ok(data.to_vec()));
    let dir = TempDir::new();
    let dest = dir.path().join("obj");
    let out = run(
        &mut cmd(
            &server,
            &["get-object", "bucket", "obj", "-o", dest.to_str().unwrap()],
        ),
        None,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("Error: Checksum mismatch downloading s3://bucket/obj"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // The same object with its right checksum downloads.
    server.on(
        Matcher::head("/bucket/obj"),
        Reply::status(200)
            .header("Content-Length", "7")
            .header("x-amz-checksum-crc32", &crc32_header(data)),
    );
    let out = run(
        &mut cmd(
            &server,
            &["get-object", "bucket", "obj", "-o", dest.to_str().unwrap()],
        ),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read(&dest).unwrap(), data);
}

#[test]
fn big_downloads_come_as_parallel_ranges() {
    let server = MockServer::start();
    let data = pattern_bytes(100);
    serve_object(&server, "/bucket/big", data.to_vec());
    let dir = TempDir::new();
    let dest = dir.path().join("big");
    let out = run(
        small_parts(&mut cmd(
            &server,
            &[
                "get-object",
                "bucket",
                "big",
                "-o",
                dest.to_str().unwrap(),
                "--workers",
                "3",
            ],
        )),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    let reqs = server.requests();
    let mut ranges: Vec<&str> = by_method(&reqs, "GET")
        .iter()
        .map(|r| r.header("range").unwrap())
        .collect();
    ranges.sort_by_key(|r| r[6..].split('-').next().unwrap().parse::<u32>().unwrap());
    let expected: Vec<String> = (0..13)
        .map(|i| format!("bytes={}-{}", i * 8, (i * 8 + 7).min(99)))
        .collect();
    assert_eq!(ranges, expected);
}

#[test]
fn get_objects_refuses_keys_that_are_not_safe_paths() {
    let server = MockServer::start();
    server.on(
        Matcher::get("/bucket").query("list-type", "2"),
        Reply::fixture("objects/ListObjectsV2-unsafe.xml"),
    );
    server.on(Matcher::get("/bucket/ok file.txt"), Reply::ok("a"));
    let dir = TempDir::new();
    let out_dir = dir.path().join("out");
    let out = run(
        &mut cmd(
            &server,
            &["get-objects", "bucket", "-o", out_dir.to_str().unwrap()],
        ),
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "Downloading 4.0 bytes (5 files)\n\
         Error: Refused key '/absolute.txt': not a safe relative path (absolute, empty, '.' or '..' segments), it would not be saved inside the output directory\n\
         Refused key '../escape.txt': not a safe relative path (absolute, empty, '.' or '..' segments), it would not be saved inside the output directory\n\
         Refused key 'a//b.txt': not a safe relative path (absolute, empty, '.' or '..' segments), it would not be saved inside the output directory\n"
    );
    assert_eq!(std::fs::read(out_dir.join("ok file.txt")).unwrap(), b"a");
    assert!(out_dir.join("folder").is_dir());
    assert!(!dir.path().join("escape.txt").exists());
    // Only the safe key was fetched.
    let gets: Vec<String> = by_method(&server.requests(), "GET")
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(gets, ["/bucket", "/bucket/ok file.txt"]);
}

#[test]
fn delete_objects_goes_in_batches_of_a_thousand_with_content_md5() {
    let server = MockServer::start();
    server.on(
        Matcher::post("/bucket").query("delete", ""),
        Reply::xml(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></DeleteResult>"),
    );
    let mut args: Vec<String> = vec!["delete-objects".into(), "bucket".into(), "a&b <c>".into()];
    args.extend((1..2500).map(|i| format!("key-{i}")));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&mut cmd(&server, &args), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "Deleting 2500 objects from bucket\n");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    let counts: Vec<usize> = reqs
        .iter()
        .map(|r| r.body_str().matches("<Object>").count())
        .collect();
    assert_eq!(counts, [1000, 1000, 500]);
    for r in &reqs {
        assert_eq!(
            r.header("content-md5"),
            Some(s3_credentials::aws::md5::content_md5(&r.body).as_str())
        );
    }
    assert!(reqs[0].body_str().contains("<Key>a&amp;b &lt;c&gt;</Key>"));
}

#[test]
fn delete_objects_reports_per_key_errors_as_the_original() {
    let server = MockServer::start();
    server.on(
        Matcher::post("/bucket").query("delete", ""),
        Reply::fixture("objects/DeleteObjects-errors.xml"),
    );
    let out = run(
        &mut cmd(
            &server,
            &["delete-objects", "bucket", "sample1.txt", "sample2.txt"],
        ),
        None,
    );
    // The original echoes the errors and exits 0.
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "Deleting 2 objects from bucket\n\
         Errors deleting objects: [{'Key': 'sample2.txt', 'Code': 'AccessDenied', 'Message': 'Access Denied'}]\n"
    );
}

#[test]
fn delete_objects_argument_errors() {
    let server = MockServer::start();
    let both = run(
        &mut cmd(&server, &["delete-objects", "bucket", "k", "--prefix", "p"]),
        None,
    );
    assert_eq!(
        (both.code, both.stderr.as_str()),
        (1, "Error: Cannot pass both keys and --prefix\n")
    );
    let neither = run(&mut cmd(&server, &["delete-objects", "bucket"]), None);
    assert_eq!(
        (neither.code, neither.stderr.as_str()),
        (1, "Error: Specify one or more keys or use --prefix\n")
    );
    assert!(server.requests().is_empty());
}

#[test]
fn workers_come_from_the_option_or_the_environment() {
    let server = MockServer::start();
    let zero = run(
        &mut cmd(&server, &["get-objects", "bucket", "--workers", "0"]),
        None,
    );
    assert_eq!(zero.code, 2);
    assert!(
        zero.stderr
            .ends_with("Error: Invalid value for '--workers': 0 is not in the range 1<=x<=256.\n"),
        "{}",
        zero.stderr
    );
    let bad_env = run(
        cmd(&server, &["get-objects", "bucket"]).env("S3_CREDENTIALS_WORKERS", "lots"),
        None,
    );
    assert_eq!(bad_env.code, 1);
    assert_eq!(
        bad_env.stderr,
        "Error: S3_CREDENTIALS_WORKERS must be a whole number from 1 to 256, not 'lots'\n"
    );
    assert!(server.requests().is_empty());
}
