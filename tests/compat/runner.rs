//! Runs scenarios through both tools and compares them.
//!
//! The original runs in one long-lived Python process (`run_original.py`) against server A;
//! ours runs as the built binary against server B, at the same time. Each tool has its own
//! scenario directory (input files, `--auth` files it saved, downloads) and its own server
//! (moto, or s3s-fs: a [`Backend`]), both reset and given the same state before every
//! scenario.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use crate::compat::model::{Expect, Scenario, Seen, Server, Setup, Step};
use crate::compat::normalise::Normaliser;
use crate::support::http::Response;
use crate::support::moto::Moto;
use crate::support::s3s::S3s;
use crate::support::{self, TempDir, sigv4};

/// The server one tool's side of a scenario talks to.
pub trait Backend: Sync {
    fn url(&self) -> String;
    /// The keys both tools run with.
    fn keys(&self) -> (String, String);
    /// Back to an empty server (moto: a new admin key).
    fn reset(&mut self);
    /// A signed S3 request with [`Backend::keys`].
    fn s3(&self, method: &str, path_and_query: &str, body: &[u8]) -> Response;
    /// Makes `s` on the server, adding any variables it defines to `vars`.
    fn apply(&self, s: &Setup, vars: &mut HashMap<String, String>);
}

/// A server of either kind (they own their processes: no borrowed data).
type AnyServer = dyn Backend + 'static;

impl Backend for Moto {
    fn url(&self) -> String {
        Moto::url(self)
    }
    fn keys(&self) -> (String, String) {
        self.admin_key()
    }
    fn reset(&mut self) {
        Moto::reset(self)
    }
    fn s3(&self, method: &str, path_and_query: &str, body: &[u8]) -> Response {
        Moto::s3(self, method, path_and_query, body)
    }
    fn apply(&self, s: &Setup, vars: &mut HashMap<String, String>) {
        apply_setup(self, s, vars)
    }
}

/// 2026-01-02 03:04:05.123456 UTC: every seeded object's mtime on s3s-fs.
fn fixed_mtime() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_micros(1_767_323_045_123_456)
}

/// s3s-fs serves a directory: buckets are directories and objects files, so its state is
/// made (and wiped) on disk, as a user's files would be, not through its API.
impl Backend for S3s {
    fn url(&self) -> String {
        S3s::url(self)
    }
    fn keys(&self) -> (String, String) {
        S3s::keys(self)
    }
    fn reset(&mut self) {
        let data = self.data_dir();
        for entry in std::fs::read_dir(&data).expect("s3s-fs data dir").flatten() {
            std::fs::remove_dir_all(entry.path())
                .unwrap_or_else(|e| panic!("reset s3s-fs: {}: {e}", entry.path().display()));
        }
    }
    fn s3(&self, method: &str, path_and_query: &str, body: &[u8]) -> Response {
        S3s::s3(self, method, path_and_query, body)
    }
    fn apply(&self, s: &Setup, _vars: &mut HashMap<String, String>) {
        let data = self.data_dir();
        let write = |bucket: &str, key: &str, body: &[u8]| {
            let path = data.join(bucket).join(key);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, body).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // LastModified is the file's mtime: the same one on both servers, with a
            // fraction, so that the two listings compare exactly (a fresh mtime can
            // fall on a whole second on one server only, and Python's str(datetime)
            // then prints no fraction).
            std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(fixed_mtime()))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        };
        match s {
            Setup::Bucket(b) => std::fs::create_dir_all(data.join(b)).unwrap(),
            Setup::Object(b, k, body) => write(b, k, body),
            Setup::Numbered {
                bucket,
                prefix,
                count,
            } => {
                std::fs::create_dir_all(data.join(bucket)).unwrap();
                for i in 0..*count {
                    write(bucket, &format!("{prefix}{i:05}"), b"");
                }
            }
            other => panic!("setup {other:?} is not made on s3s-fs"),
        }
    }
}

/// A step's raw result from either tool.
struct Raw {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
    tree: Option<BTreeMap<String, Vec<u8>>>,
}

/// The original s3-credentials, in one Python process for all the scenarios of a test.
pub struct Original {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Original {
    pub fn start() -> Original {
        let python = support::repo_root().join(".venv/bin/python");
        assert!(
            python.exists(),
            "the original s3-credentials is missing: run scripts/setup-test-servers.sh first"
        );
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat/run_original.py");
        let mut child = Command::new(python)
            .arg(script)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start run_original.py");
        let input = child.stdin.take().expect("stdin");
        let output = BufReader::new(child.stdout.take().expect("stdout"));
        Original {
            child,
            input,
            output,
        }
    }

    fn run(&mut self, dir: &Path, env: &[(String, String)], steps: &[Step]) -> Vec<Raw> {
        let steps: Vec<serde_json::Value> = steps
            .iter()
            .map(|s| {
                serde_json::json!({
                    "args": s.args,
                    "stdin": s.stdin.as_ref().map(hex::encode),
                    "save_stdout": s.save_stdout,
                    "tree": s.tree,
                    "env": s
                        .env
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::from(v.clone())))
                        .collect::<serde_json::Map<_, _>>(),
                })
            })
            .collect();
        let env: serde_json::Map<String, serde_json::Value> = env
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        let request = serde_json::json!({"dir": dir, "env": env, "steps": steps});
        writeln!(self.input, "{request}").expect("write to run_original.py");
        self.input.flush().expect("flush run_original.py");
        let mut line = String::new();
        self.output
            .read_line(&mut line)
            .expect("read run_original.py");
        assert!(
            !line.is_empty(),
            "run_original.py exited (see its stderr above)"
        );
        let results: Vec<serde_json::Value> =
            serde_json::from_str(&line).expect("run_original.py result");
        results
            .into_iter()
            .map(|r| Raw {
                code: r["code"].as_i64().unwrap_or(-1) as i32,
                stdout: hex::decode(r["stdout"].as_str().unwrap_or_default()).expect("hex"),
                stderr: r["stderr"].as_str().unwrap_or_default().to_string(),
                tree: r["tree"].as_object().map(|files| {
                    files
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                hex::decode(v.as_str().unwrap_or_default()).expect("hex"),
                            )
                        })
                        .collect()
                }),
            })
            .collect()
    }
}

impl Drop for Original {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One tool's side of a scenario: its server (if any), directories and setup variables.
struct Side<'a> {
    server: Option<&'a AnyServer>,
    _root: TempDir,
    work: PathBuf,
    home: PathBuf,
    vars: HashMap<String, String>,
    /// The scenario's environment changes, templates filled.
    env_changes: Vec<(String, Option<String>)>,
}

impl<'a> Side<'a> {
    fn prepare(server: Option<&'a mut AnyServer>, scenario: &Scenario) -> Side<'a> {
        let server = server.map(|m| {
            m.reset();
            &*m
        });
        let root = TempDir::new();
        let work = root.path().join("work");
        let home = root.path().join("home");
        std::fs::create_dir_all(&work).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        let mut side = Side {
            server,
            _root: root,
            work,
            home,
            vars: HashMap::new(),
            env_changes: Vec::new(),
        };
        side.vars
            .insert("work".into(), side.work.display().to_string());
        if let Some(m) = side.server {
            let (key, secret) = m.keys();
            side.vars.insert("url".into(), m.url());
            side.vars.insert("admin_key".into(), key);
            side.vars.insert("admin_secret".into(), secret);
            for s in &scenario.setup {
                m.apply(s, &mut side.vars);
            }
        }
        side.env_changes = scenario
            .env
            .iter()
            .map(|(k, v)| (k.clone(), v.as_deref().map(|v| side.fill(v))))
            .collect();
        for (path, content) in &scenario.files {
            let full = side.work.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, side.fill_bytes(content)).unwrap();
        }
        side
    }

    fn url(&self) -> String {
        self.server.map(|m| m.url()).unwrap_or_default()
    }

    fn fill(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (name, value) in &self.vars {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    fn fill_bytes(&self, data: &[u8]) -> Vec<u8> {
        match std::str::from_utf8(data) {
            Ok(text) => self.fill(text).into_bytes(),
            Err(_) => data.to_vec(),
        }
    }

    /// The step as this side runs it: templates filled, endpoint added.
    fn concrete(&self, step: &Step) -> Step {
        let mut s = step.clone();
        s.args = s.args.iter().map(|a| self.fill(a)).collect();
        s.stdin = s.stdin.as_deref().map(|d| self.fill_bytes(d));
        if self.server.is_some() {
            s.args.push("--endpoint-url".into());
            s.args.push(self.url());
        }
        s
    }

    /// The whole environment both tools run with (nothing from the developer's).
    fn env(&self) -> Vec<(String, String)> {
        let (key, secret) = self
            .server
            .map(|m| m.keys())
            .unwrap_or_else(|| ("testing".into(), "testing".into()));
        let home = self.home.display().to_string();
        // Any request goes to loopback: the scenario's server, or (offline) a port where
        // nothing listens, so a tool that unexpectedly calls out fails fast and harmlessly.
        let endpoint = match self.server {
            Some(m) => m.url(),
            None => "http://127.0.0.1:9".to_string(),
        };
        let mut env: Vec<(String, String)> = vec![
            ("AWS_ENDPOINT_URL".into(), endpoint),
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".into(), home.clone()),
            ("AWS_ACCESS_KEY_ID".into(), key),
            ("AWS_SECRET_ACCESS_KEY".into(), secret),
            ("AWS_DEFAULT_REGION".into(), "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
            ("AWS_CONFIG_FILE".into(), format!("{home}/no-such-config")),
            (
                "AWS_SHARED_CREDENTIALS_FILE".into(),
                format!("{home}/no-such-credentials"),
            ),
        ];
        for (name, value) in &self.env_changes {
            env.retain(|(k, _)| k != name);
            if let Some(value) = value {
                env.push((name.clone(), value.clone()));
            }
        }
        env
    }

    fn run_ours(&self, steps: &[Step]) -> Vec<Raw> {
        let env = self.env();
        steps
            .iter()
            .map(|s| {
                let mut cmd = support::bin();
                cmd.env_clear()
                    .envs(env.iter().cloned())
                    .envs(s.env.iter().cloned())
                    .current_dir(&self.work)
                    .args(&s.args);
                let out = support::run(&mut cmd, s.stdin.as_deref());
                if let Some(file) = &s.save_stdout {
                    std::fs::write(self.work.join(file), &out.stdout).unwrap();
                }
                Raw {
                    code: out.code,
                    stdout: out.stdout,
                    stderr: out.stderr,
                    tree: s.tree.as_ref().map(|d| snapshot(&self.work.join(d))),
                }
            })
            .collect()
    }

    fn normalise(&self, raws: Vec<Raw>) -> Vec<Seen> {
        let mut n = Normaliser::new(&self.url(), &self.work.display().to_string());
        raws.into_iter()
            .map(|r| {
                let stdout = text_or_hex(&mut n, &r.stdout);
                let stderr = n.apply(&r.stderr);
                let tree = r.tree.map(|files| {
                    files
                        .into_iter()
                        .map(|(path, content)| (n.apply(&path), text_or_hex(&mut n, &content)))
                        .collect()
                });
                Seen {
                    code: r.code,
                    stdout,
                    stderr,
                    tree,
                }
            })
            .collect()
    }
}

fn text_or_hex(n: &mut Normaliser, data: &[u8]) -> String {
    match std::str::from_utf8(data) {
        Ok(text) => n.apply(text),
        Err(_) => format!("<binary: {}>", hex::encode(data)),
    }
}

fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn expect_ok(what: &str, r: std::io::Result<support::http::Response>) -> support::http::Response {
    let r = r.unwrap_or_else(|e| panic!("setup {what}: {e}"));
    assert!(
        (200..300).contains(&r.status),
        "setup {what}: HTTP {}: {}",
        r.status,
        r.text()
    );
    r
}

fn apply_setup(moto: &Moto, s: &Setup, vars: &mut HashMap<String, String>) {
    let (key, secret) = moto.admin_key();
    let creds = (key.as_str(), secret.as_str());
    let what = format!("{s:?}");
    match s {
        Setup::Bucket(b) => {
            expect_ok(&what, Ok(moto.s3("PUT", &format!("/{b}"), b"")));
        }
        Setup::Object(b, k, body) => {
            expect_ok(&what, Ok(moto.s3("PUT", &format!("/{b}/{k}"), body)));
        }
        Setup::ObjectWithChecksum(b, k, body) => {
            let path = support::http::percent_encode(&format!("/{b}/{k}"), true);
            let headers = [("x-amz-sdk-checksum-algorithm", "CRC32")];
            let r = sigv4::send_signed(&moto.url(), "PUT", &path, &[], &headers, body, "s3", creds);
            expect_ok(&what, r);
        }
        Setup::S3(method, path, body) => {
            expect_ok(&what, Ok(moto.s3(method, path, body)));
        }
        Setup::Numbered {
            bucket,
            prefix,
            count,
        } => {
            for i in 0..*count {
                let path = format!("/{bucket}/{prefix}{i:05}");
                expect_ok(&what, Ok(moto.s3("PUT", &path, b"")));
            }
        }
        Setup::Iam(params) => {
            let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            expect_ok(&what, Ok(moto.iam(&params)));
        }
        Setup::AccessKey { user, var } => {
            let r = expect_ok(
                &what,
                Ok(moto.iam(&[("Action", "CreateAccessKey"), ("UserName", user)])),
            );
            let text = r.text();
            vars.insert(format!("{var}_key"), xml_text(&text, "AccessKeyId"));
            vars.insert(format!("{var}_secret"), xml_text(&text, "SecretAccessKey"));
        }
        Setup::AssumeRole { role, session, var } => {
            let arn = format!("arn:aws:iam::123456789012:role/{role}");
            let params = [
                ("Action", "AssumeRole"),
                ("Version", "2011-06-15"),
                ("RoleArn", arn.as_str()),
                ("RoleSessionName", session),
            ];
            let r = expect_ok(&what, sigv4::query_call(&moto.url(), "sts", &params, creds));
            let text = r.text();
            vars.insert(format!("{var}_key"), xml_text(&text, "AccessKeyId"));
            vars.insert(format!("{var}_secret"), xml_text(&text, "SecretAccessKey"));
            vars.insert(format!("{var}_token"), xml_text(&text, "SessionToken"));
        }
    }
}

fn xml_text(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = xml.find(&open).map(|i| i + open.len());
    let end = start.and_then(|s| xml[s..].find(&format!("</{tag}>")).map(|e| s + e));
    match (start, end) {
        (Some(s), Some(e)) => xml[s..e].to_string(),
        _ => panic!("no <{tag}> in {xml}"),
    }
}

/// The verdict on one step.
pub struct Verdict {
    pub scenario: &'static str,
    pub step: String,
    /// Why this step does not count yet (a command not on main).
    pub pending: Option<&'static str>,
    /// The recorded deliberate difference, if any.
    pub deliberate: Option<&'static str>,
    pub result: Result<(), String>,
}

/// Runs the scenarios (all of one server kind) on both tools and judges every step.
/// `pending(command)` says why a command's cases do not count yet.
pub fn run_all(
    original: &mut Original,
    mut servers: Option<(&mut AnyServer, &mut AnyServer)>,
    scenarios: &[Scenario],
    pending: impl Fn(&str) -> Option<&'static str>,
) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    for scenario in scenarios {
        let (a, b) = match servers.as_mut() {
            Some((a, b)) => (Some(&mut **a), Some(&mut **b)),
            None => (None, None),
        };
        let t0 = Instant::now();
        let side_a = Side::prepare(a, scenario);
        let side_b = Side::prepare(b, scenario);
        let t_setup = t0.elapsed();
        let steps_a: Vec<Step> = scenario.steps.iter().map(|s| side_a.concrete(s)).collect();
        let steps_b: Vec<Step> = scenario.steps.iter().map(|s| side_b.concrete(s)).collect();
        let env_a = side_a.env();
        let (raw_a, raw_b) = std::thread::scope(|scope| {
            let ours = scope.spawn(|| {
                let t = Instant::now();
                (side_b.run_ours(&steps_b), t.elapsed())
            });
            let t = Instant::now();
            let theirs = original.run(&side_a.work, &env_a, &steps_a);
            let t_theirs = t.elapsed();
            let (ours, t_ours) = ours.join().expect("our side panicked");
            if std::env::var_os("COMPAT_VERBOSE").is_some() {
                eprintln!(
                    "  [{}] setup {:.2}s, original {:.2}s, ours {:.2}s",
                    scenario.name,
                    t_setup.as_secs_f64(),
                    t_theirs.as_secs_f64(),
                    t_ours.as_secs_f64()
                );
            }
            (theirs, ours)
        });
        let seen_a = side_a.normalise(raw_a);
        let seen_b = side_b.normalise(raw_b);

        // In a networked scenario later steps depend on earlier ones, so one pending command
        // makes the whole scenario pending; offline steps stand alone.
        let scenario_pending = if scenario.server == Server::Offline {
            None
        } else {
            scenario.steps.iter().find_map(|s| pending(s.command()))
        };
        for (i, step) in scenario.steps.iter().enumerate() {
            let deliberate = match &step.expect {
                Expect::Same => None,
                Expect::Traceback { reason, .. } | Expect::Custom { reason, .. } => Some(*reason),
            };
            verdicts.push(Verdict {
                scenario: scenario.name,
                step: step.display(),
                pending: scenario_pending.or_else(|| pending(step.command())),
                deliberate,
                result: judge(&step.expect, &seen_a[i], &seen_b[i]).and_then(|()| {
                    step.also
                        .iter()
                        .try_for_each(|check| check(&seen_a[i], &seen_b[i]))
                }),
            });
        }
        for path in &scenario.probes {
            let (Some(a), Some(b)) = (side_a.server, side_b.server) else {
                continue;
            };
            let head = |m: &dyn Backend| {
                let r = m.s3("HEAD", path, b"");
                let h = |name| r.header(name).unwrap_or("-").to_string();
                format!(
                    "HTTP {} content-type: {} content-length: {}",
                    r.status,
                    h("content-type"),
                    h("content-length")
                )
            };
            let (ha, hb) = (head(a), head(b));
            verdicts.push(Verdict {
                scenario: scenario.name,
                step: format!("(stored object) HEAD {path}"),
                pending: scenario_pending,
                deliberate: None,
                result: if ha == hb {
                    Ok(())
                } else {
                    Err(format!(
                        "after the original: {ha}\nafter ours:         {hb}"
                    ))
                },
            });
        }
    }
    verdicts
}

fn judge(expect: &Expect, original: &Seen, ours: &Seen) -> Result<(), String> {
    match expect {
        Expect::Same => same(original, ours),
        Expect::Traceback {
            original_last,
            ours: our_line,
            ..
        } => {
            const TRACEBACK: &str = "Traceback (most recent call last):\n";
            let Some(at) = original.stderr.find(TRACEBACK) else {
                return Err(format!(
                    "expected the original to print a traceback; it did not:\n{}",
                    show(original)
                ));
            };
            let last = original
                .stderr
                .trim_end()
                .lines()
                .last()
                .unwrap_or_default();
            if original.code != 1 || last != original_last {
                return Err(format!(
                    "the original's traceback changed: expected exit 1 and last line\n  {original_last}\ngot exit {} and\n  {last}",
                    original.code
                ));
            }
            let expected = Seen {
                code: 1,
                stdout: original.stdout.clone(),
                stderr: format!("{}{our_line}\n", &original.stderr[..at]),
                tree: original.tree.clone(),
            };
            same(&expected, ours)
        }
        Expect::Custom { check, .. } => check(original, ours),
    }
}

/// Equal after normalisation, or a message showing where they part.
pub fn same(expected: &Seen, ours: &Seen) -> Result<(), String> {
    if expected == ours {
        return Ok(());
    }
    let mut msg = String::new();
    if expected.code != ours.code {
        msg += &format!(
            "exit code: expected {}, ours {}\n",
            expected.code, ours.code
        );
    }
    for (what, e, o) in [
        ("stdout", &expected.stdout, &ours.stdout),
        ("stderr", &expected.stderr, &ours.stderr),
    ] {
        if e != o {
            msg += &format!(
                "{what} differs{}\n--- expected\n{e}\n--- ours\n{o}\n---\n",
                first_difference(e, o)
            );
        }
    }
    if expected.tree != ours.tree {
        msg += &format!(
            "files differ\n--- expected\n{:?}\n--- ours\n{:?}\n",
            expected.tree, ours.tree
        );
    }
    Err(msg)
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!(" at line {}:\n  expected: {x:?}\n  ours:     {y:?}", i + 1);
        }
    }
    format!(
        " (one is a prefix of the other: {} vs {} lines)",
        a.lines().count(),
        b.lines().count()
    )
}

pub fn show(s: &Seen) -> String {
    format!(
        "exit {}\n--- stdout\n{}\n--- stderr\n{}\n---",
        s.code, s.stdout, s.stderr
    )
}

/// Prints the verdicts (straight to stderr, so they show even when the test passes) and
/// fails the test if any step that counts did not pass.
pub fn report(group: &str, verdicts: &[Verdict], started: Instant) {
    let mut err = std::io::stderr().lock();
    let counted: Vec<&Verdict> = verdicts.iter().filter(|v| v.pending.is_none()).collect();
    let failed: Vec<&&Verdict> = counted.iter().filter(|v| v.result.is_err()).collect();
    let deliberate = counted.iter().filter(|v| v.deliberate.is_some()).count();
    let _ = writeln!(
        err,
        "compat {group}: {} steps checked, {} failed ({} are recorded deliberate differences), {} pending, {:.1}s",
        counted.len(),
        failed.len(),
        deliberate,
        verdicts.len() - counted.len(),
        started.elapsed().as_secs_f64()
    );
    let mut pending_scenarios: Vec<(&str, &str)> = Vec::new();
    for v in verdicts {
        if let Some(p) = v.pending {
            if !pending_scenarios.contains(&(v.scenario, p)) {
                pending_scenarios.push((v.scenario, p));
            }
        }
    }
    for (scenario, why) in &pending_scenarios {
        let steps: Vec<&Verdict> = verdicts
            .iter()
            .filter(|v| v.scenario == *scenario && v.pending == Some(why))
            .collect();
        let passing = steps.iter().filter(|v| v.result.is_ok()).count();
        let _ = writeln!(
            err,
            "  pending ({why}): {scenario}: {} steps, {passing} already pass",
            steps.len()
        );
    }
    if std::env::var_os("COMPAT_VERBOSE").is_some() {
        for v in verdicts
            .iter()
            .filter(|v| v.pending.is_some() && v.result.is_err())
        {
            let _ = writeln!(
                err,
                "  pending step fails: [{}] {}\n{}",
                v.scenario,
                v.step,
                v.result.as_ref().unwrap_err()
            );
        }
    }
    if !failed.is_empty() {
        let mut msg = format!("{} compatibility steps failed:\n", failed.len());
        for v in failed {
            msg += &format!(
                "\n=== [{}] {}\n{}",
                v.scenario,
                v.step,
                v.result.as_ref().unwrap_err()
            );
        }
        panic!("{msg}");
    }
}

/// The argument as a shell would need it, for readable reports.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
