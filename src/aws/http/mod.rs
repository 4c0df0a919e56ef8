//! The one place that sends requests: agents (TLS roots, CA bundle, proxies,
//! timeouts), signing each attempt, retries with backoff, and turning error
//! responses into [`AwsError`].

use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use time::OffsetDateTime;
use ureq::Agent;

use super::Credentials;
use super::config::{self, RetryConfig};
use super::sigv4::{self, Mode, Signer};
use super::xml;
use crate::error::{AwsError, Error, TransportError};

mod agent_config;
mod errors;
mod message;
pub(crate) mod retry;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_in_memory;
#[cfg(test)]
mod tests_retry;
mod unsigned;

pub(crate) use agent_config::*;
pub(crate) use errors::*;
pub(crate) use message::*;
pub(crate) use retry::{Attempt, Backoff, GaveUp, Policy, jitter, retryable};
pub(crate) use unsigned::{Unsigned, env_proxy, unreachable};

use errors::{ErrorResponse, describe, read_error};
use message::MAX_BUFFERED;

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
    direct: OnceLock<Result<Agent, Arc<AgentError>>>,
    proxied: OnceLock<Result<Agent, Arc<AgentError>>>,
    /// Seconds to add to the local clock when signing (from RequestTimeTooSkewed).
    skew: std::sync::atomic::AtomicI64,
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

    fn agent_for(&self, url: &str) -> Result<&Agent, Arc<AgentError>> {
        let proxy = self.proxies.proxy_for(url);
        let cell = if proxy.is_some() {
            &self.proxied
        } else {
            &self.direct
        };
        cell.get_or_init(|| self.build_agent(proxy.as_deref()).map_err(Arc::new))
            .as_ref()
            .map_err(Arc::clone)
    }

    fn build_agent(&self, proxy: Option<&str>) -> Result<Agent, AgentError> {
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
                    err.request_id = resp.request_id();
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
        let policy = Policy {
            attempts: self.max_attempts(),
            backoff: Backoff::Exponential {
                base_ms: self.backoff_base_ms,
                mode: self.retry.mode,
            },
        };
        let mut skew_fixed = false;
        let outcome = retry::run(&policy, |_| {
            let failure = match self.attempt(target, req) {
                Ok(resp) if (200..300).contains(&resp.status) => match finish(resp) {
                    Ok(done) => return Attempt::Done(done),
                    Err(f) => f,
                },
                Ok(resp) => {
                    let err = read_error(resp, operation);
                    if err.code == "RequestTimeTooSkewed" && !skew_fixed {
                        skew_fixed = true;
                        if self.learn_skew(&err) {
                            return Attempt::Again;
                        }
                    }
                    let err = err.into_aws();
                    return Attempt::Failed {
                        retryable: retryable(&err),
                        error: Error::Aws(err),
                    };
                }
                Err(f) => f,
            };
            // The failure may be the signal itself (the transport stopped waiting).
            if crate::interrupt::stops_io() {
                return Attempt::Failed {
                    error: crate::interrupt::Interrupted.into(),
                    retryable: false,
                };
            }
            Attempt::Failed {
                retryable: failure.retryable,
                error: failure.into_error(),
            }
        });
        outcome.map_err(
            |GaveUp {
                 mut error,
                 attempts,
             }| {
                if let Error::Aws(aws) = &mut error
                    && retryable(aws)
                {
                    aws.retries = attempts - 1;
                }
                error
            },
        )
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

    fn attempt(
        &self,
        target: SigningTarget<'_>,
        req: &Request,
    ) -> Result<Streaming, TransportFailure> {
        let url = req.url();
        let shown = req.display_url();
        let agent = self.agent_for(&url).map_err(|e| TransportFailure {
            message: e.to_string(),
            retryable: false,
            aws: None,
            cause: Some(Box::new(e)),
        })?;
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
        Ok(Streaming {
            status: parts.status.as_u16(),
            headers: lowercase_headers(&parts.headers),
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

/// A response's headers as the transport keeps them: lower-case names, in order.
fn lowercase_headers(headers: &ureq::http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// An HTTP date (`Sat, 28 Nov 2026 22:57:41 GMT`).
pub(crate) fn parse_http_date(s: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(s.trim(), format)
        .ok()
        .map(|t| t.assume_utc())
}
