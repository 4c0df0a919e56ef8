//! Shared by the fault, bad-input and secrets tests: known secret values, a command runner
//! that sets them, the table of transport faults, and the checks every failure must pass.

pub mod matrix;

use std::process::Command;
use std::time::Duration;

use crate::support::{Outcome, Reply, bin, run};

pub const ACCESS_KEY: &str = "AKIAFAULTTESTKEY0001";
/// Values no output may contain (except where printing them is the command's job).
pub const SECRET_KEY: &str = "fAuLtSeCrEt/K7MDENG+bPxRfiCYzzSECRETzz";
pub const SESSION_TOKEN: &str = "FaultSessionToken//////////wEaCSECRETTOKENzz";

/// The binary with the test keys (and a session token) in the environment, and a 1 ms
/// backoff base so retries cost no time.
pub fn keyed() -> Command {
    let mut cmd = bin();
    cmd.env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env("S3_CREDENTIALS_RETRY_BASE_MS", "1");
    cmd
}

/// Runs `args` against `url` (as `--endpoint-url`) with the test keys and `env`.
pub fn run_at(url: &str, args: &[&str], env: &[(&str, &str)]) -> Outcome {
    let mut cmd = keyed();
    cmd.args(args).args(["--endpoint-url", url]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd, None)
}

/// A fault that a retry can get past, by name (for messages).
pub struct Fault {
    pub name: &'static str,
    pub reply: Reply,
    /// Extra environment the fault needs (a short read timeout for stalls).
    pub env: &'static [(&'static str, &'static str)],
}

pub const STALL_ENV: &[(&str, &str)] = &[("S3_CREDENTIALS_READ_TIMEOUT", "0.3")];

/// Every transient fault that does not depend on the body: each must be retried.
pub fn transient_faults() -> Vec<Fault> {
    vec![
        Fault {
            name: "500 with no body",
            reply: Reply::status(500),
            env: &[],
        },
        Fault {
            name: "503 SlowDown",
            reply: Reply::s3_error(503, "SlowDown", "Please reduce your request rate."),
            env: &[],
        },
        Fault {
            name: "400 Throttling",
            reply: Reply::query_error(400, "Throttling", "Rate exceeded"),
            env: &[],
        },
        Fault {
            name: "503 ServiceUnavailable",
            reply: Reply::query_error(503, "ServiceUnavailable", "Service is unavailable"),
            env: &[],
        },
        Fault {
            name: "500 InternalError",
            reply: Reply::s3_error(500, "InternalError", "We encountered an internal error."),
            env: &[],
        },
        Fault {
            name: "reset before the response",
            reply: Reply::reset(),
            env: &[],
        },
        Fault {
            name: "close before the response",
            reply: Reply::close(),
            env: &[],
        },
        Fault {
            name: "stall past the read timeout",
            reply: Reply::status(200).delay(Duration::from_secs(5)),
            env: STALL_ENV,
        },
    ]
}

/// Faults that cut a successful `body` short.
pub fn body_faults(body: &[u8]) -> Vec<Fault> {
    let ok = || Reply::xml(200, body.to_vec());
    let half = body.len() / 2;
    vec![
        Fault {
            name: "body truncated (Content-Length too long)",
            reply: ok().truncate_after(half),
            env: &[],
        },
        Fault {
            name: "reset mid-body",
            reply: ok().reset_after(half),
            env: &[],
        },
    ]
}

/// Errors no retry can fix: (status, code, message).
pub const PERMANENT_ERRORS: &[(u16, &str, &str)] = &[
    (
        403,
        "ExpiredToken",
        "The security token included in the request is expired",
    ),
    (
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided.",
    ),
    (
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    ),
    (403, "AccessDenied", "Access Denied"),
];

/// The checks every failed command must pass: exit 1, nothing on stdout, exactly one
/// `Error:` line on stderr, no panic or backtrace, and no secret.
pub fn assert_clean_failure(out: &Outcome, what: &str) {
    assert_eq!(out.code, 1, "{what}: exit code; stderr: {}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{what}: {}", out.stderr);
    assert!(out.stderr.starts_with("Error: "), "{what}: {}", out.stderr);
    assert_no_panic(out, what);
    assert_no_secret(out, what);
}

/// No panic message or backtrace on stderr.
pub fn assert_no_panic(out: &Outcome, what: &str) {
    for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace", "Traceback"] {
        assert!(!out.stderr.contains(bad), "{what}: {}", out.stderr);
    }
    assert_ne!(out.code, 101, "{what}: exit 101 is a Rust panic");
}

/// Neither the secret key nor the session token anywhere in the output.
pub fn assert_no_secret(out: &Outcome, what: &str) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    for secret in [SECRET_KEY, SESSION_TOKEN] {
        assert!(!out.stderr.contains(secret), "{what}: secret on stderr");
        assert!(!stdout.contains(secret), "{what}: secret on stdout");
    }
}

/// The AWS error line: botocore's wording and the request id the mock sends.
pub fn aws_error_line(code: &str, operation: &str, message: &str) -> String {
    format!(
        "Error: An error occurred ({code}) when calling the {operation} operation: {message} (request id: MOCKREQUESTID)\n"
    )
}

/// The AWS error line after `retries` retries, which botocore counts in its message.
pub fn aws_error_line_after(code: &str, operation: &str, message: &str, retries: u32) -> String {
    format!(
        "Error: An error occurred ({code}) when calling the {operation} operation (reached max retries: {retries}): {message} (request id: MOCKREQUESTID)\n"
    )
}
