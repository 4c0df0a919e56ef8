//! The intake loop: one thread that accepts connections and gathers their request heads,
//! many at a time, without a thread per socket.
//!
//! It sleeps in poll(2) on the listener, the self-pipe and every open connection that
//! still has something to send, until one is ready or the earliest deadline comes. Each
//! connection gets [`READ_TIMEOUT`] (by default) from its accept to send its whole request
//! head; a
//! complete head goes to the workers' queue at once. So a silent or trickling client
//! costs one connection slot and its own deadline: every other client's request is read
//! as soon as it arrives.
//!
//! Slots: at most [`MAX_OPEN`] connections are open at once (a slot is held from accept
//! until the connection is closed, wherever it is). When all are taken, a new connection
//! takes the slot of the oldest one still gathering its head (or draining a body), which
//! was the next to give up anyway; only when every slot holds a request already queued
//! (workers waiting for AWS) does the newcomer get 503 at once.

use std::io::{self, Read};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::cache::Log;
use super::http::{HeadBuffer, ReadError, Request};
use super::server::{Job, Unreadable, busy, log_time};
use super::sys::{self, PollFd, WakeReceiver, Waker};
use crate::pool::Feeder;

/// Connections open at once. Each costs a descriptor and at most a request head's worth
/// of memory (8 KiB); 512 stays well inside the usual limit of 1024 descriptors.
pub(super) const MAX_OPEN: usize = 512;
/// Time a client has, from its connection being accepted, to send its whole request head.
pub(super) const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Time a body we never wanted may take to arrive (and be dropped) after the answer.
const DRAIN_TIME: Duration = Duration::from_secs(1);
/// At most this much of such a body is read before closing.
const MAX_DRAIN: usize = 64 * 1024;
/// Accepts per wake-up, so that reading the connections already open is never starved.
const ACCEPTS_PER_ROUND: usize = 256;
/// After accept fails for lack of descriptors: wait this long (closing connections
/// meanwhile) rather than spin on a listener that stays readable.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// One open connection's share of [`MAX_OPEN`], given back when dropped.
pub(super) struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Connections the workers hand back for their body to be drained.
#[derive(Clone)]
pub(super) struct Returns {
    given: Arc<Mutex<Vec<(TcpStream, Slot)>>>,
    waker: Waker,
}

impl Returns {
    pub(super) fn new(waker: Waker) -> Self {
        Returns {
            given: Arc::default(),
            waker,
        }
    }

    pub(super) fn give(&self, stream: TcpStream, slot: Slot) {
        self.given
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((stream, slot));
        self.waker.wake();
    }

    fn take(&self) -> Vec<(TcpStream, Slot)> {
        std::mem::take(&mut *self.given.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

enum Phase {
    /// Gathering the request head.
    Reading(HeadBuffer),
    /// Answered; reading and dropping a body (bytes so far) until it ends.
    Draining(usize),
}

struct Conn {
    stream: TcpStream,
    slot: Slot,
    phase: Phase,
    deadline: Instant,
}

/// What became of a connection after reading what it had.
enum Next {
    Wait,
    Close,
    Queue(Result<Request, Unreadable>),
}

pub(super) struct Intake<'q> {
    listener: TcpListener,
    wakes: WakeReceiver,
    /// The workers' queue, and the flag that stops both it and this loop.
    queue: &'q Feeder<Job>,
    stop: &'q AtomicBool,
    returns: Returns,
    log: Log,
    read_timeout: Duration,
    conns: Vec<Conn>,
    open: Arc<AtomicUsize>,
    accept_paused_until: Option<Instant>,
}

impl<'q> Intake<'q> {
    pub(super) fn new(
        listener: TcpListener,
        wakes: WakeReceiver,
        (queue, stop): (&'q Feeder<Job>, &'q AtomicBool),
        returns: Returns,
        log: Log,
        read_timeout: Duration,
    ) -> Self {
        Intake {
            listener,
            wakes,
            queue,
            stop,
            returns,
            log,
            read_timeout,
            conns: Vec::new(),
            open: Arc::new(AtomicUsize::new(0)),
            accept_paused_until: None,
        }
    }

    pub(super) fn run(mut self) {
        let mut fds = Vec::new();
        while !self.stop.load(Ordering::SeqCst) {
            let now = Instant::now();
            self.expire(now);
            let listening = self.accept_paused_until.is_none_or(|t| now >= t);
            fds.clear();
            fds.push(PollFd::readable(self.wakes.fd()));
            if listening {
                fds.push(PollFd::readable(self.listener.as_raw_fd()));
            }
            let first_conn = fds.len();
            fds.extend(
                self.conns
                    .iter()
                    .map(|c| PollFd::readable(c.stream.as_raw_fd())),
            );
            let next_deadline = self
                .conns
                .iter()
                .map(|c| c.deadline)
                .chain(self.accept_paused_until.filter(|_| !listening))
                .min();
            let timeout = next_deadline.map(|d| d.saturating_duration_since(now));
            if sys::wait(&mut fds, timeout).is_err() {
                // Out of kernel memory and the like: try again shortly rather than spin.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            // First the connections polled, while `conns` still matches `fds`; only then
            // those handed back and those accepted, which join `conns`.
            self.progress_ready(&fds[first_conn..]);
            if fds[0].ready() {
                self.wakes.drain();
                self.take_returns();
            }
            if listening && fds[1].ready() {
                self.accept_all();
            }
        }
        // Dropping `self` closes every connection still gathering a request.
    }

    /// Reads what each ready connection has, in one pass that keeps the others in order.
    fn progress_ready(&mut self, ready: &[PollFd]) {
        debug_assert_eq!(ready.len(), self.conns.len());
        let mut kept = Vec::with_capacity(self.conns.len());
        for (mut conn, fd) in std::mem::take(&mut self.conns).into_iter().zip(ready) {
            if !fd.ready() {
                kept.push(conn);
                continue;
            }
            match read_more(&mut conn) {
                Next::Wait => kept.push(conn),
                Next::Close => {}
                Next::Queue(request) => self.queue(conn, request),
            }
        }
        self.conns = kept;
    }

    /// Connections past their deadline: a head never finished is answered 400 when
    /// something came, closed when nothing did; a drain simply ends.
    fn expire(&mut self, now: Instant) {
        if self.conns.iter().all(|c| c.deadline > now) {
            return;
        }
        let (late, kept): (Vec<Conn>, Vec<Conn>) = std::mem::take(&mut self.conns)
            .into_iter()
            .partition(|c| c.deadline <= now);
        self.conns = kept;
        for conn in late {
            if let Phase::Reading(head) = &conn.phase {
                if let ReadError::Bad(line) = head.unfinished() {
                    self.queue(conn, Err(Unreadable(line)));
                }
            }
        }
    }

    fn accept_all(&mut self) {
        for _ in 0..ACCEPTS_PER_ROUND {
            match self.listener.accept() {
                Ok((stream, _)) => self.admit(stream),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if is_transient(&e) => {}
                Err(_) => {
                    // Out of descriptors: the listener stays readable, so stop polling it
                    // for a moment while connections close.
                    self.accept_paused_until = Some(Instant::now() + ACCEPT_PAUSE);
                    return;
                }
            }
        }
    }

    fn admit(&mut self, stream: TcpStream) {
        if stream.set_nonblocking(true).is_err() {
            return;
        }
        let _ = stream.set_nodelay(true);
        if self.open.load(Ordering::SeqCst) >= MAX_OPEN && !self.evict_oldest() {
            busy(stream, &self.log);
            return;
        }
        self.open.fetch_add(1, Ordering::SeqCst);
        let mut conn = Conn {
            stream,
            slot: Slot(self.open.clone()),
            phase: Phase::Reading(HeadBuffer::default()),
            deadline: Instant::now() + self.read_timeout,
        };
        // The request often arrives with the connection: read it now, not one poll later.
        match read_more(&mut conn) {
            Next::Wait => self.conns.push(conn),
            Next::Close => {}
            Next::Queue(request) => self.queue(conn, request),
        }
    }

    /// Closes the connection that has held its slot longest without a complete request
    /// (bodies being drained first: their answer is already sent). False when every slot
    /// holds a request already queued for the workers.
    fn evict_oldest(&mut self) -> bool {
        let victim = self
            .conns
            .iter()
            .enumerate()
            .min_by_key(|(_, c)| (matches!(c.phase, Phase::Reading(_)), c.deadline))
            .map(|(i, _)| i);
        let Some(i) = victim else {
            return false;
        };
        if matches!(self.conns.swap_remove(i).phase, Phase::Reading(_)) {
            (self.log)(&format!(
                "{} - Too many connections: closed the oldest one still sending its request",
                log_time(time::OffsetDateTime::now_utc())
            ));
        }
        true
    }

    fn queue(&mut self, conn: Conn, request: Result<Request, Unreadable>) {
        let job = Job {
            stream: conn.stream,
            slot: conn.slot,
            request,
        };
        // Never waits: each queued job holds one of the MAX_OPEN slots the queue has room
        // for. Refused only once the server stops, which leaves nothing to do but close.
        self.queue.push(job, self.stop);
    }

    fn take_returns(&mut self) {
        let deadline = Instant::now() + DRAIN_TIME;
        for (stream, slot) in self.returns.take() {
            if stream.set_nonblocking(true).is_ok() {
                self.conns.push(Conn {
                    stream,
                    slot,
                    phase: Phase::Draining(0),
                    deadline,
                });
            }
        }
    }
}

/// Reads what the socket has now (it is non-blocking) and says what comes next.
fn read_more(conn: &mut Conn) -> Next {
    let mut chunk = [0u8; 4096];
    loop {
        let read = conn.stream.read(&mut chunk);
        match (&mut conn.phase, read) {
            (_, Err(e)) if e.kind() == io::ErrorKind::WouldBlock => return Next::Wait,
            (_, Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
            (Phase::Reading(head), Ok(0) | Err(_)) => {
                return match head.unfinished() {
                    ReadError::Nothing => Next::Close,
                    ReadError::Bad(line) => Next::Queue(Err(Unreadable(line))),
                };
            }
            (Phase::Reading(head), Ok(n)) => match head.push(&chunk[..n]) {
                None => {}
                Some(Ok(request)) => return Next::Queue(Ok(request)),
                Some(Err(ReadError::Bad(line))) => return Next::Queue(Err(Unreadable(line))),
                Some(Err(ReadError::Nothing)) => return Next::Close,
            },
            (Phase::Draining(_), Ok(0) | Err(_)) => return Next::Close,
            (Phase::Draining(so_far), Ok(n)) => {
                *so_far += n;
                if *so_far >= MAX_DRAIN {
                    return Next::Close;
                }
            }
        }
    }
}

/// Accept errors about one connection (it went away before we took it), not the listener.
fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::Interrupted
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
