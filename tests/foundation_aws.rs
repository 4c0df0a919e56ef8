//! whoami and the transport under it: replayed against the mock server (what was
//! sent, retries, errors) and end to end against moto with signature checks on,
//! through every credential source.

use crate::support;

use std::time::Duration;

use support::moto::Moto;
use support::{Matcher, MockServer, Reply, TempDir, bin, run};

const WHOAMI_STDOUT: &str = "{\n    \"UserId\": \"AKIAIOSFODNN7EXAMPLE\",\n    \"Account\": \"123456789012\",\n    \"Arn\": \"arn:aws:sts::123456789012:user/moto\"\n}\n";

fn keyed(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .env("S3_CREDENTIALS_RETRY_BASE_MS", "1")
}

#[test]
fn whoami_sends_a_signed_query_call_and_prints_the_identity() {
    let server = MockServer::start();
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::fixture("sts/GetCallerIdentity.xml"),
    );
    let out = run(
        keyed(&mut bin())
            .env("AWS_SESSION_TOKEN", "TOKEN-SECRET-1")
            .args(["whoami", "--endpoint-url", &server.url()]),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout_str(), WHOAMI_STDOUT);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.param("Action").as_deref(), Some("GetCallerIdentity"));
    assert_eq!(r.param("Version").as_deref(), Some("2011-06-15"));
    let auth = r.header("authorization").unwrap_or_default();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
        "{auth}"
    );
    assert!(auth.contains("/us-east-1/sts/aws4_request"), "{auth}");
    assert!(
        auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"),
        "{auth}"
    );
    assert_eq!(r.header("x-amz-security-token"), Some("TOKEN-SECRET-1"));
}

#[test]
fn region_from_the_environment_scopes_the_signature() {
    let server = MockServer::start();
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::fixture("sts/GetCallerIdentity.xml"),
    );
    let out = run(
        keyed(&mut bin())
            .env("AWS_DEFAULT_REGION", "eu-west-3")
            .args(["whoami", "--endpoint-url", &server.url()]),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let auth = server.requests()[0]
        .header("authorization")
        .unwrap_or_default()
        .to_string();
    assert!(auth.contains("/eu-west-3/sts/aws4_request"), "{auth}");
}

#[test]
fn transient_failures_are_retried() {
    let server = MockServer::start();
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::fixture("sts/GetCallerIdentity.xml"),
    );
    // Added later, so tried first: two throttles, then the fixture answers.
    server.on(
        Matcher::action("GetCallerIdentity").times(2),
        Reply::query_error(400, "Throttling", "Rate exceeded"),
    );
    let out = run(
        keyed(&mut bin()).args(["whoami", "--endpoint-url", &server.url()]),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout_str(), WHOAMI_STDOUT);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn retries_stop_at_aws_max_attempts() {
    let server = MockServer::start();
    server.on(Matcher::action("GetCallerIdentity"), Reply::status(503));
    let out = run(
        keyed(&mut bin()).env("AWS_MAX_ATTEMPTS", "2").args([
            "whoami",
            "--endpoint-url",
            &server.url(),
        ]),
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        out.stderr,
        "Error: An error occurred (503) when calling the GetCallerIdentity operation (reached max retries: 1): Service Unavailable\n"
    );
}

#[test]
fn errors_name_the_code_and_request_id_in_one_line() {
    let server = MockServer::start();
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::query_error(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
    );
    let out = run(
        keyed(&mut bin()).args(["whoami", "--endpoint-url", &server.url()]),
        None,
    );
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.starts_with("Error: An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid."),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(!out.stderr.contains("EXAMPLEKEY"));
}

#[test]
fn connection_failures_and_garbage_are_clean_errors() {
    let server = MockServer::start();
    server.on(Matcher::action("GetCallerIdentity"), Reply::reset());
    let out = run(
        keyed(&mut bin()).env("AWS_MAX_ATTEMPTS", "2").args([
            "whoami",
            "--endpoint-url",
            &server.url(),
        ]),
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(server.requests().len(), 2, "a reset is retried");
    assert!(out.stderr.starts_with("Error: "), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);

    let garbage = MockServer::start();
    garbage.on(Matcher::action("GetCallerIdentity"), Reply::ok("<not xml"));
    let out = run(
        keyed(&mut bin()).args(["whoami", "--endpoint-url", &garbage.url()]),
        None,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("Error: Unable to parse the GetCallerIdentity response"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"));
}

#[test]
fn a_stalled_server_times_out() {
    let server = MockServer::start();
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::fixture("sts/GetCallerIdentity.xml").delay(Duration::from_secs(5)),
    );
    let out = run(
        keyed(&mut bin())
            .env("S3_CREDENTIALS_READ_TIMEOUT", "0.3")
            .env("AWS_MAX_ATTEMPTS", "1")
            .args(["whoami", "--endpoint-url", &server.url()]),
        None,
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("timeout"), "{}", out.stderr);
}

#[test]
fn invalid_endpoint_urls_are_rejected() {
    for bad in ["127.0.0.1:9000", "http://127.0.0.1:9000/path"] {
        let out = run(
            keyed(&mut bin()).args(["whoami", "--endpoint-url", bad]),
            None,
        );
        assert_eq!(out.code, 1, "{bad}");
        assert!(out.stderr.starts_with("Error: "), "{bad}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    }
}

#[test]
fn no_credentials_is_one_clear_line() {
    let out = run(
        bin().args(["whoami", "--endpoint-url", "http://127.0.0.1:9"]),
        None,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("Error: Unable to locate credentials"),
        "{}",
        out.stderr
    );
}

// ---- End to end against moto with signature checks and IAM enforcement on ----

fn moto_whoami(
    moto: &Moto,
    extra: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&[u8]>,
) -> support::Outcome {
    let mut cmd = bin();
    cmd.args(["whoami", "--endpoint-url", &moto.url()])
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd, stdin)
}

fn assert_admin(out: &support::Outcome) {
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        v["Arn"],
        "arn:aws:iam::123456789012:user/admin",
        "{}",
        out.stdout_str()
    );
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["UserId", "Account", "Arn"]);
}

#[test]
fn moto_whoami_through_every_credential_source() {
    let moto = Moto::start();
    let (key, secret) = moto.admin_key();
    let dir = TempDir::new();

    // Environment variables.
    assert_admin(&moto_whoami(
        &moto,
        &[],
        &[
            ("AWS_ACCESS_KEY_ID", &key),
            ("AWS_SECRET_ACCESS_KEY", &secret),
        ],
        None,
    ));

    // Options.
    assert_admin(&moto_whoami(
        &moto,
        &["--access-key", &key, "--secret-key", &secret],
        &[],
        None,
    ));

    // --auth with the JSON `create` prints.
    let json = dir.path().join("creds.json");
    std::fs::write(
        &json,
        format!("{{\"UserName\": \"admin\", \"AccessKeyId\": \"{key}\", \"SecretAccessKey\": \"{secret}\"}}"),
    )
    .unwrap();
    assert_admin(&moto_whoami(
        &moto,
        &["--auth", json.to_str().unwrap()],
        &[],
        None,
    ));

    // --auth - with INI on stdin (the first section with a key wins).
    let ini = format!(
        "[empty]\nx = 1\n[default]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"
    );
    assert_admin(&moto_whoami(&moto, &["-a", "-"], &[], Some(ini.as_bytes())));

    // AWS_PROFILE from a shared credentials file.
    let shared = dir.path().join("credentials");
    std::fs::write(
        &shared,
        format!("[default]\naws_access_key_id = nope\naws_secret_access_key = nope\n\n[work]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"),
    )
    .unwrap();
    assert_admin(&moto_whoami(
        &moto,
        &[],
        &[
            ("AWS_SHARED_CREDENTIALS_FILE", shared.to_str().unwrap()),
            ("AWS_PROFILE", "work"),
        ],
        None,
    ));

    // --auth together with a key option is the original's error.
    let out = moto_whoami(
        &moto,
        &["--auth", json.to_str().unwrap(), "--access-key", &key],
        &[],
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "Error: --auth cannot be used with --access-key, --secret-key or --session-token\n"
    );
}

#[test]
fn moto_rejects_a_wrong_secret_with_a_clear_error() {
    let moto = Moto::start();
    let (key, secret) = moto.admin_key();
    let out = moto_whoami(
        &moto,
        &["--access-key", &key, "--secret-key", "WRONGSECRET"],
        &[],
        None,
    );
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.starts_with("Error: An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: The request signature we calculated does not match the signature you provided."),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(&secret) && !out.stderr.contains("WRONGSECRET"));
}
