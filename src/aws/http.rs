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
use super::config::{RetryConfig, RetryMode};
use super::sigv4::{self, Mode, Signer};
use super::xml;
use crate::error::{AwsError, Error};

/// The largest response body read into memory (API documents, not objects).
const MAX_BUFFERED: u64 = 256 * 1024 * 1024;

/// What goes in a request body. Bodies are re-sent from the start on retry, so a
/// file body is a path and a range, opened again for each attempt.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Bytes(Vec<u8>),
    /// Bytes shared with the caller (a buffered part of a stream being uploaded), so
    /// that building the request and retrying it copy nothing.
    Shared(std::sync::Arc<Vec<u8>>),
    File {
        path: PathBuf,
        offset: u64,
        len: u64,
    },
}

impl Body {
    pub fn len(&self) -> u64 {
        match self {
            Body::Empty => 0,
            Body::Bytes(b) => b.len() as u64,
            Body::Shared(b) => b.len() as u64,
            Body::File { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A request before signing.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: &'static str,
    /// `scheme://host[:port]`, no path.
    pub base: String,
    /// The path exactly as sent: already URI-encoded, starting with '/'.
    pub path: String,
    /// Query parameters, not yet encoded.
    pub query: Vec<(String, String)>,
    /// Extra headers (lower-case names); host and the signing headers are added here.
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`; computed from the body when None
    /// (file bodies must give it).
    pub payload_hash: Option<String>,
}

impl Request {
    pub fn new(method: &'static str, base: &str, path: impl Into<String>) -> Self {
        Request {
            method,
            base: base.trim_end_matches('/').to_string(),
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            payload_hash: None,
        }
    }

    pub fn query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_string(), value.into()));
        self
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = Body::Bytes(body);
        self
    }

    /// The URL as sent, for messages.
    pub fn url(&self) -> String {
        let mut url = format!("{}{}", self.base, self.path);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&sigv4::canonical_query(&self.query));
        }
        url
    }

    /// The URL as botocore shows it in messages: a sub-resource without a value is
    /// `?acl`, not `?acl=`.
    pub fn display_url(&self) -> String {
        let url = self.url();
        match url.split_once('?') {
            Some((base, query)) => {
                let parts: Vec<&str> = query
                    .split('&')
                    .map(|p| p.strip_suffix('=').unwrap_or(p))
                    .collect();
                format!("{base}?{}", parts.join("&"))
            }
            None => url,
        }
    }
}

/// A response read in full.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Lower-case names, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The body as an XML tree; a malformed body is a transport error.
    pub fn xml(&self, operation: &str) -> Result<xml::Element, Error> {
        xml::parse(&self.body)
            .map_err(|e| Error::Transport(format!("Unable to parse the {operation} response: {e}")))
    }

    /// The body as an XML tree whose root must be `root`: a 200 from something that
    /// is not the service (a captive portal, a misconfigured proxy) is an error, not
    /// an empty result.
    pub fn xml_root(&self, operation: &str, root: &str) -> Result<xml::Element, Error> {
        let doc = self.xml(operation)?;
        if doc.name == root {
            Ok(doc)
        } else {
            Err(Error::Transport(format!(
                "Unable to parse the {operation} response: expected <{root}>, got <{}>",
                doc.name
            )))
        }
    }
}

/// A response whose body is still to be read (downloads).
pub struct Streaming {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: ureq::Body,
}

impl Streaming {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

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
}

impl TransportFailure {
    fn into_error(self) -> Error {
        match self.aws {
            Some(err) => Error::Aws(err),
            None => Error::Transport(self.message),
        }
    }
}

impl Http {
    pub fn new(retry: RetryConfig, ca_bundle: Option<String>, timeouts: Timeouts) -> Self {
        let backoff_base_ms = std::env::var("S3_CREDENTIALS_RETRY_BASE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        Http {
            retry,
            timeouts,
            ca_bundle,
            backoff_base_ms,
            direct: OnceLock::new(),
            proxied: OnceLock::new(),
            skew: std::sync::atomic::AtomicI64::new(0),
        }
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
        let proxy = proxy_for(url);
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
        let tls =
            ureq::tls::TlsConfig::builder().root_certs(root_certs(self.ca_bundle.as_deref())?);
        let proxy = match proxy {
            Some(p) => {
                Some(ureq::Proxy::new(p).map_err(|e| format!("Invalid proxy URL {p}: {e}"))?)
            }
            None => None,
        };
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(self.timeouts.connect))
            .timeout_recv_response(Some(self.timeouts.read))
            .timeout_recv_body(None)
            .timeout_per_read(Some(self.timeouts.read))
            .user_agent(concat!("s3-credentials-rs/", env!("CARGO_PKG_VERSION")))
            .tls_config(tls.build())
            .proxy(proxy)
            // Every transfer worker keeps its keep-alive connection between requests.
            .max_idle_connections(crate::transfer::MAX_WORKERS)
            .max_idle_connections_per_host(crate::transfer::MAX_WORKERS)
            .build();
        // ureq's default chain (CONNECT proxy, TCP, rustls) with our TCP connector,
        // which ACKs promptly (see tcp.rs).
        use ureq::unversioned::transport::{ConnectProxyConnector, Connector, RustlsConnector};
        let connector =
            ().chain(ConnectProxyConnector::default())
                .chain(super::tcp::QuickAckTcp)
                .chain(RustlsConnector::default());
        let resolver = ureq::unversioned::resolver::DefaultResolver::default();
        Ok(Agent::with_parts(config, connector, resolver))
    }

    /// Send with retries and read the whole response. Any status outside 2xx
    /// becomes `Error::Aws` (after retries for retryable ones).
    pub fn send(
        &self,
        target: SigningTarget<'_>,
        req: &Request,
        operation: &str,
    ) -> Result<Response, Error> {
        self.with_retries(target, req, operation, |streaming| {
            let Streaming {
                status,
                headers,
                mut body,
            } = streaming;
            let body = body
                .with_config()
                .limit(MAX_BUFFERED)
                .read_to_vec()
                .map_err(|e| describe(&e, &req.display_url()))?;
            Ok(Response {
                status,
                headers,
                body,
            })
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
            let Streaming {
                status,
                headers,
                mut body,
            } = streaming;
            let body = body
                .with_config()
                .limit(MAX_BUFFERED)
                .read_to_vec()
                .map_err(|e| describe(&e, &req.url()))?;
            if let Some(mut err) = error_document(status, &body, operation) {
                if err.request_id.is_none() {
                    err.request_id = header(&headers, "x-amz-request-id")
                        .or_else(|| header(&headers, "x-amzn-requestid"))
                        .map(str::to_string);
                }
                return Err(TransportFailure {
                    message: err.to_string(),
                    retryable: retryable(&err),
                    aws: Some(err),
                });
            }
            Ok(Response {
                status,
                headers,
                body,
            })
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
        let max = self.max_attempts();
        let mut attempt = 0u32;
        let mut skew_fixed = false;
        loop {
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
                    if attempt < max && retryable(&err) {
                        self.backoff(attempt);
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
            if failure.retryable && attempt < max {
                self.backoff(attempt);
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

    fn backoff(&self, attempt: u32) {
        // Standard mode: random(0,1) * min(20 s, base * 2^(attempt-1)).
        let cap = 20_000.0_f64;
        let exp = self.backoff_base_ms as f64 * f64::from(1u32 << (attempt - 1).min(16));
        let delay = match self.retry.mode {
            RetryMode::Legacy => exp.min(cap) * 0.5 * (1.0 + jitter()),
            _ => exp.min(cap) * jitter(),
        };
        std::thread::sleep(Duration::from_millis(delay as u64));
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
                .and_then(|r| agent.run(r).map_err(|e| describe(&e, &shown))),
            Body::Bytes(bytes) => builder
                .body(bytes.as_slice())
                .map_err(|e| not_retryable(format!("Invalid request to {url}: {e}")))
                .and_then(|r| agent.run(r).map_err(|e| describe(&e, &shown))),
            Body::Shared(bytes) => builder
                .body(bytes.as_slice())
                .map_err(|e| not_retryable(format!("Invalid request to {url}: {e}")))
                .and_then(|r| agent.run(r).map_err(|e| describe(&e, &shown))),
            Body::File { path, offset, len } => {
                let mut file = open_range(path, *offset, *len)?;
                builder
                    .body(ureq::SendBody::from_reader(&mut file))
                    .map_err(|e| not_retryable(format!("Invalid request to {url}: {e}")))
                    .and_then(|r| agent.run(r).map_err(|e| describe(&e, &shown)))
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

/// botocore's wording for connection-level failures.
fn describe(e: &ureq::Error, url: &str) -> TransportFailure {
    use ureq::Error as E;
    let (message, retryable) = match e {
        E::Timeout(_) => (format!("Read timeout on endpoint URL: \"{url}\""), true),
        E::HostNotFound | E::ConnectionFailed => (
            format!("Could not connect to the endpoint URL: \"{url}\""),
            true,
        ),
        // rustls reports certificate problems through io::Error.
        E::Io(io) if io.to_string().contains("certificate") => {
            (format!("SSL validation failed for {url} {io}"), false)
        }
        E::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => (
                format!("Could not connect to the endpoint URL: \"{url}\""),
                true,
            ),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                (format!("Read timeout on endpoint URL: \"{url}\""), true)
            }
            _ => (
                format!(
                    "Connection was closed before we received a valid response from endpoint URL: \"{url}\" ({io})"
                ),
                true,
            ),
        },
        E::Protocol(p) => (
            format!("Invalid response from endpoint URL: \"{url}\" ({p})"),
            true,
        ),
        E::BodyExceedsLimit(n) => (
            format!("Response from \"{url}\" is larger than {n} bytes"),
            false,
        ),
        E::Tls(t) => (format!("SSL validation failed for {url} {t}"), false),
        other => (format!("Request to \"{url}\" failed: {other}"), true),
    };
    TransportFailure {
        message,
        retryable,
        aws: None,
    }
}

/// An error response, parsed.
struct ErrorResponse {
    err: AwsError,
    date: Option<String>,
}

impl ErrorResponse {
    fn into_aws(self) -> AwsError {
        self.err
    }
}

impl std::ops::Deref for ErrorResponse {
    type Target = AwsError;
    fn deref(&self) -> &AwsError {
        &self.err
    }
}

/// Read an error response: S3's `<Error>` or the query protocol's `<ErrorResponse>`.
/// Without a parseable body, the code is the status number and the message the reason
/// phrase, as botocore reports them.
fn read_error(resp: Streaming, operation: &str) -> ErrorResponse {
    let Streaming {
        status,
        headers,
        mut body,
    } = resp;
    let bytes = body
        .with_config()
        .limit(1024 * 1024)
        .read_to_vec()
        .unwrap_or_default();
    let mut err = parse_error_body(status, &bytes, operation);
    if let Some(region) = header(&headers, "x-amz-bucket-region") {
        err.region = Some(region.to_string());
    }
    if err.request_id.is_none() {
        err.request_id = header(&headers, "x-amz-request-id")
            .or_else(|| header(&headers, "x-amzn-requestid"))
            .map(str::to_string);
    }
    ErrorResponse {
        err,
        date: header(&headers, "date").map(str::to_string),
    }
}

/// The AwsError an error body (possibly empty or garbage) describes.
pub fn parse_error_body(status: u16, body: &[u8], operation: &str) -> AwsError {
    let mut err = AwsError {
        code: status.to_string(),
        message: reason_phrase(status).to_string(),
        request_id: None,
        status,
        operation: operation.to_string(),
        region: None,
        retries: 0,
    };
    if let Ok(root) = xml::parse(body) {
        // S3: <Error>; query protocol: <ErrorResponse><Error>; some servers (moto's
        // auth errors, EC2 style): <Response><Errors><Error>.
        let error = if root.name == "Error" {
            Some(&root)
        } else {
            root.child("Error")
                .or_else(|| root.child("Errors").and_then(|e| e.child("Error")))
        };
        if let Some(error) = error {
            if let Some(code) = error.text_of("Code").filter(|c| !c.is_empty()) {
                err.code = code.to_string();
                err.message = match error.text_of("Message") {
                    Some(m) => m.to_string(),
                    // botocore words an S3 <Error> without a Message as "Unknown" (s3s-fs
                    // sends those); the query protocol's parser defaults it to "".
                    None if root.name == "Error" => "Unknown".to_string(),
                    None => String::new(),
                };
            }
        }
        err.request_id = root
            .text_of("RequestId")
            .or_else(|| root.text_of("RequestID"))
            .or_else(|| error.and_then(|e| e.text_of("RequestId")))
            .map(str::to_string);
        err.region = error
            .and_then(|e| e.text_of("Region"))
            .filter(|r| !r.is_empty())
            .map(str::to_string);
    }
    err
}

/// The roots to trust: the embedded Mozilla roots, plus the PEM certificates of
/// `ca_bundle` (AWS_CA_BUNDLE / `ca_bundle`: a corporate TLS-inspecting proxy's root,
/// say) when one is configured. Every agent needs them: ureq has no roots of its own.
pub(crate) fn root_certs(ca_bundle: Option<&str>) -> Result<ureq::tls::RootCerts, String> {
    use ureq::tls::{Certificate, RootCerts};
    let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    if let Some(path) = ca_bundle {
        let pem =
            std::fs::read(path).map_err(|e| format!("Could not read the CA bundle {path}: {e}"))?;
        let before = roots.len();
        roots.extend(ureq::tls::parse_pem(&pem).filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c.to_owned()),
            _ => None,
        }));
        if roots.len() == before {
            return Err(format!("The CA bundle {path} holds no PEM certificates"));
        }
    }
    Ok(RootCerts::new_with_certs(&roots))
}

/// `Not Found` for 404 and so on (botocore's message for body-less errors).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        301 => "Moved Permanently",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        412 => "Precondition Failed",
        416 => "Requested Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// `host[:port]` of `scheme://host[:port]`.
pub fn authority(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// The proxy for this URL from the process environment: see [`proxy_from`].
fn proxy_for(url: &str) -> Option<String> {
    proxy_from(url, |name| std::env::var(name).ok())
}

/// The proxy for this URL from HTTPS_PROXY / HTTP_PROXY (HTTP_PROXY does not
/// apply to https URLs), unless NO_PROXY names the host. `var` looks a variable up,
/// so callers holding their own environment (credentials' `Env`) choose alike.
pub(crate) fn proxy_from(url: &str, var: impl Fn(&str) -> Option<String>) -> Option<String> {
    let https = url.starts_with("https://");
    let names: &[&str] = if https {
        &["HTTPS_PROXY", "https_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy"]
    };
    let proxy = names
        .iter()
        .find_map(|n| var(n).filter(|v| !v.is_empty()))?;
    let no_proxy = var("NO_PROXY")
        .or_else(|| var("no_proxy"))
        .unwrap_or_default();
    let host = authority(url);
    let host = host.rsplit_once(':').map_or(host, |(h, p)| {
        if p.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    if bypasses_proxy(host, &no_proxy) {
        None
    } else {
        Some(proxy)
    }
}

/// NO_PROXY matching as curl and botocore do it: `*`, exact hosts, and domain
/// suffixes with or without a leading dot.
pub fn bypasses_proxy(host: &str, no_proxy: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    no_proxy
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.to_ascii_lowercase();
            let entry = entry.rsplit_once(':').map_or(entry.as_str(), |(h, p)| {
                if p.bytes().all(|b| b.is_ascii_digit()) {
                    h
                } else {
                    entry.as_str()
                }
            });
            let entry = entry.trim_start_matches('.');
            host == entry || host.ends_with(&format!(".{entry}"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_of_both_protocols() {
        let s3 = parse_error_body(
            404,
            b"<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><RequestId>R1</RequestId></Error>",
            "GetBucketAcl",
        );
        assert_eq!(s3.code, "NoSuchBucket");
        assert_eq!(s3.request_id.as_deref(), Some("R1"));
        assert_eq!(
            s3.to_string(),
            "An error occurred (NoSuchBucket) when calling the GetBucketAcl operation: The specified bucket does not exist"
        );
        let ec2 = parse_error_body(
            403,
            b"<Response><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>bad</Message></Error></Errors><RequestID>R3</RequestID></Response>",
            "GetCallerIdentity",
        );
        assert_eq!(
            (ec2.code.as_str(), ec2.request_id.as_deref()),
            ("SignatureDoesNotMatch", Some("R3"))
        );
        let iam = parse_error_body(
            404,
            b"<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>nope</Message></Error><RequestId>R2</RequestId></ErrorResponse>",
            "GetUser",
        );
        assert_eq!(
            (iam.code.as_str(), iam.message.as_str()),
            ("NoSuchEntity", "nope")
        );
        assert_eq!(iam.request_id.as_deref(), Some("R2"));
    }

    #[test]
    fn an_s3_error_without_a_message_is_unknown_as_botocore_says() {
        let e = parse_error_body(
            404,
            b"<Error><Code>NoSuchBucket</Code></Error>",
            "ListObjectsV2",
        );
        assert_eq!(
            e.to_string(),
            "An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: Unknown"
        );
        let iam = parse_error_body(
            400,
            b"<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>",
            "GetUser",
        );
        assert_eq!(iam.message, "");
    }

    #[test]
    fn bodiless_and_garbage_errors_use_the_status() {
        for body in [&b""[..], b"<html>oops", b"not xml at all"] {
            let e = parse_error_body(404, body, "HeadObject");
            assert_eq!(
                e.to_string(),
                "An error occurred (404) when calling the HeadObject operation: Not Found"
            );
        }
        let e = parse_error_body(503, b"", "ListUsers");
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("503", "Service Unavailable")
        );
        assert!(retryable(&e));
    }

    #[test]
    fn no_proxy_matching() {
        assert!(bypasses_proxy("s3.amazonaws.com", "amazonaws.com"));
        assert!(bypasses_proxy("s3.amazonaws.com", ".amazonaws.com"));
        assert!(bypasses_proxy("127.0.0.1", "localhost, 127.0.0.1:9000"));
        assert!(bypasses_proxy("anything", "*"));
        assert!(!bypasses_proxy("notamazonaws.com", "amazonaws.com"));
        assert!(!bypasses_proxy("example.com", ""));
    }

    #[test]
    fn authority_of_base_urls() {
        assert_eq!(authority("http://127.0.0.1:5000"), "127.0.0.1:5000");
        assert_eq!(authority("https://s3.amazonaws.com"), "s3.amazonaws.com");
    }

    #[test]
    fn http_dates() {
        let t = parse_http_date("Sat, 28 Nov 2026 22:57:41 GMT").unwrap();
        assert_eq!(t.unix_timestamp(), 1_795_906_661);
        assert!(parse_http_date("yesterday").is_none());
    }

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
