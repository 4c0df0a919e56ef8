//! The credential cache: one set of temporary credentials, refreshed ahead of expiry.
//!
//! The original serves a set until the very second it expires, so a client can be handed
//! credentials that die before its next request. Here a set counts as *fresh* until
//! [`refresh_margin`] before it expires; after that the next request fetches a new set
//! while every other request is still served the old (still valid) one. Only one fetch runs
//! at a time, however many requests arrive: the others either get the old set or, when
//! there is none still valid, wait for that one fetch and share its result (success or
//! error). A failed refresh is not retried for [`RETRY_PAUSE`] while old credentials remain
//! valid, so an outage does not turn every request into an AssumeRole call.
//!
//! Time comes from a [`Clock`], so tests drive expiry without sleeping.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use time::OffsetDateTime;

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The system's wall clock (UTC).
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// One set of temporary credentials. `Debug` never shows the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct TempCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// When AWS says they expire (what clients are told).
    pub expiration: OffsetDateTime,
}

impl fmt::Debug for TempCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TempCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &"<redacted>")
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// Something that makes new credentials (AssumeRole in the server, a fake in tests).
/// The error is the message clients see in a 500 answer, so it must hold no secret.
pub trait Source: Send + Sync {
    fn fetch(&self) -> Result<TempCredentials, String>;
}

/// A sink for log lines (stderr in the CLI).
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// How long before expiry a set stops being handed out as fresh: a third of the lifetime,
/// at most 15 minutes. For the shortest lifetime (15 minutes) that is 5 minutes, the
/// margin AWS itself promises for instance and container credentials; from 45 minutes up
/// it is 15 minutes, the point at which botocore and other SDKs start asking for new
/// credentials, so an SDK that asks then gets a new set rather than the same one again.
pub fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 3).min(Duration::from_secs(15 * 60))
}

/// After a failed refresh, how long old (still valid) credentials are served before
/// trying again.
pub const RETRY_PAUSE: Duration = Duration::from_secs(10);

/// The set in use and the times that matter for it.
struct Entry {
    creds: Arc<TempCredentials>,
    /// Until then, hand it out without a second thought.
    fresh_until: OffsetDateTime,
    /// After then, never hand it out.
    valid_until: OffsetDateTime,
}

#[derive(Default)]
struct State {
    current: Option<Entry>,
    /// A fetch is running (in some request's thread).
    refreshing: bool,
    /// Counts finished fetches, so a waiter knows the one it waited for has ended.
    fetches: u64,
    /// The error of the last fetch, if it failed.
    last_error: Option<String>,
    /// No new attempt before this while old credentials are still valid.
    retry_at: Option<OffsetDateTime>,
}

/// See the module documentation.
pub struct CredentialCache {
    source: Box<dyn Source>,
    clock: Box<dyn Clock>,
    lifetime: Duration,
    margin: Duration,
    log: Log,
    state: Mutex<State>,
    fetched: Condvar,
}

impl CredentialCache {
    /// `lifetime` is the duration asked for (`--duration`); the cache counts it from the
    /// moment it started the fetch, on the local clock, as the original does. Comparing
    /// AWS's Expiration with the local clock instead would make a machine whose clock runs
    /// ahead see every new set as expired and call AssumeRole on every request.
    pub fn new(source: Box<dyn Source>, clock: Box<dyn Clock>, lifetime: Duration) -> Self {
        CredentialCache {
            source,
            clock,
            lifetime,
            margin: refresh_margin(lifetime),
            log: Arc::new(|_| {}),
            state: Mutex::new(State::default()),
            fetched: Condvar::new(),
        }
    }

    /// Where to report refreshes that failed while old credentials were still served.
    pub fn with_log(mut self, log: Log) -> Self {
        self.log = log;
        self
    }

    /// Credentials to hand out now, fetching new ones when needed (see the module docs).
    pub fn get(&self) -> Result<Arc<TempCredentials>, String> {
        let mut state = self.lock();
        let now = self.clock.now();
        if let Some(entry) = &state.current {
            if now < entry.fresh_until {
                return Ok(entry.creds.clone());
            }
        }
        let still_valid = self.valid(&state, now);
        if state.refreshing {
            if let Some(creds) = still_valid {
                return Ok(creds);
            }
            return self.wait_for_fetch(state);
        }
        if let (Some(creds), Some(retry_at)) = (&still_valid, state.retry_at) {
            if now < retry_at {
                return Ok(creds.clone());
            }
        }
        state.refreshing = true;
        drop(state);
        self.fetch(still_valid)
    }

    /// Runs the one fetch, stores its result and wakes the waiters. `fallback` is the old
    /// set, served if the fetch fails and it is still valid.
    fn fetch(
        &self,
        fallback: Option<Arc<TempCredentials>>,
    ) -> Result<Arc<TempCredentials>, String> {
        // Ends the fetch even if the source panics, so waiters are never stuck.
        let mut flight = Flight {
            cache: self,
            done: false,
        };
        let started = self.clock.now();
        let result = self.source.fetch();
        let mut state = self.lock();
        flight.done = true;
        state.refreshing = false;
        state.fetches += 1;
        self.fetched.notify_all();
        match result {
            Ok(creds) => {
                let creds = Arc::new(creds);
                let valid_until = started + self.lifetime;
                state.current = Some(Entry {
                    creds: creds.clone(),
                    fresh_until: valid_until - self.margin,
                    valid_until,
                });
                state.last_error = None;
                state.retry_at = None;
                Ok(creds)
            }
            Err(message) => {
                let now = self.clock.now();
                state.last_error = Some(message.clone());
                state.retry_at = Some(now + RETRY_PAUSE);
                match fallback.filter(|_| self.valid(&state, now).is_some()) {
                    Some(old) => {
                        drop(state);
                        (self.log)(&format!(
                            "Could not refresh credentials, still serving the current ones: {message}"
                        ));
                        Ok(old)
                    }
                    None => Err(message),
                }
            }
        }
    }

    /// Waits for the running fetch to end and shares its outcome.
    fn wait_for_fetch(&self, state: MutexGuard<'_, State>) -> Result<Arc<TempCredentials>, String> {
        let before = state.fetches;
        let state = self
            .fetched
            .wait_while(state, |s| s.refreshing && s.fetches == before)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = self.clock.now();
        match self.valid(&state, now) {
            Some(creds) => Ok(creds),
            None => Err(state
                .last_error
                .clone()
                .unwrap_or_else(|| "No credentials available".to_string())),
        }
    }

    fn valid(&self, state: &State, now: OffsetDateTime) -> Option<Arc<TempCredentials>> {
        state
            .current
            .as_ref()
            .filter(|e| now < e.valid_until)
            .map(|e| e.creds.clone())
    }

    /// The lock, even if a thread panicked while holding it: the state is always
    /// consistent between statements, so a poisoned lock holds nothing half-done.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Marks the running fetch as ended when dropped during a panic in the source.
struct Flight<'a> {
    cache: &'a CredentialCache,
    done: bool,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        if !self.done {
            let mut state = self.cache.lock();
            state.refreshing = false;
            state.fetches += 1;
            state.last_error = Some("Internal error while fetching credentials".to_string());
            self.cache.fetched.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A clock the test moves by hand.
    #[derive(Clone)]
    struct FakeClock(Arc<Mutex<OffsetDateTime>>);

    impl FakeClock {
        fn new() -> Self {
            FakeClock(Arc::new(Mutex::new(
                OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap(),
            )))
        }
        fn advance(&self, d: Duration) {
            *self.0.lock().unwrap() += d;
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> OffsetDateTime {
            *self.0.lock().unwrap()
        }
    }

    /// Numbered credentials; fails while `failing` is set.
    #[derive(Clone, Default)]
    struct Counter {
        calls: Arc<AtomicUsize>,
        failing: Arc<std::sync::atomic::AtomicBool>,
    }

    impl Source for Counter {
        fn fetch(&self) -> Result<TempCredentials, String> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if self.failing.load(Ordering::SeqCst) {
                return Err("network down".into());
            }
            Ok(TempCredentials {
                access_key_id: format!("AKID{n}"),
                secret_access_key: "secret".into(),
                session_token: "token".into(),
                expiration: OffsetDateTime::UNIX_EPOCH,
            })
        }
    }

    const HOUR: Duration = Duration::from_secs(3600);

    fn cache(lifetime: Duration) -> (CredentialCache, FakeClock, Counter) {
        let clock = FakeClock::new();
        let source = Counter::default();
        let cache =
            CredentialCache::new(Box::new(source.clone()), Box::new(clock.clone()), lifetime);
        (cache, clock, source)
    }

    fn key(cache: &CredentialCache) -> String {
        cache.get().unwrap().access_key_id.clone()
    }

    #[test]
    fn margins() {
        assert_eq!(
            refresh_margin(Duration::from_secs(900)),
            Duration::from_secs(300)
        );
        assert_eq!(refresh_margin(HOUR), Duration::from_secs(900));
        assert_eq!(refresh_margin(12 * HOUR), Duration::from_secs(900));
    }

    #[test]
    fn fresh_credentials_are_reused_until_the_margin() {
        let (cache, clock, source) = cache(HOUR);
        assert_eq!(key(&cache), "AKID1");
        clock.advance(Duration::from_secs(45 * 60 - 1));
        assert_eq!(key(&cache), "AKID1");
        assert_eq!(source.calls.load(Ordering::SeqCst), 1);
        clock.advance(Duration::from_secs(1));
        assert_eq!(key(&cache), "AKID2", "15 minutes before expiry: refresh");
        assert_eq!(source.calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_failed_refresh_serves_the_old_set_and_pauses() {
        let (cache, clock, source) = cache(HOUR);
        key(&cache);
        source.failing.store(true, Ordering::SeqCst);
        clock.advance(Duration::from_secs(50 * 60));
        assert_eq!(key(&cache), "AKID1", "old set still valid");
        assert_eq!(key(&cache), "AKID1");
        assert_eq!(
            source.calls.load(Ordering::SeqCst),
            2,
            "no retry within the pause"
        );
        clock.advance(RETRY_PAUSE);
        assert_eq!(key(&cache), "AKID1");
        assert_eq!(
            source.calls.load(Ordering::SeqCst),
            3,
            "retried after the pause"
        );
    }

    #[test]
    fn expired_and_failing_is_an_error_until_it_recovers() {
        let (cache, clock, source) = cache(HOUR);
        key(&cache);
        source.failing.store(true, Ordering::SeqCst);
        clock.advance(HOUR);
        assert_eq!(cache.get().unwrap_err(), "network down");
        // Without valid credentials every request tries again: no pause.
        assert_eq!(cache.get().unwrap_err(), "network down");
        assert_eq!(source.calls.load(Ordering::SeqCst), 3);
        source.failing.store(false, Ordering::SeqCst);
        assert_eq!(key(&cache), "AKID4");
    }

    #[test]
    fn lifetime_counts_from_the_start_of_the_fetch() {
        let (cache, clock, _) = cache(Duration::from_secs(900));
        key(&cache);
        clock.advance(Duration::from_secs(600 - 1));
        assert_eq!(key(&cache), "AKID1");
        clock.advance(Duration::from_secs(1));
        assert_eq!(key(&cache), "AKID2");
    }

    struct Panics;
    impl Source for Panics {
        fn fetch(&self) -> Result<TempCredentials, String> {
            panic!("boom")
        }
    }

    #[test]
    fn a_panicking_source_does_not_wedge_the_cache() {
        let cache = CredentialCache::new(Box::new(Panics), Box::new(SystemClock), HOUR);
        let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cache.get()));
        assert!(first.is_err());
        let second = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cache.get()));
        assert!(
            second.is_err(),
            "a new fetch is attempted, not a wait forever"
        );
    }
}
