//! The bucket commands replayed against the mock server, compared with the original.
//!
//! `fixtures/s3/routes.json` scripts an S3 world (recorded moto responses, plus AWS's
//! documented redirect errors). `fixtures/s3/cases.txt` lists command lines; for each,
//! `fixtures/s3/expected/` holds what the original s3-credentials 0.17 printed against
//! the same routes, and the requests it sent (recorded by `record_expected.sh`). Every
//! case must match the original's stdout, stderr, exit code and request sequence
//! (method, path, query, body). The tests after the table check what the table cannot:
//! signatures, checksums, and the cases where the original crashes.

use crate::support;

use std::process::Command;

use serde_json::Value;
use support::cassette::{self, S3Case};
use support::{Matcher, MockServer, Outcome, Recorded, Reply, bin, run};

/// A mock server answering every route of routes.json.
fn s3_world() -> MockServer {
    let server = MockServer::start();
    cassette::s3_world(&server);
    server
}

/// The binary with the same environment record_expected.sh gives the original.
fn command(server: &MockServer, region: &str, args: &[&str]) -> Command {
    let mut cmd = bin();
    cmd.current_dir(cassette::s3_dir())
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_DEFAULT_REGION", region)
        .env("S3_CREDENTIALS_RETRY_BASE_MS", "1")
        .args(args)
        .args(["--endpoint-url", &server.url()]);
    cmd
}

fn s3c(server: &MockServer, args: &[&str]) -> Outcome {
    run(&mut command(server, "us-east-1", args), None)
}

/// Checks one case of cases.txt; returns what differs.
fn check_case(case: &S3Case) -> Vec<String> {
    let name = &case.name;
    let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
    let expected = case.expected();
    let server = s3_world();
    let out = run(&mut command(&server, &case.region, &args), None);
    let mut problems = Vec::new();
    let mut differ = |what: &str, want: &str, got: &str| {
        if want != got {
            problems.push(format!(
                "{name}: {what} differs\n--- original\n{want}\n--- ours\n{got}"
            ));
        }
    };
    let got_stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if let Some(want) = &expected.stdout_ignoring_extras {
        // The original crashes on fields outside its CSV columns; we print the columns,
        // exactly as its own writer does when told to ignore the rest.
        differ("stdout", want, &got_stdout);
        differ("exit code", "0", &out.code.to_string());
        differ("stderr", "", &out.stderr);
    } else {
        differ("stdout", &expected.stdout, &got_stdout);
        differ(
            "exit code",
            &expected.code.to_string(),
            &out.code.to_string(),
        );
        if let Some(want) = &expected.stderr {
            differ("stderr", want, &out.stderr);
        } else {
            // The original died with a traceback: we say it in one line.
            let one_error_line = out.stderr.starts_with("Error: ")
                && out.stderr.ends_with('\n')
                && out.stderr.lines().count() == 1;
            differ(
                "stderr shape",
                "one Error: line",
                if one_error_line {
                    "one Error: line"
                } else {
                    &out.stderr
                },
            );
        }
    }
    let want = &expected.requests;
    let got: Vec<Value> = server.requests().iter().map(cassette::s3_summary).collect();
    let show = |v: &[Value]| {
        v.iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    if expected.stderr.is_some() {
        differ("requests", &show(want), &show(&got));
    } else {
        // The original stopped at its crash; up to there it sent what we send.
        let sent = &got[..want.len().min(got.len())];
        differ("requests before the crash", &show(want), &show(sent));
    }
    problems
}

#[test]
fn every_case_matches_the_original() {
    let cases = cassette::s3_cases();
    let problems: Vec<String> = cases.iter().flat_map(check_case).collect();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
// ----- What the table cannot show ------------------------------------------------------

/// The credential scope (`.../REGION/s3/aws4_request`) each request was signed for.
fn signing_regions(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| {
            let auth = r.header("authorization").unwrap_or_default();
            let scope = auth
                .split("Credential=")
                .nth(1)
                .and_then(|c| c.split(',').next())
                .unwrap_or_default();
            let parts: Vec<&str> = scope.split('/').collect();
            assert_eq!(parts.get(3), Some(&"s3"), "{auth}");
            parts[2].to_string()
        })
        .collect()
}

#[test]
fn a_bucket_in_another_region_is_re_signed_for_it_after_the_301() {
    let server = s3_world();
    let out = s3c(&server, &["list-bucket", "moved-bucket"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(signing_regions(&server), ["us-east-1", "eu-west-1"]);
}

#[test]
fn a_us_east_1_bucket_works_for_a_user_in_eu_west_1() {
    let server = s3_world();
    let out = run(
        &mut command(&server, "eu-west-1", &["list-bucket", "home-bucket"]),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // AuthorizationHeaderMalformed named us-east-1 in its <Region>.
    assert_eq!(signing_regions(&server), ["eu-west-1", "us-east-1"]);
}

#[test]
fn a_redirect_without_a_region_is_resolved_with_head_bucket() {
    let server = s3_world();
    let out = s3c(&server, &["list-bucket", "quiet-bucket"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let methods: Vec<String> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["GET", "HEAD", "GET"]);
    assert_eq!(
        signing_regions(&server),
        ["us-east-1", "us-east-1", "eu-west-1"]
    );
}

#[test]
fn a_learnt_region_is_used_for_every_later_request() {
    // far-bucket: three pages, in eu-west-1; only the very first request is redirected.
    let server = s3_world();
    let page = |n: u32| cassette::fixture(&format!("s3/ListObjectsV2-page{n}.xml"));
    let token = |n: u32| {
        let xml = String::from_utf8(page(n)).unwrap();
        let start = xml.find("<NextContinuationToken>").unwrap() + 23;
        let end = xml[start..].find('<').unwrap() + start;
        xml[start..end].to_string()
    };
    let list = || Matcher::get("/far-bucket").query("list-type", "2");
    server.on(list(), Reply::xml(200, page(1)));
    server.on(
        list().query("continuation-token", &token(1)),
        Reply::xml(200, page(2)),
    );
    server.on(
        list().query("continuation-token", &token(2)),
        Reply::xml(200, page(3)),
    );
    // Whatever is signed for us-east-1 is told to go to eu-west-1.
    let redirect = server.on(
        Matcher::get("/far-bucket").when(|r| {
            r.header("authorization")
                .is_some_and(|a| a.contains("/us-east-1/s3/"))
        }),
        Reply::xml(301, cassette::fixture("s3/PermanentRedirect.xml"))
            .header("x-amz-bucket-region", "eu-west-1"),
    );
    let out = s3c(&server, &["list-bucket", "far-bucket", "--nl"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout_str().lines().count(), 6);
    assert_eq!(redirect.hits(), 1);
    assert_eq!(
        signing_regions(&server),
        ["us-east-1", "eu-west-1", "eu-west-1", "eu-west-1"]
    );
}

#[test]
fn dotted_bucket_names_are_addressed_path_style() {
    let server = s3_world();
    let out = s3c(&server, &["list-bucket", "static.niche-museums.com"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].raw_path, "/static.niche-museums.com");
    assert_eq!(
        reqs[0].header("host"),
        Some(support::http::authority(&server.url()))
    );
}

#[test]
fn s3_requests_carry_the_signed_payload_hash() {
    let server = s3_world();
    let out = s3c(&server, &["set-cors-policy", "my-bucket"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reqs = server.requests();
    let put = reqs.iter().find(|r| r.method == "PUT").expect("a PUT");
    let head = reqs.iter().find(|r| r.method == "HEAD").expect("a HEAD");
    // SHA-256 of an empty body, and of the CORS document (from Python's hashlib).
    assert_eq!(
        head.header("x-amz-content-sha256"),
        Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    assert_eq!(
        put.header("x-amz-content-sha256"),
        Some("de5b4999d93535b3ebae47734490d8ca179282b22e634330312fd36ebe3c23a5")
    );
    // S3 insists on a checksum for PutBucketCors: base64 of the body's MD5 (hashlib).
    assert_eq!(put.header("content-md5"), Some("32Vz2+f0kV8GbFQsWi3Kng=="));
    for r in [head, put] {
        let auth = r.header("authorization").unwrap_or_default();
        assert!(auth.contains("x-amz-content-sha256"), "{auth}");
    }
}

#[test]
fn checksums_go_with_every_configuration_put() {
    let server = s3_world();
    for args in [
        &[
            "set-public-access-block",
            "my-bucket",
            "--allow-public-access",
        ][..],
        &["set-bucket-policy", "my-bucket", "--allow-all-get"][..],
    ] {
        let out = s3c(&server, args);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let puts: Vec<Recorded> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(puts.len(), 2);
    // base64(md5(body)) for each body, from Python's hashlib.
    assert_eq!(
        puts[0].header("content-md5"),
        Some("hUw3SH3mk6kznsDLMn5HOw==")
    );
    assert_eq!(
        puts[1].header("content-md5"),
        Some("HVzl5zj4hYafWgQsWl2BWA==")
    );
}

#[test]
fn a_failed_put_public_access_block_is_one_error_line() {
    // The original lets this ClientError escape as a traceback.
    let server = s3_world();
    let out = s3c(
        &server,
        &[
            "set-public-access-block",
            "nope",
            "--block-public-policy",
            "true",
        ],
    );
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.starts_with(
            "Error: An error occurred (NoSuchBucket) when calling the PutPublicAccessBlock \
             operation: The specified bucket does not exist"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn set_bucket_policy_needs_a_policy() {
    let server = s3_world();
    let out = s3c(&server, &["set-bucket-policy", "my-bucket"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr, "Error: Pass --policy-file or --allow-all-get\n");
    let dir = support::TempDir::new();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"Version\": ").unwrap();
    let out = s3c(
        &server,
        &[
            "set-bucket-policy",
            "my-bucket",
            "--policy-file",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("Error: The policy file is not valid JSON: "),
        "{}",
        out.stderr
    );
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[test]
fn server_documents_that_make_the_original_crash_are_error_lines() {
    let server = MockServer::start();
    server.on(
        Matcher::get("/b").query("policy", ""),
        Reply::ok("this is not JSON"),
    );
    server.on(
        Matcher::get("/b").query("cors", ""),
        Reply::xml(200, "<CORSConfiguration/>"),
    );
    server.on(
        Matcher::get("/b").query("list-type", "2"),
        Reply::xml(200, "<ListBucketResult><Contents><Key>unterminated"),
    );
    let cases: [(&[&str], &str); 3] = [
        (
            &["get-bucket-policy", "b"],
            "Error: The bucket policy is not valid JSON: ",
        ),
        (
            &["get-cors-policy", "b"],
            "Error: Bucket b has a CORS configuration without rules\n",
        ),
        (
            &["list-bucket", "b"],
            "Error: Unable to parse the ListObjectsV2 response: ",
        ),
    ];
    for (args, start) in cases {
        let out = s3c(&server, args);
        assert_eq!(out.code, 1, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(out.stderr.starts_with(start), "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    }
}

#[test]
fn debug_bucket_reports_each_transport_failure_and_carries_on() {
    // Nothing listens on the port once the server is gone.
    let url = {
        let server = MockServer::start();
        server.url()
    };
    let out = run(
        bin()
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("AWS_MAX_ATTEMPTS", "1")
            .args(["debug-bucket", "b", "--endpoint-url", &url]),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout_str().lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout_str());
    for (line, what) in lines.iter().zip([
        "bucket ACL",
        "bucket policy status",
        "bucket public access block",
    ]) {
        let start =
            format!("Error checking {what}: Could not connect to the endpoint URL: \"{url}/b?");
        assert!(line.starts_with(&start), "{line}");
    }
}

#[test]
fn list_buckets_follows_the_servers_pages() {
    // The moto listing of the routes world, cut in two pages the way AWS pages
    // (<ContinuationToken>). The original reads only the first page; we print all of
    // it, exactly as the original prints the same buckets unpaged.
    let server = MockServer::start();
    let page = |n: u32| cassette::fixture(&format!("s3/ListBuckets-page{n}.xml"));
    server.on(Matcher::get("/"), Reply::xml(200, page(1)));
    server.on(
        Matcher::get("/").query("continuation-token", "ZXUtYnVja2V0"),
        Reply::xml(200, page(2)),
    );
    for (args, want) in [
        (&["list-buckets"][..], "list-buckets.stdout"),
        (&["list-buckets", "--nl"][..], "list-buckets-nl.stdout"),
        (&["list-buckets", "--csv"][..], "list-buckets-csv.stdout"),
    ] {
        let out = s3c(&server, args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(
            out.stdout,
            cassette::fixture(&format!("s3/expected/{want}")),
            "{args:?}"
        );
    }
    let tokens: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.query_param("continuation-token").map(str::to_string))
        .collect();
    assert_eq!(tokens.len(), 6);
    assert!(
        tokens
            .chunks(2)
            .all(|pair| pair[0].is_none() && pair[1].as_deref() == Some("ZXUtYnVja2V0"))
    );
}
