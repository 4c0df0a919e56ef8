//! What std does not offer the server: poll(2) over many sockets at once, listen(2) again
//! for a longer accept backlog, and a self-pipe ([`Waker`]) that wakes a poll from another
//! thread or from the signal handler.
//!
//! No libc crate (see the house rules): the two functions are declared here. `struct
//! pollfd` is `{ int fd; short events; short revents; }` and the POLL* bits below have the
//! same values on Linux, macOS and the BSDs; `nfds_t` is `unsigned long` on Linux and
//! `unsigned int` on the others.

use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::os::fd::{AsRawFd, IntoRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::time::Duration;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(super) struct PollFd {
    pub fd: RawFd,
    pub events: i16,
    pub revents: i16,
}

pub(super) const POLLIN: i16 = 0x1;
const POLLERR: i16 = 0x8;
const POLLHUP: i16 = 0x10;
const POLLNVAL: i16 = 0x20;

impl PollFd {
    /// Interest in reading `fd` (errors and hang-ups are always reported).
    pub(super) fn readable(fd: RawFd) -> Self {
        PollFd {
            fd,
            events: POLLIN,
            revents: 0,
        }
    }

    /// Something to do: data, end of stream or an error (a read will tell which).
    pub(super) fn ready(&self) -> bool {
        self.revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL) != 0
    }
}

#[cfg(target_os = "linux")]
type NFds = std::ffi::c_ulong;
#[cfg(not(target_os = "linux"))]
type NFds = std::ffi::c_uint;

unsafe extern "C" {
    fn poll(fds: *mut PollFd, nfds: NFds, timeout: i32) -> i32;
    fn listen(socket: i32, backlog: i32) -> i32;
}

/// Waits until one of `fds` is ready or `timeout` has passed (`None`: no limit). A signal
/// arriving meanwhile ends the wait early (`Ok(0)`), which callers treat as a timeout.
pub(super) fn wait(fds: &mut [PollFd], timeout: Option<Duration>) -> io::Result<usize> {
    let ms = match timeout {
        None => -1,
        // Rounded up: a wait rounded down to 0 ms would spin until the deadline.
        Some(d) => i32::try_from(d.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX),
    };
    // SAFETY: `fds` is a valid, exclusively borrowed array of `repr(C)` pollfd structs
    // of the given length, which poll(2) reads and writes only within.
    let n = unsafe { poll(fds.as_mut_ptr(), fds.len() as NFds, ms) };
    if n >= 0 {
        return Ok(n as usize);
    }
    let e = io::Error::last_os_error();
    if e.kind() == io::ErrorKind::Interrupted {
        Ok(0)
    } else {
        Err(e)
    }
}

/// Sets the accept backlog of a listening socket. std listens with 128, which a burst of
/// a few hundred clients overflows (the kernel then drops their SYNs, and each waits a
/// second or more to retry); calling listen(2) again on a listening socket only changes
/// the backlog (the kernel still caps it at its own limit, `somaxconn`).
pub(super) fn set_backlog(listener: &TcpListener, backlog: i32) -> io::Result<()> {
    // SAFETY: a valid socket descriptor owned by `listener` for the call's duration.
    if unsafe { listen(listener.as_raw_fd(), backlog) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The receiving end of a self-pipe: readable once someone called [`Waker::wake`].
pub(super) struct WakeReceiver(UnixStream);

/// Wakes the poll loop holding the matching [`WakeReceiver`]; cheap to clone.
#[derive(Clone)]
pub struct Waker(Arc<UnixStream>);

/// A connected pair, both ends non-blocking: a wake never blocks the waker (a full pipe
/// already holds a wake-up), and draining never blocks the loop.
pub(super) fn wake_pair() -> io::Result<(Waker, WakeReceiver)> {
    let (tx, rx) = UnixStream::pair()?;
    tx.set_nonblocking(true)?;
    rx.set_nonblocking(true)?;
    Ok((Waker(Arc::new(tx)), WakeReceiver(rx)))
}

impl Waker {
    pub fn wake(&self) {
        let _ = (&*self.0).write(&[1]);
    }

    /// A descriptor of the sending end that stays open for the rest of the process, for a
    /// signal handler to write to (it must never be closed and reused under the handler).
    pub fn leak_fd(&self) -> io::Result<RawFd> {
        Ok(self.0.try_clone()?.into_raw_fd())
    }
}

impl WakeReceiver {
    pub(super) fn fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }

    /// Reads every pending wake-up, so the next poll sleeps again.
    pub(super) fn drain(&self) {
        let mut buf = [0u8; 64];
        while matches!((&self.0).read(&mut buf), Ok(n) if n > 0) {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wake_ends_a_wait_without_limit() {
        let (waker, rx) = wake_pair().unwrap();
        let mut fds = [PollFd::readable(rx.fd())];
        assert_eq!(wait(&mut fds, Some(Duration::ZERO)).unwrap(), 0);
        assert!(!fds[0].ready());
        let other = waker.clone();
        let t = std::thread::spawn(move || other.wake());
        assert_eq!(wait(&mut fds, None).unwrap(), 1);
        assert!(fds[0].ready());
        t.join().unwrap();
        rx.drain();
        fds[0].revents = 0;
        assert_eq!(wait(&mut fds, Some(Duration::ZERO)).unwrap(), 0, "drained");
    }

    #[test]
    fn the_backlog_can_be_raised_on_a_listening_socket() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        set_backlog(&listener, 1024).unwrap();
    }
}
