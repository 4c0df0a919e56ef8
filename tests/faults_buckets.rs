//! The bucket commands under faults, in the S3 world of `fixtures/s3/routes.json` (recorded
//! moto responses; see fixtures/s3/README.md): every call of each command line is put
//! behind transient faults, which must not change a byte of stdout, and behind a lasting
//! 503, which must end the command with one clean `Error:` line.

use crate::faults_common;
use crate::support;

use std::path::{Path, PathBuf};

use faults_common::matrix::{self, Scenario};
use serde_json::Value;
use support::{Matcher, MockServer, Reply};

fn fixtures() -> PathBuf {
    support::repo_root().join("fixtures/s3")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every route of routes.json on `server` (first match wins there; the mock tries the
/// newest first, so they go in reverse), as buckets_replay.rs sets them up.
fn s3_world(server: &MockServer) {
    let routes: Vec<Value> =
        serde_json::from_slice(&read(&fixtures().join("routes.json"))).expect("routes.json");
    for route in routes.iter().rev() {
        let text = |v: &Value| v.as_str().expect("string").to_string();
        let mut matcher = Matcher::request(&text(&route["method"]), &text(&route["path"]));
        for (name, value) in route["query"].as_object().expect("query") {
            matcher = matcher.query(name, &text(value));
        }
        if let Some(n) = route.get("times").and_then(Value::as_u64) {
            matcher = matcher.times(n as usize);
        }
        let mut reply = Reply::status(route["status"].as_u64().expect("status") as u16);
        if let Some(file) = route.get("file") {
            reply = reply
                .header("Content-Type", "application/xml")
                .body(read(&fixtures().join(text(file))));
        }
        for (name, value) in route["headers"].as_object().into_iter().flatten() {
            reply = reply.header(name, &text(value));
        }
        server.on(matcher, reply);
    }
}

fn scenario<'a>(
    name: &'a str,
    region: &str,
    args: &[&str],
    setup: &'a dyn Fn(&MockServer),
) -> Scenario<'a> {
    let mut s = Scenario::new(name, args, setup);
    s.env = vec![("AWS_DEFAULT_REGION".into(), region.into())];
    s.dir = Some(fixtures());
    s
}

/// Transient faults on every call, then a lasting 503 on each.
fn through_the_matrix(name: &str, region: &str, args: &[&str]) {
    through_the_matrix_swallowing(name, region, args, &[]);
}

/// As [`through_the_matrix`], except for the calls (named by a query parameter) whose
/// failure the original swallows: those only get transient faults.
fn through_the_matrix_swallowing(name: &str, region: &str, args: &[&str], swallowed: &[&str]) {
    let setup = s3_world;
    let s = scenario(name, region, args, &setup);
    for call in matrix::transient(&s) {
        if call
            .query_names
            .iter()
            .any(|q| swallowed.contains(&q.as_str()))
        {
            continue;
        }
        matrix::outlasting(&s, &call);
    }
}

#[test]
fn list_buckets() {
    through_the_matrix("list-buckets", "us-east-1", &["list-buckets"]);
    // --details: the original shows no public access block or website for a bucket
    // whose call fails (it catches ClientError), so those failures do not end it.
    through_the_matrix_swallowing(
        "list-buckets --details",
        "us-east-1",
        &["list-buckets", "--details"],
        &["publicAccessBlock", "website"],
    );
}

#[test]
fn list_bucket_over_pages() {
    through_the_matrix("list-bucket", "us-east-1", &["list-bucket", "my-bucket"]);
    through_the_matrix(
        "list-bucket --prefix",
        "us-east-1",
        &["list-bucket", "my-bucket", "--prefix", "dir/"],
    );
}

#[test]
fn list_bucket_in_another_region() {
    through_the_matrix(
        "list-bucket moved",
        "us-east-1",
        &["list-bucket", "moved-bucket"],
    );
}

#[test]
fn cors_policy() {
    through_the_matrix(
        "get-cors-policy",
        "us-east-1",
        &["get-cors-policy", "my-bucket"],
    );
    through_the_matrix(
        "set-cors-policy",
        "us-east-1",
        &[
            "set-cors-policy",
            "my-bucket",
            "-m",
            "GET",
            "-o",
            "https://www.example.com/",
        ],
    );
}

#[test]
fn bucket_policy() {
    through_the_matrix(
        "get-bucket-policy",
        "us-east-1",
        &["get-bucket-policy", "my-bucket"],
    );
    through_the_matrix(
        "set-bucket-policy --allow-all-get",
        "us-east-1",
        &["set-bucket-policy", "my-bucket", "--allow-all-get"],
    );
    through_the_matrix(
        "set-bucket-policy --policy-file",
        "us-east-1",
        &[
            "set-bucket-policy",
            "my-bucket",
            "--policy-file",
            "policy-file.json",
        ],
    );
}

#[test]
fn public_access_block() {
    through_the_matrix(
        "get-public-access-block",
        "us-east-1",
        &["get-public-access-block", "my-bucket"],
    );
    through_the_matrix(
        "set-public-access-block",
        "us-east-1",
        &[
            "set-public-access-block",
            "my-bucket",
            "--block-public-acls",
            "yes",
        ],
    );
}

#[test]
fn debug_bucket_gets_through_transient_faults() {
    // debug-bucket reports each failed call and carries on (buckets_replay.rs checks that),
    // so only the transient half applies.
    let setup = s3_world;
    let s = scenario(
        "debug-bucket",
        "us-east-1",
        &["debug-bucket", "my-bucket"],
        &setup,
    );
    matrix::transient(&s);
}
