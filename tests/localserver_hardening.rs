//! `localserver` against hostile and heavy clients, through the built binary and the mock
//! AWS: an AssumeRole error that echoes the server's own secrets never reaches a client;
//! a set stops being served at AWS's Expiration, not at `--duration`; 200 connections at
//! once are all answered 200; idle and trickling connections hold up nobody; and each
//! idle one is closed at its own deadline. No timing is asserted: each test waits for a
//! state (a 500, an answer, a close) with a generous bound.

use crate::faults_common::{SECRET_KEY, SESSION_TOKEN, keyed as keyed_with_token};
use crate::localserver_cli::{Running, assume_role_xml, is_request_log, mock_aws};
use crate::support::{self, Matcher, Reply, http};

use std::io::{BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// How long a test waits for the state it expects before failing.
const PATIENCE: Duration = Duration::from_secs(30);

/// A request head as curl sends it.
const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

fn start(
    aws: &support::MockServer,
    make: impl Fn() -> std::process::Command,
    args: &[&str],
) -> Running {
    let url = aws.url();
    let mut all = vec!["--host", "127.0.0.1"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--endpoint-url", &url]);
    Running::start(make, &all)
}

/// A localserver for 15-minute sets that gives each connection `ms` milliseconds to send
/// its request.
fn start_reading_for(aws: &support::MockServer, ms: &'static str) -> Running {
    start(
        aws,
        move || {
            let mut cmd = crate::localserver_cli::keyed_bin();
            cmd.env("S3_CREDENTIALS_LOCALSERVER_READ_TIMEOUT_MS", ms);
            cmd
        },
        &["--duration", "15m"],
    )
}

fn connect(server: &Running) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Reads one whole answer (the server closes after it).
fn answer(stream: &TcpStream) -> http::Response {
    http::read_response(&mut BufReader::new(stream), false).expect("an answer")
}

/// Whether the server still holds `stream` open: nothing to read, no end of stream.
fn still_open(stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let open =
        matches!((&*stream).read(&mut [0u8; 1]), Err(e) if e.kind() == ErrorKind::WouldBlock);
    stream.set_nonblocking(false).unwrap();
    open
}

#[test]
fn an_assume_role_error_echoing_secrets_never_reaches_a_client() {
    let aws = mock_aws();
    // A hostile (or merely chatty) STS: every AssumeRole after the first is refused with a
    // message quoting the request's session token and the caller's secret key.
    aws.server.on(
        Matcher::action("AssumeRole"),
        Reply::compute(|r| {
            let token = r
                .header("x-amz-security-token")
                .unwrap_or("none")
                .to_string();
            Reply::query_error(
                403,
                "AccessDenied",
                &format!("denied; you sent x-amz-security-token={token} with secret {SECRET_KEY}"),
            )
        }),
    );
    // The first one succeeds, with a set AWS says expires in two or three seconds (whole seconds), though the
    // server asks for twelve hours.
    aws.server.on(
        Matcher::action("AssumeRole").times(1),
        Reply::compute(|_| {
            let soon = OffsetDateTime::now_utc() + Duration::from_secs(3);
            let soon = format!("{}Z", s3_credentials::output::utc_seconds(soon, 'T'));
            Reply::xml(200, assume_role_xml(&soon))
        }),
    );
    let server = start(&aws.server, keyed_with_token, &["--duration", "12h"]);

    // Served until AWS's Expiration, then refused: the set is gone within seconds even
    // though twelve hours were asked for.
    let deadline = Instant::now() + PATIENCE;
    let refused = loop {
        let r = server.get("/", &[]);
        if r.status != 200 {
            break r;
        }
        assert!(Instant::now() < deadline, "still served after {PATIENCE:?}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(refused.status, 500);
    let body = refused.text();
    assert_eq!(
        body,
        r#"{"error": "Could not get credentials from AWS (error 1, see the server's log)"}"#
    );
    for secret in [SESSION_TOKEN, SECRET_KEY] {
        assert!(!body.contains(secret), "{body}");
    }
    let assume_calls = aws
        .server
        .requests()
        .iter()
        .filter(|r| r.param("Action").as_deref() == Some("AssumeRole"))
        .count();
    assert!(
        assume_calls >= 2,
        "the first set, then refused: {assume_calls}"
    );

    let (code, stderr, _) = server.stop("INT");
    assert_eq!(code, 0, "{stderr}");
    // The detail went to stderr under the same number, with the echoed secrets redacted.
    let detail = stderr
        .lines()
        .find(|l| l.contains(" - Error 1: Could not get credentials from AWS: "))
        .unwrap_or_else(|| panic!("no detail line:\n{stderr}"));
    assert!(
        detail.contains("(AccessDenied)")
            && detail.contains("x-amz-security-token=<redacted> with secret <redacted>"),
        "{detail}"
    );
    for secret in [SESSION_TOKEN, SECRET_KEY] {
        assert!(!stderr.contains(secret), "{stderr}");
    }
}

#[test]
fn two_hundred_connections_at_once_are_all_answered() {
    let aws = mock_aws();
    let server = start(
        &aws.server,
        crate::localserver_cli::keyed_bin,
        &["--duration", "15m"],
    );
    const CLIENTS: usize = 200;
    const ROUNDS: usize = 3;
    for round in 0..ROUNDS {
        // Every connection is open before any request is sent, so all 200 are the
        // server's at the same time.
        let streams: Vec<TcpStream> = (0..CLIENTS).map(|_| connect(&server)).collect();
        for stream in &streams {
            (&*stream).write_all(GET).unwrap();
        }
        for (i, stream) in streams.iter().enumerate() {
            let r = answer(stream);
            assert_eq!(r.status, 200, "round {round}, client {i}: {}", r.text());
        }
    }
    assert_eq!(aws.assume.hits(), 1, "one set for everyone");
    let (code, stderr, _) = server.stop("TERM");
    assert_eq!(code, 0);
    let served = stderr
        .lines()
        .filter(|l| is_request_log(l, "GET / HTTP/1.1", 200))
        .count();
    assert_eq!(served, CLIENTS * ROUNDS);
}

#[test]
fn idle_and_trickling_connections_hold_up_nobody() {
    let aws = mock_aws();
    // Idle connections get ten minutes here, so that they are certainly still open while
    // the others are served, however slow the machine.
    let server = start_reading_for(&aws.server, "600000");
    let silent: Vec<TcpStream> = (0..40).map(|_| connect(&server)).collect();
    let trickling: Vec<TcpStream> = (0..10)
        .map(|_| {
            let stream = connect(&server);
            (&stream).write_all(b"GET / HT").unwrap();
            stream
        })
        .collect();
    for i in 0..20 {
        let stream = connect(&server);
        (&stream).write_all(GET).unwrap();
        assert_eq!(answer(&stream).status, 200, "client {i}");
        // Answered while every idle connection is still open: nobody waited for them.
        for (j, idle) in silent.iter().chain(&trickling).enumerate() {
            assert!(still_open(idle), "idle connection {j} was closed");
        }
    }
    // A trickling client that finishes its request is answered too.
    (&trickling[0])
        .write_all(b"TP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    assert_eq!(answer(&trickling[0]).status, 200);
    // And Ctrl-C stops the server with all of them still open.
    let (code, stderr, _) = server.stop("INT");
    assert_eq!(code, 0);
    assert!(
        stderr.ends_with("\n\nShutting down server...\n"),
        "{stderr}"
    );
}

#[test]
fn each_idle_connection_is_closed_at_its_own_deadline() {
    let aws = mock_aws();
    let server = start_reading_for(&aws.server, "200");
    // Nothing sent: closed without a word. Half a request: answered 400.
    let silent = connect(&server);
    let partial = connect(&server);
    (&partial)
        .write_all(b"GET / HTTP/1.1\r\nHost: loc")
        .unwrap();
    let mut rest = Vec::new();
    (&silent)
        .read_to_end(&mut rest)
        .expect("closed by the server");
    assert!(rest.is_empty());
    let r = answer(&partial);
    assert_eq!(
        (r.status, r.text().as_str()),
        (400, r#"{"error": "Bad request"}"#)
    );
    let (_, stderr, _) = server.stop("INT");
    assert!(
        stderr
            .lines()
            .any(|l| is_request_log(l, "GET / HTTP/1.1", 400)),
        "{stderr}"
    );
}

#[test]
fn a_body_nobody_asked_for_does_not_cost_the_client_its_answer() {
    let aws = mock_aws();
    let server = start(
        &aws.server,
        crate::localserver_cli::keyed_bin,
        &["--duration", "15m"],
    );
    for _ in 0..5 {
        let stream = connect(&server);
        // The head, and part of a large body: the answer (405) comes before the body
        // ends, and the rest of the body is read and dropped, so closing does not reset
        // the connection under the answer.
        (&stream)
            .write_all(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 40000\r\n\r\n")
            .unwrap();
        (&stream).write_all(&[b'x'; 20000]).unwrap();
        let r = answer(&stream);
        assert_eq!(r.status, 405);
        assert_eq!(r.header("allow"), Some("GET"));
        // Still being read: the rest of the body is taken too.
        let _ = (&stream).write_all(&[b'x'; 20000]);
    }
    // The server is none the worse.
    assert_eq!(server.get("/", &[]).status, 200);
}

#[test]
fn when_every_slot_is_held_by_idlers_the_oldest_gives_way() {
    let aws = mock_aws();
    let server = start_reading_for(&aws.server, "600000");
    // As many idle connections as the server keeps open (intake::MAX_OPEN)...
    let idle: Vec<TcpStream> = (0..512).map(|_| connect(&server)).collect();
    // ...and one more client, with a request: it is served, in the slot of the oldest.
    let stream = connect(&server);
    (&stream).write_all(GET).unwrap();
    assert_eq!(answer(&stream).status, 200);
    let mut rest = Vec::new();
    (&idle[0])
        .read_to_end(&mut rest)
        .expect("the oldest idler is closed");
    assert!(still_open(&idle[511]), "the newest idlers are left alone");
    let (_, stderr, _) = server.stop("INT");
    assert!(
        stderr.contains(" - Too many connections: closed the oldest one still sending its request"),
        "{stderr}"
    );
}
