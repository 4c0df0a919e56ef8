//! Ctrl-C and SIGTERM for the whole program: the handler only counts signals; the code
//! that does the work polls the count (between parts, in retry and propagation waits, and
//! in the transport while a read or write waits on the network) and unwinds with
//! [`Interrupted`], cleaning up on its way out.
//!
//! What a signal stops depends on the scope the current thread is in:
//! - normally, the next signal stops both the request in flight and any new one;
//! - [`finishing`] lets the request in flight run to its end (so that a command knows
//!   what it made or deleted) but starts no new one; a second signal stops it too;
//! - [`cleanup`] is for the work done because of a signal (AbortMultipartUpload): the
//!   signals so far are ignored, only the next one stops it, and it has a deadline.
//!
//! The third signal ends the process from the handler itself, for the case where
//! something is stuck where no poll can see the count (a read of a terminal, a DNS
//! lookup).
//!
//! We have no libc crate, so `signal(2)`, `write(2)` and `_exit(2)` are declared here by
//! hand. `signal`'s handler argument is a `void (*)(int)` or one of the constants SIG_DFL
//! (0) / SIG_IGN (1); a pointer-sized integer has the same ABI on every Unix we build for,
//! which lets one declaration pass both. SIGINT is 2 and SIGTERM 15 on Linux, macOS and the
//! BSDs alike. glibc, musl and the BSD libcs give `signal` BSD semantics: the handler stays
//! installed and interrupted system calls restart, which is why blocking calls poll.
//!
//! This is the lowest layer: it imports nothing from the rest of the crate.

use std::cell::Cell;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Signals received so far.
static SIGNALS: AtomicUsize = AtomicUsize::new(0);
/// Set with the first signal, for loops that only ask "stop?" (localserver's accept loop).
static REQUESTED: AtomicBool = AtomicBool::new(false);

/// A descriptor the handler writes one byte to on every signal (-1: none), so that a loop
/// sleeping in poll(2) on its other end wakes at once (localserver's accept loop).
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);

/// How often blocking waits look at the count: a signal is noticed within this time.
pub const POLL: Duration = Duration::from_millis(100);

/// The work stopped because of a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Installs the handlers for SIGINT and SIGTERM; once per process, later calls do nothing.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(imp::install);
}

/// The flag the first signal sets.
pub fn flag() -> &'static AtomicBool {
    &REQUESTED
}

/// From now on every signal also writes a byte to `fd` (a non-blocking socket or pipe that
/// stays open for the rest of the process), after setting [`flag`].
pub fn wake_on_signal(fd: i32) {
    WAKE_FD.store(fd, Ordering::SeqCst);
}

/// Whether any signal has arrived.
pub fn requested() -> bool {
    SIGNALS.load(Ordering::Relaxed) > 0
}

/// Signals received so far.
pub fn signals() -> usize {
    SIGNALS.load(Ordering::Relaxed)
}

fn count() -> usize {
    signals()
}

/// What the current thread's scope tolerates: signals up to `new` do not stop new
/// requests or waits, signals up to `in_flight` do not stop I/O already under way.
#[derive(Clone, Copy)]
struct Scope {
    new: usize,
    in_flight: usize,
    deadline: Option<Instant>,
}

thread_local! {
    static SCOPE: Cell<Scope> = const {
        Cell::new(Scope { new: 0, in_flight: 0, deadline: None })
    };
}

/// Err once a signal means no new request or wait may start on this thread.
pub fn check() -> Result<(), Interrupted> {
    if count() > SCOPE.with(|s| s.get().new) {
        Err(Interrupted)
    } else {
        Ok(())
    }
}

/// Whether I/O under way on this thread (a read or write waiting on a socket) must stop.
pub fn stops_io() -> bool {
    count() > SCOPE.with(|s| s.get().in_flight)
}

/// The deadline of the [`cleanup`] this thread is in, if any.
pub fn deadline() -> Option<Instant> {
    SCOPE.with(|s| s.get().deadline)
}

/// Whether the [`cleanup`] this thread is in has used up its time.
pub fn out_of_time() -> bool {
    deadline().is_some_and(|d| Instant::now() >= d)
}

/// Sleeps for `d`, or less when a signal stops it ([`check`]).
pub fn sleep(d: Duration) -> Result<(), Interrupted> {
    let end = Instant::now() + d;
    loop {
        check()?;
        let now = Instant::now();
        if now >= end {
            return Ok(());
        }
        std::thread::sleep((end - now).min(POLL));
    }
}

/// Runs `f` in `scope`, restoring the previous scope afterwards (also on panic).
fn within<T>(scope: Scope, f: impl FnOnce() -> T) -> T {
    struct Restore(Scope);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0;
            SCOPE.with(|s| s.set(previous));
        }
    }
    let _restore = Restore(SCOPE.with(|s| s.replace(scope)));
    f()
}

/// Runs `f` so that the next signal lets a request already in flight finish (its answer
/// says what was made or deleted) while no new request starts; a second signal stops
/// that request too.
pub fn finishing<T>(f: impl FnOnce() -> T) -> T {
    let now = count();
    let outer = SCOPE.with(|s| s.get());
    within(
        Scope {
            new: outer.new,
            in_flight: outer.in_flight.max(now + 1),
            deadline: outer.deadline,
        },
        f,
    )
}

/// Runs the clean-up `f` (done because of a signal or a failure): the signals received
/// so far no longer stop anything, a new one does, and I/O gives up at `limit` from now.
pub fn cleanup<T>(limit: Duration, f: impl FnOnce() -> T) -> T {
    let now = count();
    within(
        Scope {
            new: now,
            in_flight: now,
            deadline: Some(Instant::now() + limit),
        },
        f,
    )
}

#[cfg(unix)]
mod imp {
    use super::{Ordering, REQUESTED, SIGNALS, WAKE_FD};

    const SIGINT: i32 = 2;
    const SIGTERM: i32 = 15;
    const SIG_IGN: usize = 1;
    /// click's words on stderr when the third signal ends the process at once.
    const ABORTED: &[u8] = b"\nAborted!\n";

    unsafe extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
        fn write(fd: i32, buf: *const u8, count: usize) -> isize;
        fn _exit(status: i32) -> !;
    }

    /// Runs in signal context: atomics, write(2) and _exit(2) are async-signal-safe;
    /// nothing else is done here.
    extern "C" fn on_signal(_signum: i32) {
        let n = SIGNALS.fetch_add(1, Ordering::SeqCst) + 1;
        REQUESTED.store(true, Ordering::SeqCst);
        let wake = WAKE_FD.load(Ordering::SeqCst);
        if wake >= 0 {
            // SAFETY: write(2) is async-signal-safe; the descriptor is never closed (see
            // wake_on_signal) and non-blocking, so a full buffer cannot stall the handler.
            unsafe {
                write(wake, [1u8].as_ptr(), 1);
            }
        }
        if n >= 3 {
            // SAFETY: a static buffer of the given length; both calls are on the POSIX
            // list of functions safe in a signal handler.
            unsafe {
                write(2, ABORTED.as_ptr(), ABORTED.len());
                _exit(1);
            }
        }
    }

    pub fn install() {
        for signum in [SIGINT, SIGTERM] {
            // SAFETY: `signal` is the C library's, called with a valid signal number and
            // either SIG_IGN or the address of an `extern "C" fn(i32)` that only does
            // async-signal-safe work. First set SIG_IGN to learn the previous disposition
            // without a window in which the signal would kill us: a signal ignored when
            // we started (`nohup`, a background job of a non-interactive shell) stays
            // ignored, as Python leaves it.
            unsafe {
                let previous = signal(signum, SIG_IGN);
                if previous != SIG_IGN {
                    let handler: extern "C" fn(i32) = on_signal;
                    signal(signum, handler as usize);
                }
            }
        }
    }
}

#[cfg(not(unix))]
mod imp {
    /// Elsewhere Ctrl-C ends the process the default way.
    pub fn install() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> (usize, usize, bool) {
        let s = SCOPE.with(|s| s.get());
        (s.new, s.in_flight, s.deadline.is_some())
    }

    // The count is process-wide and other tests send requests, so no signal is faked
    // here: the tolerances each scope sets are checked instead.
    #[test]
    fn scopes_set_what_a_signal_stops() {
        let n = count();
        assert_eq!(scope(), (0, 0, false));
        // finishing: the next signal spares the request in flight, stops new ones.
        assert_eq!(finishing(scope), (0, n + 1, false));
        // cleanup: only a signal after this one stops it, and it has a deadline.
        assert_eq!(cleanup(Duration::from_secs(5), scope), (n, n, true));
        assert_eq!(
            cleanup(Duration::from_secs(5), || finishing(scope)),
            (n, n + 1, true)
        );
        assert_eq!(scope(), (0, 0, false));
        assert_eq!(sleep(Duration::from_millis(1)), Ok(()));
    }
}
