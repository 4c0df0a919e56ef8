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
//! The count lives in a [`Signals`] state: the process's, which the handler updates and
//! every thread reads by default, or one a unit test makes ([`Handle::detached`]), enters
//! on its thread and raises by hand. Threads that work for another (a worker pool) enter
//! the state of the thread that started them ([`Handle::current`]).
//!
//! We have no libc crate, so `signal(2)`, `write(2)` and `_exit(2)` are declared here by
//! hand. `signal`'s handler argument is a `void (*)(int)` or one of the constants SIG_DFL
//! (0) / SIG_IGN (1); a pointer-sized integer has the same ABI on every Unix we build for,
//! which lets one declaration pass both. SIGINT is 2 and SIGTERM 15 on Linux, macOS and the
//! BSDs alike. glibc, musl and the BSD libcs give `signal` BSD semantics: the handler stays
//! installed and interrupted system calls restart, which is why blocking calls poll.
//!
//! This is the lowest layer: it imports nothing from the rest of the crate.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

/// How often blocking waits look at the count: a signal is noticed within this time.
pub(crate) const POLL: Duration = Duration::from_millis(100);

/// The work stopped because of a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Where signals are counted: the process's own state, which the handler updates, or a
/// state of its own that a test makes and raises by hand ([`Handle::detached`]).
pub(crate) struct Signals {
    /// Signals received so far.
    received: AtomicUsize,
    /// Set with the first signal, for loops that only ask "stop?" (localserver's
    /// accept loop).
    requested: AtomicBool,
    /// A descriptor written one byte on every signal (-1: none), so that a loop
    /// sleeping in poll(2) on its other end wakes at once (localserver's accept loop).
    wake_fd: AtomicI32,
}

impl Signals {
    const fn new() -> Signals {
        Signals {
            received: AtomicUsize::new(0),
            requested: AtomicBool::new(false),
            wake_fd: AtomicI32::new(-1),
        }
    }

    /// Counts one signal; the count after it. Only atomics: safe in a signal handler.
    fn deliver(&self) -> usize {
        let n = self.received.fetch_add(1, Ordering::SeqCst) + 1;
        self.requested.store(true, Ordering::SeqCst);
        n
    }
}

/// The process's state: what the handler counts, and what every thread reads unless it
/// was given another ([`Handle::enter`]).
static PROCESS: Signals = Signals::new();

thread_local! {
    /// The state this thread reads instead of the process's (None: the process's).
    static CURRENT: RefCell<Option<Arc<Signals>>> = const { RefCell::new(None) };
}

/// The signal state a thread reads, to hand to the threads it starts (a worker pool
/// does), or a test's own, raised by hand, so that a unit test sets up and drops its
/// interrupts without touching the process's or another test's.
#[derive(Clone, Default)]
pub(crate) struct Handle(Option<Arc<Signals>>);

impl Handle {
    /// What the current thread reads.
    pub(crate) fn current() -> Handle {
        Handle(CURRENT.with(|c| c.borrow().clone()))
    }

    #[cfg(test)]
    /// A state of its own, which no real signal reaches.
    pub(crate) fn detached() -> Handle {
        Handle(Some(Arc::new(Signals::new())))
    }

    #[cfg(test)]
    fn signals(&self) -> &Signals {
        self.0.as_deref().unwrap_or(&PROCESS)
    }

    #[cfg(test)]
    /// Counts a signal, as the handler does (but never ends the process); the count.
    pub(crate) fn raise(&self) -> usize {
        self.signals().deliver()
    }

    #[cfg(test)]
    /// Signals counted so far.
    pub(crate) fn count(&self) -> usize {
        self.signals().received.load(Ordering::Relaxed)
    }

    /// Runs `f` on this thread with this state, in the normal scope; the thread's
    /// previous state and scope come back afterwards (also on panic).
    pub(crate) fn enter<T>(&self, f: impl FnOnce() -> T) -> T {
        struct Restore(Option<Arc<Signals>>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0.take();
                CURRENT.with(|c| *c.borrow_mut() = previous);
            }
        }
        let _restore = Restore(CURRENT.with(|c| c.replace(self.0.clone())));
        within(Scope::NORMAL, f)
    }
}

/// Reads the current thread's state.
fn with_current<T>(f: impl FnOnce(&Signals) -> T) -> T {
    CURRENT.with(|c| f(c.borrow().as_deref().unwrap_or(&PROCESS)))
}

/// Installs the handlers for SIGINT and SIGTERM; once per process, later calls do nothing.
pub(crate) fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(imp::install);
}

/// The flag the process's first signal sets.
pub(crate) fn flag() -> &'static AtomicBool {
    &PROCESS.requested
}

/// From now on every signal to the process also writes a byte to `fd` (a non-blocking
/// socket or pipe that stays open for the rest of the process), after setting [`flag`].
pub(crate) fn wake_on_signal(fd: i32) {
    PROCESS.wake_fd.store(fd, Ordering::SeqCst);
}

/// Whether any signal has arrived (in this thread's state).
pub(crate) fn requested() -> bool {
    count() > 0
}

/// Signals received so far (in this thread's state).
pub(crate) fn signals() -> usize {
    count()
}

fn count() -> usize {
    with_current(|s| s.received.load(Ordering::Relaxed))
}

/// What the current thread's scope tolerates: signals up to `new` do not stop new
/// requests or waits, signals up to `in_flight` do not stop I/O already under way.
#[derive(Clone, Copy)]
struct Scope {
    new: usize,
    in_flight: usize,
    deadline: Option<Instant>,
}

impl Scope {
    /// Any signal stops everything.
    const NORMAL: Scope = Scope {
        new: 0,
        in_flight: 0,
        deadline: None,
    };
}

thread_local! {
    static SCOPE: Cell<Scope> = const { Cell::new(Scope::NORMAL) };
}

/// Err once a signal means no new request or wait may start on this thread.
pub(crate) fn check() -> Result<(), Interrupted> {
    if count() > SCOPE.with(|s| s.get().new) {
        Err(Interrupted)
    } else {
        Ok(())
    }
}

/// Whether I/O under way on this thread (a read or write waiting on a socket) must stop.
pub(crate) fn stops_io() -> bool {
    count() > SCOPE.with(|s| s.get().in_flight)
}

/// The deadline of the [`cleanup`] this thread is in, if any.
pub(crate) fn deadline() -> Option<Instant> {
    SCOPE.with(|s| s.get().deadline)
}

/// Whether the [`cleanup`] this thread is in has used up its time.
pub(crate) fn out_of_time() -> bool {
    deadline().is_some_and(|d| Instant::now() >= d)
}

/// Sleeps for `d`, or less when a signal stops it ([`check`]).
pub(crate) fn sleep(d: Duration) -> Result<(), Interrupted> {
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
pub(crate) fn finishing<T>(f: impl FnOnce() -> T) -> T {
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
pub(crate) fn cleanup<T>(limit: Duration, f: impl FnOnce() -> T) -> T {
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
    use super::{Ordering, PROCESS};

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
        let n = PROCESS.deliver();
        let wake = PROCESS.wake_fd.load(Ordering::SeqCst);
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

    pub(super) fn install() {
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

    #[test]
    fn scopes_set_what_a_signal_stops() {
        Handle::detached().enter(|| {
            assert_eq!(scope(), (0, 0, false));
            // finishing: the next signal spares the request in flight, stops new ones.
            assert_eq!(finishing(scope), (0, 1, false));
            // cleanup: only a signal after this one stops it, and it has a deadline.
            assert_eq!(cleanup(Duration::from_secs(5), scope), (0, 0, true));
            assert_eq!(
                cleanup(Duration::from_secs(5), || finishing(scope)),
                (0, 1, true)
            );
            assert_eq!(scope(), (0, 0, false));
            assert_eq!(sleep(Duration::from_millis(1)), Ok(()));
        });
    }

    #[test]
    fn signals_stop_what_each_scope_says() {
        let process = Handle::current().count();
        let h = Handle::detached();
        h.enter(|| {
            assert_eq!(check(), Ok(()));
            assert!(!stops_io() && !requested());
            finishing(|| {
                h.raise();
                // The request in flight goes on, no new one starts.
                assert!(!stops_io());
                assert_eq!(check(), Err(Interrupted));
                h.raise();
                assert!(stops_io());
            });
            // Outside, the two signals stop everything; a clean-up ignores them.
            assert_eq!(check(), Err(Interrupted));
            cleanup(Duration::from_secs(5), || {
                assert_eq!(check(), Ok(()));
                assert!(!stops_io() && !out_of_time());
                h.raise();
                assert_eq!(check(), Err(Interrupted));
                assert!(stops_io());
            });
            // A sleep of a minute ends at once.
            assert_eq!(sleep(Duration::from_secs(60)), Err(Interrupted));
            assert_eq!(signals(), 3);
        });
        // Raised on the test's own state only: the process's and this thread's are as
        // they were.
        assert_eq!(Handle::current().count(), process);
        assert_eq!(h.count(), 3);
    }

    #[test]
    fn threads_handed_a_state_see_its_signals() {
        let h = Handle::detached();
        let inherited = h.enter(Handle::current);
        h.raise();
        let seen = std::thread::spawn(move || inherited.enter(|| (signals(), check())))
            .join()
            .unwrap();
        assert_eq!(seen, (1, Err(Interrupted)));
        // A thread that was handed nothing reads the process's state.
        let plain = std::thread::spawn(|| Handle::current().0.is_none())
            .join()
            .unwrap();
        assert!(plain);
    }
}
