//! Secret keys and session tokens never appear in what the tool prints, except where
//! printing them is the command's job (`create`'s stdout, localserver's HTTP body).
//!
//! Each case runs the binary with known secrets, given every way a user can give them
//! (environment, options, `--auth` JSON and INI, shared credentials file,
//! credential_process), down success paths, error paths, usage errors, `--dry-run`, under
//! faults and with Rust's debug switches on (RUST_BACKTRACE=full, RUST_LOG=trace), and
//! greps stdout and stderr for them. A server that echoes back everything it was sent
//! stands in for a hostile proxy or a chatty error message.
//!
//! The fault and bad-input suites run every outcome through the same check
//! (`faults_common::assert_no_secret`).

use crate::faults_common;
use crate::support;

use std::time::Duration;

use faults_common::*;
use support::{Matcher, MockServer, Outcome, Recorded, Reply, TempDir, bin, run};

/// Every secret this file uses: the shared pair and the ones given by other routes.
const OPTION_SECRET: &str = "OpTiOnSeCrEt/abcdefghijklmnopqrstuvwxyz12";
const OPTION_TOKEN: &str = "OptionSessionToken+with/slashes==zz";
const FILE_SECRET: &str = "FiLeSeCrEt/0123456789abcdefghijklmnopqr";
const PROCESS_SECRET: &str = "PrOcEsSSeCrEt/0123456789abcdefghijklmno";

/// Extra environment for one case.
type Env<'a> = Vec<(&'a str, &'a str)>;

const ALL_SECRETS: &[&str] = &[
    SECRET_KEY,
    SESSION_TOKEN,
    OPTION_SECRET,
    OPTION_TOKEN,
    FILE_SECRET,
    PROCESS_SECRET,
];

fn assert_no_secrets(out: &Outcome, what: &str, stdout_may_hold_secrets: bool) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    for secret in ALL_SECRETS {
        assert!(
            !out.stderr.contains(secret),
            "{what}: stderr holds {secret}:\n{}",
            out.stderr
        );
        if !stdout_may_hold_secrets {
            assert!(
                !stdout.contains(secret),
                "{what}: stdout holds {secret}:\n{stdout}"
            );
        }
    }
    assert_no_panic(out, what);
}

/// A server that answers every request with an error quoting all it received: the
/// Authorization and token headers and the body.
fn echo_server(status: u16) -> MockServer {
    let server = MockServer::start();
    server.on(
        Matcher::any(),
        Reply::compute(move |r: &Recorded| {
            let headers: Vec<String> = r.headers.iter().map(|(k, v)| format!("{k}={v}")).collect();
            Reply::query_error(
                status,
                "InvalidClientTokenId",
                &xml_escape(&format!(
                    "you sent {} with body {}",
                    headers.join(" "),
                    r.body_str()
                )),
            )
        }),
    );
    server
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn fixture_server() -> MockServer {
    let server = MockServer::start();
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::fixture("sts/GetCallerIdentity.xml"),
    );
    server
}

/// Rust's own debug switches, set on every run here: none may make the tool print more.
fn debug_env(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.env("RUST_BACKTRACE", "full")
        .env("RUST_LIB_BACKTRACE", "1")
        .env("RUST_LOG", "trace")
}

#[test]
fn env_keys_on_success_failure_and_faults() {
    let ok = fixture_server();
    let echo = echo_server(403);
    let echo_500 = echo_server(500);
    let stalled = MockServer::start();
    stalled.on(
        Matcher::any(),
        Reply::status(200).delay(Duration::from_secs(5)),
    );
    let cases: Vec<(&str, &MockServer, Env)> = vec![
        ("success", &ok, vec![]),
        ("403 echoing the request", &echo, vec![]),
        (
            "500 echoing, retried",
            &echo_500,
            vec![("AWS_MAX_ATTEMPTS", "2")],
        ),
        (
            "stall",
            &stalled,
            vec![
                ("S3_CREDENTIALS_READ_TIMEOUT", "0.2"),
                ("AWS_MAX_ATTEMPTS", "1"),
            ],
        ),
    ];
    for (what, server, env) in cases {
        let mut cmd = keyed();
        debug_env(&mut cmd).args(["whoami", "--endpoint-url", &server.url()]);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = run(&mut cmd, None);
        assert_no_secrets(&out, what, false);
        // The secrets did reach the server: the check above is not vacuous.
        if what != "stall" {
            let sent = server.requests();
            assert_eq!(
                sent.last().and_then(|r| r.header("x-amz-security-token")),
                Some(SESSION_TOKEN),
                "{what}"
            );
        }
    }
    // The echo really quoted the token, and the tool redacted it.
    let mut cmd = keyed();
    cmd.args(["whoami", "--endpoint-url", &echo.url()]);
    let out = run(&mut cmd, None);
    assert!(
        out.stderr.contains("x-amz-security-token=<redacted>"),
        "{}",
        out.stderr
    );
}

#[test]
fn option_keys_and_usage_errors() {
    let echo = echo_server(403);
    let base = [
        "--access-key",
        "AKIAOPTIONKEY",
        "--secret-key",
        OPTION_SECRET,
        "--session-token",
        OPTION_TOKEN,
    ];
    let url = echo.url();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("error", vec!["whoami", "--endpoint-url", &url]),
        ("unknown option", vec!["whoami", "--bogus"]),
        ("extra argument", vec!["whoami", "extra"]),
        ("bad endpoint", vec!["whoami", "--endpoint-url", "nope"]),
        ("policy usage error", vec!["policy"]),
        ("--auth conflict", vec!["whoami", "--auth", "/dev/null"]),
        ("bad retry mode", vec!["whoami", "--endpoint-url", &url]),
        ("create usage", vec!["create", "bucket", "-d", "1d"]),
        (
            "list-bucket error",
            vec!["list-bucket", "bucket", "--endpoint-url", &url],
        ),
        (
            "get-object error",
            vec!["get-object", "bucket", "key", "--endpoint-url", &url],
        ),
    ];
    for (what, args) in cases {
        let mut cmd = bin();
        debug_env(&mut cmd).args(&args).args(base);
        if what == "bad retry mode" {
            cmd.env("AWS_RETRY_MODE", "nope");
        }
        let out = run(&mut cmd, None);
        assert_ne!(out.code, 0, "{what}");
        assert_no_secrets(&out, what, false);
    }
}

#[test]
fn keys_from_files_and_processes() {
    let dir = TempDir::new();
    let echo = echo_server(403);
    let url = echo.url();
    let write = |name: &str, text: String| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let auth_json = write(
        "auth.json",
        format!("{{\"AccessKeyId\": \"AKIAFILE\", \"SecretAccessKey\": \"{FILE_SECRET}\"}}"),
    );
    let auth_json_broken = write(
        "broken.json",
        format!("{{\"AccessKeyId\": \"AKIAFILE\", \"SecretAccessKey\": \"{FILE_SECRET}\" \"x\"}}"),
    );
    let auth_ini = write(
        "auth.ini",
        format!("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = {FILE_SECRET}\n"),
    );
    let ini_broken = write(
        "broken.ini",
        format!("aws_secret_access_key = {FILE_SECRET}\n[default]\n"),
    );
    let shared = write(
        "credentials",
        format!("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = {FILE_SECRET}\n"),
    );
    let shared_broken = write(
        "credentials-broken",
        format!("[default]\naws_access_key_id = AKIAFILE\n{FILE_SECRET}\n[x\n"),
    );
    let process_bad_json = write(
        "config-process",
        format!(
            "[default]\ncredential_process = printf '%s' '{{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"{PROCESS_SECRET}\"'\n"
        ),
    );
    let process_no_key = write(
        "config-process-2",
        format!(
            "[default]\ncredential_process = printf '%s' '{{\"Version\": 1, \"SecretAccessKey\": \"{PROCESS_SECRET}\"}}'\n"
        ),
    );
    let process_ok = write(
        "config-process-3",
        format!(
            "[default]\ncredential_process = printf '%s' '{{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"{PROCESS_SECRET}\"}}'\n"
        ),
    );
    let cases: Vec<(&str, Vec<&str>, Env)> = vec![
        ("--auth JSON", vec!["--auth", &auth_json], vec![]),
        (
            "--auth broken JSON",
            vec!["--auth", &auth_json_broken],
            vec![],
        ),
        ("--auth INI", vec!["--auth", &auth_ini], vec![]),
        ("--auth broken INI", vec!["--auth", &ini_broken], vec![]),
        (
            "shared file",
            vec![],
            vec![("AWS_SHARED_CREDENTIALS_FILE", &shared)],
        ),
        (
            "broken shared file",
            vec![],
            vec![("AWS_SHARED_CREDENTIALS_FILE", &shared_broken)],
        ),
        (
            "process, broken JSON",
            vec![],
            vec![("AWS_CONFIG_FILE", &process_bad_json)],
        ),
        (
            "process, no key id",
            vec![],
            vec![("AWS_CONFIG_FILE", &process_no_key)],
        ),
        ("process", vec![], vec![("AWS_CONFIG_FILE", &process_ok)]),
    ];
    for (what, extra, env) in cases {
        let mut cmd = bin();
        debug_env(&mut cmd)
            .args(["whoami", "--endpoint-url", &url])
            .args(&extra);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = run(&mut cmd, None);
        assert_eq!(out.code, 1, "{what}: {}", out.stderr);
        assert_no_secrets(&out, what, false);
    }
    // Stdin as the --auth file.
    let mut cmd = bin();
    debug_env(&mut cmd).args(["whoami", "--auth", "-", "--endpoint-url", &url]);
    let ini =
        format!("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = {FILE_SECRET}\n");
    let out = run(&mut cmd, Some(ini.as_bytes()));
    assert_no_secrets(&out, "--auth -", false);
}

#[test]
fn create_prints_the_new_secret_on_stdout_only() {
    for name in ["create-new-bucket", "create-duration-new-role"] {
        let cassette = support::cassette::Cassette::load(name);
        let created = cassette.recorded("SecretAccessKey");
        for fault in [false, true] {
            let server = MockServer::start();
            cassette.serve(&server);
            if fault {
                // Fail the last call for good: the error path must not leak either.
                server.on(
                    Matcher::action("CreateAccessKey"),
                    Reply::query_error(409, "LimitExceeded", "Cannot exceed quota"),
                );
                server.on(
                    Matcher::action("AssumeRole"),
                    Reply::query_error(403, "ExpiredToken", "The token is expired"),
                );
            }
            let mut cmd = keyed();
            debug_env(&mut cmd)
                .args(cassette.args())
                .args(["--endpoint-url", &server.url()])
                .current_dir(cassette.dir.path());
            let out = run(&mut cmd, cassette.stdin().as_deref());
            let what = format!("{name} (fault: {fault})");
            assert_no_secrets(&out, &what, true);
            assert!(!out.stderr.contains(&created), "{what}: {}", out.stderr);
            if fault {
                assert_eq!(out.code, 1, "{what}");
                assert!(!out.stdout_str().contains(&created), "{what}");
            } else {
                assert_eq!(out.code, 0, "{what}: {}", out.stderr);
                assert!(
                    out.stdout_str().contains(&created),
                    "{what}: printing it is the job"
                );
            }
        }
    }
}

#[test]
fn create_dry_run_prints_no_secret() {
    let echo = echo_server(403);
    for args in [
        vec!["create", "my-bucket", "--dry-run"],
        vec!["create", "my-bucket", "--dry-run", "-d", "15m"],
        vec!["create", "my-bucket", "--dry-run", "--public", "-c"],
    ] {
        let mut cmd = keyed();
        debug_env(&mut cmd)
            .args(&args)
            .args(["--endpoint-url", &echo.url()]);
        let out = run(&mut cmd, None);
        assert_no_secrets(&out, &args.join(" "), false);
    }
}

/// Secrets the profile providers handle: a role source's token, an assumed role's
/// keys, the SSO access, refresh and client secrets. None may reach a message, even
/// when every server echoes back what it was sent.
#[test]
fn profile_and_sso_secrets_stay_hidden() {
    const SOURCE_SECRET: &str = "SoUrCeSeCrEt/0123456789abcdefghijklmno";
    const SOURCE_TOKEN: &str = "SourceSessionToken+zz/0123456789";
    const ROLE_SECRET: &str = "RoLeSeCrEt/0123456789abcdefghijklmnopq";
    const ROLE_TOKEN: &str = "AssumedRoleSessionToken+zz/98765";
    const SSO_ACCESS: &str = "SsoAccessTokenSECRETzz0123456789";
    const SSO_REFRESH: &str = "SsoRefreshTokenSECRETzz0123456789";
    const SSO_CLIENT: &str = "SsoClientSecretSECRETzz0123456789";
    let secrets = [
        SOURCE_SECRET,
        SOURCE_TOKEN,
        ROLE_SECRET,
        ROLE_TOKEN,
        SSO_ACCESS,
        SSO_REFRESH,
        SSO_CLIENT,
    ];

    // STS answers AssumeRole with known keys; everything else echoes what it got, in
    // both the query protocol's XML and rest-json.
    let sts = MockServer::start();
    sts.on(
        Matcher::action("AssumeRole"),
        Reply::ok(format!(
            "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>\
             <SecretAccessKey>{ROLE_SECRET}</SecretAccessKey><SessionToken>{ROLE_TOKEN}</SessionToken>\
             </Credentials></AssumeRoleResult></AssumeRoleResponse>"
        )),
    );
    let echo = echo_server(403);
    let json_echo = MockServer::start();
    json_echo.on(
        Matcher::any(),
        Reply::compute(|r: &Recorded| {
            let seen: Vec<String> = r.headers.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let message = format!("you sent {} {}", seen.join(" "), r.body_str());
            Reply::status(400)
                .header("content-type", "application/json")
                .body(
                    serde_json::json!({"__type": "InvalidRequestException", "message": message})
                        .to_string(),
                )
        }),
    );

    let home = TempDir::new();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(aws.join("sso/cache")).unwrap();
    std::fs::write(
        aws.join("credentials"),
        format!(
            "[base]\naws_access_key_id = AKIASOURCE\naws_secret_access_key = {SOURCE_SECRET}\n\
             aws_session_token = {SOURCE_TOKEN}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        aws.join("config"),
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n\
         [profile sso]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n\
         [sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    // sha1("s"): an expired token with what a refresh needs.
    std::fs::write(
        aws.join("sso/cache/a0f1490a20d0211c997b44bc357e1972deab8ae3.json"),
        serde_json::json!({"accessToken": SSO_ACCESS, "expiresAt": "2000-01-01T00:00:00Z",
            "refreshToken": SSO_REFRESH, "clientId": "cid", "clientSecret": SSO_CLIENT,
            "registrationExpiresAt": "2099-01-01T00:00:00Z"})
        .to_string(),
    )
    .unwrap();

    let run_with = |command: &str, profile: &str, vars: &[(&str, &str)]| {
        let mut cmd = bin();
        debug_env(&mut cmd)
            .env("HOME", home.path())
            .env("AWS_CONFIG_FILE", aws.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", aws.join("credentials"))
            .env("S3_CREDENTIALS_RETRY_BASE_MS", "1")
            .args([command, "--profile", profile]);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        run(&mut cmd, None)
    };
    let check = |out: &Outcome, what: &str| {
        assert_eq!(out.code, 1, "{what}: {}", out.stderr);
        for secret in secrets {
            assert!(
                !out.stderr.contains(secret),
                "{what}: stderr holds {secret}:\n{}",
                out.stderr
            );
            assert!(
                !out.stdout_str().contains(secret),
                "{what}: stdout holds {secret}"
            );
        }
        assert_no_panic(out, what);
    };

    // AssumeRole refused, the echo quoting the source's token.
    let out = run_with("whoami", "role", &[("AWS_ENDPOINT_URL", &echo.url())]);
    check(&out, "AssumeRole echoed");
    assert!(
        out.stderr.contains("x-amz-security-token=<redacted>"),
        "{}",
        out.stderr
    );
    // AssumeRole works; the command's own call (S3) is echoed with the role's token.
    let out = run_with(
        "list-buckets",
        "role",
        &[
            ("AWS_ENDPOINT_URL_STS", &sts.url()),
            ("AWS_ENDPOINT_URL", &echo.url()),
        ],
    );
    check(&out, "role credentials echoed");
    assert_eq!(
        echo.requests()
            .last()
            .and_then(|r| r.header("x-amz-security-token")),
        Some(ROLE_TOKEN),
        "the role's credentials were used: the check is not vacuous"
    );
    // SSO: the refresh and the portal both echo what they were sent.
    let out = run_with(
        "whoami",
        "sso",
        &[
            ("AWS_ENDPOINT_URL_SSO", &json_echo.url()),
            ("AWS_ENDPOINT_URL_SSO_OIDC", &json_echo.url()),
        ],
    );
    check(&out, "SSO echoed");
    let sent: Vec<String> = json_echo.requests().iter().map(|r| r.body_str()).collect();
    assert!(
        sent.iter().any(|b| b.contains(SSO_REFRESH)),
        "a refresh was attempted: {sent:?}"
    );
}
