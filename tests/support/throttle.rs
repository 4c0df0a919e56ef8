//! A TCP relay on 127.0.0.1 that passes bytes on at a fixed rate each way: a slow network
//! in front of moto or s3s-fs, so that a transfer of a few MiB takes seconds and a test can
//! act on it while it runs (send Ctrl-C) without multi-gigabyte inputs. Host headers and
//! signatures are untouched: the client signs for the relay's address, which is what the
//! server then sees.
//!
//! Not MockServer: this relays bytes to a real server at a set rate, below HTTP, which a
//! route table cannot express.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct Throttle {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Throttle {
    /// Relays to `upstream` (`http://127.0.0.1:PORT`) at `bytes_per_second` each way.
    pub fn start(upstream: &str, bytes_per_second: u64) -> Throttle {
        let target = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                for (from, to) in [
                    (client.try_clone(), server.try_clone()),
                    (server.try_clone(), client.try_clone()),
                ] {
                    if let (Ok(from), Ok(to)) = (from, to) {
                        std::thread::spawn(move || pace(from, to, bytes_per_second));
                    }
                }
            }
        });
        Throttle { port, stop }
    }

    /// `http://127.0.0.1:PORT`, to give as `--endpoint-url`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Throttle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Copies `from` to `to`, never ahead of `rate` bytes a second since the first byte; an
/// end or error on one side ends the other (so a client that dies mid-body is a broken
/// request to the server, as without the relay).
fn pace(mut from: TcpStream, mut to: TcpStream, rate: u64) {
    let mut buf = [0u8; 16 * 1024];
    let mut started: Option<Instant> = None;
    let mut sent: u64 = 0;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            // A reset (a client that gave up on its request) ends both ways at once, so
            // the server does not get the rest of the request from our buffers.
            Err(_) => {
                let _ = to.shutdown(Shutdown::Both);
                return;
            }
        };
        let start = *started.get_or_insert_with(Instant::now);
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        sent += n as u64;
        // Bandwidth shaping, not a wait for an event: the byte count sets the pace.
        let due = Duration::from_secs_f64(sent as f64 / rate as f64);
        if let Some(ahead) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(ahead);
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    let _ = from.shutdown(Shutdown::Read);
}
