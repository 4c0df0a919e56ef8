//! `create` against recorded and hand-made server answers: the requests it sends
//! (actions, parameters, policy documents, S3 bodies) and what it prints.
//!
//! Cassette tests replay what moto answered the original 0.17 (fixtures/iam/record.py)
//! and require the same requests and byte-identical output; the others cover what a
//! recording cannot (dry runs, AssumeRole refusing a new role, failures midway).

use crate::support;

use support::cassette::{Cassette, fixture_text};
use support::{Matcher, MockServer, Outcome, Recorded, Reply, bin, run};

// --- The original's runs, replayed ----------------------------------------------------

#[test]
fn new_bucket_and_user() {
    Cassette::load("create-new-bucket").check();
}

#[test]
fn existing_user_gets_policy_and_key_only_ini() {
    Cassette::load("create-existing-user-ini").check();
}

#[test]
fn read_only_ini() {
    Cassette::load("create-read-only-ini").check();
}

#[test]
fn website_implies_public_with_bucket_region_for_two_buckets() {
    Cassette::load("create-public-website-region").check();
}

#[test]
fn public_write_only_silent() {
    Cassette::load("create-public-silent").check();
}

#[test]
fn policy_file_substituted_per_bucket() {
    Cassette::load("create-policy-file-two-buckets").check();
}

#[test]
fn policy_from_stdin_with_username() {
    Cassette::load("create-policy-stdin").check();
}

#[test]
fn statement_and_prefix_write_only() {
    Cassette::load("create-statement-prefix").check();
}

#[test]
fn custom_permissions_boundary_and_starred_prefix() {
    Cassette::load("create-custom-boundary").check();
}

#[test]
fn no_permissions_boundary() {
    Cassette::load("create-boundary-none").check();
}

#[test]
fn missing_bucket_without_create_bucket() {
    Cassette::load("create-missing-bucket").check();
}

/// The original's requests; where it ends in a traceback with botocore's LimitExceeded
/// message, one line saying what the limit is and how to get past it (upstream 64).
#[test]
fn third_access_key_is_refused_with_one_error_line() {
    let played = Cassette::load("create-third-key").play();
    played.assert_requests();
    let out = &played.outcome;
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout_str(), "");
    assert_eq!(
        out.stderr,
        "Attached policy s3.read-write.my-bucket to user s3.read-write.my-bucket\n\
         Made before the error and still in place: inline policy s3.read-write.my-bucket of user s3.read-write.my-bucket\n\
         Error: User s3.read-write.my-bucket already has two access keys, the most IAM allows. \
         Inactive keys count too, so --deactivate-existing-keys cannot help: run again with \
         --delete-oldest-key to delete the older key first, or delete one yourself (aws iam delete-access-key)\n"
    );
}

#[test]
fn duration_creates_the_role_then_assumes_it() {
    Cassette::load("create-duration-new-role").check();
}

#[test]
fn duration_with_existing_role_two_buckets_ini() {
    Cassette::load("create-duration-existing-role-ini").check();
}

#[test]
fn duration_with_statement_and_prefix_silent() {
    Cassette::load("create-duration-statement-silent").check();
}

// --- Dry runs: no credentials, no requests ---------------------------------------------

/// Runs with no credentials anywhere and a mock that would record any request.
fn dry_run(args: &[&str]) -> (Outcome, Vec<Recorded>) {
    let server = MockServer::start();
    let mut cmd = bin();
    cmd.args(args).args(["--endpoint-url", &server.url()]);
    let outcome = run(&mut cmd, None);
    (outcome, server.requests())
}

fn expected(name: &str) -> String {
    fixture_text(&format!("iam/dry-run/{name}"))
}

fn assert_dry_run(args: &[&str], fixture: &str) {
    let (out, requests) = dry_run(args);
    assert_eq!(out.stdout_str(), expected(fixture), "{args:?}");
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
    assert!(
        requests.is_empty(),
        "a dry run sent {} requests",
        requests.len()
    );
}

#[test]
fn dry_run_public_two_buckets_matches_the_transcript() {
    assert_dry_run(
        &[
            "create",
            "my-bucket",
            "other-bucket",
            "--dry-run",
            "--public",
        ],
        "public-two-buckets.txt",
    );
}

#[test]
fn dry_run_website_bucket_region_read_only_prefix() {
    assert_dry_run(
        &[
            "create",
            "my-bucket",
            "other-bucket",
            "--dry-run",
            "--website",
            "--bucket-region",
            "eu-west-1",
            "--read-only",
            "--prefix",
            "foo/",
        ],
        "website-region-read-only-prefix.txt",
    );
}

#[test]
fn dry_run_duration_prints_the_session_policy() {
    assert_dry_run(
        &[
            "create",
            "my-bucket",
            "--dry-run",
            "--duration",
            "1200s",
            "--statement",
            r#"{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}"#,
            "--write-only",
        ],
        "duration-statement-write-only.txt",
    );
}

#[test]
fn dry_run_username_without_boundary() {
    assert_dry_run(
        &[
            "create",
            "my-bucket",
            "--dry-run",
            "--user-permissions-boundary",
            "none",
            "--username",
            "bob",
        ],
        "boundary-none-username.txt",
    );
}

#[test]
fn dry_run_literal_policy_with_custom_boundary() {
    assert_dry_run(
        &[
            "create",
            "my-bucket",
            "--dry-run",
            "--policy",
            r#"{"a": "$!BUCKET_NAME!$"}"#,
            "--user-permissions-boundary",
            "arn:aws:iam::aws:policy/Foo",
            "-c",
        ],
        "policy-custom-boundary.txt",
    );
}

// --- Option errors (the original's wording, from the transcript and its runs) --------

fn usage(message: &str) -> String {
    format!(
        "Usage: s3-credentials create [OPTIONS] BUCKETS...\n\
         Try 's3-credentials create --help' for help.\n\nError: {message}\n"
    )
}

#[test]
fn option_errors_send_nothing() {
    let dir = support::TempDir::new();
    std::fs::write(dir.path().join("bad.json"), "not json").unwrap();
    let cases: [(&[&str], i32, String); 6] = [
        (
            &["--read-only", "--write-only"],
            1,
            "Error: Cannot use --read-only and --write-only at the same time\n".into(),
        ),
        (
            &["--duration", "5m"],
            2,
            usage(
                "Invalid value for '-d' / '--duration': Duration must be between 15 minutes and 12 hours",
            ),
        ),
        (
            &["-d", "1x"],
            2,
            usage(
                "Invalid value for '-d' / '--duration': Duration must be of form 3600s or 15m or 2h",
            ),
        ),
        (
            &["--policy", "bad.json"],
            2,
            usage("Invalid value for '--policy': File contained invalid JSON"),
        ),
        (
            &["--policy", "nope.json"],
            2,
            usage("Invalid value for '--policy': File not found"),
        ),
        (
            &["--statement", r#"{"Effect": 1}"#],
            2,
            usage(
                "Invalid value for '--statement': Statement JSON missing required keys: Action, Resource",
            ),
        ),
    ];
    for (args, code, stderr) in cases {
        let server = MockServer::start();
        let mut cmd = bin();
        cmd.current_dir(dir.path())
            .args(["create", "my-bucket"])
            .args(args)
            .args(["--endpoint-url", &server.url()])
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing");
        let out = run(&mut cmd, None);
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (code, stderr.as_str()),
            "{args:?}"
        );
        assert_eq!(out.stdout_str(), "");
        assert!(server.requests().is_empty(), "{args:?} sent requests");
    }
}

// --- Hand-made answers ------------------------------------------------------------------

/// A mock answering the temporary-credentials calls from the original's recording.
fn sts_mock(role_exists: bool) -> MockServer {
    let new_role = Cassette::load("create-duration-new-role");
    let server = MockServer::start();
    server.on(Matcher::head("/my-bucket"), Reply::status(200));
    server.on(Matcher::head("/other-bucket"), Reply::status(200));
    server.on(
        Matcher::action("GetCallerIdentity"),
        new_role.response("GetCallerIdentity"),
    );
    if role_exists {
        let existing = Cassette::load("create-duration-existing-role-ini");
        server.on(Matcher::action("GetRole"), existing.response("GetRole"));
    } else {
        server.on(Matcher::action("GetRole"), new_role.response("GetRole"));
        server.on(
            Matcher::action("CreateRole"),
            new_role.response("CreateRole"),
        );
        server.on(
            Matcher::action("AttachRolePolicy"),
            new_role.response("AttachRolePolicy"),
        );
    }
    server.on(
        Matcher::action("AssumeRole"),
        new_role.response("AssumeRole"),
    );
    server
}

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

fn actions(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| {
            r.param("Action")
                .unwrap_or_else(|| format!("{} {}", r.method, r.target))
        })
        .collect()
}

const ACCESS_DENIED: &str =
    "User: arn:aws:iam::123456789012:user/admin is not authorized to perform: sts:AssumeRole";

#[test]
fn a_new_role_is_retried_until_assumable() {
    let server = sts_mock(false);
    server.on(
        Matcher::action("AssumeRole").times(2),
        Reply::query_error(403, "AccessDenied", ACCESS_DENIED),
    );
    let out = run_create(
        &server,
        &["my-bucket", "--read-only", "--duration", "15m"],
        &[("S3_CREDENTIALS_ASSUME_RETRY_BASE_MS", "10")],
    );
    // Same AssumeRole answer as the original's run: same output.
    let original = Cassette::load("create-duration-new-role");
    assert_eq!(out.stdout_str(), original.stdout());
    let arn = "arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess";
    assert_eq!(
        out.stderr,
        format!(
            "Assume role against {arn} for 900s\n\
             Role {arn} is not assumable yet (IAM is still propagating it); retrying in 10ms\n\
             Role {arn} is not assumable yet (IAM is still propagating it); retrying in 20ms\n"
        )
    );
    assert_eq!(out.code, 0);
    assert_eq!(
        actions(&server),
        [
            "HEAD /my-bucket",
            "GetCallerIdentity",
            "GetRole",
            "CreateRole",
            "AttachRolePolicy",
            "AssumeRole",
            "AssumeRole",
            "AssumeRole"
        ]
    );
}

#[test]
fn a_new_role_that_never_becomes_assumable_is_reported() {
    let server = sts_mock(false);
    let refusals = server.on(
        Matcher::action("AssumeRole"),
        Reply::query_error(403, "AccessDenied", ACCESS_DENIED),
    );
    let out = run_create(
        &server,
        &["my-bucket", "--duration", "15m", "--silent"],
        &[("S3_CREDENTIALS_ASSUME_RETRY_BASE_MS", "10")],
    );
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout_str(), "");
    let lines: Vec<&str> = out.stderr.lines().collect();
    let n = lines.len();
    // 10+20+40+80+80 ms of waiting fit in the 300 ms limit; the next 80 does not.
    assert_eq!(refusals.hits(), 6);
    assert_eq!(n, 5 + 2, "{lines:?}");
    assert!(lines[..5].iter().all(|l| l.contains("retrying in")));
    assert_eq!(
        lines[n - 2],
        "Made before the error and still in place: role s3-credentials.AmazonS3FullAccess, \
         policy arn:aws:iam::aws:policy/AmazonS3FullAccess attached to role s3-credentials.AmazonS3FullAccess"
    );
    assert_eq!(
        lines[n - 1],
        format!(
            "Error: An error occurred (AccessDenied) when calling the AssumeRole operation: {ACCESS_DENIED} (request id: MOCKREQUESTID)"
        )
    );
}

#[test]
fn an_existing_role_is_not_retried() {
    let server = sts_mock(true);
    let refusals = server.on(
        Matcher::action("AssumeRole"),
        Reply::query_error(403, "AccessDenied", ACCESS_DENIED),
    );
    let out = run_create(&server, &["my-bucket", "-d", "1h"], &[]);
    assert_eq!(out.code, 1);
    assert_eq!(refusals.hits(), 1);
    assert_eq!(
        out.stderr,
        format!(
            "Assume role against arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess for 3600s\n\
             Error: An error occurred (AccessDenied) when calling the AssumeRole operation: {ACCESS_DENIED} (request id: MOCKREQUESTID)\n"
        )
    );
}

/// The original puts only the last bucket into a `--policy` session policy; the
/// port covers every bucket (one copy of statements that do not name a bucket).
#[test]
fn policy_session_policy_covers_every_bucket() {
    let server = sts_mock(true);
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::$!BUCKET_NAME!$/*"}, {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}"#;
    let out = run_create(
        &server,
        &[
            "my-bucket",
            "other-bucket",
            "--duration",
            "15m",
            "--policy",
            policy,
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let requests = server.requests();
    let assume = requests
        .iter()
        .find(|r| r.param("Action").as_deref() == Some("AssumeRole"))
        .expect("an AssumeRole request");
    assert_eq!(
        assume.param("Policy").as_deref(),
        Some(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}, {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other-bucket/*"}]}"#
        )
    );
    assert_eq!(
        assume.param("RoleSessionName").as_deref(),
        Some("s3.custom.my-bucket,other-bucket")
    );
    assert_eq!(assume.param("DurationSeconds").as_deref(), Some("900"));
}

/// S3 wants a checksum on these PUTs: Content-MD5 is base64(md5(body)), values from
/// Python's hashlib over the bodies botocore sends.
#[test]
fn bucket_configuration_puts_carry_content_md5() {
    let recorded = Cassette::load("create-public-website-region");
    let server = MockServer::start();
    server.on(Matcher::any().method("PUT"), Reply::status(200));
    server.on(Matcher::head("/site"), Reply::status(404));
    server.on(
        Matcher::action("GetUser"),
        recorded.response("GetUser").with_status(404),
    );
    server.on(
        Matcher::action("CreateUser"),
        recorded.response("CreateUser"),
    );
    server.on(
        Matcher::action("PutUserPolicy"),
        recorded.response("PutUserPolicy"),
    );
    server.on(
        Matcher::action("CreateAccessKey"),
        recorded.response("CreateAccessKey"),
    );
    let out = run_create(&server, &["site", "-c", "--website", "--silent"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md5 = |query: &str| {
        server
            .requests()
            .iter()
            .find(|r| r.method == "PUT" && r.query.iter().any(|(k, _)| k == query))
            .and_then(|r| r.header("content-md5").map(str::to_string))
    };
    assert_eq!(
        md5("publicAccessBlock").as_deref(),
        Some("hUw3SH3mk6kznsDLMn5HOw==")
    );
    assert_eq!(md5("policy").as_deref(), Some("+fQmR1AzThxvRyPcrvOP9g=="));
    assert_eq!(md5("website").as_deref(), Some("jf4PN/V8jGBeAbKh0T0OVw=="));
}

#[test]
fn a_failure_after_creating_the_bucket_says_what_is_left() {
    let server = MockServer::start();
    server.on(Matcher::head("/fresh"), Reply::status(404));
    server.on(Matcher::put("/fresh"), Reply::status(200));
    server.on(
        Matcher::action("GetUser"),
        Reply::query_error(
            404,
            "NoSuchEntity",
            "The user with name s3.read-write.fresh cannot be found.",
        ),
    );
    server.on(
        Matcher::action("CreateUser"),
        Reply::query_error(
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:CreateUser",
        ),
    );
    let out = run_create(&server, &["fresh", "-c"], &[]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout_str(), "");
    assert_eq!(
        out.stderr,
        "Created bucket: fresh\n\
         Made before the error and still in place: bucket fresh\n\
         Error: An error occurred (AccessDenied) when calling the CreateUser operation: \
         User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:CreateUser \
         (request id: MOCKREQUESTID)\n"
    );
}

/// Upstream issue 65: the original reports every HeadBucket error as a missing bucket.
/// A 403 or 400 is followed by one listing, which carries the error code HEAD cannot.
#[test]
fn a_forbidden_bucket_is_reported_as_forbidden_not_missing() {
    let cases = [
        (
            403,
            Some((403, "AccessDenied")),
            "access denied (403 Forbidden); the credentials may lack s3:ListBucket on it, or the bucket belongs to another account",
        ),
        (
            403,
            Some((403, "InvalidAccessKeyId")),
            "the access key ID is not known (InvalidAccessKeyId)",
        ),
        (
            400,
            Some((400, "ExpiredToken")),
            "the credentials have expired (ExpiredToken); get new ones and try again",
        ),
        (
            400,
            None,
            "S3 answered 400 Bad Request, which for HeadBucket means the credentials have expired or are invalid",
        ),
        (
            403,
            None,
            "access denied (403 Forbidden); the credentials may lack s3:ListBucket on it, or the bucket belongs to another account",
        ),
    ];
    for (head, listed, message) in cases {
        let server = MockServer::start();
        server.on(Matcher::head("/locked"), Reply::status(head));
        if let Some((status, code)) = listed {
            server.on(
                Matcher::get("/locked").query("max-keys", "0"),
                Reply::s3_error(status, code, "from the listing"),
            );
        }
        let out = run_create(&server, &["locked"], &[]);
        assert_eq!(out.code, 1, "{message}");
        assert_eq!(
            out.stderr,
            format!("Error: Cannot check bucket locked: {message}\n")
        );
        let sent = actions(&server);
        // A body-less 400 on HEAD is first taken for a wrong region and probed once.
        assert_eq!(
            sent.first().map(String::as_str),
            Some("HEAD /locked"),
            "{sent:?}"
        );
        assert_eq!(
            sent.last().map(String::as_str),
            Some("GET /locked?list-type=2&max-keys=0"),
            "{sent:?}"
        );
    }
}

#[test]
fn a_missing_bucket_is_still_missing() {
    let server = MockServer::start();
    server.on(Matcher::head("/gone"), Reply::status(404));
    let out = run_create(&server, &["gone"], &[]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "Error: Bucket does not exist: gone - try --create-bucket to create it\n"
    );
    assert_eq!(actions(&server), ["HEAD /gone"]);
}

#[test]
fn a_policy_broken_by_a_bucket_name_sends_nothing() {
    let server = MockServer::start();
    let out = run_create(
        &server,
        &[
            "bad\"name",
            "-c",
            "--policy",
            r#"{"Resource": "$!BUCKET_NAME!$"}"#,
        ],
        &[],
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "Error: --policy is not valid JSON once $!BUCKET_NAME!$ is replaced by 'bad\"name'\n"
    );
    assert!(server.requests().is_empty());
}
