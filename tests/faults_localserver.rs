//! `localserver` under faults: each AWS call it makes to start (HeadBucket,
//! GetCallerIdentity, GetRole, AssumeRole) is retried through transient faults and the
//! server then serves; faults that outlast the retries, permanent errors and an error
//! inside a 200 stop it with one `Error:` line, before it listens; ports Python's bind()
//! refuses are refused the same way. Its stderr never holds a secret: neither the
//! caller's keys nor the credentials it serves.
//!
//! localserver_cli.rs already covers a refused AssumeRole, a port in use and the usage
//! errors; localserver_refresh.rs a refresh failing while serving.

use crate::faults_common;
use crate::support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use faults_common::*;
use support::{Matcher, MockServer, Outcome, Reply, free_port, run};

/// The credentials the AssumeRole fixture hands out.
const SERVED_SECRET: &str = "Gy2n9Q1ygiJ/vMdT8V7P3QOXT/tzofpE7w2mpt+H";
const SERVED_TOKEN_START: &str = "FQoGZXIvYXdzEBYaDsZQawDbn4uUKWR1c7rjAVfgsRTL";

/// The calls localserver makes to start, each with a matcher and its good answer.
fn calls() -> Vec<(&'static str, Matcher, Reply)> {
    vec![
        (
            "HeadBucket",
            Matcher::head("/my-bucket"),
            Reply::status(200).header("x-amz-bucket-region", "us-east-1"),
        ),
        (
            "GetCallerIdentity",
            Matcher::action("GetCallerIdentity"),
            Reply::fixture("localserver/GetCallerIdentity.xml"),
        ),
        (
            "GetRole",
            Matcher::action("GetRole"),
            Reply::fixture("localserver/GetRole.xml"),
        ),
        (
            "AssumeRole",
            Matcher::action("AssumeRole"),
            crate::localserver_cli::assume_role_reply(),
        ),
    ]
}

/// A mock AWS answering every call, with `fault` in front of call `faulty` `n` times.
fn aws_with(faulty: &str, fault: Reply, n: usize) -> MockServer {
    let server = MockServer::start();
    for (name, matcher, reply) in calls() {
        server.on(matcher.clone(), reply);
        if name == faulty {
            server.on(matcher.times(n), fault.clone());
        }
    }
    server
}

fn args<'a>(server: &'a str, port: &'a str) -> Vec<&'a str> {
    vec![
        "localserver",
        "my-bucket",
        "-d",
        "15m",
        "--host",
        "127.0.0.1",
        "-p",
        port,
        "--endpoint-url",
        server,
    ]
}

/// Starts localserver and waits for it to serve (true) or to exit (false); the stderr
/// lines so far and the child come back either way.
fn start(server: &MockServer, port: u16) -> (Child, Vec<String>, bool) {
    let mut cmd = keyed();
    let url = server.url();
    let port = port.to_string();
    cmd.args(args(&url, &port))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = Vec::new();
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => {
                let ready = line == "Press Ctrl+C to stop";
                lines.push(line);
                if ready {
                    return (child, lines, true);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return (child, lines, false),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                panic!("localserver neither served nor exited: {lines:?}");
            }
        }
    }
}

fn assert_stderr_has_no_secret(lines: &[String], what: &str) {
    for line in lines {
        for secret in [SECRET_KEY, SESSION_TOKEN, SERVED_SECRET, SERVED_TOKEN_START] {
            assert!(!line.contains(secret), "{what}: secret in {line:?}");
        }
        assert!(!line.contains("panicked"), "{what}: {line}");
    }
}

#[test]
fn startup_gets_through_transient_faults_on_every_call() {
    for (call, _, _) in calls() {
        // A HEAD response has no body, so S3 throttles it with a bare 503.
        let throttle = if call == "HeadBucket" {
            Reply::status(503)
        } else {
            Reply::query_error(400, "Throttling", "Rate exceeded")
        };
        for fault in [Reply::status(500), throttle, Reply::reset()] {
            let server = aws_with(call, fault, 2);
            let port = free_port();
            let (mut child, lines, serving) = start(&server, port);
            assert!(
                serving,
                "{call}: {lines:?} {:?}",
                server
                    .requests()
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.target))
                    .collect::<Vec<_>>()
            );
            let r = support::http::send(&format!("http://127.0.0.1:{port}"), "GET", "/", &[], b"")
                .expect("GET /");
            assert_eq!(r.status, 200, "{call}: {}", r.text());
            // Serving the credentials is the job: they are in the body, not on stderr.
            assert!(r.text().contains(SERVED_SECRET));
            let _ = child.kill();
            let _ = child.wait();
            assert_stderr_has_no_secret(&lines, call);
        }
    }
}

fn start_and_fail(server: &MockServer) -> (Outcome, u16) {
    let port = free_port();
    let url = server.url();
    let port_text = port.to_string();
    let out = run(keyed().args(args(&url, &port_text)), None);
    (out, port)
}

/// Fails before listening: exit 1, the last stderr line names `code`, nothing served.
fn assert_failed_to_start(out: &Outcome, port: u16, code: &str, what: &str) {
    assert_eq!(out.code, 1, "{what}: {}", out.stderr);
    assert!(out.stdout.is_empty(), "{what}");
    let last = out.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("Error: "), "{what}: {}", out.stderr);
    assert!(last.contains(code), "{what}: {code} not in {last}");
    assert!(
        !out.stderr.contains("Press Ctrl+C"),
        "{what}: {}",
        out.stderr
    );
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "{what}: something listens on {port}"
    );
    assert_no_panic(out, what);
    assert_no_secret(out, what);
    assert!(!out.stderr.contains(SERVED_SECRET), "{what}");
}

#[test]
fn startup_faults_that_outlast_the_retries_stop_it_cleanly() {
    for (call, _, _) in calls() {
        let server = aws_with(call, Reply::status(503), 3);
        let (out, port) = start_and_fail(&server);
        if call == "HeadBucket" {
            // The original's bucket_exists calls any HeadBucket error "does not exist";
            // here only a 404 does, and a server error is named as such, after retries.
            assert_eq!(
                out.stderr,
                "Error: An error occurred (503) when calling the HeadBucket operation (reached max retries: 2): Service Unavailable\n"
            );
            assert_eq!(server.requests().len(), 3, "retried first");
            continue;
        }
        assert_failed_to_start(&out, port, "(503)", call);
    }
}

#[test]
fn permanent_errors_at_startup_name_the_code_and_request_id() {
    for (call, _, _) in calls().into_iter().skip(1) {
        for (status, code, message) in PERMANENT_ERRORS {
            let server = aws_with(call, Reply::query_error(*status, code, message), 100);
            let (out, port) = start_and_fail(&server);
            let what = format!("{call} {code}");
            assert_failed_to_start(&out, port, code, &what);
            assert!(out.stderr.contains("(request id: MOCKREQUESTID)"), "{what}");
        }
    }
}

#[test]
fn an_error_inside_a_200_assume_role_is_not_served() {
    let server = aws_with(
        "AssumeRole",
        Reply::query_error(
            200,
            "ExpiredToken",
            "The security token included in the request is expired",
        ),
        100,
    );
    let (out, port) = start_and_fail(&server);
    assert_failed_to_start(&out, port, "ExpiredToken", "200 ExpiredToken");
}

#[test]
fn ports_out_of_range_are_refused_as_python_bind_does() {
    let server = aws_with("none", Reply::status(500), 0);
    for port in ["65536", "70000", "-1", "99999999999"] {
        let url = server.url();
        let out = run(keyed().args(args(&url, port)), None);
        assert_eq!(out.code, 1, "{port}: {}", out.stderr);
        // The last line of the original's OverflowError traceback, as one Error: line.
        assert_eq!(
            out.stderr.lines().last(),
            Some("Error: Failed to start server: bind(): port must be 0-65535."),
            "{port}"
        );
        assert_no_panic(&out, port);
        assert_no_secret(&out, port);
    }
}
