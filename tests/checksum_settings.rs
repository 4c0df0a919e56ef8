//! `AWS_REQUEST_CHECKSUM_CALCULATION` / `AWS_RESPONSE_CHECKSUM_VALIDATION` (and the
//! profile keys) against the mock server: with `when_required`, uploads carry no CRC32
//! (single and multipart), downloads neither ask for nor check the object's checksum,
//! the payload hash stays signed; an unknown value is botocore's error. Then a round
//! trip through s3s-fs with both off.

use crate::support;

use sha2::Digest;
use support::s3s::S3s;
use support::{Matcher, MockServer, Recorded, Reply, TempDir, bin, run};

const UPLOAD_ID: &str = "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA";

fn cmd(url: &str, env: &[(&str, &str)], args: &[&str]) -> std::process::Command {
    let mut c = bin();
    c.env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "SECRETEXAMPLE")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("S3_CREDENTIALS_RETRY_BASE_MS", "1")
        .envs(env.iter().copied())
        .args(args)
        .args(["--endpoint-url", url]);
    c
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

fn no_checksum_headers(r: &Recorded) {
    for name in [
        "x-amz-checksum-crc32",
        "x-amz-sdk-checksum-algorithm",
        "x-amz-checksum-algorithm",
    ] {
        assert_eq!(r.header(name), None, "{} {} sent {name}", r.method, r.path);
    }
}

#[test]
fn when_required_uploads_carry_no_crc32_and_still_sign_the_payload() {
    let server = MockServer::start();
    server.on(Matcher::put("/bucket/small.txt"), Reply::status(200));
    let dir = TempDir::new();
    let file = dir.path().join("small.txt");
    std::fs::write(&file, b"Hello world\n").unwrap();
    let off = [("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")];
    let out = run(
        &mut cmd(
            &server.url(),
            &off,
            &[
                "put-object",
                "bucket",
                "small.txt",
                file.to_str().unwrap(),
                "-s",
            ],
        ),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    no_checksum_headers(&reqs[0]);
    assert_eq!(
        reqs[0].header("x-amz-content-sha256"),
        Some(sha256_hex(b"Hello world\n").as_str())
    );

    // The same upload by default: CRC32 and its algorithm header.
    let out = run(
        &mut cmd(
            &server.url(),
            &[],
            &[
                "put-object",
                "bucket",
                "small.txt",
                file.to_str().unwrap(),
                "-s",
            ],
        ),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reqs = server.requests();
    assert_eq!(
        reqs[1].header("x-amz-sdk-checksum-algorithm"),
        Some("CRC32")
    );
    assert!(reqs[1].header("x-amz-checksum-crc32").is_some());
}

#[test]
fn when_required_multipart_uploads_name_no_checksum_anywhere() {
    let server = MockServer::start();
    let path = "/bucket/big.txt";
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
    let dir = TempDir::new();
    let file = dir.path().join("big.txt");
    std::fs::write(&file, b"0123456789abcdefghij").unwrap();
    // From the profile this time.
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[default]\nrequest_checksum_calculation = when_required\n",
    )
    .unwrap();
    let env = [
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("S3_CREDENTIALS_MULTIPART_THRESHOLD", "10"),
        ("S3_CREDENTIALS_MULTIPART_CHUNKSIZE", "8"),
    ];
    let out = run(
        &mut cmd(
            &server.url(),
            &env,
            &[
                "put-object",
                "bucket",
                "big.txt",
                file.to_str().unwrap(),
                "-s",
            ],
        ),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 5, "create, three parts, complete");
    for r in &reqs {
        no_checksum_headers(r);
        if r.method == "PUT" {
            assert_eq!(
                r.header("x-amz-content-sha256"),
                Some(sha256_hex(&r.body).as_str())
            );
        }
    }
    let complete = reqs.last().unwrap().body_str();
    assert!(
        complete.contains("<Part><PartNumber>1</PartNumber><ETag>&quot;etag-1&quot;</ETag></Part>"),
        "{complete}"
    );
    assert!(!complete.contains("Checksum"), "{complete}");
}

#[test]
fn when_required_downloads_neither_ask_for_nor_check_the_checksum() {
    let server = MockServer::start();
    let data = b"payload";
    // A server whose checksum is wrong: only checking it can notice.
    let wrong = s3_credentials::aws::md5::base64(&crc32fast::hash(b"other").to_be_bytes());
    server.on(
        Matcher::head("/bucket/obj"),
        Reply::status(200)
            .header("Content-Length", "7")
            .header("x-amz-checksum-crc32", &wrong),
    );
    server.on(
        Matcher::get("/bucket/obj"),
        Reply::ok(data.to_vec()).header("x-amz-checksum-crc32", &wrong),
    );
    let dir = TempDir::new();
    let dest = dir.path().join("obj");
    let get = |env: &[(&str, &str)]| {
        run(
            &mut cmd(
                &server.url(),
                env,
                &["get-object", "bucket", "obj", "-o", dest.to_str().unwrap()],
            ),
            None,
        )
    };
    let out = get(&[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with("Error: Checksum mismatch"),
        "{}",
        out.stderr
    );
    let before = server.requests().len();
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.header("x-amz-checksum-mode") == Some("ENABLED"))
    );

    let out = get(&[("AWS_RESPONSE_CHECKSUM_VALIDATION", "When_Required")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    let reqs = server.requests();
    assert!(reqs.len() > before);
    for r in &reqs[before..] {
        assert_eq!(
            r.header("x-amz-checksum-mode"),
            None,
            "{} {}",
            r.method,
            r.path
        );
    }
}

#[test]
fn an_unknown_value_is_botocores_error_before_any_request() {
    let server = MockServer::start();
    for (var, key) in [
        (
            "AWS_REQUEST_CHECKSUM_CALCULATION",
            "request_checksum_calculation",
        ),
        (
            "AWS_RESPONSE_CHECKSUM_VALIDATION",
            "response_checksum_validation",
        ),
    ] {
        let out = run(
            &mut cmd(
                &server.url(),
                &[(var, "always")],
                &["list-bucket", "bucket"],
            ),
            None,
        );
        assert_eq!(out.code, 1);
        assert_eq!(
            out.stderr,
            format!(
                "Error: Unsupported configuration value for {key}. Expected one of ('when_supported', 'when_required') but got always.\n"
            )
        );
    }
    assert!(server.requests().is_empty());
}

#[test]
fn s3s_fs_round_trips_with_both_settings_off() {
    let server = S3s::start();
    assert_eq!(server.s3("PUT", "/bkt", b"").status, 200);
    let (key, secret) = server.keys();
    let dir = TempDir::new();
    let bytes: Vec<u8> = (0..5 * 1024 * 1024 + 1000u32)
        .map(|i| (i % 253) as u8)
        .collect();
    std::fs::write(dir.path().join("f.bin"), &bytes).unwrap();
    let env = [
        ("AWS_ACCESS_KEY_ID", key.as_str()),
        ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
        ("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required"),
        ("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required"),
        // Multipart: two parts, the first of S3's smallest size (5 MiB).
        ("S3_CREDENTIALS_MULTIPART_THRESHOLD", "5242880"),
        ("S3_CREDENTIALS_MULTIPART_CHUNKSIZE", "5242880"),
    ];
    let url = server.url();
    let mut put = cmd(&url, &env, &["put-object", "bkt", "f.bin", "f.bin", "-s"]);
    let out = run(put.current_dir(dir.path()), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut get = cmd(
        &url,
        &env,
        &["get-object", "bkt", "f.bin", "-o", "back.bin"],
    );
    let out = run(get.current_dir(dir.path()), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read(dir.path().join("back.bin")).unwrap(), bytes);
}
