//! The one place that sends requests: agents (TLS roots, CA bundle, proxies,
//! timeouts), signing each attempt, retries with backoff, and turning error
//! responses into [`AwsError`].

use std::cell::Cell;
use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use time::OffsetDateTime;
use ureq::Agent;

use super::Credentials;
use super::config::{self, RetryConfig, RetryMode};
use super::sigv4::{self, Mode, Signer};
use super::xml;
use crate::error::{AwsError, Error, TransportError};

mod agent_config;
mod errors;
mod message;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_in_memory;

pub use agent_config::*;
pub use errors::*;
pub use message::*;

use errors::{ErrorResponse, describe, read_error};
use message::{MAX_BUFFERED, header};

/// Attempts a clean-up request gets after Ctrl-C (see [`crate::interrupt::cleanup`]).
const CLEANUP_ATTEMPTS: u32 = 2;

/// Who signs, for which service and region.
#[derive(Clone, Copy)]
pub struct SigningTarget<'a> {
    pub credentials: &'a Credentials,
    pub region: &'a str,
    pub service: &'a str,
    pub mode: Mode,
}

/// How long to wait for a connection and for each read.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(60),
        }
    }
}

/// The transport: agents, retry policy and the clock correction learnt from the server.
pub struct Http {
    retry: RetryConfig,
    timeouts: Timeouts,
    ca_bundle: Option<String>,
    /// Base of the exponential backoff, in milliseconds.
    backoff_base_ms: u64,
    proxies: ProxyEnv,
    direct: OnceLock<Result<Agent, String>>,
    proxied: OnceLock<Result<Agent, String>>,
    /// Seconds to add to the local clock when signing (from RequestTimeTooSkewed).
    skew: std::sync::atomic::AtomicI64,
}

thread_local! {
    static RNG: Cell<u64> = Cell::new(seed());
}

fn seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (nanos ^ (std::process::id() as u64) << 32) | 1
}

/// A number in [0, 1) for backoff jitter (xorshift; no cryptographic use).
pub(crate) fn jitter() -> f64 {
    RNG.with(|r| {
        let mut x = r.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        r.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// Error codes the standard retry mode treats as throttling or transient.
pub(crate) const RETRYABLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
];

/// Whether the standard retry mode retries this error: a 5xx gateway status or a
/// throttling/transient code.
pub(crate) fn retryable(err: &AwsError) -> bool {
    matches!(err.status, 500 | 502 | 503 | 504) || RETRYABLE_CODES.contains(&err.code.as_str())
}

/// A failure before any usable response arrived, or (`aws`) a 2xx response whose body
/// was an error document.
struct TransportFailure {
    message: String,
    retryable: bool,
    aws: Option<AwsError>,
    /// The ureq or I/O error behind it, kept as the final error's source.
    cause: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportFailure {
    fn into_error(self) -> Error {
        match self.aws {
            Some(err) => Error::Aws(err),
            None => Error::Transport(TransportError::new(self.message, self.cause)),
        }
    }
}

impl Http {
    /// A transport with these settings; the backoff base (`S3_CREDENTIALS_RETRY_BASE_MS`)
    /// and the proxy variables are read from `env` now, as every other setting is.
    pub fn new(
        retry: RetryConfig,
        ca_bundle: Option<String>,
        timeouts: Timeouts,
        env: &dyn config::Env,
    ) -> Self {
        let backoff_base_ms = env
            .var("S3_CREDENTIALS_RETRY_BASE_MS")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        Http {
            retry,
            timeouts,
            ca_bundle,
            backoff_base_ms,
            proxies: ProxyEnv::capture(env),
            direct: OnceLock::new(),
            proxied: OnceLock::new(),
            skew: std::sync::atomic::AtomicI64::new(0),
        }
    }

    /// This transport, sending every request through `agent` (tests: an in-memory
    /// server, see [`testing`]).
    #[cfg(test)]
    pub(crate) fn with_agent(self, agent: Agent) -> Self {
        let _ = self.direct.set(Ok(agent.clone()));
        let _ = self.proxied.set(Ok(agent));
        self
    }

    pub fn max_attempts(&self) -> u32 {
        self.retry.max_attempts.max(1)
    }

    /// The time to sign with: now, corrected by what the server told us.
    pub fn now(&self) -> OffsetDateTime {
        let skew = self.skew.load(std::sync::atomic::Ordering::Relaxed);
        OffsetDateTime::now_utc() + time::Duration::seconds(skew)
    }

    fn agent_for(&self, url: &str) -> Result<&Agent, Error> {
        let proxy = self.proxies.proxy_for(url);
        let cell = if proxy.is_some() {
            &self.proxied
        } else {
            &self.direct
        };
        cell.get_or_init(|| self.build_agent(proxy.as_deref()))
            .as_ref()
            .map_err(|e| Error::msg(e.clone()))
    }

    fn build_agent(&self, proxy: Option<&str>) -> Result<Agent, String> {
        build_agent(&AgentSettings {
            connect: self.timeouts.connect,
            read: self.timeouts.read,
            proxy,
            ca_bundle: self.ca_bundle.as_deref(),
            // Every transfer worker keeps its keep-alive connection between requests.
            idle_connections: config::MAX_PARALLEL_REQUESTS,
        })
    }

    /// Send with retries and read the whole response. Any status outside 2xx
    /// becomes `Error::Aws` (after retries for retryable ones).
    pub fn send(
        &self,
        target: SigningTarget<'_>,
        req: &Request,
        operation: &str,
    ) -> Result<Response, Error> {
        self.send_limited(target, req, operation, MAX_BUFFERED)
    }

    /// [`Http::send`] for a response that must not exceed `limit` bytes (a listing page):
    /// a longer body is an error, not retried, without reading past the limit.
    pub fn send_limited(
        &self,
        target: SigningTarget<'_>,
        req: &Request,
        operation: &str,
        limit: u64,
    ) -> Result<Response, Error> {
        self.with_retries(target, req, operation, |streaming| {
            read_all(streaming, req, limit)
        })
    }

    /// [`Http::send`], and a 2xx response whose body is an error document (`<Error>` or
    /// `<ErrorResponse>`) is that error, retried when its code is transient: botocore
    /// does this for the S3 operations that can fail after sending 200
    /// (CompleteMultipartUpload, CopyObject, UploadPartCopy). A query-protocol API never
    /// answers a success with an error document either, so a proxy that does is believed.
    pub fn send_checked(
        &self,
        target: SigningTarget<'_>,
        req: &Request,
        operation: &str,
    ) -> Result<Response, Error> {
        self.with_retries(target, req, operation, |streaming| {
            let resp = read_all(streaming, req, MAX_BUFFERED)?;
            if let Some(mut err) = error_document(resp.status, &resp.body, operation) {
                if err.request_id.is_none() {
                    err.request_id = header(&resp.headers, "x-amz-request-id")
                        .or_else(|| header(&resp.headers, "x-amzn-requestid"))
                        .map(str::to_string);
                }
                return Err(TransportFailure {
                    message: err.to_string(),
                    retryable: retryable(&err),
                    aws: Some(err),
                    cause: None,
                });
            }
            Ok(resp)
        })
    }

    /// Send with retries and hand back a 2xx response with its body unread.
    pub fn send_streaming(
        &self,
        target: SigningTarget<'_>,
        req: &Request,
        operation: &str,
    ) -> Result<Streaming, Error> {
        self.with_retries(target, req, operation, Ok)
    }

    fn with_retries<T>(
        &self,
        target: SigningTarget<'_>,
        req: &Request,
        operation: &str,
        mut finish: impl FnMut(Streaming) -> Result<T, TransportFailure>,
    ) -> Result<T, Error> {
        // A clean-up after Ctrl-C (AbortMultipartUpload) has its own deadline and at most
        // two attempts, not the normal budget.
        let max = match crate::interrupt::deadline() {
            Some(_) => self.max_attempts().min(CLEANUP_ATTEMPTS),
            None => self.max_attempts(),
        };
        let mut attempt = 0u32;
        let mut skew_fixed = false;
        loop {
            // No new attempt once a signal says stop.
            crate::interrupt::check()?;
            attempt += 1;
            let failure = match self.attempt(target, req) {
                Ok(resp) if (200..300).contains(&resp.status) => match finish(resp) {
                    Ok(done) => return Ok(done),
                    Err(f) => f,
                },
                Ok(resp) => {
                    let err = read_error(resp, operation);
                    if err.code == "RequestTimeTooSkewed" && !skew_fixed {
                        skew_fixed = true;
                        if self.learn_skew(&err) {
                            attempt -= 1;
                            continue;
                        }
                    }
                    if attempt < max && retryable(&err) && !crate::interrupt::out_of_time() {
                        self.backoff(attempt)?;
                        continue;
                    }
                    let mut err = err.into_aws();
                    if retryable(&err) {
                        err.retries = attempt - 1;
                    }
                    return Err(Error::Aws(err));
                }
                Err(f) => f,
            };
            // The failure may be the signal itself (the transport stopped waiting).
            if crate::interrupt::stops_io() {
                return Err(crate::interrupt::Interrupted.into());
            }
            if failure.retryable && attempt < max && !crate::interrupt::out_of_time() {
                self.backoff(attempt)?;
                continue;
            }
            let mut err = failure.into_error();
            if let Error::Aws(aws) = &mut err
                && retryable(aws)
            {
                aws.retries = attempt - 1;
            }
            return Err(err);
        }
    }

    /// Learn the clock offset from the Date the server sent with its skew error.
    fn learn_skew(&self, err: &ErrorResponse) -> bool {
        let Some(server) = err.date.as_deref().and_then(parse_http_date) else {
            return false;
        };
        let offset = (server - OffsetDateTime::now_utc()).whole_seconds();
        self.skew
            .store(offset, std::sync::atomic::Ordering::Relaxed);
        true
    }

    /// Waits before the next attempt; a signal ends the wait at once.
    fn backoff(&self, attempt: u32) -> Result<(), crate::interrupt::Interrupted> {
        // Standard mode: random(0,1) * min(20 s, base * 2^(attempt-1)).
        let cap = 20_000.0_f64;
        let exp = self.backoff_base_ms as f64 * f64::from(1u32 << (attempt - 1).min(16));
        let delay = match self.retry.mode {
            RetryMode::Legacy => exp.min(cap) * 0.5 * (1.0 + jitter()),
            _ => exp.min(cap) * jitter(),
        };
        let mut delay = Duration::from_millis(delay as u64);
        if let Some(deadline) = crate::interrupt::deadline() {
            delay = delay.min(deadline.saturating_duration_since(std::time::Instant::now()));
        }
        crate::interrupt::sleep(delay)
    }

    fn attempt(
        &self,
        target: SigningTarget<'_>,
        req: &Request,
    ) -> Result<Streaming, TransportFailure> {
        let url = req.url();
        let shown = req.display_url();
        let agent = self
            .agent_for(&url)
            .map_err(|e| not_retryable(e.to_string()))?;
        let mut headers = req.headers.clone();
        headers.push(("host".to_string(), authority(&req.base).to_string()));
        let payload_hash = match (&req.payload_hash, &req.body) {
            (Some(h), _) => h.clone(),
            (None, Body::Bytes(b)) => hex::encode(sha2_digest(b)),
            (None, Body::Shared(b)) => hex::encode(sha2_digest(b)),
            (None, _) => sigv4::EMPTY_SHA256.to_string(),
        };
        let signer = Signer {
            access_key: &target.credentials.access_key_id,
            secret_key: &target.credentials.secret_access_key,
            session_token: target.credentials.session_token.as_deref(),
            region: target.region,
            service: target.service,
            time: self.now(),
        };
        signer.sign_headers(
            req.method,
            &req.path,
            &req.query,
            &mut headers,
            &payload_hash,
            target.mode,
        );
        // Content-Length is not signed (botocore does not sign it either); ureq sets it
        // for in-memory bodies, file bodies need it spelled out.
        if let Body::File { len, .. } = req.body {
            headers.push(("content-length".to_string(), len.to_string()));
        }
        let mut builder = ureq::http::Request::builder().method(req.method).uri(&url);
        for (name, value) in &headers {
            // ureq writes host and content-length itself.
            if name != "host" {
                builder = builder.header(name, value);
            }
        }
        let result = match &req.body {
            Body::Empty => builder
                .body(())
                .map_err(|e| not_retryable(format!("Invalid request to {url}: {e}")))
                .and_then(|r| agent.run(r).map_err(|e| describe(e, &shown))),
            Body::Bytes(bytes) => builder
                .body(bytes.as_slice())
                .map_err(|e| not_retryable(format!("Invalid request to {url}: {e}")))
                .and_then(|r| agent.run(r).map_err(|e| describe(e, &shown))),
            Body::Shared(bytes) => builder
                .body(bytes.as_slice())
                .map_err(|e| not_retryable(format!("Invalid request to {url}: {e}")))
                .and_then(|r| agent.run(r).map_err(|e| describe(e, &shown))),
            Body::File { path, offset, len } => {
                let mut file = open_range(path, *offset, *len)?;
                builder
                    .body(ureq::SendBody::from_reader(&mut file))
                    .map_err(|e| not_retryable(format!("Invalid request to {url}: {e}")))
                    .and_then(|r| agent.run(r).map_err(|e| describe(e, &shown)))
            }
        }?;
        let (parts, body) = result.into_parts();
        let headers = parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        Ok(Streaming {
            status: parts.status.as_u16(),
            headers,
            body,
        })
    }
}

fn open_range(path: &PathBuf, offset: u64, len: u64) -> Result<impl Read, TransportFailure> {
    use std::io::{Seek, SeekFrom};
    let mut file = std::fs::File::open(path)
        .map_err(|e| not_retryable(format!("Could not read {}: {e}", path.display())))?;
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| not_retryable(format!("Could not read {}: {e}", path.display())))?;
    Ok(file.take(len))
}

fn not_retryable(message: String) -> TransportFailure {
    TransportFailure {
        message,
        retryable: false,
        aws: None,
        cause: None,
    }
}

/// The error a success body holds, if it is an error document with a code.
fn error_document(status: u16, body: &[u8], operation: &str) -> Option<AwsError> {
    let root = xml::parse(body).ok()?;
    if root.name != "Error" && root.name != "ErrorResponse" {
        return None;
    }
    let err = parse_error_body(status, body, operation);
    (err.code != status.to_string()).then_some(err)
}

fn sha2_digest(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

/// Read a 2xx response's whole body (API documents, at most `limit` bytes).
fn read_all(streaming: Streaming, req: &Request, limit: u64) -> Result<Response, TransportFailure> {
    let Streaming {
        status,
        headers,
        mut body,
    } = streaming;
    let body = body
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| describe(e, &req.display_url()))?;
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// An HTTP date (`Sat, 28 Nov 2026 22:57:41 GMT`).
pub fn parse_http_date(s: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(s.trim(), format)
        .ok()
        .map(|t| t.assume_utc())
}
