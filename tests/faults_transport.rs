//! The transport under faults, through `whoami` (one STS call): every transient fault is
//! retried and the command succeeds; retries stop at AWS_MAX_ATTEMPTS (or the mode's
//! default); legacy backoff waits as botocore's does; permanent errors are not retried and
//! end in one `Error:` line naming the code and request id; a skewed clock is corrected
//! from the server's Date and the request retried once.
//!
//! foundation_aws.rs already covers: two throttles then success, 503 x AWS_MAX_ATTEMPTS=2,
//! reset on every attempt, `<not xml` bodies, a stall with AWS_MAX_ATTEMPTS=1, invalid
//! endpoint URLs. These tests do not repeat them.

use crate::faults_common;
use crate::support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use faults_common::*;
use support::{Matcher, MockServer, Recorded, Reply};

const STDOUT: &str = "{\n    \"UserId\": \"AKIAIOSFODNN7EXAMPLE\",\n    \"Account\": \"123456789012\",\n    \"Arn\": \"arn:aws:sts::123456789012:user/moto\"\n}\n";
const FIXTURE: &str = "sts/GetCallerIdentity.xml";

fn fixture_body() -> Vec<u8> {
    support::cassette::fixture(FIXTURE)
}

/// A server whose GetCallerIdentity answers `fault` `n` times, then the fixture.
fn faulty(fault: Reply, n: usize) -> MockServer {
    let server = MockServer::start();
    let action = || Matcher::action("GetCallerIdentity");
    server.on(action(), Reply::fixture(FIXTURE));
    server.on(action().times(n), fault);
    server
}

fn whoami(server: &MockServer, env: &[(&str, &str)]) -> support::Outcome {
    run_at(&server.url(), &["whoami"], env)
}

#[test]
fn every_transient_fault_is_retried_until_it_passes() {
    let mut faults = transient_faults();
    faults.extend(body_faults(&fixture_body()));
    for Fault { name, reply, env } in faults {
        let server = faulty(reply, 2);
        let out = whoami(&server, env);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert_eq!(out.stdout_str(), STDOUT, "{name}");
        assert_eq!(
            server.requests().len(),
            3,
            "{name}: two faults, one success"
        );
        assert!(out.stderr.is_empty(), "{name}: {}", out.stderr);
    }
}

#[test]
fn a_fault_outlasting_the_attempts_is_one_clean_error() {
    for fault in transient_faults() {
        let server = faulty(fault.reply, 3);
        let out = whoami(&server, fault.env);
        assert_clean_failure(&out, fault.name);
        assert_eq!(server.requests().len(), 3, "{}: default is 3", fault.name);
    }
    for Fault { name, reply, .. } in body_faults(&fixture_body()) {
        let server = faulty(reply, 3);
        let out = whoami(&server, &[]);
        assert_clean_failure(&out, name);
        assert!(
            out.stderr.contains(&server.url()),
            "{name}: names the URL: {}",
            out.stderr
        );
    }
}

#[test]
fn aws_errors_after_retries_name_the_code_and_request_id() {
    let server = faulty(
        Reply::s3_error(503, "SlowDown", "Please reduce your request rate."),
        3,
    );
    let out = whoami(&server, &[]);
    assert_eq!(
        out.stderr,
        aws_error_line_after(
            "SlowDown",
            "GetCallerIdentity",
            "Please reduce your request rate.",
            2
        )
    );
}

#[test]
fn attempts_follow_aws_max_attempts_and_the_retry_mode() {
    // (environment, attempts made against a server that always fails)
    let cases: &[(&[(&str, &str)], usize)] = &[
        (&[], 3),
        (&[("AWS_MAX_ATTEMPTS", "1")], 1),
        (&[("AWS_MAX_ATTEMPTS", "5")], 5),
        (&[("AWS_RETRY_MODE", "standard")], 3),
        (&[("AWS_RETRY_MODE", "adaptive")], 3),
        // botocore's legacy mode: 5 attempts unless told otherwise.
        (&[("AWS_RETRY_MODE", "legacy")], 5),
        (
            &[("AWS_RETRY_MODE", "legacy"), ("AWS_MAX_ATTEMPTS", "2")],
            2,
        ),
    ];
    for (env, attempts) in cases {
        let server = MockServer::start();
        server.on(Matcher::action("GetCallerIdentity"), Reply::status(503));
        let out = whoami(&server, env);
        assert_clean_failure(&out, &format!("{env:?}"));
        assert_eq!(server.requests().len(), *attempts, "{env:?}");
    }
}

#[test]
fn retry_settings_come_from_the_config_file_too() {
    let dir = support::TempDir::new();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[default]\nretry_mode = legacy\nmax_attempts = 4\n",
    )
    .unwrap();
    let server = MockServer::start();
    server.on(Matcher::action("GetCallerIdentity"), Reply::status(500));
    let out = whoami(&server, &[("AWS_CONFIG_FILE", config.to_str().unwrap())]);
    assert_clean_failure(&out, "config file");
    assert_eq!(server.requests().len(), 4);
    // The environment wins over the file.
    let server = MockServer::start();
    server.on(Matcher::action("GetCallerIdentity"), Reply::status(500));
    let out = whoami(
        &server,
        &[
            ("AWS_CONFIG_FILE", config.to_str().unwrap()),
            ("AWS_MAX_ATTEMPTS", "2"),
        ],
    );
    assert_clean_failure(&out, "env over config");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn invalid_retry_settings_are_one_clear_error() {
    for env in [
        [("AWS_MAX_ATTEMPTS", "0")],
        [("AWS_MAX_ATTEMPTS", "-1")],
        [("AWS_MAX_ATTEMPTS", "three")],
        [("AWS_RETRY_MODE", "aggressive")],
    ] {
        let server = faulty(Reply::status(503), 0);
        let out = whoami(&server, &env);
        assert_clean_failure(&out, &format!("{env:?}"));
        assert!(
            out.stderr.contains(env[0].1),
            "names the bad value: {}",
            out.stderr
        );
        assert!(server.requests().is_empty(), "nothing is sent");
    }
}

/// Records when each request arrived.
fn timed_server(reply: Reply) -> (MockServer, Arc<Mutex<Vec<Instant>>>) {
    let server = MockServer::start();
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::compute(move |_: &Recorded| {
            t.lock().unwrap().push(Instant::now());
            reply.clone()
        }),
    );
    (server, times)
}

#[test]
fn legacy_backoff_waits_at_least_half_of_base_times_two_to_the_attempt() {
    // botocore legacy: base * 2^(attempt-1), with a jitter factor in [0.5, 1]. With a 100 ms
    // base, the waits are at least 50 ms, 100 ms, 200 ms: measured, not slept.
    let (server, times) = timed_server(Reply::status(503));
    let out = whoami(
        &server,
        &[
            ("AWS_RETRY_MODE", "legacy"),
            ("AWS_MAX_ATTEMPTS", "4"),
            ("S3_CREDENTIALS_RETRY_BASE_MS", "100"),
        ],
    );
    assert_clean_failure(&out, "legacy");
    let times = times.lock().unwrap();
    assert_eq!(times.len(), 4);
    for (i, pair) in times.windows(2).enumerate() {
        let gap = pair[1] - pair[0];
        let floor = Duration::from_millis(50 << i);
        assert!(gap >= floor, "wait {i}: {gap:?} < {floor:?}");
    }
}

#[test]
fn standard_backoff_is_capped_by_the_exponential_bound() {
    // Standard mode waits random(0, 1) * base * 2^(attempt-1): with a 1 ms base, three
    // attempts cannot take a human-visible time, however the jitter falls.
    let (server, times) = timed_server(Reply::status(503));
    let out = whoami(
        &server,
        &[
            ("AWS_MAX_ATTEMPTS", "3"),
            ("S3_CREDENTIALS_RETRY_BASE_MS", "1"),
        ],
    );
    assert_clean_failure(&out, "standard");
    let times = times.lock().unwrap();
    assert_eq!(times.len(), 3);
    assert!(times[2] - times[0] < Duration::from_secs(5));
}

#[test]
fn permanent_errors_are_not_retried() {
    for (status, code, message) in PERMANENT_ERRORS {
        let server = faulty(Reply::query_error(*status, code, message), 100);
        let out = whoami(&server, &[]);
        assert_clean_failure(&out, code);
        assert_eq!(
            out.stderr,
            aws_error_line(code, "GetCallerIdentity", message),
            "{code}"
        );
        assert_eq!(server.requests().len(), 1, "{code} is not retried");
    }
}

#[test]
fn malformed_and_empty_bodies_are_one_clean_error() {
    for (name, body) in [
        ("empty", &b""[..]),
        (
            "truncated XML",
            b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>",
        ),
        ("not UTF-8", b"<a>\xff\xfe</a>"),
        ("two roots", b"<a/><b/>"),
        ("unknown entity", b"<a>&nope;</a>"),
        (
            "HTML",
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        ),
    ] {
        let server = faulty(Reply::xml(200, body.to_vec()), 100);
        let out = whoami(&server, &[]);
        // HTML is well-formed XML, but not the service's answer (a captive portal).
        assert_clean_failure(&out, name);
        assert!(
            out.stderr
                .starts_with("Error: Unable to parse the GetCallerIdentity response"),
            "{name}: {}",
            out.stderr
        );
    }
}

#[test]
fn an_error_document_inside_a_200_is_an_error() {
    // A proxy or a misbehaving server can answer 200 with an error document, as S3 does
    // for CompleteMultipartUpload. It must not print as a (empty) success.
    let server = faulty(
        Reply::query_error(200, "AccessDenied", "User is not authorized"),
        100,
    );
    let out = whoami(&server, &[]);
    assert_clean_failure(&out, "200 error");
    assert_eq!(
        out.stderr,
        aws_error_line(
            "AccessDenied",
            "GetCallerIdentity",
            "User is not authorized"
        )
    );
    assert_eq!(server.requests().len(), 1);

    // ... and a transient one inside a 200 is retried like a 500.
    let server = faulty(
        Reply::s3_error(200, "InternalError", "We encountered an internal error."),
        2,
    );
    let out = whoami(&server, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout_str(), STDOUT);
    assert_eq!(server.requests().len(), 3);
}

/// An HTTP date `offset` from now.
fn http_date(offset: time::Duration) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    (time::OffsetDateTime::now_utc() + offset)
        .format(format)
        .unwrap()
}

fn signed_at(r: &Recorded) -> time::OffsetDateTime {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let raw = r.header("x-amz-date").expect("x-amz-date");
    time::PrimitiveDateTime::parse(raw, format)
        .unwrap()
        .assume_utc()
}

fn skewed(date: Option<String>) -> Reply {
    let reply = Reply::s3_error(
        403,
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
    );
    match date {
        Some(d) => reply.header("Date", &d),
        None => reply,
    }
}

#[test]
fn clock_skew_is_corrected_from_the_server_date_and_retried_once() {
    let ahead = time::Duration::hours(3);
    let server = faulty(skewed(Some(http_date(ahead))), 1);
    let out = whoami(&server, &[("AWS_MAX_ATTEMPTS", "1")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout_str(), STDOUT);
    let reqs = server.requests();
    assert_eq!(
        reqs.len(),
        2,
        "one corrected retry, even with AWS_MAX_ATTEMPTS=1"
    );
    let now = time::OffsetDateTime::now_utc();
    let first = signed_at(&reqs[0]);
    let second = signed_at(&reqs[1]);
    assert!((now - first).abs() < time::Duration::minutes(5), "{first}");
    assert!(
        (now + ahead - second).abs() < time::Duration::minutes(5),
        "signed at {second}, server time is {}",
        now + ahead
    );
}

#[test]
fn clock_skew_is_retried_only_once() {
    let server = faulty(skewed(Some(http_date(time::Duration::hours(-2)))), 100);
    let out = whoami(&server, &[]);
    assert_clean_failure(&out, "skew twice");
    assert!(
        out.stderr
            .starts_with("Error: An error occurred (RequestTimeTooSkewed)"),
        "{}",
        out.stderr
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn clock_skew_without_a_server_date_is_not_retried() {
    for date in [None, Some("yesterday-ish".to_string())] {
        let server = faulty(skewed(date.clone()), 100);
        let out = whoami(&server, &[]);
        assert_clean_failure(&out, "no date");
        assert!(
            out.stderr.contains("RequestTimeTooSkewed"),
            "{}",
            out.stderr
        );
        assert_eq!(server.requests().len(), 1, "{date:?}");
    }
}

#[test]
fn a_retry_resends_the_same_body_with_a_fresh_signature() {
    let server = faulty(Reply::status(500), 1);
    let out = whoami(&server, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].body, reqs[1].body);
    for r in &reqs {
        assert_eq!(r.header("x-amz-security-token"), Some(SESSION_TOKEN));
        assert!(r.header("authorization").is_some());
    }
}

#[test]
fn whoami_through_the_fault_matrix() {
    let setup = |s: &MockServer| {
        s.on(
            Matcher::action("GetCallerIdentity"),
            Reply::fixture(FIXTURE),
        );
    };
    faults_common::matrix::full(&faults_common::matrix::Scenario::new(
        "whoami",
        &["whoami"],
        &setup,
    ));
}
