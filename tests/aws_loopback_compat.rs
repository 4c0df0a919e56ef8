//! The original s3-credentials 0.17 (boto3) and ours through the same loopback AWS
//! (tests/support/aws_front.rs): no endpoint configured, the test CA in `AWS_CA_BUNDLE`.
//! For each command line, run on the same state, the exit code, stdout and stderr must be
//! the same, and so must the requests: host (so addressing style and endpoint), method,
//! path, query parameters, credential-scope region and status, redirects included.
//!
//! Known differences, asserted here (and listed in the README's Compatibility section):
//! - get-objects: the original sends a HeadObject before each GetObject; we do not.
//! - With no region configured, boto3 calls the global `sts.amazonaws.com`; we call
//!   `sts.us-east-1.amazonaws.com`.
//! - The query of a subresource: botocore sends `?acl`, we send `?acl=`; S3 reads both and
//!   SigV4 signs both as `acl=`, so the comparison drops a trailing `=`.

use crate::support;

use support::aws_front::{AwsFront, Seen};
use support::moto::Moto;
use support::original::Session;
use support::{Outcome, TempDir, run};

use std::path::Path;

/// The original inside the front's namespace: one process, one command line at a time
/// (support::original), so the front's record can be taken after each.
fn original(front: &AwsFront, env: &[(String, String)], dir: &Path) -> Session {
    Session::start_as(front.wrap(&support::original::python(), env), dir)
}

const EAST: &str = "lb-east-bucket";
const WEST: &str = "lb-west-bucket";
const DOTTED: &str = "lb.dotted.bucket";

/// What is compared of one request.
fn shape(s: &Seen) -> String {
    let mut query: Vec<&str> = s
        .query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.strip_suffix('=').unwrap_or(p))
        .collect();
    query.sort_unstable();
    format!(
        "{} {} {} ?{} signed:{} -> {}",
        s.method,
        s.host,
        s.path,
        query.join("&"),
        s.scope_region(),
        s.status
    )
}

#[test]
fn original_and_ours_address_and_redirect_alike_against_aws() {
    if !support::aws_front::available() {
        return;
    }
    let moto = Moto::start();
    let Some(front) = AwsFront::start(&moto.url(), &["eu-west-1"]) else {
        return;
    };
    for (bucket, region) in [
        (EAST, "us-east-1"),
        (WEST, "eu-west-1"),
        (DOTTED, "eu-west-1"),
    ] {
        front.create_bucket(&moto, bucket, region);
    }
    let key = moto.admin_key();
    let dir = TempDir::new();
    std::fs::write(dir.path().join("small.txt"), b"hello loopback\n").unwrap();

    let home = dir.path().display().to_string();
    // region "": none configured.
    let original_env = |region: &str| -> Vec<(String, String)> {
        [
            ("PATH", std::env::var("PATH").unwrap_or_default()),
            ("HOME", home.clone()),
            ("AWS_ACCESS_KEY_ID", key.0.clone()),
            ("AWS_SECRET_ACCESS_KEY", key.1.clone()),
            ("AWS_CONFIG_FILE", format!("{home}/no-config")),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                format!("{home}/no-credentials"),
            ),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            // boto3 reads AWS_DEFAULT_REGION (not AWS_REGION); we read both.
            ("AWS_DEFAULT_REGION", region.into()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    };
    let ours = |region: &str, args: &[&str]| -> (Outcome, Vec<Seen>) {
        let mut cmd = front.tool(&key, args);
        cmd.current_dir(dir.path())
            .env("AWS_DEFAULT_REGION", region)
            .env("AWS_REGION", region);
        let out = run(&mut cmd, None);
        (out, front.take())
    };

    let mut failures = Vec::new();
    for region in ["us-east-1", "eu-west-1"] {
        let mut cases: Vec<Vec<&str>> = vec![vec!["whoami"], vec!["list-buckets", "--details"]];
        for b in [EAST, WEST, DOTTED] {
            cases.extend([
                vec!["put-object", b, "small.txt", "small.txt", "-s"],
                vec!["list-bucket", b],
                vec!["get-object", b, "small.txt"],
                vec!["get-objects", b, "-o", "out"],
                vec![
                    "set-cors-policy",
                    b,
                    "-m",
                    "GET",
                    "-o",
                    "https://example.com",
                ],
                vec!["get-cors-policy", b],
                vec!["set-bucket-policy", b, "--allow-all-get"],
                vec!["get-bucket-policy", b],
            ]);
        }
        let mut original = original(&front, &original_env(region), dir.path());
        for args in &cases {
            let theirs = original.run(args);
            let their_reqs = front.take();
            let (ours, our_reqs) = ours(region, args);
            let what = format!("{args:?} in {region}");
            if (theirs.code, &theirs.stdout, &theirs.stderr)
                != (ours.code, &ours.stdout, &ours.stderr)
            {
                failures.push(format!(
                    "{what}: outputs differ\n  original: {} {:?} {:?}\n  ours:     {} {:?} {:?}",
                    theirs.code,
                    String::from_utf8_lossy(&theirs.stdout),
                    theirs.stderr,
                    ours.code,
                    ours.stdout_str(),
                    ours.stderr
                ));
            }
            let mut theirs: Vec<String> = their_reqs.iter().map(shape).collect();
            let ours: Vec<String> = our_reqs.iter().map(shape).collect();
            if args[0] == "get-objects" {
                theirs.retain(|r| !r.starts_with("HEAD "));
            }
            if theirs != ours {
                failures.push(format!(
                    "{what}: requests differ\n  original:\n    {}\n  ours:\n    {}",
                    theirs.join("\n    "),
                    ours.join("\n    ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));

    // The recorded difference: with no region anywhere, boto3 calls the global STS host,
    // we call us-east-1's (the same answer); S3 goes to the global endpoint in both.
    let mut original = original(&front, &original_env(""), dir.path());
    for (args, theirs_host, ours_host) in [
        (
            &["whoami"][..],
            "sts.amazonaws.com",
            "sts.us-east-1.amazonaws.com",
        ),
        (
            &["list-bucket", EAST][..],
            "lb-east-bucket.s3.amazonaws.com",
            "lb-east-bucket.s3.amazonaws.com",
        ),
    ] {
        let theirs = original.run(args);
        let their_reqs = front.take();
        let mut cmd = front.tool(&key, args);
        cmd.current_dir(dir.path());
        let ours = run(&mut cmd, None);
        let our_reqs = front.take();
        assert_eq!(theirs.stdout, ours.stdout, "{args:?}");
        let hosts = |reqs: &[Seen]| reqs.iter().map(|s| s.host.clone()).collect::<Vec<_>>();
        assert_eq!(hosts(&their_reqs), [theirs_host], "{args:?}");
        assert_eq!(hosts(&our_reqs), [ours_host], "{args:?}");
    }
}
