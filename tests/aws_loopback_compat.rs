//! The original s3-credentials 0.17 (boto3) and ours through the same loopback AWS
//! (tests/support/aws_front.rs): no endpoint configured, the test CA in `AWS_CA_BUNDLE`.
//! For each command line, run on the same state, the exit code, stdout and stderr must be
//! the same, and so must the requests: host (so addressing style and endpoint), method,
//! path, query parameters, credential-scope region and status, redirects included.
//!
//! Known differences, asserted here (and listed in the README's Compatibility section):
//! - get-objects: the original sends a HeadObject before each GetObject; we do not.
//! - The query of a subresource: botocore sends `?acl`, we send `?acl=`; S3 reads both and
//!   SigV4 signs both as `acl=`, so the comparison drops a trailing `=`.

mod support;

use support::aws_front::{AwsFront, Seen};
use support::moto::Moto;
use support::{Outcome, TempDir, repo_root, run};

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
    let original = repo_root().join(".venv/bin/s3-credentials");
    assert!(
        original.exists(),
        "the original s3-credentials is missing: run scripts/setup-test-servers.sh first"
    );
    for (bucket, region) in [
        (EAST, "us-east-1"),
        (WEST, "eu-west-1"),
        (DOTTED, "eu-west-1"),
    ] {
        let body = match region {
            "us-east-1" => String::new(),
            r => format!(
                "<CreateBucketConfiguration><LocationConstraint>{r}</LocationConstraint></CreateBucketConfiguration>"
            ),
        };
        let made = moto.s3("PUT", &format!("/{bucket}"), body.as_bytes());
        assert_eq!(made.status, 200, "{}", made.text());
        front.bucket(bucket, region);
    }
    let key = moto.admin_key();
    let dir = TempDir::new();
    std::fs::write(dir.path().join("small.txt"), b"hello loopback\n").unwrap();

    let run_one = |ours: bool, region: &str, args: &[&str]| -> (Outcome, Vec<Seen>) {
        let mut cmd = if ours {
            front.tool(&key, args)
        } else {
            let home = dir.path().display().to_string();
            let env: Vec<(String, String)> = [
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
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            let mut cmd = front.wrap(&original, &env);
            cmd.args(args);
            cmd
        };
        // boto3 reads AWS_DEFAULT_REGION (not AWS_REGION); we read both.
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
        for args in &cases {
            let (theirs, their_reqs) = run_one(false, region, args);
            let (ours, our_reqs) = run_one(true, region, args);
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
}
