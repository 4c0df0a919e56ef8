//! The command line itself: --version, help, click's usage errors, and `policy`
//! byte for byte against the original 0.17 (installed in .venv by the setup script).

use crate::support;

use support::{Outcome, bin, original, run};

fn ours(args: &[&str]) -> Outcome {
    run(bin().args(args), None)
}

fn ours_stdin(args: &[&str], stdin: &[u8]) -> Outcome {
    run(bin().args(args), Some(stdin))
}

#[test]
fn version_matches_the_original() {
    let out = ours(&["--version"]);
    assert_eq!(out.code, 0);
    // Exact bytes from the reference transcript.
    assert_eq!(out.stdout, b"s3-credentials, version 0.17\n");
}

#[test]
fn no_arguments_prints_help_on_stderr_and_exits_2() {
    let out = ours(&[]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .starts_with("Usage: s3-credentials [OPTIONS] COMMAND [ARGS]...\n")
    );
}

#[test]
fn every_command_has_help_with_the_original_usage_line() {
    let reference = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cli/usage-lines.txt"),
    )
    .expect("fixtures/cli/usage-lines.txt");
    let mut checked = 0;
    for line in reference.lines().filter(|l| !l.is_empty()) {
        let command = line.split_whitespace().nth(2).unwrap();
        let out = ours(&[command, "--help"]);
        assert_eq!(out.code, 0, "{command} --help");
        let first = out.stdout_str().lines().next().unwrap_or_default();
        assert_eq!(first, line, "{command}");
        assert!(out.stdout_str().contains("\nOptions:\n"), "{command}");
        let last = out.stdout_str().lines().last().unwrap_or_default();
        assert!(last.starts_with("  --help  "), "{command}: {last}");
        assert!(last.ends_with("Show this message and exit."), "{command}");
        checked += 1;
    }
    assert_eq!(checked, 22, "all 22 commands");
}

/// Usage errors: exit 2 and click's exact wording (expected text taken from the
/// original 0.17 run with the same arguments).
#[test]
fn usage_errors_in_clicks_words() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["create"],
            "Usage: s3-credentials create [OPTIONS] BUCKETS...\nTry 's3-credentials create --help' for help.\n\nError: Missing argument 'BUCKETS...'.\n",
        ),
        (
            &["create", "b", "--formt", "json"],
            "Usage: s3-credentials create [OPTIONS] BUCKETS...\nTry 's3-credentials create --help' for help.\n\nError: No such option '--formt'. Did you mean '--format'?\n",
        ),
        (
            &["create", "b", "--format", "xml"],
            "Usage: s3-credentials create [OPTIONS] BUCKETS...\nTry 's3-credentials create --help' for help.\n\nError: Invalid value for '-f' / '--format': 'xml' is not one of 'ini', 'json'.\n",
        ),
        (
            &["create", "b", "-f"],
            "Error: Option '-f' requires an argument.\n",
        ),
        (
            &["policy", "b", "--read-only=1"],
            "Error: Option '--read-only' does not take a value.\n",
        ),
        (
            &["policy", "b", "--statement", "{}"],
            "Usage: s3-credentials policy [OPTIONS] BUCKETS...\nTry 's3-credentials policy --help' for help.\n\nError: Invalid value for '--statement': Statement JSON missing required keys: Action, Effect, Resource\n",
        ),
        (
            &["policy", "b", "--statement", "[1]"],
            "Usage: s3-credentials policy [OPTIONS] BUCKETS...\nTry 's3-credentials policy --help' for help.\n\nError: Invalid value for '--statement': JSON must be an object\n",
        ),
        (
            &["policy", "b", "--statement", "x"],
            "Usage: s3-credentials policy [OPTIONS] BUCKETS...\nTry 's3-credentials policy --help' for help.\n\nError: Invalid value for '--statement': Invalid JSON string\n",
        ),
        (
            &["create", "b", "-d", "14m"],
            "Usage: s3-credentials create [OPTIONS] BUCKETS...\nTry 's3-credentials create --help' for help.\n\nError: Invalid value for '-d' / '--duration': Duration must be between 15 minutes and 12 hours\n",
        ),
        (
            &["create", "b", "-d", "abc"],
            "Usage: s3-credentials create [OPTIONS] BUCKETS...\nTry 's3-credentials create --help' for help.\n\nError: Invalid value for '-d' / '--duration': Duration must be of form 3600s or 15m or 2h\n",
        ),
        (
            &["nosuch"],
            "Usage: s3-credentials [OPTIONS] COMMAND [ARGS]...\nTry 's3-credentials --help' for help.\n\nError: No such command 'nosuch'.\n",
        ),
        (
            &["create", "b", "--auth", "/nonexistent"],
            "Usage: s3-credentials create [OPTIONS] BUCKETS...\nTry 's3-credentials create --help' for help.\n\nError: Invalid value for '-a' / '--auth': '/nonexistent': No such file or directory\n",
        ),
        (
            &["localserver", "b", "-d", "15m", "-p", "abc"],
            "Usage: s3-credentials localserver [OPTIONS] BUCKET\nTry 's3-credentials localserver --help' for help.\n\nError: Invalid value for '-p' / '--port': 'abc' is not a valid integer.\n",
        ),
        (
            &[
                "set-public-access-block",
                "b",
                "--block-public-acls",
                "maybe",
            ],
            "Usage: s3-credentials set-public-access-block [OPTIONS] BUCKET\nTry 's3-credentials set-public-access-block --help' for help.\n\nError: Invalid value for '--block-public-acls': 'maybe' is not a valid boolean. Recognized values: , 0, 1, f, false, n, no, off, on, t, true, y, yes\n",
        ),
        (
            &["policy", "b", "--rea"],
            "Usage: s3-credentials policy [OPTIONS] BUCKETS...\nTry 's3-credentials policy --help' for help.\n\nError: No such option '--rea'. (Did you mean one of: '--prefix', '--read-only'?)\n",
        ),
        (
            &["whoami", "extra", "more"],
            "Usage: s3-credentials whoami [OPTIONS]\nTry 's3-credentials whoami --help' for help.\n\nError: Got unexpected extra arguments (extra more)\n",
        ),
        (
            &["get-object", "b"],
            "Usage: s3-credentials get-object [OPTIONS] BUCKET KEY\nTry 's3-credentials get-object --help' for help.\n\nError: Missing argument 'KEY'.\n",
        ),
        (
            &["localserver", "b"],
            "Usage: s3-credentials localserver [OPTIONS] BUCKET\nTry 's3-credentials localserver --help' for help.\n\nError: Missing option '-d' / '--duration'.\n",
        ),
        (
            &["put-object", "b", "k", "/nonexistent"],
            "Usage: s3-credentials put-object [OPTIONS] BUCKET KEY PATH\nTry 's3-credentials put-object --help' for help.\n\nError: Invalid value for 'PATH': File '/nonexistent' does not exist.\n",
        ),
    ];
    for (args, expected) in cases {
        let out = ours(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr, *expected, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn help_wins_over_later_errors() {
    let out = ours(&["create", "-d", "abc", "--help"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout_str()
            .starts_with("Usage: s3-credentials create [OPTIONS] BUCKETS...\n")
    );
}

/// `policy` for every option combination, byte for byte against the original.
#[test]
fn policy_matches_the_original_for_every_combination() {
    let statement = r#"{"Effect": "Allow", "Action": "s3:GetObjectTagging", "Resource": "arn:aws:s3:::b/*", "Sid": "caf\u00e9 \ud83d\ude00"}"#;
    let buckets: &[&[&str]] = &[&["my-bucket"], &["one", "two.dotted"]];
    let permissions: &[&[&str]] = &[
        &[],
        &["--read-only"],
        &["--write-only"],
        &["--read-only", "--write-only"],
    ];
    let prefixes: &[&[&str]] = &[
        &[],
        &["--prefix", "my-prefix/"],
        &["--prefix", "x*"],
        &["--prefix", ""],
    ];
    let statements: &[&[&str]] = &[
        &[],
        &["--statement", statement],
        &["--statement", statement, "--statement", statement],
    ];
    let mut cases: Vec<Vec<String>> = Vec::new();
    for b in buckets {
        for p in permissions {
            for pre in prefixes {
                for s in statements {
                    let args = ["policy"]
                        .iter()
                        .chain(b.iter())
                        .chain(p.iter())
                        .chain(pre.iter())
                        .chain(s.iter())
                        .map(|a| a.to_string())
                        .collect();
                    cases.push(args);
                }
            }
        }
    }
    cases.push(vec![
        "policy".into(),
        "my-bucket".into(),
        "--public-bucket".into(),
    ]);
    cases.push(vec![
        "policy".into(),
        "a".into(),
        "b".into(),
        "--public-bucket".into(),
    ]);
    let originals = original::run_batch(&cases);
    assert_eq!(originals.len(), 2 * 4 * 4 * 3 + 2);
    for (args, o) in cases.iter().zip(&originals) {
        let a = ours(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(a.code, o.code, "{args:?}");
        assert_eq!(a.stdout_str(), o.stdout_str(), "{args:?}");
        assert_eq!(a.stderr, o.stderr, "{args:?}");
    }
}

#[test]
fn policy_literal_output_from_the_transcript() {
    // `s3-credentials policy my-bucket --write-only --prefix my-prefix/`, exact bytes
    // from the reference transcript.
    let out = ours(&[
        "policy",
        "my-bucket",
        "--write-only",
        "--prefix",
        "my-prefix/",
    ]);
    assert_eq!(
        out.stdout_str(),
        "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Effect\": \"Allow\",\n            \"Action\": [\n                \"s3:PutObject\"\n            ],\n            \"Resource\": [\n                \"arn:aws:s3:::my-bucket/my-prefix/*\"\n            ]\n        }\n    ]\n}\n"
    );
}

#[test]
fn stdout_closed_early_is_not_a_crash() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = bin()
        .args(["policy", "a", "b", "c", "d", "e", "f", "g", "h"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(status.code().is_some(), "killed by a signal");
}

#[test]
fn policy_from_stdin_dash_is_not_accepted_by_statement() {
    // --statement takes literal JSON only (no file or stdin), as in the original.
    let out = ours_stdin(&["policy", "b", "--statement", "-"], b"{}");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .ends_with("Error: Invalid value for '--statement': Invalid JSON string\n")
    );
}
