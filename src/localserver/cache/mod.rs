//! The credential cache: one set of temporary credentials, refreshed ahead of expiry.
//!
//! A set is served only while AWS's `Expiration` says it is valid. That instant is read
//! against the wall clock once, when the set arrives, and turned into a deadline on the
//! monotonic clock (`remaining = Expiration - wall now`, deadline = `Instant` now +
//! remaining), never later than `--duration` after the fetch started. From then on only
//! the monotonic clock counts, so a wall-clock jump (NTP, a suspended laptop's clock being
//! set) can neither stretch a set past its end nor make a valid one look dead. A set that
//! arrives already expired by the local clock (a clock far ahead of AWS's) is refused: no
//! local SDK would accept it either.
//!
//! The original serves a set until the very second it expires, so a client can be handed
//! credentials that die before its next request. Here a set counts as *fresh* until
//! [`refresh_margin`] before its deadline; after that the next request fetches a new set
//! while every other request is still served the old (still valid) one. Only one fetch runs
//! at a time, however many requests arrive: the others either get the old set or, when
//! there is none still valid, wait for that one fetch and share its result (success or
//! error). A failed refresh is not retried for [`RETRY_PAUSE`] while old credentials remain
//! valid, so an outage does not turn every request into an AssumeRole call.
//!
//! A failure carries two texts: a fixed one per cause ([`Failure::public`]), which is all
//! an HTTP client ever sees, and the detail (an AWS error message, which a proxy or a
//! hostile endpoint may have filled with an echo of the request), which only goes to the
//! server's log, redacted there.
//!
//! Time comes from a [`Clock`], so tests drive expiry (and wall-clock jumps) without
//! sleeping.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// Where "now" comes from: the wall clock only to read AWS's Expiration against, the
/// monotonic clock for every deadline.
pub trait Clock: Send + Sync {
    fn wall(&self) -> OffsetDateTime;
    fn instant(&self) -> Instant;
}

/// The system's clocks.
pub struct SystemClock;

impl Clock for SystemClock {
    fn wall(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
    fn instant(&self) -> Instant {
        Instant::now()
    }
}

/// One set of temporary credentials. `Debug` never shows the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct TempCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// When AWS says they expire (what clients are told, and what the cache obeys).
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

/// Why a [`Source`] could not make credentials: any error (the command's is the
/// crate's `Error`, with its cause). Its text is a detail for the server's log (see
/// [`Failure`]); clients never see it.
pub type FetchError = Box<dyn std::error::Error + Send + Sync>;

/// Something that makes new credentials (AssumeRole in the server, a fake in tests).
pub trait Source: Send + Sync {
    fn fetch(&self) -> Result<TempCredentials, FetchError>;

    /// Whether `creds`, a set this source made, has been revoked since (revoke-sessions),
    /// asked before a cached set is served again. Sources that cannot tell say no.
    fn revoked(&self, _creds: &TempCredentials) -> Revocation {
        Revocation::No
    }
}

/// What a [`Source`] found out about a cached set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// Not revoked, or no way to tell.
    No,
    /// Sessions issued before this time are refused, and the set was asked for
    /// earlier: fetch a new one.
    Revoked(OffsetDateTime),
    /// The check failed; served as not revoked, with this line for the log.
    Unknown(String),
}

/// A sink for log lines (stderr in the CLI, which redacts the secrets it knows).
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// Why no credentials could be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The source (AssumeRole) failed.
    Fetch,
    /// The source answered with a set that the local clock says has already expired.
    ExpiredOnArrival,
    /// The source panicked.
    Internal,
}

/// A failure to produce credentials: the cause, and a detail for the log only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub cause: Cause,
    /// Free text from elsewhere (an AWS error message): may hold anything, even an echo of
    /// the request. Never sent to a client.
    pub detail: String,
}

impl Failure {
    /// The fixed text a client is told for this cause.
    pub fn public(&self) -> &'static str {
        match self.cause {
            Cause::Fetch => "Could not get credentials from AWS",
            Cause::ExpiredOnArrival => {
                "AWS returned credentials that have already expired by this machine's clock"
            }
            Cause::Internal => "Internal error while fetching credentials",
        }
    }
}

/// How long before expiry a set stops being handed out as fresh: a third of the lifetime,
/// at most 15 minutes. For the shortest lifetime (15 minutes) that is 5 minutes, the
/// margin AWS itself promises for instance and container credentials; from 45 minutes up
/// it is 15 minutes, the point at which botocore and other SDKs start asking for new
/// credentials, so an SDK that asks then gets a new set rather than the same one again.
/// The lifetime is the set's own (from its arrival to its deadline), so a set AWS made
/// shorter than asked is refreshed a third of the way before its real end.
pub(super) fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 3).min(Duration::from_secs(15 * 60))
}

/// After a failed refresh, how long old (still valid) credentials are served before
/// trying again.
pub(super) const RETRY_PAUSE: Duration = Duration::from_secs(10);

/// The set in use and the (monotonic) times that matter for it.
struct Entry {
    creds: Arc<TempCredentials>,
    /// Until then, hand it out without a second thought.
    fresh_until: Instant,
    /// From then on, never hand it out.
    valid_until: Instant,
}

#[derive(Default)]
struct State {
    current: Option<Entry>,
    /// A fetch is running (in some request's thread).
    refreshing: bool,
    /// Counts finished fetches, so a waiter knows the one it waited for has ended.
    fetches: u64,
    /// The failure of the last fetch, if it failed.
    last_error: Option<Failure>,
    /// No new attempt before this while old credentials are still valid.
    retry_at: Option<Instant>,
}

/// See the module documentation.
pub struct CredentialCache {
    source: Box<dyn Source>,
    clock: Box<dyn Clock>,
    lifetime: Duration,
    log: Log,
    state: Mutex<State>,
    fetched: Condvar,
}

impl CredentialCache {
    /// `lifetime` is the duration asked for (`--duration`): a set is never served longer
    /// than that after its fetch started, whatever its Expiration says.
    pub fn new(source: Box<dyn Source>, clock: Box<dyn Clock>, lifetime: Duration) -> Self {
        CredentialCache {
            source,
            clock,
            lifetime,
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
    pub fn get(&self) -> Result<Arc<TempCredentials>, Failure> {
        self.forget_if_revoked();
        let mut state = self.lock();
        let now = self.clock.instant();
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

    /// Asks the source whether the set that would be served has been revoked, and if so
    /// forgets it, so that this request fetches a new one (and others wait for it rather
    /// than get a dead set). The question is asked without the lock held (it is a call
    /// to AWS), and not while a fetch runs: a new set is on its way then.
    fn forget_if_revoked(&self) {
        let creds = {
            let state = self.lock();
            if state.refreshing {
                return;
            }
            match self.valid(&state, self.clock.instant()) {
                Some(creds) => creds,
                None => return,
            }
        };
        match self.source.revoked(&creds) {
            Revocation::No => {}
            Revocation::Unknown(line) => (self.log)(&line),
            Revocation::Revoked(at) => {
                let mut state = self.lock();
                // Unless another request already replaced it.
                if state
                    .current
                    .as_ref()
                    .is_some_and(|e| Arc::ptr_eq(&e.creds, &creds))
                {
                    state.current = None;
                    state.retry_at = None;
                }
                drop(state);
                (self.log)(&format!(
                    "Credentials revoked at {}; fetching new ones",
                    crate::lifecycle::revoke::written(at)
                ));
            }
        }
    }

    /// Runs the one fetch, stores its result and wakes the waiters. `fallback` is the old
    /// set, served if the fetch fails and it is still valid.
    fn fetch(
        &self,
        fallback: Option<Arc<TempCredentials>>,
    ) -> Result<Arc<TempCredentials>, Failure> {
        // Ends the fetch even if the source panics, so waiters are never stuck.
        let mut flight = Flight {
            cache: self,
            done: false,
        };
        let started = self.clock.instant();
        let result = self
            .source
            .fetch()
            .map_err(|e| Failure {
                cause: Cause::Fetch,
                detail: e.to_string(),
            })
            .and_then(|creds| self.entry(creds, started));
        let mut state = self.lock();
        flight.done = true;
        state.refreshing = false;
        state.fetches += 1;
        self.fetched.notify_all();
        match result {
            Ok(entry) => {
                let creds = entry.creds.clone();
                state.current = Some(entry);
                state.last_error = None;
                state.retry_at = None;
                Ok(creds)
            }
            Err(failure) => {
                let now = self.clock.instant();
                state.last_error = Some(failure.clone());
                state.retry_at = Some(now + RETRY_PAUSE);
                match fallback.filter(|_| self.valid(&state, now).is_some()) {
                    Some(old) => {
                        drop(state);
                        (self.log)(&format!(
                            "Could not refresh credentials, still serving the current ones: {}: {}",
                            failure.public(),
                            failure.detail
                        ));
                        Ok(old)
                    }
                    None => Err(failure),
                }
            }
        }
    }

    /// The deadlines of a new set, from its Expiration (see the module docs).
    fn entry(&self, creds: TempCredentials, started: Instant) -> Result<Entry, Failure> {
        // Both clocks read together: this is the one place the wall clock matters.
        let (wall, now) = (self.clock.wall(), self.clock.instant());
        let remaining = creds.expiration - wall;
        if !remaining.is_positive() {
            return Err(Failure {
                cause: Cause::ExpiredOnArrival,
                detail: format!(
                    "they expire at {} but this machine's clock says {}: check the system clock",
                    crate::output::utc_seconds(creds.expiration, ' '),
                    crate::output::utc_seconds(wall, ' '),
                ),
            });
        }
        let remaining = Duration::try_from(remaining).unwrap_or(Duration::MAX);
        let by_expiration = now.checked_add(remaining);
        let by_duration = started.checked_add(self.lifetime);
        let valid_until = match (by_expiration, by_duration) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b).unwrap_or(now),
        };
        let margin = refresh_margin(valid_until.saturating_duration_since(now));
        Ok(Entry {
            creds: Arc::new(creds),
            fresh_until: valid_until.checked_sub(margin).unwrap_or(now),
            valid_until,
        })
    }

    /// Waits for the running fetch to end and shares its outcome.
    fn wait_for_fetch(
        &self,
        state: MutexGuard<'_, State>,
    ) -> Result<Arc<TempCredentials>, Failure> {
        let before = state.fetches;
        let state = self
            .fetched
            .wait_while(state, |s| s.refreshing && s.fetches == before)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = self.clock.instant();
        match self.valid(&state, now) {
            Some(creds) => Ok(creds),
            None => Err(state.last_error.clone().unwrap_or(Failure {
                cause: Cause::Internal,
                detail: "No credentials available".to_string(),
            })),
        }
    }

    fn valid(&self, state: &State, now: Instant) -> Option<Arc<TempCredentials>> {
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
            state.last_error = Some(Failure {
                cause: Cause::Internal,
                detail: "the credential source panicked".to_string(),
            });
            self.cache.fetched.notify_all();
        }
    }
}

#[cfg(test)]
mod tests;
