//! The one retry loop and backoff policy, for signed calls and the credential
//! providers' unsigned ones alike. What differs between callers (how many attempts,
//! how long to wait, what counts as retryable) is a parameter, as botocore's
//! providers differ from its clients only in their settings.

use std::cell::Cell;
use std::time::{Duration, Instant};

use crate::aws::config::RetryMode;
use crate::error::AwsError;
use crate::interrupt;

/// Attempts a clean-up request gets after Ctrl-C (see [`crate::interrupt::cleanup`]).
const CLEANUP_ATTEMPTS: u32 = 2;

/// The longest exponential wait (botocore's standard mode: 20 s).
const BACKOFF_CAP_MS: f64 = 20_000.0;

/// How many attempts, and how long to wait between them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    pub attempts: u32,
    pub backoff: Backoff,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Backoff {
    /// botocore's client retries: `random(0,1) * min(20 s, base * 2^(attempt-1))` in
    /// standard and adaptive modes; legacy mode waits half that plus a random half.
    Exponential { base_ms: u64, mode: RetryMode },
    /// The same pause each time (the container provider: 1 s).
    Fixed(Duration),
}

impl Backoff {
    /// The wait after failed attempt number `attempt` (from 1).
    pub(crate) fn delay(&self, attempt: u32) -> Duration {
        match *self {
            Backoff::Fixed(pause) => pause,
            Backoff::Exponential { base_ms, mode } => {
                let exp = base_ms as f64 * f64::from(1u32 << (attempt.max(1) - 1).min(16));
                let delay = match mode {
                    RetryMode::Legacy => exp.min(BACKOFF_CAP_MS) * 0.5 * (1.0 + jitter()),
                    _ => exp.min(BACKOFF_CAP_MS) * jitter(),
                };
                Duration::from_millis(delay as u64)
            }
        }
    }
}

/// What one attempt came to.
pub(crate) enum Attempt<T, E> {
    Done(T),
    /// A failure, to be tried again while attempts are left when `retryable`.
    Failed {
        error: E,
        retryable: bool,
    },
    /// Try again at once without counting this attempt (a corrected clock).
    Again,
}

/// The final failure and how many attempts were made.
pub(crate) struct GaveUp<E> {
    pub error: E,
    pub attempts: u32,
}

/// Run `attempt` (given its number, from 1) under `policy`. No attempt starts once a
/// signal says stop, and a clean-up after Ctrl-C gets at most two attempts within its
/// deadline; the waits end at once on a signal.
pub(crate) fn run<T, E: From<interrupt::Interrupted>>(
    policy: &Policy,
    mut attempt: impl FnMut(u32) -> Attempt<T, E>,
) -> Result<T, GaveUp<E>> {
    let max = match interrupt::deadline() {
        Some(_) => policy.attempts.min(CLEANUP_ATTEMPTS),
        None => policy.attempts,
    }
    .max(1);
    let mut made = 0u32;
    let interrupted = |made| GaveUp {
        error: E::from(interrupt::Interrupted),
        attempts: made,
    };
    loop {
        interrupt::check().map_err(|_| interrupted(made))?;
        made += 1;
        match attempt(made) {
            Attempt::Done(done) => return Ok(done),
            Attempt::Again => made -= 1,
            Attempt::Failed { error, retryable } => {
                if !retryable || made >= max || interrupt::out_of_time() {
                    return Err(GaveUp {
                        error,
                        attempts: made,
                    });
                }
                let mut delay = policy.backoff.delay(made);
                if let Some(deadline) = interrupt::deadline() {
                    delay = delay.min(deadline.saturating_duration_since(Instant::now()));
                }
                interrupt::sleep(delay).map_err(|_| interrupted(made))?;
            }
        }
    }
}

thread_local! {
    static RNG: Cell<u64> = Cell::new(seed());
}

fn seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (nanos ^ (std::process::id() as u64) << 32) | 1
}

/// A number in [0, 1) for backoff jitter (xorshift; no cryptographic use).
pub(crate) fn jitter() -> f64 {
    RNG.with(|r| {
        let mut x = r.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        r.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// Error codes the standard retry mode treats as throttling or transient.
const RETRYABLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
];

/// Whether the standard retry mode retries this error: a 5xx gateway status or a
/// throttling/transient code.
pub(crate) fn retryable(err: &AwsError) -> bool {
    matches!(err.status, 500 | 502 | 503 | 504) || RETRYABLE_CODES.contains(&err.code.as_str())
}
