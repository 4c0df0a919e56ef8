//! Replays a cassette recorded from the original (fixtures/iam/record.py): the mock
//! server answers each request with the response moto gave the original at that
//! step, after checking that the request is the one the original sent (method,
//! path, query, and the IAM/STS form parameters or the S3 body, exactly).

use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::support::{Matcher, MockServer, Outcome, Recorded, Reply, TempDir, bin, repo_root, run};

/// One recorded scenario.
pub struct Cassette {
    pub name: String,
    json: Value,
}

impl Cassette {
    pub fn load(name: &str) -> Cassette {
        let path = repo_root()
            .join("fixtures/iam/cassettes")
            .join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cassette {}: {e}", path.display()));
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("cassette {}: {e}", path.display()));
        Cassette {
            name: name.to_string(),
            json,
        }
    }

    fn str(&self, key: &str) -> &str {
        self.json[key].as_str().unwrap_or_default()
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

    fn exchanges(&self) -> &[Value] {
        self.json["exchanges"].as_array().map_or(&[], Vec::as_slice)
    }

    /// Run the port with the cassette's arguments against a mock that replays it.
    pub fn play(&self) -> Played {
        self.play_with(&[])
    }

    pub fn play_with(&self, env: &[(&str, &str)]) -> Played {
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
        let dir = TempDir::new();
        if let Some(files) = self.json["files"].as_object() {
            for (name, text) in files {
                std::fs::write(dir.path().join(name), text.as_str().unwrap_or_default())
                    .expect("write cassette file");
            }
        }
        let mut cmd = bin();
        for arg in self.json["args"].as_array().into_iter().flatten() {
            cmd.arg(arg.as_str().unwrap_or_default());
        }
        cmd.args(["--endpoint-url", &server.url()])
            .current_dir(dir.path())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let stdin = self.json["stdin"].as_str().map(str::as_bytes);
        let outcome = run(&mut cmd, stdin);
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
    if let Some(headers) = response["headers"].as_object() {
        for (name, value) in headers {
            reply = reply.header(name, value.as_str().unwrap_or_default());
        }
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

/// The result of a replay.
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
