//! The one retry loop and backoff (retry.rs), without any transport.

use std::cell::Cell;
use std::time::Duration;

use super::retry::{self, Attempt, Backoff, GaveUp, Policy};
use crate::aws::config::RetryMode;
use crate::error::Error;

fn policy(attempts: u32) -> Policy {
    Policy {
        attempts,
        backoff: Backoff::Fixed(Duration::ZERO),
    }
}

fn failed(retryable: bool) -> Attempt<u32, Error> {
    Attempt::Failed {
        error: Error::transport("down"),
        retryable,
    }
}

#[test]
fn retryable_failures_are_tried_again_up_to_the_attempts() {
    let seen = Cell::new(Vec::new());
    let outcome = retry::run(&policy(3), |n| {
        let mut v = seen.take();
        v.push(n);
        seen.set(v);
        failed(true)
    });
    let Err(GaveUp { error, attempts }) = outcome else {
        panic!("expected to give up");
    };
    assert_eq!((error.to_string().as_str(), attempts), ("down", 3));
    assert_eq!(seen.take(), [1, 2, 3]);
}

#[test]
fn a_final_failure_or_success_ends_the_loop_at_once() {
    let calls = Cell::new(0);
    let outcome = retry::run(&policy(5), |_| {
        calls.set(calls.get() + 1);
        failed(false)
    });
    assert_eq!(outcome.err().map(|g| g.attempts), Some(1));
    assert_eq!(calls.get(), 1);
    let outcome = retry::run(&policy(5), |n| {
        if n < 2 {
            failed(true)
        } else {
            Attempt::Done(n)
        }
    });
    assert_eq!(outcome.ok(), Some(2));
}

#[test]
fn again_is_not_counted_as_an_attempt() {
    let calls = Cell::new(0);
    let outcome = retry::run(&policy(2), |_| {
        calls.set(calls.get() + 1);
        if calls.get() == 1 {
            Attempt::Again
        } else {
            failed(true)
        }
    });
    assert_eq!(outcome.err().map(|g| g.attempts), Some(2));
    assert_eq!(calls.get(), 3);
}

#[test]
fn backoff_formulas() {
    assert_eq!(
        Backoff::Fixed(Duration::from_secs(1)).delay(7),
        Duration::from_secs(1)
    );
    for attempt in 1..=8 {
        let ceiling = (100u64 << (attempt - 1)).min(20_000);
        let standard = Backoff::Exponential {
            base_ms: 100,
            mode: RetryMode::Standard,
        };
        assert!(standard.delay(attempt) <= Duration::from_millis(ceiling));
        let legacy = Backoff::Exponential {
            base_ms: 100,
            mode: RetryMode::Legacy,
        }
        .delay(attempt);
        assert!(
            legacy >= Duration::from_millis(ceiling / 2)
                && legacy <= Duration::from_millis(ceiling)
        );
    }
    let zero = Backoff::Exponential {
        base_ms: 0,
        mode: RetryMode::Standard,
    };
    assert_eq!(zero.delay(3), Duration::ZERO);
}

#[test]
fn jitter_stays_in_range() {
    for _ in 0..1000 {
        let j = retry::jitter();
        assert!((0.0..1.0).contains(&j));
    }
}
