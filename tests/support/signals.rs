//! Children start with SIGINT and SIGTERM in their default state, whatever this test
//! process inherited.
//!
//! A job started in the background by a non-interactive shell (`cargo test &` in a
//! script), under `nohup` in some shells, or below `trap '' INT` runs with SIGINT
//! ignored, and an ignored signal stays ignored across fork and exec. A program that
//! follows the POSIX convention for background jobs then keeps ignoring it, as ours does
//! (see `src/interrupt.rs`) and as Python does: the tests that interrupt a child with
//! SIGINT would wait for it in vain. So every child we mean to signal gets the default
//! dispositions back (and the two signals unblocked) between fork and exec, as an
//! interactive shell gives them to a foreground command.
//!
//! No libc crate: the three C functions are declared here. `signal`'s handler is passed
//! as a pointer-sized integer (SIG_DFL is 0), as `src/interrupt.rs` does. The signal set
//! is a buffer at least as large as any C library's `sigset_t` (glibc and musl: 128
//! bytes; macOS: 4), filled only by `sigemptyset` / `sigaddset`.

use std::os::unix::process::CommandExt;
use std::process::Command;

const SIGINT: i32 = 2;
const SIGTERM: i32 = 15;
const SIG_DFL: usize = 0;
const SIG_IGN: usize = 1;
#[cfg(target_os = "linux")]
const SIG_UNBLOCK: i32 = 1;
#[cfg(not(target_os = "linux"))]
const SIG_UNBLOCK: i32 = 2;

#[repr(C, align(8))]
struct SigSet([u8; 128]);

unsafe extern "C" {
    fn signal(signum: i32, handler: usize) -> usize;
    fn sigemptyset(set: *mut SigSet) -> i32;
    fn sigaddset(set: *mut SigSet, signum: i32) -> i32;
    fn sigprocmask(how: i32, set: *const SigSet, old: *mut SigSet) -> i32;
}

/// `cmd`, set to start its process with SIGINT and SIGTERM at their defaults and
/// unblocked.
pub fn default_signals(cmd: &mut Command) -> &mut Command {
    // SAFETY: the closure runs in the child between fork and exec, where only
    // async-signal-safe functions may be called: signal, sigemptyset, sigaddset and
    // sigprocmask are on POSIX's list. It touches no memory but its own stack buffer.
    unsafe {
        cmd.pre_exec(|| {
            let mut set = SigSet([0; 128]);
            sigemptyset(&mut set);
            for signum in [SIGINT, SIGTERM] {
                if signal(signum, SIG_DFL) == usize::MAX {
                    return Err(std::io::Error::last_os_error());
                }
                sigaddset(&mut set, signum);
            }
            if sigprocmask(SIG_UNBLOCK, &set, std::ptr::null_mut()) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
    }
}

/// `cmd`, set to start its process with SIGINT ignored, as a background job of a
/// non-interactive shell starts: for the test of [`default_signals`].
pub fn ignoring_sigint(cmd: &mut Command) -> &mut Command {
    // SAFETY: as above; `signal` is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            if signal(SIGINT, SIG_IGN) == usize::MAX {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
    }
}
