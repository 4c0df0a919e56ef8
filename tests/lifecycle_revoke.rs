//! Issue 25 (3): `revoke-sessions`, the IAM console's "Revoke active sessions" for the
//! role `create --duration` and `localserver` assume.
//!
//! moto does not evaluate
//! `DateLessThan aws:TokenIssueTime`: it counts the condition as met, so after a revocation
//! it refuses *every* session of the role, new ones too (notes/lifecycle.md). So on moto
//! these assert the document, the calls, and that a set issued before is refused (as AWS
//! does); never that a new set works.

use crate::support;

use serde_json::{Value, json};
use support::moto::Moto;
use support::{Matcher, MockServer, Outcome, Reply, bin, sigv4};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const ROLE: &str = "s3-credentials.AmazonS3FullAccess";
const PREFIX: &str = "Revoked sessions of role s3-credentials.AmazonS3FullAccess issued before ";

use support::run_keyed as ours;

/// The role as `create --duration` makes it, trusting the admin too (moto refuses
/// AssumeRole on a role trusting only the account root, as tests/create_e2e.rs notes).
fn make_role(moto: &Moto) {
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/admin"]}, "Action": "sts:AssumeRole"}]}"#;
    for params in [
        vec![
            ("Action", "CreateRole"),
            ("RoleName", ROLE),
            ("AssumeRolePolicyDocument", trust),
            ("MaxSessionDuration", "43200"),
        ],
        vec![
            ("Action", "AttachRolePolicy"),
            ("RoleName", ROLE),
            ("PolicyArn", "arn:aws:iam::aws:policy/AmazonS3FullAccess"),
        ],
    ] {
        let r = moto.iam(&params);
        assert_eq!(r.status, 200, "{}", r.text());
    }
}

fn role_policy(moto: &Moto) -> Value {
    let r = moto.iam(&[
        ("Action", "GetRolePolicy"),
        ("RoleName", ROLE),
        ("PolicyName", "AWSRevokeOlderSessions"),
    ]);
    assert_eq!(r.status, 200, "{}", r.text());
    support::moto::policy_document(&r.text())
}

/// The time `revoke-sessions` printed.
fn revoked_at(out: &Outcome) -> String {
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = out.stdout_str().strip_suffix('\n').expect("one line");
    line.strip_prefix(PREFIX)
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_string()
}

fn revocation(at: &str) -> Value {
    json!({"Effect": "Deny", "Action": ["*"], "Resource": ["*"],
        "Condition": {"DateLessThan": {"aws:TokenIssueTime": at}}})
}

#[test]
fn revoke_sessions_puts_one_statement_and_old_sets_stop_working() {
    let moto = Moto::start();
    make_role(&moto);
    assert_eq!(moto.s3("PUT", "/my-bucket", b"").status, 200);
    assert_eq!(moto.s3("PUT", "/my-bucket/a.txt", b"a").status, 200);
    let admin = moto.admin_key();
    let out = ours(
        &moto.url(),
        admin.clone(),
        &["create", "my-bucket", "--read-only", "--duration", "15m"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let set: Value = serde_json::from_str(out.stdout_str()).unwrap();
    let get = |set: &Value| {
        sigv4::send_signed(
            &moto.url(),
            "GET",
            "/my-bucket/a.txt",
            &[],
            &[(
                "x-amz-security-token",
                set["SessionToken"].as_str().unwrap(),
            )],
            b"",
            "s3",
            (
                set["AccessKeyId"].as_str().unwrap(),
                set["SecretAccessKey"].as_str().unwrap(),
            ),
        )
        .expect("S3 request")
    };
    assert_eq!(get(&set).status, 200, "the set works before");

    let start = OffsetDateTime::now_utc();
    let first = revoked_at(&ours(&moto.url(), admin.clone(), &["revoke-sessions"]));
    let end = OffsetDateTime::now_utc();
    let t = OffsetDateTime::parse(&first, &Rfc3339).expect("an RFC 3339 time");
    assert!(
        first.ends_with('Z') && first.len() == "2026-12-05T12:24:58.085Z".len(),
        "{first}"
    );
    // The local clock, or the server's Date plus a second: never before the run.
    assert!(
        start - time::Duration::milliseconds(1) <= t,
        "{t} before {start}"
    );
    assert!(
        t <= end + time::Duration::seconds(2),
        "{t} long after {end}"
    );
    assert_eq!(
        role_policy(&moto),
        json!({"Version": "2012-10-17", "Statement": [revocation(&first)]})
    );
    let refused = get(&set);
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert!(
        refused.text().contains("<Code>AccessDenied</Code>"),
        "{}",
        refused.text()
    );

    // Again, with a statement of someone else's in the policy: kept; ours replaced.
    let other =
        json!({"Sid": "Mine", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"});
    let doc = json!({"Version": "2012-10-17", "Statement": [other, revocation(&first)]});
    let r = moto.iam(&[
        ("Action", "PutRolePolicy"),
        ("RoleName", ROLE),
        ("PolicyName", "AWSRevokeOlderSessions"),
        ("PolicyDocument", &doc.to_string()),
    ]);
    assert_eq!(r.status, 200, "{}", r.text());
    let second = revoked_at(&ours(&moto.url(), admin.clone(), &["revoke-sessions"]));
    assert!(
        OffsetDateTime::parse(&second, &Rfc3339).unwrap() >= t,
        "{second} before {first}"
    );
    assert_eq!(
        role_policy(&moto),
        json!({"Version": "2012-10-17", "Statement": [other, revocation(&second)]})
    );
    let names = moto
        .iam(&[("Action", "ListRolePolicies"), ("RoleName", ROLE)])
        .text();
    assert_eq!(names.matches("<member>").count(), 1, "{names}");
}

#[test]
fn no_role_means_nothing_to_revoke() {
    let server = MockServer::start();
    server.on(
        Matcher::action("GetRole"),
        Reply::query_error(
            404,
            "NoSuchEntity",
            "The role with name s3-credentials.AmazonS3FullAccess cannot be found.",
        ),
    );
    let out = ours(
        &server.url(),
        ("AKIDEXAMPLE".into(), "secret".into()),
        &["revoke-sessions"],
    );
    assert_eq!(
        (out.code, out.stderr.as_str(), out.stdout_str()),
        (
            1,
            "Error: Role s3-credentials.AmazonS3FullAccess does not exist: there are no sessions to revoke\n",
            ""
        )
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.param("Action").as_deref() != Some("PutRolePolicy"))
    );
}

#[test]
fn dry_run_prints_the_document_and_sends_nothing() {
    let server = MockServer::start();
    let out = ours(
        &server.url(),
        ("AKIDEXAMPLE".into(), "secret".into()),
        &["revoke-sessions", "--dry-run"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stdout = out.stdout_str();
    let (head, rest) = stdout.split_once('\n').unwrap();
    assert_eq!(
        head,
        "Would put inline policy 'AWSRevokeOlderSessions' on role 's3-credentials.AmazonS3FullAccess', details:"
    );
    let (document, tail) = rest.rsplit_once("}\n").unwrap();
    assert_eq!(
        tail,
        "... replacing the revocation statement of an existing policy, keeping its other statements\n"
    );
    let document: Value = serde_json::from_str(&format!("{document}}}")).expect("indent-4 JSON");
    let at = document["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"]
        .as_str()
        .expect("a time")
        .to_string();
    assert_eq!(
        document,
        json!({"Version": "2012-10-17", "Statement": [revocation(&at)]})
    );
    assert_eq!(server.requests().len(), 0);
}

/// localserver checks the role's revocation before serving its cached set, and fetches a
/// new one when that set was issued before it. Open moto, as localserver_cli's end-to-end
/// tests use (see there why).
#[test]
fn localserver_fetches_a_new_set_after_a_revocation() {
    let moto = Moto::start_open();
    assert_eq!(moto.s3("PUT", "/my-bucket", b"").status, 200);
    let (key, secret) = moto.admin_key();
    let url = moto.url();
    let server = crate::localserver_cli::Running::start(
        || {
            let mut cmd = bin();
            cmd.env("AWS_ACCESS_KEY_ID", &key)
                .env("AWS_SECRET_ACCESS_KEY", &secret)
                .env("S3_CREDENTIALS_REVOCATION_CHECK_MS", "0");
            cmd
        },
        &["--duration", "1h", "--endpoint-url", &url],
    );
    let served = |what: &str| -> String {
        let r = server.get("/", &[]);
        assert_eq!(r.status, 200, "{what}: {}", r.text());
        let v: Value = serde_json::from_str(&r.text()).unwrap();
        v["AccessKeyId"].as_str().unwrap().to_string()
    };
    let first = served("first");
    assert_eq!(
        served("cached"),
        first,
        "a set is served until it is revoked"
    );
    let out = ours(&url, (key.clone(), secret.clone()), &["revoke-sessions"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_ne!(served("after the revocation"), first);
}

/// GetRolePolicy's answer holding `document` (URL-encoded, as IAM sends it).
fn role_policy_reply(document: &str) -> Reply {
    let encoded: String = document
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    Reply::xml(
        200,
        format!(
            "<GetRolePolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRolePolicyResult>\
             <RoleName>{ROLE}</RoleName><PolicyName>AWSRevokeOlderSessions</PolicyName>\
             <PolicyDocument>{encoded}</PolicyDocument></GetRolePolicyResult>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetRolePolicyResponse>"
        ),
    )
}

fn count(server: &MockServer, action: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.param("Action").as_deref() == Some(action))
        .count()
}

/// The revocation check against replayed answers: a revocation dated before the cached
/// set was asked for changes nothing; one after it makes each request fetch a new set
/// (and say so), and a set that cannot be replaced is refused, never served dead.
#[test]
fn localserver_replaces_a_revoked_set_and_never_serves_one() {
    let aws = crate::localserver_cli::mock_aws();
    let server = crate::localserver_cli::start_on(&aws, &[]);
    assert_eq!(server.get("/", &[]).status, 200);
    assert_eq!(count(&aws.server, "AssumeRole"), 1, "cached");
    assert_eq!(count(&aws.server, "GetRolePolicy"), 1, "checked once");

    let doc =
        |at: &str| json!({"Version": "2012-10-17", "Statement": [revocation(at)]}).to_string();
    aws.server.on(
        Matcher::action("GetRolePolicy"),
        role_policy_reply(&doc("2000-01-01T00:00:00.000Z")),
    );
    assert_eq!(server.get("/", &[]).status, 200);
    assert_eq!(
        count(&aws.server, "AssumeRole"),
        1,
        "revoked before it was asked for"
    );

    aws.server.on(
        Matcher::action("GetRolePolicy"),
        role_policy_reply(&doc("2099-01-01T00:00:00.000Z")),
    );
    for n in 2..=3 {
        let r = server.get("/", &[]);
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(count(&aws.server, "AssumeRole"), n, "a new set each time");
    }

    // AWS refuses to make a new one: the revoked set is not served instead.
    aws.server.on(
        Matcher::action("AssumeRole"),
        Reply::query_error(403, "AccessDenied", "not now"),
    );
    let refused = server.get("/", &[]);
    assert_eq!(refused.status, 500, "{}", refused.text());
    assert!(!refused.text().contains("AccessKeyId"));

    let (code, stderr, _) = server.stop("INT");
    assert_eq!(code, 0, "{stderr}");
    let said = "Credentials revoked at 2099-01-01T00:00:00.000Z; fetching new ones";
    assert_eq!(
        stderr.lines().filter(|l| l.ends_with(said)).count(),
        3,
        "{stderr}"
    );
    assert!(!stderr.contains("2000-01-01"), "{stderr}");
}

/// Credentials that may not read the role's policy: one warning, no check after it.
#[test]
fn localserver_stops_checking_when_it_may_not_read_the_role_policy() {
    let aws = crate::localserver_cli::mock_aws();
    aws.server.on(
        Matcher::action("GetRolePolicy"),
        Reply::query_error(
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/admin is not authorized to perform: iam:GetRolePolicy",
        ),
    );
    let server = crate::localserver_cli::start_on(&aws, &[]);
    for _ in 0..3 {
        assert_eq!(server.get("/", &[]).status, 200);
    }
    assert_eq!(count(&aws.server, "GetRolePolicy"), 1);
    assert_eq!(count(&aws.server, "AssumeRole"), 1);
    let (code, stderr, _) = server.stop("INT");
    assert_eq!(code, 0, "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("AWSRevokeOlderSessions"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].ends_with(
            " - Warning: these credentials may not read the role's AWSRevokeOlderSessions policy (iam:GetRolePolicy: AccessDenied): credentials revoked with revoke-sessions are served until they expire"
        ),
        "{stderr}"
    );
}

/// Answers no IAM would give: the set is served, nothing panics, a failing check is
/// logged once per run of failures, and no secret reaches the log.
#[test]
fn localserver_survives_hostile_revocation_answers() {
    const SERVER_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const SERVED_SECRET: &str = "Gy2n9Q1ygiJ/vMdT8V7P3QOXT/tzofpE7w2mpt+H";
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let hostile = [
        // Not JSON at all, nested past any parser's depth, a Statement of the wrong type,
        // times that are no times: none of them is a revocation.
        role_policy_reply("not a document"),
        role_policy_reply(&nested),
        role_policy_reply(r#"{"Statement": 7}"#),
        role_policy_reply(
            &json!({"Statement": [revocation("soon"), revocation(""), {"Effect": "Deny"}]})
                .to_string(),
        ),
        Reply::xml(200, "<html>captive portal</html>"),
    ];
    let aws = crate::localserver_cli::mock_aws();
    let server = crate::localserver_cli::start_on(&aws, &[]);
    for reply in hostile {
        aws.server.on(Matcher::action("GetRolePolicy"), reply);
        let r = server.get("/", &[]);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    // An error that echoes the secrets, twice: logged once, redacted.
    aws.server.on(
        Matcher::action("GetRolePolicy"),
        Reply::query_error(
            400,
            "Echo",
            &format!("you sent {SERVER_SECRET} and serve {SERVED_SECRET}"),
        ),
    );
    for _ in 0..2 {
        assert_eq!(server.get("/", &[]).status, 200);
    }
    assert_eq!(count(&aws.server, "AssumeRole"), 1, "never revoked");
    let (code, stderr, _) = server.stop("INT");
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for secret in [SERVER_SECRET, SERVED_SECRET] {
        assert!(!stderr.contains(secret), "{stderr}");
    }
    let failures = stderr
        .lines()
        .filter(|l| l.contains("Could not check whether the credentials were revoked"))
        .count();
    // The captive portal's answer, then the echo after a check that worked in between?
    // No: the echo follows the portal directly, one run of failures, one line.
    assert_eq!(failures, 1, "{stderr}");
}

/// By default an answer about revocation stands for a while: a busy server makes one
/// GetRolePolicy, not one per request (and does not wait on IAM for each).
#[test]
fn localserver_asks_about_revocation_once_for_a_burst_of_requests() {
    let aws = crate::localserver_cli::mock_aws();
    // The harness checks at every request; empty is unset, so this is the default.
    let server = crate::localserver_cli::start_on_with(
        &aws,
        &[],
        &[("S3_CREDENTIALS_REVOCATION_CHECK_MS", "")],
    );
    for _ in 0..20 {
        assert_eq!(server.get("/", &[]).status, 200);
    }
    assert_eq!(count(&aws.server, "GetRolePolicy"), 1);
    assert_eq!(count(&aws.server, "AssumeRole"), 1);
}
