use super::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Clocks the test moves by hand: `advance` moves both, `jump_wall` only the wall clock
/// (an NTP step, a clock set by hand).
#[derive(Clone)]
struct FakeClock {
    start: Instant,
    elapsed: Arc<Mutex<Duration>>,
    wall_start: OffsetDateTime,
    jumped: Arc<Mutex<time::Duration>>,
}

impl FakeClock {
    fn new() -> Self {
        FakeClock {
            start: Instant::now(),
            elapsed: Arc::default(),
            wall_start: OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap(),
            jumped: Arc::new(Mutex::new(time::Duration::ZERO)),
        }
    }
    fn advance(&self, d: Duration) {
        *self.elapsed.lock().unwrap() += d;
    }
    fn jump_wall(&self, d: time::Duration) {
        *self.jumped.lock().unwrap() += d;
    }
    /// AWS's clock, which no local jump moves.
    fn aws_wall(&self) -> OffsetDateTime {
        self.wall_start + *self.elapsed.lock().unwrap()
    }
}

impl Clock for FakeClock {
    fn wall(&self) -> OffsetDateTime {
        self.aws_wall() + *self.jumped.lock().unwrap()
    }
    fn instant(&self) -> Instant {
        self.start + *self.elapsed.lock().unwrap()
    }
}

/// Numbered credentials that AWS says expire `expires_in` after the (wall) time they are
/// made (by AWS's clock); fails while `failing` is set.
#[derive(Clone)]
struct Counter {
    calls: Arc<AtomicUsize>,
    failing: Arc<AtomicBool>,
    clock: FakeClock,
    expires_in: Arc<Mutex<time::Duration>>,
}

impl Source for Counter {
    fn fetch(&self) -> Result<TempCredentials, FetchError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if self.failing.load(Ordering::SeqCst) {
            return Err("network down".into());
        }
        Ok(TempCredentials {
            access_key_id: format!("AKID{n}"),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            expiration: self.clock.aws_wall() + *self.expires_in.lock().unwrap(),
        })
    }
}

const HOUR: Duration = Duration::from_secs(3600);

/// A cache asking for `lifetime`, whose source's sets AWS says last `lifetime` too.
fn cache(lifetime: Duration) -> (CredentialCache, FakeClock, Counter) {
    let clock = FakeClock::new();
    let source = Counter {
        calls: Arc::default(),
        failing: Arc::default(),
        clock: clock.clone(),
        expires_in: Arc::new(Mutex::new(lifetime.try_into().unwrap())),
    };
    let cache = CredentialCache::new(Box::new(source.clone()), Box::new(clock.clone()), lifetime);
    (cache, clock, source)
}

fn key(cache: &CredentialCache) -> String {
    cache.get().unwrap().access_key_id.clone()
}

fn calls(source: &Counter) -> usize {
    source.calls.load(Ordering::SeqCst)
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
    assert_eq!(calls(&source), 1);
    clock.advance(Duration::from_secs(1));
    assert_eq!(key(&cache), "AKID2", "15 minutes before expiry: refresh");
    assert_eq!(calls(&source), 2);
}

#[test]
fn a_failed_refresh_serves_the_old_set_and_pauses() {
    let (cache, clock, source) = cache(HOUR);
    key(&cache);
    source.failing.store(true, Ordering::SeqCst);
    clock.advance(Duration::from_secs(50 * 60));
    assert_eq!(key(&cache), "AKID1", "old set still valid");
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(calls(&source), 2, "no retry within the pause");
    clock.advance(RETRY_PAUSE);
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(calls(&source), 3, "retried after the pause");
}

#[test]
fn expired_and_failing_is_an_error_until_it_recovers() {
    let (cache, clock, source) = cache(HOUR);
    key(&cache);
    source.failing.store(true, Ordering::SeqCst);
    clock.advance(HOUR);
    let failure = cache.get().unwrap_err();
    assert_eq!(
        (failure.cause, failure.detail.as_str()),
        (Cause::Fetch, "network down")
    );
    assert_eq!(failure.public(), "Could not get credentials from AWS");
    // Without valid credentials every request tries again: no pause.
    assert_eq!(cache.get().unwrap_err().detail, "network down");
    assert_eq!(calls(&source), 3);
    source.failing.store(false, Ordering::SeqCst);
    assert_eq!(key(&cache), "AKID4");
}

#[test]
fn the_set_lives_until_aws_expiration_not_the_duration_asked() {
    // Asked for an hour, AWS grants ten minutes: served for ten minutes at most, and
    // refreshed a third of its life before its end (at 6m40s), not at 45 minutes.
    let (cache, clock, source) = cache(HOUR);
    *source.expires_in.lock().unwrap() = time::Duration::minutes(10);
    assert_eq!(key(&cache), "AKID1");
    clock.advance(Duration::from_secs(400 - 1));
    assert_eq!(key(&cache), "AKID1");
    clock.advance(Duration::from_secs(1));
    assert_eq!(key(&cache), "AKID2");
    // The next set fails to come and the old one reaches AWS's Expiration: no longer served.
    source.failing.store(true, Ordering::SeqCst);
    clock.advance(Duration::from_secs(600));
    assert_eq!(cache.get().unwrap_err().cause, Cause::Fetch);
}

#[test]
fn never_served_past_the_duration_asked_even_if_aws_says_later() {
    let (cache, clock, source) = cache(Duration::from_secs(900));
    *source.expires_in.lock().unwrap() = time::Duration::hours(12);
    key(&cache);
    clock.advance(Duration::from_secs(600 - 1));
    assert_eq!(key(&cache), "AKID1");
    clock.advance(Duration::from_secs(1));
    assert_eq!(key(&cache), "AKID2");
}

#[test]
fn wall_clock_jumps_change_nothing_once_a_set_is_held() {
    let (cache, clock, source) = cache(HOUR);
    assert_eq!(key(&cache), "AKID1");
    // The wall clock leaps two hours ahead: by it the set has expired, but the deadline
    // was fixed on the monotonic clock when the set arrived.
    clock.jump_wall(time::Duration::hours(2));
    assert_eq!(key(&cache), "AKID1");
    // And back four hours: by it the set would live on for hours more; it does not.
    clock.jump_wall(time::Duration::hours(-4));
    source.failing.store(true, Ordering::SeqCst);
    clock.advance(HOUR);
    assert_eq!(cache.get().unwrap_err().cause, Cause::Fetch);
    assert_eq!(calls(&source), 2);
}

#[test]
fn a_set_already_expired_by_the_local_clock_is_refused() {
    let (cache, clock, source) = cache(HOUR);
    // This machine's clock runs two hours ahead of AWS's.
    clock.jump_wall(time::Duration::hours(2));
    let failure = cache.get().unwrap_err();
    assert_eq!(failure.cause, Cause::ExpiredOnArrival);
    assert!(
        failure.detail.contains("check the system clock"),
        "{failure:?}"
    );
    assert!(!failure.public().contains("secret"));
    clock.jump_wall(time::Duration::hours(-2));
    assert_eq!(key(&cache), "AKID2");
    assert_eq!(calls(&source), 2);
}

struct Panics;
impl Source for Panics {
    fn fetch(&self) -> Result<TempCredentials, FetchError> {
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

/// A [`Counter`] whose sets the test revokes by hand; counts the questions.
struct Revoking {
    inner: Counter,
    answer: Arc<Mutex<Revocation>>,
    asked: Arc<AtomicUsize>,
}

impl Source for Revoking {
    fn fetch(&self) -> Result<TempCredentials, FetchError> {
        self.inner.fetch()
    }
    fn revoked(&self, _creds: &TempCredentials) -> Revocation {
        self.asked.fetch_add(1, Ordering::SeqCst);
        self.answer.lock().unwrap().clone()
    }
}

#[test]
fn a_revoked_set_is_replaced_never_served() {
    let clock = FakeClock::new();
    let inner = Counter {
        calls: Arc::default(),
        failing: Arc::default(),
        clock: clock.clone(),
        expires_in: Arc::new(Mutex::new(time::Duration::HOUR)),
    };
    let answer = Arc::new(Mutex::new(Revocation::No));
    let asked = Arc::new(AtomicUsize::new(0));
    let source = Revoking {
        inner: inner.clone(),
        answer: answer.clone(),
        asked: asked.clone(),
    };
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let log: Log = {
        let lines = lines.clone();
        Arc::new(move |line| lines.lock().unwrap().push(line.to_string()))
    };
    let cache = CredentialCache::new(Box::new(source), Box::new(clock.clone()), HOUR).with_log(log);

    // The first set is fetched, not checked; a cached one is checked each time.
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(asked.load(Ordering::SeqCst), 0);
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(asked.load(Ordering::SeqCst), 1);

    // A check that fails serves the set and says why.
    *answer.lock().unwrap() = Revocation::Unknown("could not tell".into());
    assert_eq!(key(&cache), "AKID1");
    assert_eq!(lines.lock().unwrap().last().unwrap(), "could not tell");

    // Revoked: a new set at once, and the line saying so.
    let at = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
    *answer.lock().unwrap() = Revocation::Revoked(at);
    assert_eq!(key(&cache), "AKID2");
    assert_eq!(
        lines.lock().unwrap().last().unwrap(),
        "Credentials revoked at 2027-01-15T08:00:00.000Z; fetching new ones"
    );

    // Revoked, and no new set to be had: an error, not the dead set (though still valid).
    inner.failing.store(true, Ordering::SeqCst);
    assert_eq!(cache.get().unwrap_err().cause, Cause::Fetch);
    assert_eq!(calls(&inner), 3);

    // Nothing valid to serve: nothing to check.
    *answer.lock().unwrap() = Revocation::No;
    let before = asked.load(Ordering::SeqCst);
    clock.advance(RETRY_PAUSE);
    assert!(cache.get().is_err());
    assert_eq!(asked.load(Ordering::SeqCst), before);
}
