//! The original s3-credentials 0.17 (installed in .venv by the setup script), for
//! side-by-side comparisons.

use std::io::Write;
use std::process::{Command, Stdio};

use super::{Outcome, repo_root};

/// Run many offline cases (policy, create --dry-run, usage errors) through the
/// original in one Python process (tests/support/run_original.py).
pub fn run_batch(cases: &[Vec<String>]) -> Vec<Outcome> {
    let python = repo_root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "the original s3-credentials is missing: run scripts/setup-test-servers.sh first"
    );
    let mut child = Command::new(python)
        .arg(repo_root().join("tests/support/run_original.py"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python");
    let input = serde_json::to_vec(cases).expect("cases as JSON");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write cases");
    let out = child.wait_with_output().expect("python ran");
    assert!(
        out.status.success(),
        "run_original.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("run_original.py output");
    results
        .into_iter()
        .map(|r| Outcome {
            code: r["code"].as_i64().unwrap_or(-1) as i32,
            stdout: r["stdout"].as_str().unwrap_or_default().as_bytes().to_vec(),
            stderr: r["stderr"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}
