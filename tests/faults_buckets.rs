//! The bucket commands under faults, in the S3 world of `fixtures/s3/routes.json` (recorded
//! moto responses; see fixtures/s3/README.md): every call of each command line is put
//! behind transient faults, which must not change a byte of stdout, and behind a lasting
//! 503, which must end the command with one clean `Error:` line.

use crate::faults_common;
use crate::support;

use faults_common::matrix::{self, Scenario};
use support::MockServer;
use support::cassette;

fn scenario<'a>(
    name: &'a str,
    region: &str,
    args: &[&str],
    setup: &'a dyn Fn(&MockServer),
) -> Scenario<'a> {
    let mut s = Scenario::new(name, args, setup);
    s.env = vec![("AWS_DEFAULT_REGION".into(), region.into())];
    s.dir = Some(cassette::s3_dir());
    s
}

/// Transient faults on every call, then a lasting 503 on each.
fn through_the_matrix(name: &str, region: &str, args: &[&str]) {
    through_the_matrix_swallowing(name, region, args, &[]);
}

/// As [`through_the_matrix`], except for the calls (named by a query parameter) whose
/// failure the original swallows: those only get transient faults.
fn through_the_matrix_swallowing(name: &str, region: &str, args: &[&str], swallowed: &[&str]) {
    let setup = cassette::s3_world;
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
    let setup = cassette::s3_world;
    let s = scenario(
        "debug-bucket",
        "us-east-1",
        &["debug-bucket", "my-bucket"],
        &setup,
    );
    matrix::transient(&s);
}
