//! Ctrl-C and SIGTERM end the server cleanly: the handler only sets a flag, which the
//! accept loop polls.
//!
//! We have no libc crate, so `signal(2)` is declared here by hand. Its handler argument is
//! a `void (*)(int)` or one of the constants SIG_DFL (0) / SIG_IGN (1); a pointer-sized
//! integer has the same ABI on every Unix we build for, which lets one declaration pass
//! both. SIGINT is 2 and SIGTERM 15 on Linux, macOS and the BSDs alike. Both glibc and the
//! BSD libcs give `signal` BSD semantics: the handler stays installed and interrupted
//! system calls restart.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

/// Installs the handlers (once is enough; again is harmless) and returns the flag they set.
pub fn install() -> &'static AtomicBool {
    imp::install();
    &STOP
}

#[cfg(unix)]
mod imp {
    use super::{Ordering, STOP};

    const SIGINT: i32 = 2;
    const SIGTERM: i32 = 15;
    const SIG_IGN: usize = 1;

    unsafe extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }

    /// Runs in signal context: an atomic store is async-signal-safe, nothing else is done.
    extern "C" fn on_signal(_signum: i32) {
        STOP.store(true, Ordering::SeqCst);
    }

    pub fn install() {
        for signum in [SIGINT, SIGTERM] {
            // SAFETY: `signal` is the C library's, called with a valid signal number and
            // either SIG_IGN or the address of an `extern "C" fn(i32)` that only touches
            // an atomic. First set SIG_IGN to learn the previous disposition without a
            // window in which the signal would kill us: a signal ignored when we started
            // (`nohup`, a background job of a non-interactive shell) stays ignored, as
            // Python leaves it, and the original then keeps running too.
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
