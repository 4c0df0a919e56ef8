//! Plain TCP connections for the transport, with one difference from ureq's own: before
//! each read the socket is put in "quick ACK" mode (Linux `TCP_QUICKACK`).
//!
//! Why: on a reused keep-alive connection Linux delays the ACK of a response's first
//! segment (up to 40 ms) hoping to piggyback it on the next request. A server that
//! writes the headers and the body of a small response separately without
//! `TCP_NODELAY` (s3s-fs, and other servers built the same way) then holds the body
//! back until that ACK arrives (Nagle), and every small GET stalls for the full delay.
//! ACKing at once costs a packet and removes the stall; against servers that set
//! `TCP_NODELAY` (AWS S3) it changes nothing.

use std::net::TcpStream;
use std::sync::{Arc, Weak};

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, ShutdownHandle,
    Transport,
};

/// Connects like ureq's `TcpConnector`, yielding a [`QuickAck`] transport.
#[derive(Debug, Default)]
pub(crate) struct QuickAckTcp;

impl<In: Transport> Connector<In> for QuickAckTcp {
    type Out = Either<In, QuickAck>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        // A proxy connector earlier in the chain already made the connection.
        if chained.is_some() {
            return Ok(chained.map(Either::A));
        }
        let timeout = details.timeout.not_zero().map(|t| *t);
        // A clean-up after Ctrl-C has a deadline of its own.
        let timeout = match (timeout, crate::interrupt::deadline()) {
            (t, Some(d)) => Some(
                d.saturating_duration_since(Instant::now())
                    .min(t.unwrap_or(Duration::MAX))
                    .max(Duration::from_millis(1)),
            ),
            (t, None) => t,
        };
        let mut last_error = None;
        for addr in details.addrs.iter() {
            match connect_interruptibly(*addr, timeout) {
                Ok(stream) => {
                    if details.config.no_delay() {
                        stream.set_nodelay(true)?;
                    }
                    // A second handle on the socket lets the agent shut it down
                    // while a read is blocked on it (timeouts).
                    let handle = Arc::new(stream.try_clone()?);
                    let weak: Weak<dyn ShutdownHandle> =
                        Arc::downgrade(&handle) as Weak<dyn ShutdownHandle>;
                    (details.register_shutdown)(weak)?;
                    let buffers = LazyBuffers::new(
                        details.config.input_buffer_size(),
                        details.config.output_buffer_size(),
                    );
                    return Ok(Some(Either::B(QuickAck {
                        buffers,
                        socket: handle,
                        unanswered: 0,
                        grace: None,
                    })));
                }
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                    last_error = Some(ureq::Error::Timeout(ureq::Timeout::Connect));
                }
                Err(e) => last_error = Some(ureq::Error::Io(e)),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::ConnectionRefused,
                "Connection refused",
            ))
        }))
    }
}

/// Connects on a helper thread and waits for it in [`crate::interrupt::POLL`] steps: a
/// blocking connect to an address that drops packets takes the whole connect timeout
/// and no signal ends it. After a signal the helper is left to finish on its own. A
/// thread per new connection is cheap next to the connection; requests reuse them.
fn connect_interruptibly(
    addr: std::net::SocketAddr,
    timeout: Option<Duration>,
) -> std::io::Result<TcpStream> {
    let connect = move || match timeout {
        Some(t) => TcpStream::connect_timeout(&addr, t),
        None => TcpStream::connect(addr),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let helper = std::thread::Builder::new().spawn(move || {
        let _ = tx.send(connect());
    });
    if helper.is_err() {
        // No thread to be had: connect here, as before.
        return connect();
    }
    loop {
        if crate::interrupt::stops_io() {
            return Err(stopped_by_signal());
        }
        match rx.recv_timeout(crate::interrupt::POLL) {
            Ok(result) => return result,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(std::io::Error::other("the connect thread ended"));
            }
        }
    }
}

/// A TCP transport as ureq's own (which it does not export), ACKing promptly.
#[derive(Debug)]
pub(crate) struct QuickAck {
    buffers: LazyBuffers,
    socket: Arc<TcpStream>,
    /// Bytes sent since the last answer began to arrive: beyond a request head, an upload.
    unanswered: usize,
    /// After Ctrl-C, until when an upload that is all sent may wait for its answer, and
    /// the signal count then.
    grace: Option<(Instant, usize)>,
}

/// More than any request head: what was sent is (part of) a body.
const UPLOAD_BODY: usize = 16 * 1024;
/// How long an upload whose body is all sent may still wait for its answer after Ctrl-C.
/// The server is storing it; if we left now it could finish after we abort the multipart
/// upload, and that part would stay (S3 documents this race). Once it is answered, the
/// abort removes it.
const UPLOAD_GRACE: Duration = Duration::from_secs(5);

impl QuickAck {
    /// Whether a signal means this read or write must stop now: yes, unless it waits for
    /// the answer to an upload that is all sent, within [`UPLOAD_GRACE`] and with no
    /// further signal.
    fn stop_now(&mut self, waiting_for_answer: bool) -> bool {
        if !crate::interrupt::stops_io() {
            return false;
        }
        if !waiting_for_answer || self.unanswered < UPLOAD_BODY {
            return true;
        }
        let signals = crate::interrupt::signals();
        let (until, seen) = *self
            .grace
            .get_or_insert((Instant::now() + UPLOAD_GRACE, signals));
        signals > seen || Instant::now() >= until
    }
}

/// When the current step must be done: ureq's timeout, or sooner for a clean-up with a
/// deadline of its own (after Ctrl-C). None waits without limit; the timeout error
/// when ureq's budget is already spent.
fn step_deadline(timeout: &NextTimeout) -> Result<Option<Instant>, ureq::Error> {
    if timeout.after.is_zero() {
        return Err(ureq::Error::Timeout(timeout.reason));
    }
    let ureq = timeout.not_zero().map(|t| Instant::now() + *t);
    Ok(match (ureq, crate::interrupt::deadline()) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    })
}

/// Why a blocking socket call returned without progress.
enum Wait {
    /// The socket's timeout passed, but the step's deadline has not: try again.
    Again,
    /// A signal: stop.
    Stop,
    Fail(ureq::Error),
}

/// The socket timeout for the next try: until the deadline, at most
/// [`crate::interrupt::POLL`], so that a signal is noticed while the peer is silent.
/// Set only when it changes, so a busy connection costs no extra system call.
fn socket_timeout(
    deadline: Option<Instant>,
    timeout: &NextTimeout,
) -> Result<Duration, ureq::Error> {
    let poll = crate::interrupt::POLL;
    match deadline {
        None => Ok(poll),
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                Err(ureq::Error::Timeout(timeout.reason))
            } else {
                Ok(left.min(poll))
            }
        }
    }
}

/// What a failed read or write means: a poll tick (again, unless a signal (`stop`) or
/// the deadline says stop), or the error to hand to ureq.
fn after_error(
    e: std::io::Error,
    stop: bool,
    deadline: Option<Instant>,
    timeout: &NextTimeout,
) -> Wait {
    match e.kind() {
        std::io::ErrorKind::TimedOut
        | std::io::ErrorKind::WouldBlock
        | std::io::ErrorKind::Interrupted => {
            if stop {
                Wait::Stop
            } else if deadline.is_some_and(|d| Instant::now() >= d) {
                Wait::Fail(ureq::Error::Timeout(timeout.reason))
            } else {
                Wait::Again
            }
        }
        _ => Wait::Fail(ureq::Error::Io(e)),
    }
}

/// The error a transfer stopped by Ctrl-C ends with; the transport's caller sees the
/// signal count and reports the interrupt rather than this. The connection is reset
/// rather than closed, so that what is still in the send buffer (most of a part) is
/// dropped and the server sees a broken request: a graceful close would deliver the
/// whole part after we have aborted the upload, and S3 may then keep it.
fn interrupted(socket: &TcpStream) -> ureq::Error {
    reset_on_close(socket);
    ureq::Error::Io(stopped_by_signal())
}

/// Not `ErrorKind::Interrupted`: by convention that means "try again" (EINTR), and the
/// readers above us (ureq's, our body copy) would retry the read for ever.
fn stopped_by_signal() -> std::io::Error {
    std::io::Error::other("interrupted by a signal")
}

impl Transport for QuickAck {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        let deadline = step_deadline(&timeout)?;
        let mut current = None;
        let mut written = 0;
        while written < amount {
            if self.stop_now(false) {
                return Err(interrupted(&self.socket));
            }
            let wanted = socket_timeout(deadline, &timeout)?;
            if current != Some(wanted) {
                self.socket.set_write_timeout(Some(wanted))?;
                current = Some(wanted);
            }
            let output = &self.buffers.output()[written..amount];
            match (&*self.socket).write(output) {
                Ok(0) => return Err(ureq::Error::Io(std::io::ErrorKind::WriteZero.into())),
                Ok(n) => {
                    written += n;
                    self.unanswered += n;
                }
                Err(e) => {
                    let stop = self.stop_now(false);
                    match after_error(e, stop, deadline, &timeout) {
                        Wait::Again => {}
                        Wait::Stop => return Err(interrupted(&self.socket)),
                        Wait::Fail(e) => return Err(e),
                    }
                }
            }
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        let deadline = step_deadline(&timeout)?;
        let mut current = None;
        quick_ack(&self.socket);
        let amount = loop {
            if self.stop_now(true) {
                return Err(interrupted(&self.socket));
            }
            let wanted = socket_timeout(deadline, &timeout)?;
            if current != Some(wanted) {
                self.socket.set_read_timeout(Some(wanted))?;
                current = Some(wanted);
            }
            let input = self.buffers.input_append_buf();
            match (&*self.socket).read(input) {
                Ok(n) => break n,
                Err(e) => {
                    let stop = self.stop_now(true);
                    match after_error(e, stop, deadline, &timeout) {
                        Wait::Again => {}
                        Wait::Stop => return Err(interrupted(&self.socket)),
                        Wait::Fail(e) => return Err(e),
                    }
                }
            }
        };
        if amount > 0 {
            // The answer has begun: what was sent is answered.
            self.unanswered = 0;
            self.grace = None;
        }
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    /// Is an idle pooled connection still usable? Not if the server closed it or sent
    /// something unasked.
    fn is_open(&mut self) -> bool {
        let socket = &*self.socket;
        if socket.set_nonblocking(true).is_err() {
            return false;
        }
        let mut byte = [0u8];
        let open = matches!(
            (&*socket).read(&mut byte),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock
        );
        socket.set_nonblocking(false).is_ok() && open
    }
}

/// `setsockopt(2)` with a value of type `T` (we have no libc crate, so it is declared
/// here). Best effort: failure only means the old behaviour, so it is ignored.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn set_option<T>(socket: &TcpStream, level: i32, name: i32, value: &T) {
    use std::os::fd::AsRawFd;
    unsafe extern "C" {
        fn setsockopt(
            fd: i32,
            level: i32,
            name: i32,
            value: *const std::ffi::c_void,
            len: u32,
        ) -> i32;
    }
    // SAFETY: a valid open socket, and a pointer to a live value of the size passed.
    unsafe {
        setsockopt(
            socket.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            std::mem::size_of::<T>() as u32,
        );
    }
}

/// Switch the socket to quick-ACK mode (the kernel leaves it again by itself, hence
/// once per read).
#[cfg(target_os = "linux")]
fn quick_ack(socket: &TcpStream) {
    const IPPROTO_TCP: i32 = 6;
    const TCP_QUICKACK: i32 = 12;
    set_option(socket, IPPROTO_TCP, TCP_QUICKACK, &1i32);
}

#[cfg(not(target_os = "linux"))]
fn quick_ack(_socket: &TcpStream) {}

/// SO_LINGER with a zero timeout: closing the socket then sends a reset and drops unsent
/// data (std's `set_linger` is not stable yet). Failure only means a graceful close.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn reset_on_close(socket: &TcpStream) {
    #[cfg(target_os = "linux")]
    const SOL_SOCKET_SO_LINGER: (i32, i32) = (1, 13);
    #[cfg(target_os = "macos")]
    const SOL_SOCKET_SO_LINGER: (i32, i32) = (0xffff, 0x80);
    /// `struct linger`: on/off, then seconds.
    #[repr(C)]
    struct Linger {
        onoff: i32,
        seconds: i32,
    }
    let linger = Linger {
        onoff: 1,
        seconds: 0,
    };
    set_option(
        socket,
        SOL_SOCKET_SO_LINGER.0,
        SOL_SOCKET_SO_LINGER.1,
        &linger,
    );
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn reset_on_close(_socket: &TcpStream) {}
