//! A scriptable HTTP/1.1 server on 127.0.0.1 for replay and reliability tests.
//!
//! ```ignore
//! let server = MockServer::start();
//! server.on(Matcher::action("GetUser"), Reply::fixture("iam/get-user.xml"));
//! // Added later, so tried first: the first two GetUser calls fail, then the fixture answers.
//! server.on(Matcher::action("GetUser").times(2), Reply::status(503));
//! // ... run the binary with --endpoint-url server.url() ...
//! assert_eq!(server.requests()[0].param("UserName").as_deref(), Some("alice"));
//! ```
//!
//! Routes are tried newest first; the first one that matches (and has uses left) answers.
//! Requests no route matches get 404 "mock: no route for METHOD TARGET".

mod routes;

use routes::Action;
pub use routes::{Matcher, Reply};

use super::http::{self, Headers};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Which TCP connection carried it (0, 1, ... in accept order): shows keep-alive reuse.
    pub conn: usize,
    pub method: String,
    /// The request target exactly as sent: raw path and query.
    pub target: String,
    /// The target before `?`, still percent-encoded.
    pub raw_path: String,
    /// `raw_path` percent-decoded (`+` stays `+`).
    pub path: String,
    /// Query pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// Names lowercased, in the order received.
    pub headers: Headers,
    /// The body after de-chunking.
    pub body: Vec<u8>,
}

impl Recorded {
    fn new(
        conn: usize,
        method: String,
        target: String,
        headers: Headers,
        body: Vec<u8>,
    ) -> Recorded {
        let (raw_path, raw_query) = target.split_once('?').unwrap_or((&target, ""));
        Recorded {
            conn,
            path: http::percent_decode(raw_path, false),
            query: http::parse_pairs(raw_query),
            raw_path: raw_path.to_string(),
            method,
            headers,
            body,
            target,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        http::header(&self.headers, &name.to_ascii_lowercase())
    }

    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body decoded as x-www-form-urlencoded pairs (IAM and STS requests); empty when
    /// the Content-Type says it is something else.
    pub fn form(&self) -> Vec<(String, String)> {
        let is_form = self
            .header("content-type")
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Vec::new();
        }
        http::parse_pairs(&String::from_utf8_lossy(&self.body))
    }

    /// A parameter from the query string, else from the form body.
    pub fn param(&self, name: &str) -> Option<String> {
        if let Some(v) = self.query_param(name) {
            return Some(v.to_string());
        }
        self.form()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    pub fn body_str(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Counts how often a route answered.
#[derive(Clone)]
pub struct RouteHandle(Arc<AtomicUsize>);

impl RouteHandle {
    pub fn hits(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

struct Route {
    matcher: Matcher,
    reply: Reply,
    hits: Arc<AtomicUsize>,
}

#[derive(Default)]
struct Shared {
    routes: Mutex<Vec<Route>>,
    requests: Mutex<Vec<Recorded>>,
    /// Clones of open connections, so that drop can shut them down.
    open: Mutex<HashMap<usize, TcpStream>>,
    stopping: Mutex<bool>,
    stop: Condvar,
}

impl Shared {
    fn pick(&self, r: &Recorded) -> Option<Reply> {
        let routes = self.routes.lock().unwrap();
        // Checking and counting under one lock keeps `times(n)` exact with concurrent clients.
        let route = routes.iter().rev().find(|route| {
            route.matcher.matches(r)
                && route
                    .matcher
                    .times
                    .is_none_or(|n| route.hits.load(Ordering::SeqCst) < n)
        })?;
        route.hits.fetch_add(1, Ordering::SeqCst);
        Some(route.reply.clone())
    }

    /// Sleeps for `d` unless the server stops first; true if it is stopping.
    fn wait_or_stop(&self, d: Duration) -> bool {
        let stopping = self.stopping.lock().unwrap();
        let (stopping, _) = self.stop.wait_timeout_while(stopping, d, |s| !*s).unwrap();
        *stopping
    }
}

/// The mock server. Listens until dropped.
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    acceptor: Option<JoinHandle<()>>,
}

impl MockServer {
    pub fn start() -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("mock: bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared::default());
        let acceptor = {
            let shared = shared.clone();
            std::thread::spawn(move || accept_loop(listener, shared))
        };
        MockServer {
            shared,
            addr,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Adds a route; it takes precedence over every route added before it.
    pub fn on(&self, matcher: Matcher, reply: Reply) -> RouteHandle {
        let hits = Arc::new(AtomicUsize::new(0));
        self.shared.routes.lock().unwrap().push(Route {
            matcher,
            reply,
            hits: hits.clone(),
        });
        RouteHandle(hits)
    }

    /// Every request received so far, in arrival order (including unmatched ones).
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        *self.shared.stopping.lock().unwrap() = true;
        self.shared.stop.notify_all();
        // Wake the acceptor, which then sees `stopping`.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        // Connection threads blocked in read see EOF and end on their own.
        for (_, stream) in self.shared.open.lock().unwrap().drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for (id, stream) in listener.incoming().enumerate() {
        if *shared.stopping.lock().unwrap() {
            return;
        }
        let Ok(stream) = stream else { continue };
        // Small responses must not wait for Nagle (the stall s3s-fs has; see perf-anchors.md).
        let _ = stream.set_nodelay(true);
        if let Ok(clone) = stream.try_clone() {
            shared.open.lock().unwrap().insert(id, clone);
        }
        let shared = shared.clone();
        std::thread::spawn(move || {
            let _ = serve(&shared, stream, id);
            // Dropping the last clone of the socket is what closes it.
            shared.open.lock().unwrap().remove(&id);
        });
    }
}

/// Serves requests on one connection until the client closes it or a reply ends it.
fn serve(shared: &Shared, stream: TcpStream, conn: usize) -> io::Result<()> {
    let mut reader = BufReader::with_capacity(64 * 1024, stream.try_clone()?);
    let mut writer = &stream;
    while let Some((start, headers)) = http::read_head(&mut reader)? {
        let mut parts = start.split(' ');
        let (method, target, version) = match (parts.next(), parts.next(), parts.next()) {
            (Some(m), Some(t), Some(v)) => (m.to_string(), t.to_string(), v.to_string()),
            _ => return Err(io::Error::new(io::ErrorKind::InvalidData, start)),
        };
        if http::header(&headers, "expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
        {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let body = http::read_body(&mut reader, &headers, false)?;
        let request = Recorded::new(conn, method, target, headers, body);
        shared.requests.lock().unwrap().push(request.clone());

        let mut reply = shared.pick(&request).unwrap_or_else(|| {
            let msg = format!("mock: no route for {} {}", request.method, request.target);
            eprintln!("{msg}");
            Reply::status(404)
                .header("Content-Type", "text/plain")
                .body(msg)
        });
        while let Action::Compute(f) = &reply.action {
            reply = f(&request);
        }
        if let Some(d) = reply.delay {
            if shared.wait_or_stop(d) {
                return Ok(());
            }
        }
        match reply.action {
            Action::Close => return stream.shutdown(Shutdown::Both),
            Action::Reset => return set_linger_zero(&stream), // the RST goes out on close
            Action::Respond | Action::Compute(_) => {}
        }
        let head = request.method == "HEAD";
        if !write_reply(&mut writer, &reply, head)? {
            if reply.stall_after_truncate {
                shared.wait_or_stop(Duration::from_secs(120));
                return Ok(());
            }
            if reply.reset_after_truncate {
                return set_linger_zero(&stream);
            }
            return stream.shutdown(Shutdown::Both);
        }
        let client_closes = request
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let server_closes = reply
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("connection") && v == "close");
        if client_closes || server_closes || version == "HTTP/1.0" {
            return Ok(());
        }
    }
    Ok(())
}

/// Writes the response; false if the connection must now be closed (truncated body).
fn write_reply(w: &mut impl Write, reply: &Reply, head: bool) -> io::Result<bool> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        let _ = write!(out, "{name}: {value}\r\n");
    }
    let has = |n: &str| reply.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
    if reply.chunked {
        out.push_str("Transfer-Encoding: chunked\r\n");
    } else if !has("content-length") {
        let _ = write!(out, "Content-Length: {}\r\n", reply.body.len());
    }
    out.push_str("\r\n");
    w.write_all(out.as_bytes())?;
    if head {
        return Ok(true);
    }
    let body = match reply.truncate_after {
        Some(n) => &reply.body[..n.min(reply.body.len())],
        None => &reply.body[..],
    };
    if reply.chunked {
        for chunk in body.chunks(16 * 1024) {
            w.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
            w.write_all(chunk)?;
            w.write_all(b"\r\n")?;
        }
        if reply.truncate_after.is_none() {
            w.write_all(b"0\r\n\r\n")?;
        }
    } else {
        w.write_all(body)?;
    }
    w.flush()?;
    Ok(reply.truncate_after.is_none())
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// SO_LINGER with a zero timeout makes close() send RST instead of FIN. std has no stable API
/// for it (TcpStream::set_linger is unstable), so call setsockopt from the C library std
/// already links.
fn set_linger_zero(stream: &TcpStream) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    #[repr(C)]
    struct Linger {
        onoff: i32,
        seconds: i32,
    }
    unsafe extern "C" {
        fn setsockopt(
            fd: i32,
            level: i32,
            name: i32,
            value: *const std::ffi::c_void,
            len: u32,
        ) -> i32;
    }
    #[cfg(target_os = "linux")]
    const SOL_SOCKET_SO_LINGER: (i32, i32) = (1, 13);
    #[cfg(target_vendor = "apple")]
    const SOL_SOCKET_SO_LINGER: (i32, i32) = (0xffff, 0x80);
    let linger = Linger {
        onoff: 1,
        seconds: 0,
    };
    let (level, name) = SOL_SOCKET_SO_LINGER;
    // SAFETY: a valid open socket fd and a pointer to a correctly sized, live `linger`.
    let rc = unsafe {
        setsockopt(
            stream.as_raw_fd(),
            level,
            name,
            (&raw const linger).cast(),
            std::mem::size_of::<Linger>() as u32,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
