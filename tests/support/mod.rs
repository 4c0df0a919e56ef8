//! Test support shared by the integration tests: a mock HTTP server ([`mock`]), the reader
//! and replayer of recorded exchanges ([`cassette`]), launchers for the real servers
//! ([`moto`], [`s3s`]), and helpers to run the built binary in a clean
//! environment.
//!
//! Each file in `tests/` is its own crate and uses only part of this module, hence the allow.

pub mod aws_front;
pub mod aws_rules;
pub mod cassette;
pub mod http;
pub mod identity_aws;
pub mod mock;
pub mod moto;
pub mod original;
pub mod s3_mock;
pub mod s3s;
pub mod signals;
pub mod sigv4;
pub mod throttle;

#[allow(unused_imports)] // each test crate uses some of these
pub use mock::{Matcher, MockServer, Recorded, Reply};
#[allow(unused_imports)]
pub use signals::default_signals;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The repository root (where Cargo.toml, `fixtures/`, `.venv/` and `.cache/` live).
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A directory that is removed, with everything in it, when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        TempDir::new_in(&std::env::temp_dir(), "s3c-test")
    }

    fn new_in(parent: &Path, prefix: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let path = parent.join(format!("{prefix}-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(parent).expect("create temp parent");
        // create_dir, not create_dir_all: the directory must be new, never one left behind.
        std::fs::create_dir(&path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Keep the directory after drop (for looking at a failed test's files).
    pub fn keep(self) -> PathBuf {
        let path = self.0.clone();
        std::mem::forget(self);
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `Command` for the built binary with nothing from the developer's environment: only PATH,
/// a fresh empty HOME (so no `~/.aws` is read), IMDS off, and AWS config/credentials files
/// that do not exist. Tests add the variables they mean to test.
pub fn bin() -> Command {
    // A Command cannot own a TempDir, so each HOME lives under target/tmp/homes and old ones
    // are swept (by age) the first time a test process asks for one.
    let homes = Path::new(env!("CARGO_TARGET_TMPDIR")).join("homes");
    static SWEEP: std::sync::Once = std::sync::Once::new();
    SWEEP.call_once(|| sweep_old(&homes, Duration::from_secs(3600)));
    let home = TempDir::new_in(&homes, "home").keep();

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_s3-credentials"));
    // Tests signal it: SIGINT must not stay ignored when the suite runs in the background.
    default_signals(&mut cmd);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.join("no-such-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-such-aws-credentials"),
        );
    cmd
}

fn sweep_old(dir: &Path, age: Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().unwrap_or_default() > age);
        if old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// What a finished process did.
#[derive(Debug)]
pub struct Outcome {
    /// Exit code; 128 + signal number if it was killed by a signal.
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Outcome {
    pub fn stdout_str(&self) -> &str {
        std::str::from_utf8(&self.stdout).expect("stdout is not UTF-8")
    }
}

/// How long [`run`] lets a process take before killing it and failing the test.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `cmd` to completion, feeding it `stdin` (or /dev/null), and captures its output.
/// Panics if it runs longer than [`RUN_TIMEOUT`], so a hung binary fails its test.
/// Ours with these keys against `url` (us-east-1, one attempt per request).
pub fn run_keyed(url: &str, key: (String, String), args: &[&str]) -> Outcome {
    let mut cmd = bin();
    cmd.args(args)
        .args(["--endpoint-url", url])
        .env("AWS_ACCESS_KEY_ID", key.0)
        .env("AWS_SECRET_ACCESS_KEY", key.1)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_MAX_ATTEMPTS", "1");
    run(&mut cmd, None)
}

pub fn run(cmd: &mut Command, stdin: Option<&[u8]>) -> Outcome {
    let input = if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    };
    cmd.stdin(input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {:?}: {e}", cmd.get_program()));

    // Stdin, stdout and stderr each get a thread so that no pipe can fill up and deadlock.
    if let (Some(data), Some(mut pipe)) = (stdin, child.stdin.take()) {
        let data = data.to_vec();
        // A process that exits without reading its stdin makes this fail: that is fine.
        std::thread::spawn(move || pipe.write_all(&data));
    }
    let (tx, rx) = mpsc::channel();
    let out = drain(child.stdout.take().unwrap(), tx.clone());
    let err = drain(child.stderr.take().unwrap(), tx);
    // Both pipes reach EOF when the process exits; waiting on that (not on a poll loop)
    // costs nothing and leaves `child` here so a hung process can be killed.
    let deadline = Instant::now() + RUN_TIMEOUT;
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        if rx.recv_timeout(left).is_err() {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
            panic!(
                "{:?} still running after {RUN_TIMEOUT:?}; killed. stderr:\n{stderr}",
                cmd
            );
        }
    }
    let status = child.wait().expect("wait for child");
    Outcome {
        code: exit_code(status),
        stdout: out.join().unwrap(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

fn drain(
    mut pipe: impl Read + Send + 'static,
    done: mpsc::Sender<()>,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        let _ = done.send(());
        buf
    })
}

fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

/// A port that was free a moment ago. Servers we launch take a port number, not a socket,
/// so there is a small window in which another process could take it; [`launch`] retries.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().unwrap().port()
}

/// How long a launched server may take to accept connections.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

/// Starts a server process (built by `make` for a port) with its output going to `log`, and
/// returns once the port accepts connections. Retries on a new port if the process exits
/// early (most likely: the port was taken meanwhile); panics with the log if it never comes up.
pub(crate) fn launch(name: &str, log: &Path, make: impl Fn(u16) -> Command) -> (Child, u16) {
    let mut last_log = String::new();
    for _attempt in 0..3 {
        let port = free_port();
        let log_file = std::fs::File::create(log).expect("create server log");
        let mut cmd = make(port);
        cmd.stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file);
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {name} ({cmd:?}): {e}"));
        match wait_for_port(&mut child, port) {
            Ok(()) => return (child, port),
            Err(why) => {
                let _ = child.kill();
                let _ = child.wait();
                last_log = std::fs::read_to_string(log).unwrap_or_default();
                if why == "timed out" {
                    panic!(
                        "{name} did not listen on port {port} within {STARTUP_TIMEOUT:?}; log:\n{last_log}"
                    );
                }
            }
        }
    }
    panic!("{name} exited during startup three times; last log:\n{last_log}");
}

fn wait_for_port(child: &mut Child, port: u16) -> Result<(), &'static str> {
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    while Instant::now() < deadline {
        if child.try_wait().ok().flatten().is_some() {
            return Err("exited");
        }
        // A bare connect is invisible to the servers: it is not a request, so moto does not
        // count it towards INITIAL_NO_AUTH_ACTION_COUNT.
        if std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        // Polling interval only: readiness is decided by the connect above.
        std::thread::sleep(Duration::from_millis(10));
    }
    Err("timed out")
}

/// Panics with the standard hint when a server binary the tests need is missing.
pub(crate) fn require(path: &Path, what: &str) {
    if !path.exists() {
        panic!(
            "{what} not found at {}: run scripts/setup-test-servers.sh first",
            path.display()
        );
    }
}

/// A process running in the background with its output collected as it comes, for tests
/// that act on it while it runs (send it a signal once it has started transferring).
pub struct Spawned {
    child: Child,
    stdout: Option<std::thread::JoinHandle<Vec<u8>>>,
    stderr: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    stderr_done: Option<std::thread::JoinHandle<()>>,
    started: Instant,
}

impl Spawned {
    /// Starts `cmd` with stdin from /dev/null.
    pub fn start(cmd: &mut Command) -> Spawned {
        cmd.stdin(Stdio::null());
        Spawned::start_as_set(cmd)
    }

    /// Starts `cmd` with a pipe as its stdin, returned open: the process waits for more
    /// until the pipe is dropped.
    pub fn start_piped(cmd: &mut Command) -> (Spawned, std::process::ChildStdin) {
        cmd.stdin(Stdio::piped());
        let mut spawned = Spawned::start_as_set(cmd);
        let stdin = spawned.child.stdin.take().expect("piped stdin");
        (spawned, stdin)
    }

    fn start_as_set(cmd: &mut Command) -> Spawned {
        // Whatever program it is (ours or the original), it may be sent SIGINT.
        default_signals(cmd);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {:?}: {e}", cmd.get_program()));
        let mut out = child.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = out.read_to_end(&mut buf);
            buf
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        let stderr_done = std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = err.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        Spawned {
            child,
            stdout: Some(stdout),
            stderr,
            stderr_done: Some(stderr_done),
            started: Instant::now(),
        }
    }

    pub fn stderr_so_far(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Polls `ready` until it holds. Panics (with stderr) if the process ends first or
    /// [`RUN_TIMEOUT`] passes: the test meant to act while it runs.
    pub fn wait_until(&mut self, what: &str, mut ready: impl FnMut() -> bool) {
        loop {
            if ready() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "process ended ({status}) before {what}; stderr:\n{}",
                    self.stderr_so_far()
                );
            }
            if self.started.elapsed() > RUN_TIMEOUT {
                panic!(
                    "no {what} within {RUN_TIMEOUT:?}; stderr:\n{}",
                    self.stderr_so_far()
                );
            }
            // Polling interval only: readiness is decided by `ready`.
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits until stderr has `text` (see [`Spawned::wait_until`]).
    pub fn wait_for_stderr(&mut self, text: &str) {
        let stderr = self.stderr.clone();
        self.wait_until(&format!("{text:?} on stderr"), || {
            String::from_utf8_lossy(&stderr.lock().unwrap()).contains(text)
        });
    }

    /// Sends `signal` ("INT", "TERM") to the process.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits for the process to end (killing it after [`RUN_TIMEOUT`]).
    pub fn finish(mut self) -> Outcome {
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for child") {
                break status;
            }
            if self.started.elapsed() > RUN_TIMEOUT {
                let _ = self.child.kill();
                panic!(
                    "still running after {RUN_TIMEOUT:?}; killed. stderr:\n{}",
                    self.stderr_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let stdout = self.stdout.take().unwrap().join().unwrap();
        self.stderr_done.take().unwrap().join().unwrap();
        Outcome {
            code: exit_code(status),
            stdout,
            stderr: self.stderr_so_far(),
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
