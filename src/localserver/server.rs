//! The listening socket, the intake loop and a small pool of workers.
//!
//! Two kinds of thread, so that no client can hold up another:
//! - one intake thread ([`super::intake`]) sleeps in poll(2) on the listener, every
//!   connection still sending its request, and a self-pipe; it accepts, gathers request
//!   heads from many sockets at once (each with its own deadline), and queues each
//!   complete request. A silent or trickling client costs one connection slot and a few
//!   KiB until its own deadline, and no thread.
//! - [`WORKERS`] workers (the program's one worker pool, `crate::pool`, fed by the
//!   intake) take complete requests, answer them and close. Only they may wait (for the
//!   one AssumeRole when no valid credentials are left).
//!
//! Bounds: at most [`intake::MAX_OPEN`] connections are open at once (gathering, queued,
//! answered or being drained); the queue holds only those, so threads and memory are
//! bounded. Ctrl-C, SIGTERM or a [`Waker`] wake the intake at once. Once it stops, each
//! worker finishes the request it is answering and [`Server::run`] returns; requests
//! still queued are closed unanswered.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use time::OffsetDateTime;

use super::cache::Log;
use super::http::{Request, Response};
use super::intake::{self, Intake, Slot};
use super::routes::App;
use super::sys::{self, WakeReceiver};

pub use super::sys::Waker;

/// Worker threads: requests are tiny, but one may wait on AssumeRole.
pub(crate) const WORKERS: usize = 8;
/// Connections the kernel may hold for us before we accept them (std's is 128).
const BACKLOG: i32 = 1024;
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// The address to listen on for `--host`: the first IPv4 address the name has, as the
/// original's IPv4-only HTTPServer binds, else the first IPv6 one (`--host ::1`).
pub(crate) fn resolve(host: &str, port: u16) -> io::Result<SocketAddr> {
    let addrs: Vec<SocketAddr> = (host, port).to_socket_addrs()?.collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address found for host"))
}

/// A bound socket, ready to serve.
pub struct Server {
    listener: TcpListener,
    waker: Waker,
    wakes: WakeReceiver,
    read_timeout: Duration,
}

impl Server {
    pub fn bind(addr: SocketAddr) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        sys::set_backlog(&listener, BACKLOG)?;
        listener.set_nonblocking(true)?;
        let (waker, wakes) = sys::wake_pair()?;
        Ok(Server {
            listener,
            waker,
            wakes,
            read_timeout: intake::READ_TIMEOUT,
        })
    }

    /// The time each client has to send its request head, from its connection (tests set
    /// it long, to hold idle connections open, or short, to see them closed).
    pub fn with_read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Makes [`Server::run`] look at its stop flag at once; for the signal handler, see
    /// [`Waker::leak_fd`] and `crate::interrupt::wake_on_signal`.
    pub fn waker(&self) -> Waker {
        self.waker.clone()
    }

    /// Serves until `stop` is true (looked at whenever the waker or a signal wakes the
    /// loop), then returns once the requests being answered are. `log` gets one line per
    /// request.
    pub fn run(self, app: Arc<App>, stop: &AtomicBool, log: Log) {
        let drained = intake::Returns::new(self.waker.clone());
        let Server {
            listener,
            wakes,
            read_timeout,
            ..
        } = self;
        // The queue has room for every open connection, so the intake never waits on it.
        // The pool's only error is a signal, which has already stopped the intake.
        let _ = crate::pool::stream(
            WORKERS,
            intake::MAX_OPEN,
            stop,
            |queue| {
                let intake = Intake::new(
                    listener,
                    wakes,
                    (queue, stop),
                    drained.clone(),
                    log.clone(),
                    read_timeout,
                );
                intake.run();
                // Open connections still gathering a request are closed here.
            },
            |job| {
                // A request that panics (a bug, or a Source that does) costs its own
                // connection only: the worker and the shutdown go on.
                let answer = AssertUnwindSafe(|| serve(job, &app, &log, &drained));
                let _ = std::panic::catch_unwind(answer);
            },
        );
    }
}

/// A connection with a complete request head (or one that cannot be read), on its way
/// to a worker.
pub(super) struct Job {
    pub stream: TcpStream,
    pub slot: Slot,
    pub request: Result<Request, Unreadable>,
}

/// A request head that could not be read (malformed, or unfinished at its deadline):
/// its request line as far as it came, for the log. Answered 400.
pub(super) struct Unreadable(pub String);

/// One request: answer, log, close (or hand back to drain a body).
fn serve(job: Job, app: &App, log: &Log, drained: &intake::Returns) {
    let Job {
        mut stream,
        slot,
        request,
    } = job;
    let (line, response, has_body) = match request {
        Ok(request) => (
            request.line.clone(),
            app.respond(&request),
            request.has_body(),
        ),
        Err(Unreadable(line)) => (line, Response::error(400, "Bad request"), false),
    };
    // Logged before answering, as the original does (in send_response): a client that
    // has its answer sees its line already in the log, and lines keep request order.
    log(&request_log_line(now_utc(), &line, response.status));
    // The answer (a few KiB at most) fits the socket's send buffer, so this write does
    // not wait on the client; the timeout covers a buffer made tiny.
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.write_all(&response.to_bytes());
    if has_body {
        // Closing with a body still arriving would reset the connection before the client
        // read our answer: the intake reads and drops it, briefly, then closes.
        let _ = stream.shutdown(Shutdown::Write);
        drained.give(stream, slot);
    }
}

/// Every connection slot taken by requests already queued: say so at once, without
/// waiting on the client (the loop must not block).
pub(super) fn busy(mut stream: TcpStream, log: &Log) {
    let response = Response::error(503, "Server busy");
    let _ = stream.write(&response.to_bytes());
    // Whatever the client sent is read, so the close does not reset the connection.
    let _ = stream.read(&mut [0u8; 1024]);
    log(&format!(
        "{} - Too many connections: answered 503",
        log_time(now_utc())
    ));
}

fn now_utc() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// `2026-11-28 22:57:41`, the original's log timestamp (which is local time there; UTC
/// here, as a thread-safe local offset is not available on every platform).
pub(crate) fn log_time(t: OffsetDateTime) -> String {
    crate::output::utc_seconds(t, ' ')
}

/// The original's request log line: `2026-11-28 22:57:41 - "GET / HTTP/1.1" 200 -`.
/// Control characters and non-ASCII in the request line are escaped (`\x1b`), so a client
/// cannot write terminal escapes or fake lines into the log.
pub(crate) fn request_log_line(t: OffsetDateTime, request_line: &str, status: u16) -> String {
    let mut line = String::with_capacity(request_line.len());
    for c in request_line.chars() {
        if c.is_ascii_graphic() || c == ' ' {
            line.push(c);
        } else if (c as u32) < 0x100 {
            line.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            line.push_str(&c.escape_unicode().to_string());
        }
    }
    format!("{} - \"{line}\" {status} -", log_time(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_follow_the_original() {
        let t = time::macros::datetime!(2026-11-28 22:57:41.5 UTC);
        assert_eq!(
            request_log_line(t, "GET / HTTP/1.1", 200),
            "2026-11-28 22:57:41 - \"GET / HTTP/1.1\" 200 -"
        );
        assert_eq!(
            request_log_line(t, "GET /\u{1b}[2J\u{e9} HTTP/1.1", 404),
            "2026-11-28 22:57:41 - \"GET /\\x1b[2J\\xe9 HTTP/1.1\" 404 -"
        );
    }

    /// Panics on its first fetch, answers after.
    struct PanicsOnce(std::sync::atomic::AtomicBool);

    impl super::super::cache::Source for PanicsOnce {
        fn fetch(&self) -> Result<super::super::TempCredentials, super::super::FetchError> {
            if !self.0.swap(true, std::sync::atomic::Ordering::SeqCst) {
                panic!("a source that panics (expected by this test)");
            }
            Ok(super::super::TempCredentials {
                access_key_id: "AKIDSERVED".into(),
                secret_access_key: "secret".into(),
                session_token: "token".into(),
                expiration: OffsetDateTime::now_utc() + Duration::from_secs(3600),
            })
        }
    }

    fn get(addr: SocketAddr) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    #[test]
    fn a_request_that_panics_costs_its_connection_only() {
        let source = PanicsOnce(std::sync::atomic::AtomicBool::new(false));
        let cache = super::super::CredentialCache::new(
            Box::new(source),
            Box::new(super::super::SystemClock),
            Duration::from_secs(3600),
        );
        let log: Log = Arc::new(|_: &str| {});
        let app = Arc::new(App::new(
            cache,
            super::super::Guard::new("localhost", None),
            log.clone(),
        ));
        let server = Server::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = server.local_addr().unwrap();
        let waker = server.waker();
        let stop = Arc::new(AtomicBool::new(false));
        let running = {
            let stop = stop.clone();
            std::thread::spawn(move || server.run(app, &stop, log))
        };
        // The panicking request's connection closes unanswered; the next is served.
        assert_eq!(get(addr), "");
        let second = get(addr);
        assert!(second.starts_with("HTTP/1.1 200"), "{second}");
        assert!(second.contains("AKIDSERVED"), "{second}");
        // And the server still stops cleanly.
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        waker.wake();
        assert!(running.join().is_ok(), "run returned normally");
    }

    #[test]
    fn localhost_resolves_to_ipv4_first() {
        let addr = resolve("localhost", 8094).unwrap();
        assert!(addr.ip().is_loopback() && addr.is_ipv4(), "{addr}");
        assert_eq!(resolve("::1", 1).unwrap().to_string(), "[::1]:1");
    }
}
