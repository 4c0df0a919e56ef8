//! Helpers for the credentials tests: shared files and environments built from
//! text, and a loopback HTTP server that records what the network sources send.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{CliAuth, Network, ProfileChoice, resolve_with_prompt};
use crate::aws::Credentials;
use crate::aws::config::{self, MapEnv, SharedFiles};
use crate::aws::http::{Http, Timeouts};
use crate::error::Error;
pub(super) use crate::testutil::TempFile;

pub(super) const CREDS_PATH: &str = "/nonexistent/s3creds/credentials";
pub(super) const CONFIG_PATH: &str = "/nonexistent/s3creds/config";

pub(super) fn files(credentials: &str, config: &str) -> SharedFiles {
    SharedFiles::from_text(
        credentials,
        config,
        Path::new(CREDS_PATH),
        Path::new(CONFIG_PATH),
    )
    .unwrap()
}

/// An environment that never reaches the real metadata service.
pub(super) fn env(pairs: &[(&str, &str)]) -> MapEnv {
    let mut e = MapEnv::from_pairs(&[("AWS_EC2_METADATA_DISABLED", "true")]);
    for (k, v) in pairs {
        e.0.insert(k.to_string(), v.to_string());
    }
    e
}

pub(super) fn keys(a: &str, s: &str, t: Option<&str>) -> Credentials {
    Credentials {
        access_key_id: a.into(),
        secret_access_key: s.into(),
        session_token: t.map(str::to_string),
    }
}

pub(super) fn cli(
    a: Option<&str>,
    s: Option<&str>,
    t: Option<&str>,
    auth: Option<&str>,
) -> CliAuth {
    let own = |v: Option<&str>| v.map(str::to_string);
    CliAuth {
        access_key: own(a),
        secret_key: own(s),
        session_token: own(t),
        auth_content: own(auth),
    }
}

pub(super) fn resolve_with(c: &CliAuth, e: &MapEnv, f: &SharedFiles) -> Result<Credentials, Error> {
    resolve_at(c, e, f, &config::profile_name(e), "http://127.0.0.1:9")
}

/// A transport for tests: one attempt, so a failing mock answers at once.
pub(super) fn test_http() -> Http {
    let retry = config::RetryConfig {
        max_attempts: 1,
        mode: config::RetryMode::Standard,
    };
    Http::new(
        retry,
        None,
        Timeouts::default(),
        &MapEnv::from_pairs(&[("S3_CREDENTIALS_RETRY_BASE_MS", "1")]),
    )
}

/// Resolve for `profile` (as if from `AWS_PROFILE`) with STS at `sts`; an MFA prompt
/// is an error unless the test gives one ([`resolve_full`]).
pub(super) fn resolve_at(
    c: &CliAuth,
    e: &MapEnv,
    f: &SharedFiles,
    profile: &str,
    sts: &str,
) -> Result<Credentials, Error> {
    let choice = ProfileChoice {
        name: profile.to_string(),
        from_option: false,
    };
    resolve_full(c, e, f, &choice, sts, &|_| {
        Err(super::CredentialsError::NoTerminal {
            serial: None,
            source: std::io::Error::other("no MFA prompt in this test"),
        }
        .into())
    })
}

pub(super) fn resolve_full(
    c: &CliAuth,
    e: &MapEnv,
    f: &SharedFiles,
    choice: &ProfileChoice,
    sts: &str,
    mfa: &dyn Fn(&str) -> Result<String, Error>,
) -> Result<Credentials, Error> {
    let http = test_http();
    let net = Network {
        http: &http,
        sts_endpoint: sts,
        region: "us-east-1",
    };
    resolve_with_prompt(c, e, f, choice, &net, mfa)
}

/// One request as the mock server saw it.
#[derive(Debug)]
pub(super) struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A loopback HTTP server answering `count` requests (one per connection) with
/// `respond`; joining the handle gives the requests it saw.
pub(super) fn serve(
    count: usize,
    respond: impl Fn(&Seen) -> (u16, String) + Send + 'static,
) -> (String, JoinHandle<Vec<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    let handle = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = Vec::new();
        while seen.len() < count && Instant::now() < deadline {
            let mut stream = match listener.accept() {
                Ok((stream, _)) => stream,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                }
                Err(e) => panic!("accept: {e}"),
            };
            stream.set_nonblocking(false).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let head_end = loop {
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i;
                }
                let n = stream.read(&mut chunk).unwrap();
                assert!(n > 0, "connection closed mid-request");
                buf.extend_from_slice(&chunk[..n]);
            };
            let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
            let mut lines = head.split("\r\n");
            let mut first = lines.next().unwrap().split(' ');
            let (method, path) = (first.next().unwrap(), first.next().unwrap());
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
            let length: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = buf[head_end + 4..].to_vec();
            while body.len() < length {
                let n = stream.read(&mut chunk).unwrap();
                assert!(n > 0, "connection closed mid-body");
                body.extend_from_slice(&chunk[..n]);
            }
            let request = Seen {
                method: method.to_string(),
                path: path.to_string(),
                headers,
                body: String::from_utf8(body).unwrap(),
            };
            let (status, text) = respond(&request);
            let response = format!(
                "HTTP/1.1 {status} Whatever\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
            stream.write_all(response.as_bytes()).unwrap();
            seen.push(request);
        }
        seen
    });
    (base, handle)
}

pub(super) fn form_decode(body: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' => {
                    out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                    i += 3;
                }
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap()
    };
    body.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (decode(k), decode(v))
        })
        .collect()
}
