//! The fault matrix: run a command once against a mock AWS to learn which calls it makes,
//! then once per (call, fault): a transient fault in front of that call, twice, must not
//! change what the command prints; a fault that outlasts the retries must end it with one
//! clean `Error:` line; Ctrl-C or SIGTERM while the call is in flight must end it with
//! click's `Aborted!` ([`interrupted`]). Each command's test only says how to set up the
//! mock and what to run.

use std::path::PathBuf;

use super::{assert_no_panic, assert_no_secret, keyed};
use crate::support::{Matcher, MockServer, Outcome, Recorded, Reply, Spawned, run};

/// One command to put through the matrix.
pub struct Scenario<'a> {
    pub name: &'a str,
    /// Arguments after the binary name; `--endpoint-url` is added.
    pub args: Vec<String>,
    /// Routes for a fault-free run.
    pub setup: &'a dyn Fn(&MockServer),
    pub env: Vec<(String, String)>,
    /// Files the command writes: after a failure none may exist.
    pub outputs: Vec<PathBuf>,
    /// Called before each run (for example to remove what the last one wrote).
    pub reset: &'a dyn Fn(),
    /// The working directory, when the command reads or writes relative paths.
    pub dir: Option<PathBuf>,
    pub stdin: Option<Vec<u8>>,
}

impl<'a> Scenario<'a> {
    /// A scenario with only arguments and routes.
    pub fn new(name: &'a str, args: &[&str], setup: &'a dyn Fn(&MockServer)) -> Self {
        Scenario {
            name,
            args: args.iter().map(|a| a.to_string()).collect(),
            setup,
            env: Vec::new(),
            outputs: Vec::new(),
            reset: &|| {},
            dir: None,
            stdin: None,
        }
    }
}

/// What identifies a call: method, decoded path, the query-protocol action and the names
/// of the query parameters (`?uploads`, `?partNumber=&uploadId=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub action: Option<String>,
    pub query_names: Vec<String>,
}

impl Call {
    pub fn of(r: &Recorded) -> Call {
        let mut query_names: Vec<String> = r.query.iter().map(|(k, _)| k.clone()).collect();
        query_names.sort();
        query_names.dedup();
        Call {
            method: r.method.clone(),
            path: r.path.clone(),
            action: r.param("Action"),
            query_names,
        }
    }

    pub fn matcher(&self) -> Matcher {
        let call = self.clone();
        Matcher::any().when(move |r| Call::of(r) == call)
    }

    fn label(&self) -> String {
        match &self.action {
            Some(a) => a.clone(),
            None => format!("{} {} {:?}", self.method, self.path, self.query_names),
        }
    }
}

/// Transient faults fit for a call: a HEAD response has no body to carry a code.
fn faults_for(call: &Call) -> Vec<(&'static str, Reply)> {
    let mut faults = vec![("500", Reply::status(500)), ("reset", Reply::reset())];
    if call.method == "HEAD" {
        faults.push(("503", Reply::status(503)));
    } else if call.action.is_some() {
        faults.push((
            "Throttling",
            Reply::query_error(400, "Throttling", "Rate exceeded"),
        ));
    } else {
        faults.push((
            "SlowDown",
            Reply::s3_error(503, "SlowDown", "Please reduce your request rate."),
        ));
    }
    faults
}

fn run_scenario(s: &Scenario, server: &MockServer) -> Outcome {
    (s.reset)();
    let mut cmd = keyed();
    cmd.args(&s.args).args(["--endpoint-url", &server.url()]);
    for (k, v) in &s.env {
        cmd.env(k, v);
    }
    if let Some(dir) = &s.dir {
        cmd.current_dir(dir);
    }
    run(&mut cmd, s.stdin.as_deref())
}

/// The calls a fault-free run makes, each once, in order; and its outcome.
pub fn baseline(s: &Scenario) -> (Outcome, Vec<Call>) {
    let server = MockServer::start();
    (s.setup)(&server);
    let out = run_scenario(s, &server);
    assert_eq!(
        out.code, 0,
        "{}: fault-free run failed: {}",
        s.name, out.stderr
    );
    let mut calls: Vec<Call> = Vec::new();
    for r in server.requests() {
        let call = Call::of(&r);
        if !calls.contains(&call) {
            calls.push(call);
        }
    }
    assert!(!calls.is_empty(), "{}: no request made", s.name);
    (out, calls)
}

/// Transient faults in front of every call are retried: the output is what a fault-free
/// run prints. Returns the calls, for [`outlasting`].
pub fn transient(s: &Scenario) -> Vec<Call> {
    let (clean, calls) = baseline(s);
    for call in &calls {
        for (fault, reply) in faults_for(call) {
            let what = format!("{}: {fault} x2 on {}", s.name, call.label());
            let server = MockServer::start();
            (s.setup)(&server);
            server.on(call.matcher().times(2), reply);
            let out = run_scenario(s, &server);
            assert_eq!(out.code, 0, "{what}: {}", out.stderr);
            assert_eq!(out.stdout, clean.stdout, "{what}: stdout differs");
            assert_no_panic(&out, &what);
            assert_no_secret(&out, &what);
        }
    }
    calls
}

/// A 503 on `call` that outlasts the retries: exit 1, one `Error:` line at the end of
/// stderr saying so in botocore's words (the status, "reached max retries", and for the
/// query protocol the action), nothing of the outputs left behind. Returns what the
/// server received, for checks of what the command did on its way out.
pub fn outlasting(s: &Scenario, call: &Call) -> Vec<Recorded> {
    let what = format!("{}: 503 on {} for good", s.name, call.label());
    let server = MockServer::start();
    (s.setup)(&server);
    server.on(call.matcher(), Reply::status(503));
    let out = run_scenario(s, &server);
    assert_eq!(out.code, 1, "{what}: {}", out.stderr);
    let last = out.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("Error: "), "{what}: {}", out.stderr);
    assert!(
        last.contains("An error occurred (503) when calling the ")
            && last.contains(" operation (reached max retries: "),
        "{what}: {last}"
    );
    if let Some(action) = &call.action {
        assert!(
            last.contains(&format!(" when calling the {action} operation ")),
            "{what}: {last}"
        );
    }
    assert_eq!(
        out.stderr.matches("Error: ").count(),
        1,
        "{what}: {}",
        out.stderr
    );
    assert_no_panic(&out, &what);
    assert_no_secret(&out, &what);
    for path in &s.outputs {
        assert!(!path.exists(), "{what}: {} left behind", path.display());
    }
    server.requests()
}

/// Interrupt mid-call: the server holds back its answer to `call` (the part, the ranged GET
/// in flight); once it has the request, the command gets `signal` ("INT" or "TERM"). It
/// must stop at once with click's blank line and `Aborted!` (after any notes), exit 1,
/// leave none of the outputs behind, print no panic or secret. `extra` adds routes in
/// front (a stalling abort). Returns the outcome and what the server received.
pub fn interrupted(
    s: &Scenario,
    call: &Call,
    signal: &str,
    extra: &dyn Fn(&MockServer),
) -> (Outcome, Vec<Recorded>) {
    let what = format!("{}: SIG{signal} during {}", s.name, call.label());
    let server = MockServer::start();
    (s.setup)(&server);
    server.on(
        call.matcher(),
        Reply::status(500).delay(std::time::Duration::from_secs(120)),
    );
    // Later routes win: these come in front of the stall.
    extra(&server);
    (s.reset)();
    let mut cmd = keyed();
    cmd.args(&s.args).args(["--endpoint-url", &server.url()]);
    for (k, v) in &s.env {
        cmd.env(k, v);
    }
    if let Some(dir) = &s.dir {
        cmd.current_dir(dir);
    }
    let mut child = Spawned::start(&mut cmd);
    child.wait_until(&format!("{what}: the call"), || {
        server.requests().iter().any(|r| Call::of(r) == *call)
    });
    child.signal(signal);
    let out = child.finish();
    assert_eq!(out.code, 1, "{what}: {}", out.stderr);
    assert!(
        out.stderr.ends_with("\nAborted!\n"),
        "{what}: stderr: {:?}",
        out.stderr
    );
    assert!(!out.stderr.contains("Error: "), "{what}: {}", out.stderr);
    assert_no_panic(&out, &what);
    assert_no_secret(&out, &what);
    for path in &s.outputs {
        assert!(!path.exists(), "{what}: {} left behind", path.display());
    }
    (out, server.requests())
}

/// Both halves, for every call the command makes.
pub fn full(s: &Scenario) {
    for call in transient(s) {
        outlasting(s, &call);
    }
}
