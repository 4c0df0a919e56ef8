//! What the server answers: the checks every request must pass, then the two credential
//! shapes.
//!
//! Checks, in order:
//! 1. Host header (DNS rebinding): a web page on `evil.example` whose name is made to
//!    resolve to 127.0.0.1 can make a browser send requests here, but the browser then sends
//!    `Host: evil.example`. Only our own names (the `--host` value and `localhost`) and IP
//!    addresses (which no rebinding can produce) are accepted; anything else gets 403.
//! 2. The shared token, when one is set: `Authorization` must equal it exactly (the header
//!    AWS SDKs send from `AWS_CONTAINER_AUTHORIZATION_TOKEN`); otherwise 401.
//! 3. Only GET: anything else gets 405 (so no CORS preflight can ever succeed).
//! 4. The path: `/` (credential_process shape), `/ecs` (container shape), else 404.
//!
//! No answer ever carries anything but the served credentials and fixed texts: when no
//! credentials can be had, the 500 body is the cause's fixed text and an error number,
//! and the detail (an AWS error, possibly echoing the server's own request) goes to the
//! log under the same number.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::json;

use super::cache::{CredentialCache, Log, TempCredentials};
use super::http::{Request, Response};
use crate::output::{dumps, py_datetime};

/// The path answering in the container-credentials shape.
pub const ECS_PATH: &str = "/ecs";

/// Who may ask.
pub struct Guard {
    /// The `--host` value, lowercased.
    host_name: String,
    token: Option<String>,
}

impl Guard {
    pub fn new(host_name: &str, token: Option<String>) -> Self {
        Guard {
            host_name: host_name.trim_end_matches('.').to_ascii_lowercase(),
            token,
        }
    }

    /// Whether a `Host` header value names this server (see the module docs).
    pub fn host_allowed(&self, value: &str) -> bool {
        let name = host_name(value).trim_end_matches('.').to_ascii_lowercase();
        if name.is_empty() {
            return false;
        }
        name == "localhost" || name == self.host_name || name.parse::<IpAddr>().is_ok()
    }

    fn token_ok(&self, request: &Request) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        let mut values = request.header_values("authorization");
        match (values.next(), values.next()) {
            (Some(given), None) => constant_time_eq(given.as_bytes(), token.as_bytes()),
            _ => false,
        }
    }
}

/// The host part of a Host header value: `localhost:8094` -> `localhost`,
/// `[::1]:8094` -> `::1`.
fn host_name(value: &str) -> &str {
    let value = value.trim();
    if let Some(rest) = value.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((inside, after)) if after.is_empty() || after.starts_with(':') => inside,
            _ => "",
        };
    }
    match value.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        Some(_) => "",
        None => value,
    }
}

/// Compares without stopping at the first difference, so timing says nothing about how
/// much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The server's state: the credentials and who may have them.
pub struct App {
    cache: CredentialCache,
    guard: Guard,
    /// Where the detail of a 500 goes (stderr, redacted, in the CLI).
    log: Log,
    /// Numbers the 500 answers, so a body can be matched with its log line.
    errors: AtomicU64,
}

impl App {
    pub fn new(cache: CredentialCache, guard: Guard, log: Log) -> Self {
        App {
            cache,
            guard,
            log,
            errors: AtomicU64::new(0),
        }
    }

    /// The answer to one request.
    pub fn respond(&self, request: &Request) -> Response {
        let mut hosts = request.header_values("host");
        let host_ok = match (hosts.next(), hosts.next()) {
            (Some(host), None) => self.guard.host_allowed(host),
            // HTTP/1.0 clients may leave Host out; a browser never does.
            (None, _) => request.version == "HTTP/1.0",
            (Some(_), Some(_)) => false,
        };
        if !host_ok {
            return Response::error(403, "Invalid Host header");
        }
        if !self.guard.token_ok(request) {
            return Response::error(401, "Unauthorized");
        }
        if request.method != "GET" {
            return Response::error(405, "Method not allowed").header("Allow", "GET");
        }
        let shape = match request.target.as_str() {
            "/" => credential_process_json,
            ECS_PATH => container_json,
            _ => return Response::error(404, "Not found"),
        };
        match self.cache.get() {
            Ok(creds) => Response::json(200, shape(&creds)),
            Err(failure) => {
                let id = self.errors.fetch_add(1, Ordering::Relaxed) + 1;
                let public = failure.public();
                (self.log)(&format!("Error {id}: {public}: {}", failure.detail));
                Response::error(500, &format!("{public} (error {id}, see the server's log)"))
            }
        }
    }
}

/// The original's answer: `json.dumps(..., indent=2)` with `Expiration` as Python's
/// `datetime.isoformat()` (`2026-11-28T23:12:40.847396+00:00`), which credential_process
/// accepts.
pub(super) fn credential_process_json(creds: &TempCredentials) -> String {
    let expiration = py_datetime(creds.expiration).replacen(' ', "T", 1);
    dumps(
        &json!({
            "Version": 1,
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key,
            "SessionToken": creds.session_token,
            "Expiration": expiration,
        }),
        Some(2),
    )
}

/// The shape of the ECS container credentials endpoint, which every AWS SDK reads from
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`. Expiration as that endpoint sends it:
/// `2026-11-28T23:12:40Z`, whole seconds (rounded down, so never later than the truth).
pub(super) fn container_json(creds: &TempCredentials) -> String {
    let expiration = format!("{}Z", crate::output::utc_seconds(creds.expiration, 'T'));
    dumps(
        &json!({
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key,
            "Token": creds.session_token,
            "Expiration": expiration,
        }),
        Some(2),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        let guard = Guard::new("localhost", None);
        for ok in [
            "localhost:8094",
            "LOCALHOST",
            "localhost.:8094",
            "127.0.0.1:8094",
            "127.0.0.1",
            "[::1]:8094",
            "[::1]",
        ] {
            assert!(guard.host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example:8094",
            "evil.example",
            "localhost.evil.example",
            "",
            ":8094",
            "localhost:x",
            "[::1]x",
            "127.0.0.1.nip.io",
        ] {
            assert!(!guard.host_allowed(bad), "{bad}");
        }
        let named = Guard::new("My-Laptop.lan", None);
        assert!(named.host_allowed("my-laptop.lan:8094"));
        assert!(!named.host_allowed("other.lan:8094"));
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
