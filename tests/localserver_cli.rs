//! `localserver` as a user runs it: the built binary replayed against the mock server
//! (startup lines, the two JSON shapes, 404/405, the Host and token checks, one AssumeRole
//! for many clients, Ctrl-C and SIGTERM, startup errors), and end to end against moto with
//! boto3 as the client, through container credentials and credential_process.
//!
//! Expected bytes come from the original's run in
//! `shared/reference/original-0.17-transcript.md` (fixtures/localserver/README.md).

use crate::support;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use support::http::{self, Response};
use support::mock::RouteHandle;
use support::moto::Moto;
use support::{Matcher, MockServer, Reply, TempDir, bin, free_port, run};

/// The original's answer to `GET /` in the transcript, byte for byte (our AssumeRole fixture
/// carries the same credentials).
const TRANSCRIPT_BODY: &str = r#"{
  "Version": 1,
  "AccessKeyId": "ASIARZPUZDIKDTYIVM7I",
  "SecretAccessKey": "Gy2n9Q1ygiJ/vMdT8V7P3QOXT/tzofpE7w2mpt+H",
  "SessionToken": "FQoGZXIvYXdzEBYaDsZQawDbn4uUKWR1c7rjAVfgsRTLeVwfAm2VBLCkA/nMNhOOj8IKfDBs8wQ1oq5n0KXiPpcHgF/gYBm+eL+xoYxJUYZG82SlRWMeTBr2GgvrBcd1bl4ugWnvI0lsKKpqh5zorpQntObPAfRL0hSDgDQbojhtUwTK5Y+LNN7T3tAyxZY8RRRFC7iKkO7Ig/z9X2aopwNFQbkSgBYnODFLlEjiJqwrYBkt/hCc12mmzo+d2NPc6/4OBijCeGXCvE3l9/9kI9W8e80Sqd5f476x/zO6ydpBg1kO0hL4M4xNfnqkjiPwShvR5ujX1Rji+j8kAjphiXBSInR//0OBZN4=",
  "Expiration": "2026-11-28T23:12:40.847396+00:00"
}"#;
const SECRET: &str = "Gy2n9Q1ygiJ/vMdT8V7P3QOXT/tzofpE7w2mpt+H";
/// The transcript's Expiration, a day long past when these tests run: the mock answers
/// with the same instant in [`SERVED_YEAR`] instead, since the server serves a set only
/// while its Expiration is ahead of the clock.
const TRANSCRIPT_DAY: &str = "2026-11-28T23:12:40.847396";
const SERVED_YEAR: &str = "2099";

/// [`TRANSCRIPT_BODY`] with the Expiration the mock gives.
fn served_body() -> String {
    TRANSCRIPT_BODY.replace(
        TRANSCRIPT_DAY,
        &TRANSCRIPT_DAY.replacen("2026", SERVED_YEAR, 1),
    )
}

/// The recorded AssumeRole answer (the transcript's credentials), expiring in 2099.
pub(crate) fn assume_role_reply() -> Reply {
    let moved = TRANSCRIPT_DAY.replacen("2026", SERVED_YEAR, 1);
    Reply::xml(200, assume_role_xml(&format!("{moved}Z")))
}

/// The recorded AssumeRole answer with `expiration` as its Expiration.
pub(crate) fn assume_role_xml(expiration: &str) -> String {
    let xml = support::cassette::fixture_text("localserver/AssumeRole.xml");
    let recorded = format!("{TRANSCRIPT_DAY}Z");
    assert!(xml.contains(&recorded));
    xml.replace(&recorded, expiration)
}
const TOKEN_START: &str = "FQoGZXIvYXdzEBYaDsZQawDbn4uUKWR1c7rjAVfgsRTL";

/// How long a server may take to start or stop before the test fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// The binary with the test keys (no session token).
pub(crate) fn keyed_bin() -> Command {
    let mut cmd = bin();
    keyed(&mut cmd);
    cmd
}

fn keyed(cmd: &mut Command) -> &mut Command {
    cmd.env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .env("S3_CREDENTIALS_RETRY_BASE_MS", "1")
        // Every request checks for a revocation, so that tests see each check.
        .env("S3_CREDENTIALS_REVOCATION_CHECK_MS", "0")
}

/// A mock AWS where `my-bucket` exists and the role is there: the calls localserver makes.
pub(crate) struct Aws {
    pub(crate) server: MockServer,
    pub(crate) assume: RouteHandle,
}

pub(crate) fn mock_aws() -> Aws {
    let server = MockServer::start();
    server.on(
        Matcher::head("/my-bucket"),
        Reply::status(200).header("x-amz-bucket-region", "us-east-1"),
    );
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::fixture("localserver/GetCallerIdentity.xml"),
    );
    server.on(
        Matcher::action("GetRole"),
        Reply::fixture("localserver/GetRole.xml"),
    );
    // The revocation check before serving a cached set: no revocation, as on an
    // account that never ran revoke-sessions (moto's answer).
    server.on(
        Matcher::action("GetRolePolicy"),
        Reply::query_error(
            404,
            "NoSuchEntity",
            "Policy Document AWSRevokeOlderSessions not attached to role s3-credentials.AmazonS3FullAccess",
        ),
    );
    let assume = server.on(Matcher::action("AssumeRole"), assume_role_reply());
    Aws { server, assume }
}

/// A running `localserver`, its stderr collected line by line.
pub(crate) struct Running {
    child: Child,
    pub(crate) port: u16,
    lines: Receiver<String>,
    /// Every stderr line so far.
    stderr: Vec<String>,
    stdout: Option<std::thread::JoinHandle<Vec<u8>>>,
}

impl Running {
    /// Starts `localserver my-bucket --port P ARGS...` and waits for "Press Ctrl+C to stop".
    /// `make` builds the command (credentials, environment).
    pub(crate) fn start(make: impl Fn() -> Command, args: &[&str]) -> Running {
        for _ in 0..3 {
            let port = free_port();
            let mut cmd = make();
            cmd.args(["localserver", "my-bucket", "--port", &port.to_string()])
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = cmd.spawn().expect("spawn s3-credentials");
            let (tx, lines) = mpsc::channel();
            let stderr = child.stderr.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
            let mut out = child.stdout.take().unwrap();
            let stdout = std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = out.read_to_end(&mut buf);
                buf
            });
            let mut running = Running {
                child,
                port,
                lines,
                stderr: Vec::new(),
                stdout: Some(stdout),
            };
            if running.wait_for_line("Press Ctrl+C to stop") {
                return running;
            }
            let _ = running.child.wait();
            // Another process took the port between free_port() and our bind: try again.
            if !running
                .stderr
                .iter()
                .any(|l| l.contains("Address already in use"))
            {
                panic!("localserver did not start:\n{}", running.stderr.join("\n"));
            }
        }
        panic!("no free port for localserver after three attempts");
    }

    /// Collects stderr until `wanted` appears (true) or stderr ends (false).
    fn wait_for_line(&mut self, wanted: &str) -> bool {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line == wanted;
                    self.stderr.push(line);
                    if found {
                        return true;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return false,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!(
                        "no {wanted:?} within {PATIENCE:?}; stderr:\n{}",
                        self.stderr.join("\n")
                    );
                }
            }
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub(crate) fn get(&self, target: &str, headers: &[(&str, &str)]) -> Response {
        self.send("GET", target, headers)
    }

    fn send(&self, method: &str, target: &str, headers: &[(&str, &str)]) -> Response {
        http::send(&self.url(), method, target, headers, b"").expect("request to localserver")
    }

    /// Sends `signal` (INT, TERM) and returns (exit code, all stderr, stdout).
    pub(crate) fn stop(mut self, signal: &str) -> (i32, String, Vec<u8>) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
        // stderr ends when the process exits.
        assert!(!self.wait_for_line("\u{0}never"), "stderr ended");
        let status = self.child.wait().expect("wait");
        let stdout = self.stdout.take().unwrap().join().unwrap();
        let mut stderr = self.stderr.join("\n");
        stderr.push('\n');
        (status.code().unwrap_or(-1), stderr, stdout)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_on(aws: &Aws, args: &[&str]) -> Running {
    start_on_with(aws, args, &[])
}

/// [`start_on`], with `env` set after the usual variables (so it can change them).
pub(crate) fn start_on_with(aws: &Aws, args: &[&str], env: &[(&str, &str)]) -> Running {
    let url = aws.server.url();
    let mut all = vec!["--duration", "15m", "--host", "127.0.0.1"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--endpoint-url", &url]);
    Running::start(
        || {
            let mut cmd = bin();
            keyed(&mut cmd).envs(env.iter().copied());
            cmd
        },
        &all,
    )
}

fn json(r: &Response) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.text()))
}

fn assert_no_cors(r: &Response) {
    for (name, _) in &r.headers {
        assert!(
            !name.to_ascii_lowercase().starts_with("access-control-"),
            "{name}"
        );
    }
}

/// `2026-11-28 22:57:41 - "GET / HTTP/1.1" 200 -`, any time.
pub(crate) fn is_request_log(line: &str, request: &str, status: u16) -> bool {
    let Some((time, rest)) = line.split_once(" - ") else {
        return false;
    };
    let shape = time.len() == 19
        && time.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b' ',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    shape && rest == format!("\"{request}\" {status} -")
}

#[test]
fn serves_the_original_json_and_stops_on_ctrl_c() {
    let aws = mock_aws();
    let server = start_on(&aws, &["--read-only"]);
    let port = server.port;
    assert_eq!(
        server.stderr,
        [
            "Generating initial credentials...".to_string(),
            format!(
                "Serving read-only credentials for bucket 'my-bucket' at http://127.0.0.1:{port}/"
            ),
            "Duration: 900 seconds".to_string(),
            "Press Ctrl+C to stop".to_string(),
        ]
    );

    let ok = server.get("/", &[]);
    assert_eq!(ok.status, 200);
    assert_eq!(ok.text(), served_body());
    assert_eq!(ok.header("content-type"), Some("application/json"));
    assert_no_cors(&ok);

    let missing = server.get("/x", &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.text(), r#"{"error": "Not found"}"#);
    assert_eq!(
        server.get("/?x=1", &[]).status,
        404,
        "only / exactly, as the original"
    );

    let (code, stderr, stdout) = server.stop("INT");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(is_request_log(lines[4], "GET / HTTP/1.1", 200), "{stderr}");
    assert!(is_request_log(lines[5], "GET /x HTTP/1.1", 404), "{stderr}");
    assert!(
        is_request_log(lines[6], "GET /?x=1 HTTP/1.1", 404),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("\n\nShutting down server...\n"),
        "{stderr}"
    );
    assert!(!stderr.contains(SECRET) && !stderr.contains(TOKEN_START));
}

#[test]
fn assume_role_gets_the_original_session_policy_and_name() {
    let aws = mock_aws();
    let server = start_on(
        &aws,
        &[
            "--prefix",
            "pre/",
            "--statement",
            r#"{"Effect": "Allow", "Action": "textract:*", "Resource": "*"}"#,
            "-d",
            "2h",
        ],
    );
    assert_eq!(
        server.stderr[1].split(" at ").next(),
        Some("Serving read-write credentials for bucket 'my-bucket'")
    );
    assert_eq!(
        server.stderr[2], "Duration: 7200 seconds",
        "the last --duration wins"
    );
    drop(server);
    let assume: Vec<_> = aws
        .server
        .requests()
        .into_iter()
        .filter(|r| r.param("Action").as_deref() == Some("AssumeRole"))
        .collect();
    assert_eq!(assume.len(), 1);
    let expected_policy = std::fs::read_to_string(
        support::repo_root()
            .join("fixtures/localserver/session-policy-read-write-prefix-statement.json"),
    )
    .unwrap();
    let r = &assume[0];
    assert_eq!(r.param("Policy"), Some(expected_policy));
    assert_eq!(
        r.param("RoleSessionName").as_deref(),
        Some("s3.read-write.my-bucket")
    );
    assert_eq!(r.param("DurationSeconds").as_deref(), Some("7200"));
    assert_eq!(
        r.param("RoleArn").as_deref(),
        Some("arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess")
    );
}

#[test]
fn read_only_session_policy_matches_the_original() {
    let aws = mock_aws();
    drop(start_on(&aws, &["--read-only"]));
    let expected = std::fs::read_to_string(
        support::repo_root().join("fixtures/localserver/session-policy-read-only.json"),
    )
    .unwrap();
    let policy = aws
        .server
        .requests()
        .iter()
        .find_map(|r| {
            (r.param("Action").as_deref() == Some("AssumeRole")).then(|| r.param("Policy"))
        })
        .flatten();
    assert_eq!(policy, Some(expected));
}

#[test]
fn container_credentials_shape_on_ecs_path() {
    let aws = mock_aws();
    let server = start_on(&aws, &[]);
    let r = server.get("/ecs", &[]);
    assert_eq!(r.status, 200);
    let body = json(&r);
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    // The members the ECS credentials endpoint documents (Token, not SessionToken), and
    // Expiration in its form: ISO 8601 UTC with Z.
    assert_eq!(
        keys,
        ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"]
    );
    assert_eq!(body["AccessKeyId"], "ASIARZPUZDIKDTYIVM7I");
    assert_eq!(body["SecretAccessKey"], SECRET);
    assert!(body["Token"].as_str().unwrap().starts_with(TOKEN_START));
    assert_eq!(body["Expiration"], "2099-11-28T23:12:40Z");
}

#[test]
fn foreign_host_headers_and_other_methods_are_refused() {
    let aws = mock_aws();
    let server = start_on(&aws, &[]);
    let port = server.port.to_string();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "127.0.0.1".into(),
    ] {
        assert_eq!(server.get("/", &[("Host", &host)]).status, 200, "{host}");
    }
    // A DNS-rebinding page: its own name, resolved to 127.0.0.1.
    for host in [
        format!("evil.example:{port}"),
        "localhost.evil.example".into(),
    ] {
        let r = server.get("/", &[("Host", &host)]);
        assert_eq!(r.status, 403, "{host}");
        assert_eq!(r.text(), r#"{"error": "Invalid Host header"}"#);
        assert!(!r.text().contains(SECRET));
    }
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "HEAD"] {
        let r = server.send(method, "/", &[("Origin", "http://evil.example")]);
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET"));
        assert_no_cors(&r);
    }
    let r = server.get("/", &[("Origin", "http://evil.example")]);
    assert_no_cors(&r);
    let (code, stderr, _) = server.stop("TERM");
    assert_eq!(code, 0);
    assert!(
        stderr
            .lines()
            .any(|l| is_request_log(l, "OPTIONS / HTTP/1.1", 405)),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| is_request_log(l, "GET / HTTP/1.1", 403)),
        "{stderr}"
    );
}

#[test]
fn a_token_is_required_when_set() {
    let aws = mock_aws();
    for (args, env) in [
        (vec!["--token", "s3cr3t-t0ken"], None),
        (vec![], Some("s3cr3t-t0ken")),
    ] {
        let url = aws.server.url();
        let mut all = vec![
            "--duration",
            "15m",
            "--host",
            "127.0.0.1",
            "--endpoint-url",
            &url,
        ];
        all.extend(args);
        let server = Running::start(
            || {
                let mut cmd = bin();
                keyed(&mut cmd);
                if let Some(token) = env {
                    cmd.env("S3_CREDENTIALS_TOKEN", token);
                }
                cmd
            },
            &all,
        );
        for path in ["/", "/ecs", "/nope"] {
            let r = server.get(path, &[]);
            assert_eq!(r.status, 401, "{path} without a token");
            assert_eq!(r.text(), r#"{"error": "Unauthorized"}"#);
        }
        for wrong in ["s3cr3t-t0kem", "Bearer s3cr3t-t0ken", "s3cr3t-t0ke"] {
            assert_eq!(
                server.get("/", &[("Authorization", wrong)]).status,
                401,
                "{wrong}"
            );
        }
        let auth = [("Authorization", "s3cr3t-t0ken")];
        assert_eq!(server.get("/", &auth).text(), served_body());
        assert_eq!(server.get("/ecs", &auth).status, 200);
        let (_, stderr, _) = server.stop("INT");
        assert!(
            !stderr.contains("s3cr3t-t0ken"),
            "the token is never logged"
        );
    }
}

#[test]
fn many_concurrent_clients_cost_one_assume_role() {
    let aws = mock_aws();
    let server = start_on(&aws, &[]);
    let url = server.url();
    let clients: Vec<_> = (0..24)
        .map(|i| {
            let url = url.clone();
            let path = if i % 2 == 0 { "/" } else { "/ecs" };
            std::thread::spawn(move || http::send(&url, "GET", path, &[], b"").unwrap())
        })
        .collect();
    for client in clients {
        let r = client.join().unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(json(&r)["AccessKeyId"], "ASIARZPUZDIKDTYIVM7I");
    }
    assert_eq!(aws.assume.hits(), 1);
    let (_, stderr, _) = server.stop("INT");
    assert_eq!(stderr.lines().filter(|l| l.ends_with(" 200 -")).count(), 24);
}

#[test]
fn a_silent_client_does_not_hold_up_others() {
    let aws = mock_aws();
    let server = start_on(&aws, &[]);
    // Connections that send nothing occupy workers until their read timeout (5 s)...
    let silent: Vec<_> = (0..3)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    // ...while a real request is answered by another worker: a client that gave up after
    // 3 s (less than that timeout) would fail here if requests were served one at a time.
    let stream = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    use std::io::Write;
    (&stream)
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let r = http::read_response(&mut BufReader::new(&stream), false).expect("answered at once");
    assert_eq!(r.status, 200);
    drop(silent);
}

#[test]
fn http_1_0_without_host_is_served_but_1_1_without_host_is_not() {
    let aws = mock_aws();
    let server = start_on(&aws, &[]);
    let raw = |request: &[u8]| {
        use std::io::Write;
        let stream = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        (&stream).write_all(request).unwrap();
        http::read_response(&mut BufReader::new(&stream), false).unwrap()
    };
    assert_eq!(raw(b"GET / HTTP/1.0\r\n\r\n").status, 200);
    assert_eq!(raw(b"GET / HTTP/1.1\r\n\r\n").status, 403);
    let bad = raw(b"NONSENSE\r\n\r\n");
    assert_eq!(
        (bad.status, bad.text().as_str()),
        (400, r#"{"error": "Bad request"}"#)
    );
}

#[test]
fn missing_bucket_is_reported_before_anything_else() {
    let aws = mock_aws();
    let out = run(
        keyed(&mut bin()).args([
            "localserver",
            "missing-bucket",
            "--duration",
            "15m",
            "--endpoint-url",
            &aws.server.url(),
        ]),
        None,
    );
    assert_eq!(out.code, 1);
    // The transcript's exact stderr.
    assert_eq!(out.stderr, "Error: Bucket does not exist: missing-bucket\n");
    assert_eq!(aws.assume.hits(), 0);
}

#[test]
fn usage_errors_follow_the_original() {
    let out = run(
        bin().args(["localserver", "my-bucket", "--port", "8094"]),
        None,
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "Usage: s3-credentials localserver [OPTIONS] BUCKET\n\
         Try 's3-credentials localserver --help' for help.\n\n\
         Error: Missing option '-d' / '--duration'.\n"
    );
    let out = run(
        bin().args([
            "localserver",
            "b",
            "-d",
            "15m",
            "--read-only",
            "--write-only",
        ]),
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "Error: Cannot use --read-only and --write-only at the same time\n"
    );
    let out = run(
        bin().args(["localserver", "b", "-d", "15m", "--token", " x"]),
        None,
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn assume_role_refused_at_startup_fails_at_once() {
    let aws = mock_aws();
    aws.server.on(
        Matcher::action("AssumeRole"),
        Reply::query_error(
            403,
            "AccessDenied",
            "User: admin is not authorized to perform: sts:AssumeRole",
        ),
    );
    let port = free_port().to_string();
    let out = run(
        keyed(&mut bin()).args([
            "localserver",
            "my-bucket",
            "-d",
            "15m",
            "-p",
            &port,
            "--endpoint-url",
            &aws.server.url(),
        ]),
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "Generating initial credentials...\n\
         Error: Failed to start server: An error occurred (AccessDenied) when calling the AssumeRole \
         operation: User: admin is not authorized to perform: sts:AssumeRole (request id: MOCKREQUESTID)\n"
    );
    assert!(std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).is_err());
}

#[test]
fn a_port_in_use_fails_with_the_os_reason() {
    let aws = mock_aws();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(
        keyed(&mut bin()).args([
            "localserver",
            "my-bucket",
            "-d",
            "15m",
            "--host",
            "127.0.0.1",
            "-p",
            &port,
            "--endpoint-url",
            &aws.server.url(),
        ]),
        None,
    );
    assert_eq!(out.code, 1);
    let last = out.stderr.lines().last().unwrap_or_default();
    // Python: "[Errno 98] Address already in use" (98 on Linux).
    assert!(
        last.starts_with("Error: Failed to start server: [Errno "),
        "{}",
        out.stderr
    );
    assert!(last.ends_with("] Address already in use"), "{}", out.stderr);
}

#[test]
fn binding_beyond_loopback_warns() {
    let aws = mock_aws();
    let server = start_on(&aws, &["--host", "0.0.0.0"]);
    let warning = &server.stderr[1];
    assert!(
        warning.starts_with("Warning: listening on 0.0.0.0, which is not a loopback address"),
        "{warning}"
    );
    assert!(
        warning.ends_with("use --token to require a shared secret"),
        "{warning}"
    );
    assert!(server.stderr[2].ends_with(&format!("at http://0.0.0.0:{}/", server.port)));
}

// ---------------------------------------------------------------------------------------
// End to end: moto, boto3 as the client.
//
// These use moto without authentication. With signature checks on, moto re-encodes a form
// body before checking its signature (Python's urlencode: a space becomes `+`), while we
// send `%20`, as AWS accepts; the AssumeRole Policy parameter holds spaces, so moto would
// refuse every AssumeRole we sign. Open moto still tells real session keys from made-up
// ones: GetCallerIdentity with the served keys names the assumed role.
// ---------------------------------------------------------------------------------------

/// Moto with `my-bucket` holding `hello.txt`. The tool creates its role itself.
fn moto_with_bucket() -> Moto {
    let moto = Moto::start_open();
    assert_eq!(moto.s3("PUT", "/my-bucket", b"").status, 200);
    assert_eq!(
        moto.s3("PUT", "/my-bucket/hello.txt", b"Hello world")
            .status,
        200
    );
    moto
}

fn start_on_moto(moto: &Moto, args: &[&str]) -> Running {
    let (key, secret) = moto.admin_key();
    let url = moto.url();
    let mut all = vec!["--duration", "1h", "--endpoint-url", &url];
    all.extend_from_slice(args);
    Running::start(
        || {
            let mut cmd = bin();
            cmd.env("AWS_ACCESS_KEY_ID", &key)
                .env("AWS_SECRET_ACCESS_KEY", &secret);
            cmd
        },
        &all,
    )
}

/// Runs Python from the test venv with a clean environment plus `env`.
fn python(script: &str, env: &[(&str, &str)], home: &TempDir) -> support::Outcome {
    let exe = support::repo_root().join(".venv/bin/python");
    assert!(exe.exists(), "run scripts/setup-test-servers.sh first");
    let mut cmd = Command::new(exe);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("none"))
        .env("AWS_CONFIG_FILE", home.path().join("none"))
        .args(["-c", script]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd, None)
}

const LIST_AND_READ: &str = r#"
import boto3, os
s3 = boto3.client("s3", endpoint_url=os.environ["MOTO"])
print(sorted(o["Key"] for o in s3.list_objects_v2(Bucket="my-bucket")["Contents"]))
print(s3.get_object(Bucket="my-bucket", Key="hello.txt")["Body"].read().decode())
print(boto3.Session().get_credentials().method)
"#;

/// One moto for all three clients (each moto takes seconds to start).
#[test]
fn served_credentials_work_for_boto3_and_for_our_commands() {
    let moto = moto_with_bucket();
    let server = start_on_moto(&moto, &["--read-only", "--token", "tok-123"]);
    let home = TempDir::new();

    // 1. Container credentials: what every AWS SDK reads from these two variables.
    let uri = format!("http://127.0.0.1:{}/ecs", server.port);
    let out = python(
        LIST_AND_READ,
        &[
            ("MOTO", &moto.url()),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok-123"),
        ],
        &home,
    );
    assert_eq!(
        out.code, 0,
        "{}\nlocalserver: {:?}",
        out.stderr, server.stderr
    );
    assert_eq!(
        out.stdout_str(),
        "['hello.txt']\nHello world\ncontainer-role\n"
    );

    // 2. credential_process: a command printing what GET / answers (as `curl -s -H
    //    "Authorization: TOKEN" http://localhost:8094/` would).
    let python_exe = support::repo_root().join(".venv/bin/python");
    let fetch = home.path().join("fetch.py");
    std::fs::write(
        &fetch,
        format!(
            "import urllib.request\n\
             r = urllib.request.Request('http://localhost:{}/', headers={{'Authorization': 'tok-123'}})\n\
             print(urllib.request.urlopen(r).read().decode())\n",
            server.port
        ),
    )
    .unwrap();
    let config = home.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[default]\ncredential_process = {} {}\n",
            python_exe.display(),
            fetch.display()
        ),
    )
    .unwrap();
    let config = config.to_string_lossy().into_owned();
    let out = python(
        LIST_AND_READ,
        &[("MOTO", &moto.url()), ("AWS_CONFIG_FILE", &config)],
        &home,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout_str(),
        "['hello.txt']\nHello world\ncustom-process\n"
    );

    // 3. Our own command with the keys from GET /: moto knows them as the assumed role's.
    let creds = json(&server.get("/", &[("Authorization", "tok-123")]));
    assert_eq!(creds["Version"], 1);
    let identity = run(
        bin().args([
            "whoami",
            "--access-key",
            creds["AccessKeyId"].as_str().unwrap(),
            "--secret-key",
            creds["SecretAccessKey"].as_str().unwrap(),
            "--session-token",
            creds["SessionToken"].as_str().unwrap(),
            "--endpoint-url",
            &moto.url(),
        ]),
        None,
    );
    assert_eq!(identity.code, 0, "{}", identity.stderr);
    assert!(
        identity
            .stdout_str()
            .contains("assumed-role/s3-credentials.AmazonS3FullAccess/s3.read-only.my-bucket"),
        "{}",
        identity.stdout_str()
    );

    let (code, stderr, _) = server.stop("INT");
    assert_eq!(code, 0);
    assert!(
        stderr
            .lines()
            .any(|l| is_request_log(l, "GET /ecs HTTP/1.1", 200)),
        "{stderr}"
    );
    assert!(!stderr.contains(creds["SecretAccessKey"].as_str().unwrap()));
}

/// `--prefix` is repeatable (upstream issue 56): the session policy allows each prefix.
#[test]
fn repeated_prefixes_are_all_in_the_session_policy() {
    let aws = mock_aws();
    let server = start_on(
        &aws,
        &[
            "--read-only",
            "--prefix",
            "a/",
            "--prefix",
            "b/",
            "-d",
            "15m",
        ],
    );
    drop(server);
    let policy = aws
        .server
        .requests()
        .into_iter()
        .find_map(|r| {
            (r.param("Action").as_deref() == Some("AssumeRole")).then(|| r.param("Policy"))
        })
        .flatten()
        .expect("an AssumeRole with a Policy");
    let doc: serde_json::Value = serde_json::from_str(&policy).unwrap();
    assert_eq!(
        doc["Statement"][1]["Condition"]["StringLike"]["s3:prefix"],
        serde_json::json!(["a/*", "b/*"])
    );
    assert_eq!(
        doc["Statement"][2]["Resource"],
        serde_json::json!(["arn:aws:s3:::my-bucket/a/*", "arn:aws:s3:::my-bucket/b/*"])
    );
}
