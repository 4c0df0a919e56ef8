//! The in-process transport for unit tests, as ureq tests its own agent: an [`Http`]
//! whose agent hands every request to a handler in the same process instead of a
//! socket. No port, no thread, no DNS: the connector below gives ureq a [`Transport`]
//! over two byte buffers; once ureq has written a whole request (headers and body,
//! `Content-Length` or chunked) and waits for the answer, the request is parsed, shown
//! to the handler, recorded, and the handler's [`CannedResponse`] is what ureq reads.
//!
//! Everything above the socket runs as in production: signing, retries and backoff,
//! error documents, keep-alive reuse, body limits, range and checksum handling.
//!
//! ```ignore
//! let server = InMemory::script(vec![
//!     CannedResponse::status(500),
//!     CannedResponse::ok("<ListAllMyBucketsResult/>"),
//! ]);
//! let session = testing::session(&server, &[]);
//! // ... S3::new(&session).something() ...
//! let sent = server.requests();
//! assert_eq!(sent.len(), 2);
//! assert!(sent[1].header("authorization").unwrap().starts_with("AWS4-HMAC-SHA256"));
//! ```
//!
//! Compiled for tests only: the release binary has none of it.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, Transport,
};

use super::agent_config::agent_config;
use super::{AgentSettings, Http, Timeouts};
use crate::aws::Credentials;
use crate::aws::config::{self, Env, MapEnv, Service};
use crate::aws::session::Session;

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub(crate) struct RecordedRequest {
    pub method: String,
    /// Path and query exactly as sent (`/bucket/key?partNumber=1&uploadId=U`).
    pub target: String,
    /// Lower-case names, in the order sent (ureq's own `host`, `user-agent`,
    /// `content-length` included).
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        super::message::header(&self.headers, name)
    }

    /// The path, without the query.
    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// A query parameter's value as sent (still percent-encoded); `Some("")` for a
    /// sub-resource such as `?uploads`.
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        let (_, query) = self.target.split_once('?')?;
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == name).then_some(v)
        })
    }
}

/// What the server does with a request after reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Answer in full and keep the connection.
    None,
    /// Close the connection without a byte of response.
    Drop,
    /// Fail the read with "connection reset by peer".
    Reset,
    /// Fail the read as a read timeout does.
    Timeout,
    /// Send the head (with the whole body's Content-Length) and this many body
    /// bytes, then close.
    Truncate(usize),
}

/// The answer to one request.
#[derive(Debug, Clone)]
pub(crate) struct CannedResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    fault: Fault,
}

impl CannedResponse {
    /// This status, no body.
    pub(crate) fn status(status: u16) -> Self {
        CannedResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            fault: Fault::None,
        }
    }

    /// 200 with this body.
    pub(crate) fn ok(body: impl Into<Vec<u8>>) -> Self {
        Self::status(200).body(body)
    }

    /// An error document of S3's kind (`<Error><Code>..`), with this status.
    pub(crate) fn s3_error(status: u16, code: &str, message: &str) -> Self {
        Self::status(status).body(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
             <Message>{message}</Message><RequestId>REQ-{code}</RequestId></Error>"
        ))
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub(crate) fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The connection closes after the request, before any response byte.
    pub(crate) fn dropped() -> Self {
        CannedResponse {
            fault: Fault::Drop,
            ..Self::status(0)
        }
    }

    /// The read of the response fails with a connection reset.
    pub(crate) fn reset() -> Self {
        CannedResponse {
            fault: Fault::Reset,
            ..Self::status(0)
        }
    }

    /// No answer within the read timeout (reported at once: no test waits).
    pub(crate) fn timed_out() -> Self {
        CannedResponse {
            fault: Fault::Timeout,
            ..Self::status(0)
        }
    }

    /// This response announces its whole body but only `sent` bytes of it arrive
    /// before the connection closes (a short body).
    pub(crate) fn truncated(mut self, sent: usize) -> Self {
        self.fault = Fault::Truncate(sent);
        self
    }

    /// The bytes on the wire for a request made with `method`.
    fn wire(&self, method: &str) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let has_length = self
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
        let no_content = self.status == 204 || self.status == 304;
        let bodiless = method == "HEAD" || no_content;
        if !(has_length || no_content) {
            head.push_str(&format!("content-length: {}\r\n", self.body.len()));
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        if !bodiless {
            let body = match self.fault {
                Fault::Truncate(n) => &self.body[..n.min(self.body.len())],
                _ => &self.body[..],
            };
            out.extend_from_slice(body);
        }
        out
    }
}

fn reason(status: u16) -> &'static str {
    match super::reason_phrase(status) {
        "" => "Status",
        r => r,
    }
}

type Handler = dyn Fn(&RecordedRequest) -> CannedResponse + Send + Sync;

/// The in-process server: a handler, and what it was asked. Cheap to clone (shared).
#[derive(Clone)]
pub(crate) struct InMemory {
    inner: Arc<Inner>,
}

struct Inner {
    handler: Box<Handler>,
    log: Mutex<Vec<RecordedRequest>>,
    connections: AtomicUsize,
}

impl fmt::Debug for InMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InMemory")
    }
}

impl InMemory {
    /// Answer every request with `handler` (called from whichever thread sent it).
    pub(crate) fn new(
        handler: impl Fn(&RecordedRequest) -> CannedResponse + Send + Sync + 'static,
    ) -> Self {
        InMemory {
            inner: Arc::new(Inner {
                handler: Box::new(handler),
                log: Mutex::new(Vec::new()),
                connections: AtomicUsize::new(0),
            }),
        }
    }

    /// Answer the requests in order with these responses; past the end, every request
    /// gets a 501 whose message names it (501 is not retried, so a test fails plainly).
    pub(crate) fn script(responses: Vec<CannedResponse>) -> Self {
        let next = AtomicUsize::new(0);
        Self::new(move |req| {
            let n = next.fetch_add(1, Ordering::SeqCst);
            responses.get(n).cloned().unwrap_or_else(|| {
                CannedResponse::s3_error(
                    501,
                    "NotScripted",
                    &format!("no response scripted for {} {}", req.method, req.target),
                )
            })
        })
    }

    /// Every request answered so far, in order.
    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.log.lock().unwrap().clone()
    }

    /// How many connections were opened (keep-alive reuse, reconnects after a drop).
    pub(crate) fn connections(&self) -> usize {
        self.inner.connections.load(Ordering::SeqCst)
    }

    fn answer(&self, req: RecordedRequest) -> CannedResponse {
        let resp = (self.inner.handler)(&req);
        self.inner.log.lock().unwrap().push(req);
        resp
    }

    /// An agent configured as production's (timeouts, no redirects, statuses not
    /// errors) whose connections are this server.
    pub(crate) fn agent(&self) -> ureq::Agent {
        let settings = AgentSettings {
            connect: Timeouts::default().connect,
            read: Timeouts::default().read,
            proxy: None,
            ca_bundle: None,
            idle_connections: config::MAX_PARALLEL_REQUESTS,
        };
        let config = agent_config(&settings).expect("the in-memory agent's settings are valid");
        ureq::Agent::with_parts(config, self.clone(), NoDns)
    }

    /// A transport made as `Http::new` makes it from `env` (retry mode and attempts,
    /// `S3_CREDENTIALS_RETRY_BASE_MS`), talking to this server.
    pub(crate) fn http(&self, env: &dyn Env) -> Http {
        let files = config::SharedFiles::default();
        let retry = config::retry_config(env, &files, "default").expect("valid retry settings");
        Http::new(retry, None, Timeouts::default(), env).with_agent(self.agent())
    }
}

/// The credentials of [`session`]: AWS's documentation example keys.
pub(crate) fn test_credentials() -> Credentials {
    Credentials {
        access_key_id: "AKIDEXAMPLE".to_string(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_string(),
        session_token: None,
    }
}

/// A [`Session`] over `server`, resolved as a command resolves it from an environment:
/// no shared files, region us-east-1, AWS's default endpoints, no backoff wait
/// (`S3_CREDENTIALS_RETRY_BASE_MS=0`), [`test_credentials`]; `pairs` add to or
/// override those variables (`AWS_MAX_ATTEMPTS`, `AWS_ENDPOINT_URL`, checksum
/// settings...).
pub(crate) fn session(server: &InMemory, pairs: &[(&str, &str)]) -> Session {
    let mut vars = vec![
        ("AWS_CONFIG_FILE", ""),
        ("AWS_SHARED_CREDENTIALS_FILE", ""),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("S3_CREDENTIALS_RETRY_BASE_MS", "0"),
    ];
    vars.extend_from_slice(pairs);
    let env = MapEnv::from_pairs(&vars);
    let files = config::load_shared_files(&env).expect("no shared files");
    let profile = "default";
    let region = config::region(&env, &files, profile);
    let endpoint = |service| {
        config::endpoint(service, None, &env, &files, profile, &region).expect("valid endpoint")
    };
    Session {
        credentials: test_credentials(),
        s3_endpoint: endpoint(Service::S3),
        iam_endpoint: endpoint(Service::Iam),
        sts_endpoint: endpoint(Service::Sts),
        checksums: config::checksum_config(&env, &files, profile).expect("valid checksums"),
        http: server.http(&env),
        region,
        regions: Default::default(),
    }
}

/// Every host name resolves to one placeholder address, never used: the connector
/// below opens no socket.
#[derive(Debug)]
struct NoDns;

impl Resolver for NoDns {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut addrs = self.empty();
        addrs.push(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 9)));
        Ok(addrs)
    }
}

impl Connector for InMemory {
    type Out = Connection;

    fn connect(
        &self,
        details: &ConnectionDetails,
        _chained: Option<()>,
    ) -> Result<Option<Connection>, ureq::Error> {
        self.inner.connections.fetch_add(1, Ordering::SeqCst);
        let config = details.config;
        Ok(Some(Connection {
            server: self.clone(),
            buffers: LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size()),
            sent: Vec::new(),
            answer: Vec::new(),
            read: 0,
            fault: Fault::None,
            closed: false,
        }))
    }
}

/// One connection to the in-memory server.
pub(crate) struct Connection {
    server: InMemory,
    buffers: LazyBuffers,
    /// Request bytes written and not yet answered.
    sent: Vec<u8>,
    /// The response being read, and how much of it was.
    answer: Vec<u8>,
    read: usize,
    fault: Fault,
    closed: bool,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("in-memory connection")
    }
}

impl Transport for Connection {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, _timeout: NextTimeout) -> Result<(), ureq::Error> {
        if self.closed {
            return Err(io::Error::from(io::ErrorKind::BrokenPipe).into());
        }
        let output = &self.buffers.output()[..amount];
        self.sent.extend_from_slice(output);
        Ok(())
    }

    fn await_input(&mut self, _timeout: NextTimeout) -> Result<bool, ureq::Error> {
        if self.read == self.answer.len() {
            if self.closed {
                // End of stream, as a socket the peer closed reads.
                return Ok(false);
            }
            let Some((req, used)) = parse_request(&self.sent) else {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "in-memory server: response awaited before the whole request was sent",
                )
                .into());
            };
            self.sent.drain(..used);
            let method = req.method.clone();
            let resp = self.server.answer(req);
            self.fault = resp.fault;
            match resp.fault {
                Fault::Drop => {
                    self.closed = true;
                    return Ok(false);
                }
                Fault::Reset => {
                    self.closed = true;
                    return Err(io::Error::from(io::ErrorKind::ConnectionReset).into());
                }
                Fault::Timeout => {
                    self.closed = true;
                    return Err(ureq::Error::Timeout(ureq::Timeout::RecvResponse));
                }
                Fault::None | Fault::Truncate(_) => {}
            }
            self.answer = resp.wire(&method);
            self.read = 0;
        }
        let input = self.buffers.input_append_buf();
        let n = input.len().min(self.answer.len() - self.read);
        input[..n].copy_from_slice(&self.answer[self.read..self.read + n]);
        self.buffers.input_appended(n);
        self.read += n;
        if self.read == self.answer.len() && matches!(self.fault, Fault::Truncate(_)) {
            self.closed = true;
        }
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        !self.closed
    }

    fn is_tls(&self) -> bool {
        // An https URL needs no TLS layer over memory.
        true
    }
}

/// One whole request at the start of `bytes` and how many bytes it took, or None
/// while it is incomplete.
fn parse_request(bytes: &[u8]) -> Option<(RecordedRequest, usize)> {
    let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&bytes[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let find = |name: &str| super::message::header(&headers, name);
    let rest = &bytes[head_end..];
    let (body, used) = if find("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        dechunk(rest)?
    } else {
        let len: usize = find("content-length").map_or(Some(0), |v| v.parse().ok())?;
        (rest.get(..len)?.to_vec(), len)
    };
    let req = RecordedRequest {
        method,
        target,
        headers,
        body,
    };
    Some((req, head_end + used))
}

/// A chunked body (and how many bytes it took), or None while incomplete.
fn dechunk(mut bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
    let start = bytes.len();
    let mut body = Vec::new();
    loop {
        let line_end = bytes.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&bytes[..line_end]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            // Trailers (none expected), then the blank line.
            let end = bytes.windows(2).position(|w| w == b"\r\n")?;
            bytes = &bytes[end + 2..];
            return Some((body, start - bytes.len()));
        }
        body.extend_from_slice(bytes.get(..size)?);
        bytes = bytes.get(size + 2..)?;
    }
}
