//! `create`'s added options against a mock server, for what moto cannot show: a new
//! key that STS refuses for a while (`--wait`), a RoleSessionName over STS's limit,
//! and the `--dry-run` lines of every added step.

use crate::support;

use support::{Matcher, MockServer, Outcome, Recorded, Reply, bin, run};

const NEW_KEY: &str = "AKIANEWKEY0000000001";
const NEW_SECRET: &str = "new-secret-new-secret-new-secret";

fn run_create(server: &MockServer, args: &[&str], env: &[(&str, &str)]) -> Outcome {
    let mut cmd = bin();
    cmd.arg("create")
        .args(args)
        .args(["--endpoint-url", &server.url()])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd, None)
}

fn query_ok(action: &str, result: &str) -> Reply {
    Reply::xml(
        200,
        format!(
            "<{action}Response><{action}Result>{result}</{action}Result>\
             <ResponseMetadata><RequestId>R</RequestId></ResponseMetadata></{action}Response>"
        ),
    )
}

/// An existing bucket and user; CreateAccessKey hands out NEW_KEY.
fn user_mock() -> MockServer {
    let server = MockServer::start();
    server.on(Matcher::head("/my-bucket"), Reply::status(200));
    server.on(
        Matcher::action("GetUser"),
        query_ok(
            "GetUser",
            "<User><UserName>u</UserName><UserId>AIDA1</UserId><Arn>arn:aws:iam::123456789012:user/u</Arn>\
             <Path>/</Path><CreateDate>2026-12-02T10:00:00Z</CreateDate></User>",
        ),
    );
    server.on(
        Matcher::action("PutUserPolicy"),
        query_ok("PutUserPolicy", ""),
    );
    server.on(
        Matcher::action("CreateAccessKey"),
        query_ok(
            "CreateAccessKey",
            &format!(
                "<AccessKey><UserName>u</UserName><AccessKeyId>{NEW_KEY}</AccessKeyId><Status>Active</Status>\
                 <SecretAccessKey>{NEW_SECRET}</SecretAccessKey><CreateDate>2026-12-02T10:00:00Z</CreateDate></AccessKey>"
            ),
        ),
    );
    server.on(
        Matcher::action("GetCallerIdentity"),
        query_ok(
            "GetCallerIdentity",
            "<Arn>arn:aws:iam::123456789012:user/u</Arn><UserId>AIDA1</UserId><Account>123456789012</Account>",
        ),
    );
    server
}

fn signed_by_new_key(r: &Recorded) -> bool {
    r.header("authorization")
        .is_some_and(|a| a.contains(&format!("Credential={NEW_KEY}/")))
}

fn identity_checks(server: &MockServer) -> Vec<bool> {
    server
        .requests()
        .iter()
        .filter(|r| r.param("Action").as_deref() == Some("GetCallerIdentity"))
        .map(signed_by_new_key)
        .collect()
}

const EXPECTED_KEY: &str = r#"{
    "UserName": "u",
    "AccessKeyId": "AKIANEWKEY0000000001",
    "Status": "Active",
    "SecretAccessKey": "new-secret-new-secret-new-secret",
    "CreateDate": "2026-12-02 10:00:00+00:00"
}
"#;

#[test]
fn wait_polls_with_the_new_key_until_sts_accepts_it() {
    let server = user_mock();
    let refusals = server.on(
        Matcher::action("GetCallerIdentity").times(2),
        Reply::query_error(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
    );
    let out = run_create(
        &server,
        &["my-bucket", "--username", "u", "--wait", "--silent"],
        &[("S3_CREDENTIALS_KEY_WAIT_BASE_MS", "10")],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The output is what it would be without --wait; one line says why it paused
    // (even with --silent).
    assert_eq!(out.stdout_str(), EXPECTED_KEY);
    assert_eq!(
        out.stderr,
        format!(
            "Waiting for the new access key {NEW_KEY} to work (IAM is still spreading it)...\n"
        )
    );
    assert_eq!(refusals.hits(), 2);
    assert_eq!(identity_checks(&server), [true, true, true]);
}

#[test]
fn wait_gives_up_at_the_deadline_but_still_prints_the_key() {
    let server = user_mock();
    let refusals = server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::query_error(403, "InvalidClientTokenId", "not yet"),
    );
    let out = run_create(
        &server,
        &["my-bucket", "--username", "u", "--wait", "--silent"],
        &[("S3_CREDENTIALS_KEY_WAIT_BASE_MS", "2")],
    );
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout_str(), EXPECTED_KEY);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "Waiting for the new access key {NEW_KEY} to work (IAM is still spreading it)..."
            ),
            format!(
                "Made before the error and still in place: inline policy s3.read-write.my-bucket of user u, access key {NEW_KEY} of user u"
            ),
            format!(
                "Error: The new access key {NEW_KEY} was still refused after 120ms (InvalidClientTokenId); IAM may accept it later"
            ),
        ]
    );
    // Pauses of 1 to 3 ms within 120 ms: many checks (fewer on a busy machine), all
    // with the new key.
    let checks = identity_checks(&server);
    assert!((5..=120).contains(&checks.len()), "{}", checks.len());
    assert_eq!(refusals.hits(), checks.len());
    assert!(checks.iter().all(|by_new| *by_new));
}

#[test]
fn the_new_key_is_checked_once_with_wait_and_never_without() {
    let server = user_mock();
    let out = run_create(&server, &["my-bucket", "--username", "u"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout_str(), EXPECTED_KEY);
    assert!(identity_checks(&server).is_empty());

    // With --wait and a key that works at once: one GetCallerIdentity, nothing said.
    let out = run_create(&server, &["my-bucket", "--username", "u", "--wait"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout_str(), EXPECTED_KEY);
    assert!(!out.stderr.contains("Waiting"), "{}", out.stderr);
    assert_eq!(identity_checks(&server), [true]);
}

/// Upstream: the original's `s3.read-write.` + every bucket name joined fails STS's
/// 64-character limit on RoleSessionName. Names that fit are the original's.
#[test]
fn a_long_bucket_list_gets_a_stable_short_session_name() {
    let server = MockServer::start();
    server.on(Matcher::any().method("HEAD"), Reply::status(200));
    server.on(
        Matcher::action("GetCallerIdentity"),
        query_ok(
            "GetCallerIdentity",
            "<Arn>arn:aws:iam::123456789012:user/admin</Arn><UserId>AIDA1</UserId><Account>123456789012</Account>",
        ),
    );
    server.on(
        Matcher::action("GetRole"),
        query_ok(
            "GetRole",
            "<Role><RoleName>s3-credentials.AmazonS3FullAccess</RoleName>\
             <Arn>arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess</Arn></Role>",
        ),
    );
    server.on(
        Matcher::action("AssumeRole"),
        query_ok(
            "AssumeRole",
            "<Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
             <SessionToken>t</SessionToken><Expiration>2026-12-02T11:00:00Z</Expiration></Credentials>",
        ),
    );
    let buckets: Vec<String> = (0..8).map(|i| format!("bucket-number-{i}")).collect();
    let mut names = Vec::new();
    for _ in 0..2 {
        let mut args: Vec<&str> = buckets.iter().map(String::as_str).collect();
        args.extend(["-d", "15m", "--silent"]);
        let out = run_create(&server, &args, &[]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let requests = server.requests();
        let assume = requests
            .iter()
            .rev()
            .find(|r| r.param("Action").as_deref() == Some("AssumeRole"))
            .expect("AssumeRole");
        names.push(assume.param("RoleSessionName").unwrap());
    }
    let full = format!("s3.read-write.{}", buckets.join(","));
    assert!(full.len() > 64);
    assert_eq!(names[0].len(), 64, "{}", names[0]);
    assert!(names[0].starts_with(&full[..55]), "{}", names[0]);
    assert_eq!(names[0], names[1], "the same buckets, the same name");
}

#[test]
fn dry_run_prints_every_added_step() {
    let server = MockServer::start();
    let mut cmd = bin();
    cmd.args([
        "create",
        "b",
        "-c",
        "--dry-run",
        "--read-only",
        "--prefix",
        "x/",
        "--prefix",
        "y/",
        "--tag",
        "owner=me",
        "--tag",
        "team=data",
        "--delete-oldest-key",
        "--wait",
        "--deactivate-existing-keys",
        "--endpoint-url",
        &server.url(),
    ]);
    let out = run(&mut cmd, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let tags = r#"{"owner": "me", "team": "data"}"#;
    let policy = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "s3:GetBucketLocation"
            ],
            "Resource": [
                "arn:aws:s3:::b"
            ]
        },
        {
            "Effect": "Allow",
            "Action": [
                "s3:ListBucket"
            ],
            "Resource": [
                "arn:aws:s3:::b"
            ],
            "Condition": {
                "StringLike": {
                    "s3:prefix": [
                        "x/*",
                        "y/*"
                    ]
                }
            }
        },
        {
            "Effect": "Allow",
            "Action": [
                "s3:GetObject",
                "s3:GetObjectAcl",
                "s3:GetObjectLegalHold",
                "s3:GetObjectRetention",
                "s3:GetObjectTagging"
            ],
            "Resource": [
                "arn:aws:s3:::b/x/*",
                "arn:aws:s3:::b/y/*"
            ]
        }
    ]
}"#;
    assert_eq!(
        out.stdout_str(),
        format!(
            "Would create bucket: 'b'\n\
             ... then tag it with: {tags}\n\
             Would create user: 's3.read-only.b' with permissions boundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'\n\
             ... tagged, if it has to be created, with: {tags}\n\
             Would attach policy called 's3.read-only.b' to user 's3.read-only.b', details:\n{policy}\n\
             ... deleting the oldest access key of user 's3.read-only.b' first if it already has two\n\
             Would call create access key for user 's3.read-only.b'\n\
             ... then wait until the new access key works\n\
             ... then deactivate the other access keys of user 's3.read-only.b'\n"
        )
    );
    let role = {
        let mut cmd = bin();
        cmd.args([
            "create",
            "b",
            "-d",
            "1h",
            "--dry-run",
            "--tag",
            "owner=me",
            "--endpoint-url",
            &server.url(),
        ]);
        run(&mut cmd, None)
    };
    assert!(
        role.stdout_str().contains(
            "\nWould ensure role: 's3-credentials.AmazonS3FullAccess'\n\
             ... tagged, if it has to be created, with: {\"owner\": \"me\"}\n\
             Would assume role using following policy for 3600 seconds:\n"
        ),
        "{}",
        role.stdout_str()
    );
    assert!(server.requests().is_empty());
}

#[test]
fn key_options_with_duration_are_refused_before_any_request() {
    let server = MockServer::start();
    for option in [
        "--wait",
        "--deactivate-existing-keys",
        "--delete-oldest-key",
    ] {
        let out = run_create(&server, &["b", "-d", "15m", option], &[]);
        assert_eq!(out.code, 1, "{option}");
        assert_eq!(
            out.stderr,
            format!("Error: Cannot use {option} with --duration: it makes no access key\n")
        );
    }
    assert!(server.requests().is_empty());
}
