//! The original s3-credentials 0.17 (installed in .venv by the setup script), for
//! side-by-side comparisons: one Python process answering command lines one at a time
//! (`original_session.py`), so a test can look at the server between two of them. The
//! compatibility suite (`compat/`) has its own scenario runner on top of the same idea.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use super::{Outcome, repo_root};

/// The venv's python, which has the original installed.
pub fn python() -> PathBuf {
    let python = repo_root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "the original s3-credentials is missing: run scripts/setup-test-servers.sh first"
    );
    python
}

/// A running original.
pub struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Session {
    /// The original with exactly `env` as its environment, in `dir`.
    pub fn start(env: &[(String, String)], dir: &Path) -> Session {
        let mut cmd = Command::new(python());
        cmd.env_clear().envs(env.iter().cloned());
        Session::start_as(cmd, dir)
    }

    /// The original run by `cmd` (a python, perhaps under a wrapper such as `unshare`,
    /// with its environment set): the script's path is added as its last argument.
    pub fn start_as(mut cmd: Command, dir: &Path) -> Session {
        cmd.arg(repo_root().join("tests/support/original_session.py"))
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        let mut child = cmd.spawn().expect("start the original");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Session {
            child,
            stdin,
            stdout,
        }
    }

    pub fn run(&mut self, args: &[&str]) -> Outcome {
        self.run_with(args, &[])
    }

    /// One command line, with `env` changed for it alone.
    pub fn run_with(&mut self, args: &[&str], env: &[(&str, &str)]) -> Outcome {
        let env: serde_json::Map<String, serde_json::Value> = env
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        let request = serde_json::json!({"args": args, "env": env});
        writeln!(self.stdin, "{request}").expect("send to the original");
        let mut answer = String::new();
        self.stdout
            .read_line(&mut answer)
            .expect("read the original");
        let v: serde_json::Value = serde_json::from_str(&answer)
            .unwrap_or_else(|e| panic!("the original's runner ({e}): {answer:?}"));
        let bytes = |i: usize| {
            s3_credentials::aws::base64::decode(v[i].as_str().unwrap_or_default())
                .expect("base64 from the runner")
        };
        Outcome {
            code: v[0].as_i64().unwrap_or(-1) as i32,
            stdout: bytes(1),
            stderr: String::from_utf8_lossy(&bytes(2)).into_owned(),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Many offline cases (policy, create --dry-run, usage errors) through one original,
/// with nothing of the developer's environment.
pub fn run_batch(cases: &[Vec<String>]) -> Vec<Outcome> {
    let home = std::env::temp_dir();
    let env = vec![
        (
            "PATH".to_string(),
            std::env::var("PATH").unwrap_or_default(),
        ),
        ("HOME".to_string(), home.display().to_string()),
    ];
    let mut session = Session::start(&env, &home);
    cases
        .iter()
        .map(|args| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            session.run(&args)
        })
        .collect()
}
