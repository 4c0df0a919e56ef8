//! Issue 25 (1): `create --expires WHEN` and `policy --expires WHEN`.
//!
//! moto does not evaluate `DateGreaterThan` (it counts any condition but StringEquals as
//! met, notes/lifecycle.md), so on moto a key made with `--expires` is refused at once:
//! these tests assert the document sent, never that the key works until its time.

use crate::support;

use serde_json::{Value, json};
use support::moto::Moto;
use support::{MockServer, Outcome, bin, run};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Our binary as moto's admin (or, with a mock server, any key). `policy` takes no AWS
/// options: it is run without them.
fn ours(url: &str, key: (String, String), args: &[&str]) -> Outcome {
    let mut cmd = bin();
    cmd.args(args);
    if args[0] != "policy" {
        cmd.args(["--endpoint-url", url])
            .env("AWS_ACCESS_KEY_ID", key.0)
            .env("AWS_SECRET_ACCESS_KEY", key.1)
            .env("AWS_DEFAULT_REGION", "us-east-1");
    }
    run(&mut cmd, None)
}

/// The inline policy `name` of `user`, decoded (GetUserPolicy sends it URL-encoded).
fn user_policy(moto: &Moto, user: &str, name: &str) -> Value {
    let r = moto.iam(&[
        ("Action", "GetUserPolicy"),
        ("UserName", user),
        ("PolicyName", name),
    ]);
    assert_eq!(r.status, 200, "{}", r.text());
    support::moto::policy_document(&r.text())
}

fn utc(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &Rfc3339).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The read-only statements `policy my-bucket --read-only` prints (the original's).
fn read_only_statements() -> Vec<Value> {
    vec![
        json!({"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": ["arn:aws:s3:::my-bucket"]}),
        json!({"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectTagging"], "Resource": ["arn:aws:s3:::my-bucket/*"]}),
    ]
}

#[test]
fn create_expires_appends_one_deny_statement_to_the_user_policy() {
    let moto = Moto::start();
    assert_eq!(moto.s3("PUT", "/my-bucket", b"").status, 200);
    let before = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let out = ours(
        &moto.url(),
        moto.admin_key(),
        &["create", "my-bucket", "--read-only", "--expires", "90d"],
    );
    let after = OffsetDateTime::now_utc();
    assert_eq!(out.code, 0, "{}\n{}", out.stderr, moto.log());
    let printed: Value = serde_json::from_str(out.stdout_str()).expect("credentials JSON");
    assert!(printed["AccessKeyId"].is_string());

    let doc = user_policy(&moto, "s3.read-only.my-bucket", "s3.read-only.my-bucket");
    let statements = doc["Statement"].as_array().expect("Statement list");
    assert_eq!(statements.len(), 3, "{doc}");
    assert_eq!(statements[..2], read_only_statements()[..]);
    let last = &statements[2];
    let keys: Vec<&String> = last.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Sid", "Effect", "Action", "Resource", "Condition"]);
    assert_eq!(last["Sid"], "S3CredentialsExpiry");
    assert_eq!(last["Effect"], "Deny");
    assert_eq!(last["Action"], "*");
    assert_eq!(last["Resource"], "*");
    let at = utc(last["Condition"]["DateGreaterThan"]["aws:CurrentTime"]
        .as_str()
        .expect("a time"));
    let ninety = time::Duration::days(90);
    assert!(
        before + ninety <= at && at <= after + ninety,
        "{at} not 90 days after the run ({before}..{after})"
    );
}

#[test]
fn create_expires_dry_run_shows_the_statement_and_sends_nothing() {
    let server = MockServer::start();
    let out = ours(
        &server.url(),
        ("AKIDEXAMPLE".into(), "secret".into()),
        &[
            "create",
            "my-bucket",
            "--read-only",
            "--expires",
            "2099-01-01",
            "--dry-run",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stdout = out.stdout_str();
    assert!(
        stdout.contains(
            "        {\n            \"Sid\": \"S3CredentialsExpiry\",\n            \"Effect\": \"Deny\",\n            \"Action\": \"*\",\n            \"Resource\": \"*\",\n            \"Condition\": {\n                \"DateGreaterThan\": {\n                    \"aws:CurrentTime\": \"2099-01-01T00:00:00Z\"\n                }\n            }\n        }\n    ]\n}"
        ),
        "{stdout}"
    );
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn policy_expires_prints_the_statement_last() {
    let mut cmd = bin();
    cmd.args([
        "policy",
        "my-bucket",
        "--read-only",
        "--expires",
        "2099-01-01T12:00:00Z",
    ]);
    let out = run(&mut cmd, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(out.stdout_str()).expect("policy JSON");
    let mut expected = read_only_statements();
    expected.push(
        json!({"Sid": "S3CredentialsExpiry", "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2099-01-01T12:00:00Z"}}}),
    );
    assert_eq!(doc, json!({"Version": "2012-10-17", "Statement": expected}));
}

/// Every refusal is click's usage error (exit 2) naming the option, before any request.
#[test]
fn bad_times_are_usage_errors() {
    let server = MockServer::start();
    for (when, why) in [
        ("0s", "'0s' is not in the future."),
        ("2020-01-01", "'2020-01-01' is not in the future."),
        (
            "tomorrow",
            "'tomorrow' is not a duration (90d, 12h, 30m, 3600s) or a UTC date or time (2027-03-01, 2027-03-01T12:00:00Z).",
        ),
        ("2027-02-30", "'2027-02-30' is not a date that exists."),
        (
            "2099-03-01T12:00:00",
            "'2099-03-01T12:00:00' must be in UTC, ending in Z (2027-03-01T12:00:00Z).",
        ),
        ("36601d", "'36601d' is more than 100 years away."),
    ] {
        for command in ["create", "policy"] {
            let out = ours(
                &server.url(),
                ("AKIDEXAMPLE".into(), "secret".into()),
                &[command, "my-bucket", "--expires", when],
            );
            assert_eq!(out.code, 2, "{command} {when}: {}", out.stderr);
            assert_eq!(
                out.stderr,
                format!(
                    "Usage: s3-credentials {command} [OPTIONS] BUCKETS...\n\
                     Try 's3-credentials {command} --help' for help.\n\n\
                     Error: Invalid value for '--expires': {why}\n"
                ),
                "{command} {when}"
            );
            assert_eq!(out.stdout, b"");
        }
    }
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn expires_is_refused_where_it_cannot_apply() {
    let server = MockServer::start();
    for (args, error) in [
        (
            &[
                "create",
                "my-bucket",
                "--duration",
                "15m",
                "--expires",
                "90d",
            ][..],
            "Error: Cannot use --expires with --duration: it makes no access key\n",
        ),
        (
            &["policy", "my-bucket", "--public-bucket", "--expires", "90d"],
            "Error: Cannot use --expires with --public-bucket: a bucket policy is not the user's policy\n",
        ),
    ] {
        let out = ours(&server.url(), ("AKIDEXAMPLE".into(), "secret".into()), args);
        assert_eq!((out.code, out.stderr.as_str()), (1, error), "{args:?}");
    }
    assert_eq!(server.requests().len(), 0);
}
