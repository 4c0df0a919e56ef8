//! The listening socket, the accept loop and a small pool of workers.
//!
//! Each connection carries one request and is then closed. Workers bound how long a client
//! may take to send its request ([`READ_TIMEOUT`]) and to take the answer
//! ([`WRITE_TIMEOUT`]), so a slow or silent client holds one worker for seconds at most
//! while the others keep serving. When every worker is busy and the queue is full, new
//! connections get 503 at once instead of waiting without limit.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::cache::Log;
use super::http::{self, ReadError, Response};
use super::routes::App;

/// Worker threads: requests are tiny, but one may wait on AssumeRole.
pub const WORKERS: usize = 8;
/// Connections accepted but not yet picked up by a worker.
const QUEUE: usize = 32;
/// Time a client has to send its whole request head.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the accept loop looks at the stop flag.
const POLL: Duration = Duration::from_millis(50);
/// At most this much of a request body is read (and dropped) before closing, so that the
/// client sees our answer rather than a connection reset.
const MAX_DRAIN: u64 = 64 * 1024;

/// The address to listen on for `--host`: the first IPv4 address the name has, as the
/// original's IPv4-only HTTPServer binds, else the first IPv6 one (`--host ::1`).
pub fn resolve(host: &str, port: u16) -> io::Result<SocketAddr> {
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
}

impl Server {
    pub fn bind(addr: SocketAddr) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        // Non-blocking so the loop can notice the stop flag (Ctrl-C) between connections.
        listener.set_nonblocking(true)?;
        Ok(Server { listener })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `stop` becomes true. `log` gets one line per request.
    pub fn run(self, app: Arc<App>, stop: &AtomicBool, log: Log) {
        let (queue, jobs) = mpsc::sync_channel::<TcpStream>(QUEUE);
        let jobs = Arc::new(Mutex::new(jobs));
        for _ in 0..WORKERS {
            let (jobs, app, log) = (jobs.clone(), app.clone(), log.clone());
            std::thread::spawn(move || work(&jobs, &app, &log));
        }
        while !stop.load(Ordering::SeqCst) {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    // Some systems hand out accepted sockets non-blocking like the listener.
                    if stream.set_nonblocking(false).is_err() {
                        continue;
                    }
                    match queue.try_send(stream) {
                        Ok(()) => {}
                        Err(TrySendError::Full(stream)) => busy(stream, &log),
                        Err(TrySendError::Disconnected(_)) => break,
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(POLL),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // Out of file descriptors and the like: wait rather than spin.
                Err(_) => std::thread::sleep(POLL),
            }
        }
        // Dropping `queue` ends each worker once its current request is done.
    }
}

fn work(jobs: &Mutex<Receiver<TcpStream>>, app: &App, log: &Log) {
    loop {
        let next = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        match next {
            Ok(stream) => serve(stream, app, log),
            Err(_) => return,
        }
    }
}

/// One connection: read the request, answer, log, close.
fn serve(mut stream: TcpStream, app: &App, log: &Log) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let (line, response, has_body) =
        match http::read_request(&mut stream, Instant::now() + READ_TIMEOUT) {
            Ok(request) => (
                request.line.clone(),
                app.respond(&request),
                request.has_body(),
            ),
            Err(ReadError::Nothing) => return,
            Err(ReadError::Bad(line)) => (line, Response::error(400, "Bad request"), false),
        };
    // Logged before answering, as the original does (in send_response): a client that
    // has its answer sees its line already in the log, and lines keep request order.
    log(&request_log_line(now_utc(), &line, response.status));
    let _ = stream.write_all(&response.to_bytes());
    let _ = stream.flush();
    if has_body {
        drain(&mut stream);
    }
}

/// Reads and drops what the client still sends (a body we never wanted), briefly, so that
/// closing the socket does not reset the connection before the client reads our answer.
fn drain(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let _ = io::copy(&mut stream.take(MAX_DRAIN), &mut io::sink());
}

/// Every worker busy and the queue full: say so at once.
fn busy(mut stream: TcpStream, log: &Log) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let response = Response::error(503, "Server busy");
    let _ = stream.write_all(&response.to_bytes());
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
pub fn log_time(t: OffsetDateTime) -> String {
    crate::output::utc_seconds(t, ' ')
}

/// The original's request log line: `2026-11-28 22:57:41 - "GET / HTTP/1.1" 200 -`.
/// Control characters and non-ASCII in the request line are escaped (`\x1b`), so a client
/// cannot write terminal escapes or fake lines into the log.
pub fn request_log_line(t: OffsetDateTime, request_line: &str, status: u16) -> String {
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

    #[test]
    fn localhost_resolves_to_ipv4_first() {
        let addr = resolve("localhost", 8094).unwrap();
        assert!(addr.ip().is_loopback() && addr.is_ipv4(), "{addr}");
        assert_eq!(resolve("::1", 1).unwrap().to_string(), "[::1]:1");
    }
}
