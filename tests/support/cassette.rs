//! The one reader of `fixtures/`' recorded server exchanges, and the one place that replays
//! them on a [`MockServer`]. The formats differ because what was recorded differs:
//!
//! - [`Cassette`]: one run of the original 0.17 against moto (`fixtures/iam/cassettes/NAME.json`,
//!   by fixtures/iam/record.py): arguments, input files and stdin, every request with moto's
//!   response, in order, and what the original printed. Replayed strictly
//!   ([`Cassette::play`], [`Cassette::check`]: each request must be the original's) or
//!   loosely ([`Cassette::serve`]: the next recorded response whatever is asked, for fault
//!   tests whose faults sit in front and swallow the retried attempts).
//! - The S3 world (`fixtures/s3/routes.json`, recorded moto responses and AWS's documented
//!   redirect errors): a route table, installed by [`s3_world`], and [`S3Case`]s, the command
//!   lines of `cases.txt` with what the original printed and sent for each
//!   (`fixtures/s3/expected/`, by record_expected.sh).
//! - Single recorded bodies and expected outputs: [`fixture`], [`fixture_text`]
//!   ([`Reply::fixture`] reads through them).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::{Matcher, MockServer, Outcome, Recorded, Reply, TempDir, bin, repo_root, run};

/// The bytes of `fixtures/<rel>`; panics naming the file if it cannot be read.
pub fn fixture(rel: &str) -> Vec<u8> {
    let path = repo_root().join("fixtures").join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// `fixtures/<rel>` as text.
pub fn fixture_text(rel: &str) -> String {
    String::from_utf8(fixture(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

fn json(rel: &str) -> Value {
    serde_json::from_slice(&fixture(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

// ----- IAM cassettes ---------------------------------------------------------------------

/// One recorded run of the original, with its input files written to [`Cassette::dir`].
pub struct Cassette {
    pub name: String,
    json: Value,
    /// The working directory to run in: the run's input files are there.
    pub dir: TempDir,
}

impl Cassette {
    pub fn load(name: &str) -> Cassette {
        let json = json(&format!("iam/cassettes/{name}.json"));
        let dir = TempDir::new();
        for (file, text) in json["files"].as_object().into_iter().flatten() {
            std::fs::write(dir.path().join(file), text.as_str().unwrap_or_default())
                .expect("write cassette file");
        }
        Cassette {
            name: name.to_string(),
            json,
            dir,
        }
    }

    fn str(&self, key: &str) -> &str {
        self.json[key].as_str().unwrap_or_default()
    }

    /// The original's arguments (without `--endpoint-url`).
    pub fn args(&self) -> Vec<String> {
        self.json["args"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| a.as_str().unwrap_or_default().to_string())
            .collect()
    }

    pub fn stdin(&self) -> Option<Vec<u8>> {
        self.json["stdin"].as_str().map(|s| s.as_bytes().to_vec())
    }

    /// What the original printed on stdout.
    pub fn stdout(&self) -> &str {
        self.str("stdout")
    }

    /// What the original printed on stderr (before any traceback).
    pub fn stderr(&self) -> &str {
        self.str("stderr")
    }

    pub fn exit_code(&self) -> i32 {
        self.json["exit_code"].as_i64().unwrap_or(-1) as i32
    }

    /// botocore's message when the original ended with a traceback.
    pub fn exception(&self) -> Option<&str> {
        self.json["exception"].as_str()
    }

    fn exchanges(&self) -> &[Value] {
        self.json["exchanges"].as_array().map_or(&[], Vec::as_slice)
    }

    /// The recorded replies, in order.
    pub fn replies(&self) -> Vec<Reply> {
        self.exchanges()
            .iter()
            .map(|e| reply_of(&e["response"]))
            .collect()
    }

    /// The response recorded for the first request with this IAM/STS `Action`, to
    /// build hand-made mocks from real server answers.
    pub fn response(&self, action: &str) -> Reply {
        let exchange = self
            .exchanges()
            .iter()
            .find(|e| {
                pairs(&e["params"])
                    .iter()
                    .any(|(k, v)| k == "Action" && v == action)
            })
            .unwrap_or_else(|| panic!("{}: no {action} exchange", self.name));
        reply_of(&exchange["response"])
    }

    /// The text of the first `<tag>` element in any recorded response (the secret key
    /// CreateAccessKey answered, ...).
    pub fn recorded(&self, tag: &str) -> String {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        self.exchanges()
            .iter()
            .filter_map(|e| e["response"]["body"].as_str())
            .find_map(|body| {
                let start = body.find(&open)? + open.len();
                let len = body[start..].find(&close)?;
                Some(body[start..start + len].to_string())
            })
            .unwrap_or_else(|| panic!("{}: no <{tag}> in any response", self.name))
    }

    /// Loose replay: adds a route answering every request with the next recorded response.
    pub fn serve(&self, server: &MockServer) {
        let replies = self.replies();
        let next = AtomicUsize::new(0);
        server.on(
            Matcher::any(),
            Reply::compute(move |_| {
                replies
                    .get(next.fetch_add(1, Ordering::SeqCst))
                    .cloned()
                    .unwrap_or_else(|| Reply::status(500).body("cassette: no more exchanges"))
            }),
        );
    }

    /// Strict replay: runs the port with the cassette's arguments against a mock that
    /// answers each request with the recorded response, noting where a request is not
    /// the one the original sent (method, path, query, and the form parameters or the S3
    /// body, exactly).
    pub fn play(&self) -> Played {
        let server = MockServer::start();
        let state = Arc::new(Mutex::new(State::default()));
        let exchanges: Vec<Value> = self.exchanges().to_vec();
        {
            let state = state.clone();
            server.on(
                Matcher::any(),
                Reply::compute(move |req| answer(&exchanges, &state, req)),
            );
        }
        let mut cmd = bin();
        cmd.args(self.args())
            .args(["--endpoint-url", &server.url()])
            .current_dir(self.dir.path())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1");
        let outcome = run(&mut cmd, self.stdin().as_deref());
        let state = state.lock().unwrap();
        Played {
            outcome,
            mismatches: state.mismatches.clone(),
            used: state.next,
            total: self.exchanges().len(),
            name: self.name.clone(),
        }
    }

    /// Play, then check everything the original did: same requests, all of them,
    /// same stdout, stderr and exit code. For a run the original ended with a
    /// traceback, stderr must be the original's lines, then exactly one
    /// `Error:` line with botocore's message (`extra` lines allowed between).
    pub fn check(&self) -> Played {
        let played = self.play();
        played.assert_requests();
        let out = &played.outcome;
        assert_eq!(
            out.stdout_str(),
            self.stdout(),
            "{}: stdout differs from the original's",
            self.name
        );
        assert_eq!(out.code, self.exit_code(), "{}: exit code", self.name);
        match self.exception() {
            None => assert_eq!(out.stderr, self.stderr(), "{}: stderr", self.name),
            Some(message) => {
                assert!(
                    out.stderr.starts_with(self.stderr()),
                    "{}: stderr should start with the original's {:?}, got {:?}",
                    self.name,
                    self.stderr(),
                    out.stderr
                );
                let last = out.stderr.lines().last().unwrap_or_default();
                assert!(
                    last.starts_with(&format!("Error: {message}")),
                    "{}: last stderr line {last:?} should be Error: {message}",
                    self.name
                );
                assert_eq!(
                    out.stderr.matches("Error:").count(),
                    1,
                    "{}: one Error line in {:?}",
                    self.name,
                    out.stderr
                );
            }
        }
        played
    }
}

#[derive(Default)]
struct State {
    next: usize,
    mismatches: Vec<String>,
}

/// The recorded response for the next exchange, noting any difference between the
/// request and the recorded one.
fn answer(exchanges: &[Value], state: &Mutex<State>, req: &Recorded) -> Reply {
    let mut state = state.lock().unwrap();
    let index = state.next;
    let Some(exchange) = exchanges.get(index) else {
        state.mismatches.push(format!(
            "request {index} is one too many: {} {}",
            req.method, req.target
        ));
        return Reply::status(500).body("cassette: no more exchanges");
    };
    state.next += 1;
    for difference in differences(exchange, req) {
        state
            .mismatches
            .push(format!("request {index}: {difference}"));
    }
    reply_of(&exchange["response"])
}

fn reply_of(response: &Value) -> Reply {
    let mut reply = Reply::status(response["status"].as_u64().unwrap_or(500) as u16)
        .body(response["body"].as_str().unwrap_or_default());
    for (name, value) in response["headers"].as_object().into_iter().flatten() {
        reply = reply.header(name, value.as_str().unwrap_or_default());
    }
    reply
}

fn pairs(value: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = value
        .as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            (
                pair[0].as_str().unwrap_or_default().to_string(),
                pair[1].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn differences(exchange: &Value, req: &Recorded) -> Vec<String> {
    let mut out = Vec::new();
    let method = exchange["method"].as_str().unwrap_or_default();
    let path = exchange["path"].as_str().unwrap_or_default();
    if req.method != method || req.raw_path != path {
        out.push(format!(
            "{} {} sent, the original sent {method} {path}",
            req.method, req.raw_path
        ));
    }
    let mut query = req.query.clone();
    query.sort();
    let expected_query = pairs(&exchange["query"]);
    if query != expected_query {
        out.push(format!(
            "query {query:?}, the original's {expected_query:?}"
        ));
    }
    if exchange.get("params").is_some() {
        let mut form = req.form();
        form.sort();
        let expected = pairs(&exchange["params"]);
        if form != expected {
            out.push(format!(
                "parameters {form:?}\n  the original's {expected:?}"
            ));
        }
    } else {
        let body = req.body_str();
        let expected = exchange["body"].as_str().unwrap_or_default();
        if body != expected {
            out.push(format!("body {body:?}, the original's {expected:?}"));
        }
    }
    out
}

/// The result of a strict replay.
pub struct Played {
    pub outcome: Outcome,
    pub mismatches: Vec<String>,
    pub used: usize,
    pub total: usize,
    name: String,
}

impl Played {
    /// Every recorded request was made, in order, and nothing else.
    pub fn assert_requests(&self) {
        assert!(
            self.mismatches.is_empty(),
            "{}: requests differ from the original's:\n{}\nstderr: {}",
            self.name,
            self.mismatches.join("\n"),
            self.outcome.stderr
        );
        assert_eq!(
            self.used, self.total,
            "{}: only {} of the original's {} requests were made; stderr: {}",
            self.name, self.used, self.total, self.outcome.stderr
        );
    }
}

// ----- The S3 world ----------------------------------------------------------------------

/// `fixtures/s3`: the world's files, and the directory its command lines run in (they name
/// policy-file.json there).
pub fn s3_dir() -> PathBuf {
    repo_root().join("fixtures/s3")
}

/// Every route of routes.json on `server`. The first matching route wins there, as in
/// serve_routes.py; the mock tries the newest first, so they go in reverse.
pub fn s3_world(server: &MockServer) {
    let routes = json("s3/routes.json");
    let text = |v: &Value| v.as_str().expect("string").to_string();
    for route in routes.as_array().expect("routes.json: a list").iter().rev() {
        let mut matcher = Matcher::request(&text(&route["method"]), &text(&route["path"]));
        for (name, value) in route["query"].as_object().expect("query") {
            matcher = matcher.query(name, &text(value));
        }
        if let Some(n) = route.get("times").and_then(Value::as_u64) {
            matcher = matcher.times(n as usize);
        }
        let mut reply = Reply::status(route["status"].as_u64().expect("status") as u16);
        if let Some(file) = route.get("file") {
            reply = reply
                .header("Content-Type", "application/xml")
                .body(fixture(&format!("s3/{}", text(file))));
        }
        for (name, value) in route["headers"].as_object().into_iter().flatten() {
            reply = reply.header(name, &text(value));
        }
        server.on(matcher, reply);
    }
}

/// One line of `fixtures/s3/cases.txt`: a command line run in the S3 world.
pub struct S3Case {
    pub name: String,
    pub region: String,
    pub args: Vec<String>,
}

/// Every case of cases.txt, in order.
pub fn s3_cases() -> Vec<S3Case> {
    fixture_text("s3/cases.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|line| {
            let mut parts = line.splitn(3, '|');
            let mut next = || parts.next().expect("NAME|REGION|ARGS").to_string();
            let (name, region, args) = (next(), next(), next());
            S3Case {
                name,
                region,
                args: args.split(' ').map(str::to_string).collect(),
            }
        })
        .collect()
}

/// What the original did for an [`S3Case`] (fixtures/s3/expected/NAME.*).
pub struct S3Expected {
    pub code: i32,
    /// Where the original crashed on fields outside its CSV columns: what its own writer
    /// prints when told to ignore them (`NAME.stdout.ignoring-extras`).
    pub stdout_ignoring_extras: Option<String>,
    pub stdout: String,
    /// None: the original died with a traceback.
    pub stderr: Option<String>,
    /// The requests it sent, as record_expected.sh logs them: method, decoded path,
    /// sorted query, body.
    pub requests: Vec<Value>,
}

impl S3Case {
    pub fn expected(&self) -> S3Expected {
        let rel = |ext: &str| format!("s3/expected/{}.{ext}", self.name);
        let optional = |ext: &str| {
            let rel = rel(ext);
            repo_root()
                .join("fixtures")
                .join(&rel)
                .exists()
                .then(|| fixture_text(&rel))
        };
        let stdout_ignoring_extras = optional("stdout.ignoring-extras");
        S3Expected {
            code: fixture_text(&rel("code"))
                .trim()
                .parse()
                .expect("exit code"),
            stdout: match stdout_ignoring_extras {
                Some(_) => optional("stdout").unwrap_or_default(),
                None => fixture_text(&rel("stdout")),
            },
            stdout_ignoring_extras,
            stderr: optional("stderr"),
            requests: fixture_text(&rel("requests"))
                .lines()
                .map(|l| serde_json::from_str(l).expect("a request line"))
                .collect(),
        }
    }
}

/// A request summarised as record_expected.sh logs the original's.
pub fn s3_summary(r: &Recorded) -> Value {
    let mut query: Vec<(String, String)> = r.query.clone();
    query.sort();
    serde_json::json!({
        "method": r.method,
        "path": r.path,
        "query": query,
        "body": r.body_str(),
    })
}

/// The content type [`Reply::fixture`] gives a file, from its extension.
pub fn content_type(rel: &str) -> &'static str {
    match Path::new(rel).extension().and_then(|e| e.to_str()) {
        Some("xml") => "text/xml",
        Some("json") => "application/json",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}
