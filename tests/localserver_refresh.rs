//! Refreshing credentials, through the library API over real HTTP: the server is driven by
//! a fake clock and a fake source, so expiry is a clock move, not a wait. (The command only
//! allows 15 minutes and more, so these behaviours are tested here rather than through the
//! binary.)

use crate::support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use s3_credentials::localserver::{
    App, Clock, CredentialCache, FetchError, Guard, Log, Server, Source, TempCredentials, Waker,
};
use support::http::{self, Response};
use time::OffsetDateTime;

const LIFETIME: Duration = Duration::from_secs(3600);
/// refresh_margin(1 h): fresh for the first 45 minutes.
const FRESH: Duration = Duration::from_secs(45 * 60);

/// The wall and the monotonic clock, moved together by hand.
#[derive(Clone)]
struct FakeClock {
    start: Instant,
    elapsed: Arc<Mutex<Duration>>,
}

impl FakeClock {
    fn advance(&self, d: Duration) {
        *self.elapsed.lock().unwrap() += d;
    }
}

impl Clock for FakeClock {
    fn wall(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap() + *self.elapsed.lock().unwrap()
    }
    fn instant(&self) -> Instant {
        self.start + *self.elapsed.lock().unwrap()
    }
}

/// What the fake source does on its next fetches.
enum Mode {
    Answer,
    Fail(&'static str),
    /// Tell the test the fetch started, then wait until the test says go.
    Gate(Sender<()>, Receiver<()>),
}

/// Counts fetches and numbers the keys it hands out: AKID1, AKID2, ...
#[derive(Clone)]
struct FakeSource {
    calls: Arc<AtomicUsize>,
    mode: Arc<Mutex<Mode>>,
    clock: FakeClock,
    /// How long AWS says each new set lasts.
    expires_in: Arc<Mutex<Duration>>,
}

impl Source for FakeSource {
    fn fetch(&self) -> Result<TempCredentials, FetchError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        // Take what the gate needs without holding the lock while blocked.
        let gate = match &*self.mode.lock().unwrap() {
            Mode::Answer => None,
            Mode::Fail(message) => return Err((*message).into()),
            Mode::Gate(started, go) => {
                started.send(()).unwrap();
                Some(go.recv_timeout(Duration::from_secs(30)))
            }
        };
        if let Some(released) = gate {
            released.expect("the test never released the fetch");
        }
        Ok(TempCredentials {
            access_key_id: format!("AKID{n}"),
            secret_access_key: format!("secret{n}"),
            session_token: format!("token{n}"),
            expiration: self.clock.wall() + *self.expires_in.lock().unwrap(),
        })
    }
}

struct Fixture {
    url: String,
    clock: FakeClock,
    source: FakeSource,
    stop: Arc<AtomicBool>,
    waker: Waker,
    thread: Option<std::thread::JoinHandle<()>>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Fixture {
    fn start() -> Fixture {
        let clock = FakeClock {
            start: Instant::now(),
            elapsed: Arc::default(),
        };
        let source = FakeSource {
            calls: Arc::new(AtomicUsize::new(0)),
            mode: Arc::new(Mutex::new(Mode::Answer)),
            clock: clock.clone(),
            expires_in: Arc::new(Mutex::new(LIFETIME)),
        };
        let lines = Arc::new(Mutex::new(Vec::new()));
        let log: Log = {
            let lines = lines.clone();
            Arc::new(move |line: &str| lines.lock().unwrap().push(line.to_string()))
        };
        let cache =
            CredentialCache::new(Box::new(source.clone()), Box::new(clock.clone()), LIFETIME)
                .with_log(log.clone());
        let app = Arc::new(App::new(cache, Guard::new("localhost", None), log.clone()));
        let server = Server::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let url = format!("http://{}", server.local_addr().unwrap());
        let waker = server.waker();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || server.run(app, &stop, log))
        };
        Fixture {
            url,
            clock,
            source,
            stop,
            waker,
            thread: Some(thread),
            log: lines,
        }
    }

    fn get(&self, path: &str) -> Response {
        http::send(&self.url, "GET", path, &[], b"").unwrap()
    }

    fn key(&self) -> String {
        let r = self.get("/");
        assert_eq!(r.status, 200, "{}", r.text());
        json(&r)["AccessKeyId"].as_str().unwrap().to_string()
    }

    fn calls(&self) -> usize {
        self.source.calls.load(Ordering::SeqCst)
    }

    fn set_mode(&self, mode: Mode) {
        *self.source.mode.lock().unwrap() = mode;
    }

    /// Puts the source behind a gate; returns (fetch started, release).
    fn gate(&self) -> (Receiver<()>, Sender<()>) {
        let (started_tx, started) = mpsc::channel();
        let (go, go_rx) = mpsc::channel();
        self.set_mode(Mode::Gate(started_tx, go_rx));
        (started, go)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.waker.wake();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn json(r: &Response) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap()
}

/// `n` GETs of `path` at once, each on its own connection; their answers.
fn concurrent(url: &str, path: &'static str, n: usize) -> Vec<std::thread::JoinHandle<Response>> {
    (0..n)
        .map(|_| {
            let url = url.to_string();
            std::thread::spawn(move || http::send(&url, "GET", path, &[], b"").unwrap())
        })
        .collect()
}

#[test]
fn credentials_are_refreshed_once_the_margin_is_reached() {
    let f = Fixture::start();
    assert_eq!(f.key(), "AKID1");
    f.clock.advance(FRESH - Duration::from_secs(1));
    assert_eq!(f.key(), "AKID1", "still fresh: no new AssumeRole");
    assert_eq!(f.calls(), 1);
    f.clock.advance(Duration::from_secs(1));
    assert_eq!(
        f.key(),
        "AKID2",
        "15 minutes before expiry: new credentials"
    );
    assert_eq!(f.key(), "AKID2");
    assert_eq!(f.calls(), 2);
    // Both shapes serve the same set.
    assert_eq!(json(&f.get("/ecs"))["Token"], "token2");
}

#[test]
fn old_credentials_are_served_while_new_ones_are_fetched() {
    let f = Fixture::start();
    assert_eq!(f.key(), "AKID1");
    f.clock.advance(FRESH + Duration::from_secs(60));
    let (started, go) = f.gate();
    // This request starts the refresh and waits for it.
    let first = concurrent(&f.url, "/", 1);
    started.recv_timeout(Duration::from_secs(30)).unwrap();
    // Meanwhile everyone else gets the old, still valid set, at once and without another
    // fetch (the gate would block a second fetch and these would never answer).
    for r in concurrent(&f.url, "/", 12) {
        assert_eq!(json(&r.join().unwrap())["AccessKeyId"], "AKID1");
    }
    go.send(()).unwrap();
    let first = first.into_iter().next().unwrap().join().unwrap();
    assert_eq!(json(&first)["AccessKeyId"], "AKID2");
    f.set_mode(Mode::Answer);
    assert_eq!(f.key(), "AKID2");
    assert_eq!(f.calls(), 2);
}

#[test]
fn expired_credentials_cost_one_fetch_for_many_waiting_clients() {
    let f = Fixture::start();
    assert_eq!(f.key(), "AKID1");
    f.clock.advance(LIFETIME);
    let (started, go) = f.gate();
    let clients = concurrent(&f.url, "/ecs", 20);
    started.recv_timeout(Duration::from_secs(30)).unwrap();
    go.send(()).unwrap();
    for client in clients {
        let r = client.join().unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(json(&r)["AccessKeyId"], "AKID2");
    }
    assert_eq!(f.calls(), 2, "one AssumeRole for all twenty");
}

#[test]
fn a_failing_refresh_answers_500_and_recovers() {
    let f = Fixture::start();
    assert_eq!(f.key(), "AKID1");

    // Within the margin the old set is still served, and the failure is logged.
    f.set_mode(Mode::Fail(
        "An error occurred (ExpiredToken) when calling the AssumeRole operation: gone",
    ));
    f.clock.advance(FRESH + Duration::from_secs(1));
    assert_eq!(f.key(), "AKID1");
    assert!(
        f.log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.starts_with("Could not refresh credentials")),
        "{:?}",
        f.log.lock().unwrap()
    );

    // Expired and still failing: a JSON error, as the original's 500, but with a fixed
    // text and a number; the AWS message is in the log under that number.
    f.clock.advance(LIFETIME);
    let r = f.get("/");
    assert_eq!(r.status, 500);
    assert_eq!(
        r.text(),
        r#"{"error": "Could not get credentials from AWS (error 1, see the server's log)"}"#
    );
    assert!(
        f.log.lock().unwrap().iter().any(|l| l
            == "Error 1: Could not get credentials from AWS: An error occurred (ExpiredToken) \
                when calling the AssumeRole operation: gone"),
        "{:?}",
        f.log.lock().unwrap()
    );
    assert_eq!(f.get("/ecs").status, 500);

    // AWS is back: served again without a restart.
    f.set_mode(Mode::Answer);
    let key = f.key();
    assert!(key.starts_with("AKID"), "{key}");
    assert_eq!(f.get("/ecs").status, 200);
}

#[test]
fn a_set_is_served_only_until_aws_expiration() {
    let f = Fixture::start();
    // AWS grants ten minutes, though an hour was asked for.
    *f.source.expires_in.lock().unwrap() = Duration::from_secs(600);
    assert_eq!(f.key(), "AKID1");
    f.set_mode(Mode::Fail("gone"));
    // A third of its life before its end it is refreshed (that fails here: the old set
    // is still served)...
    f.clock.advance(Duration::from_secs(400));
    assert_eq!(f.key(), "AKID1");
    assert_eq!(f.calls(), 2);
    // ...and at AWS's Expiration it is no longer served, 50 minutes before `--duration`.
    f.clock.advance(Duration::from_secs(200));
    assert_eq!(f.get("/").status, 500);
}
