//! Bad input never panics, never sends a request it should not, and ends in one clear
//! `Error:` line: click's usage errors (exit 2) in the original's words where the original
//! has words (each expected line below was printed by s3-credentials 0.17), and one line
//! naming the problem (exit 1 or 2) where the original crashes with a traceback.

use crate::faults_common;
use crate::support;

use std::path::Path;

use faults_common::*;
use support::{Matcher, MockServer, Outcome, Reply, TempDir, run};

/// Runs the binary with the test keys, an endpoint that refuses connections (nothing here
/// may reach a server), and `stdin`.
fn cli(args: &[&str], stdin: Option<&[u8]>) -> Outcome {
    let mut cmd = keyed();
    cmd.args(args)
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_MAX_ATTEMPTS", "1");
    run(&mut cmd, stdin)
}

/// click's usage error: the usage line, the hint, a blank line and the message; exit 2.
fn assert_usage_error(out: &Outcome, command: &str, message: &str) {
    assert_eq!(out.code, 2, "{command}: {}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "{command}: stdout {:?}",
        out.stdout_str()
    );
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines[0].starts_with(&format!("Usage: s3-credentials {command} ")),
        "{}",
        out.stderr
    );
    assert_eq!(
        lines[1],
        format!("Try 's3-credentials {command} --help' for help.")
    );
    assert_eq!(lines.last().copied(), Some(message), "{}", out.stderr);
    assert_no_panic(out, command);
    assert_no_secret(out, command);
}

/// Where the original has no words of its own (it crashes): one `Error:` line that
/// mentions `needle`, exit 1 or 2, no panic.
fn assert_named_error(out: &Outcome, what: &str, needle: &str) {
    assert!(out.code == 1 || out.code == 2, "{what}: exit {}", out.code);
    assert!(out.stdout.is_empty(), "{what}");
    let last = out.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("Error: "), "{what}: {}", out.stderr);
    assert!(last.contains(needle), "{what}: {needle:?} not in {last:?}");
    assert_no_panic(out, what);
    assert_no_secret(out, what);
}

// ---- durations ----

const FORM: &str =
    "Error: Invalid value for '-d' / '--duration': Duration must be of form 3600s or 15m or 2h";
const RANGE: &str = "Error: Invalid value for '-d' / '--duration': Duration must be between 15 minutes and 12 hours";

#[test]
fn durations_out_of_range_or_malformed() {
    let cases = [
        ("0", RANGE),
        ("14m", RANGE),
        ("13h", RANGE),
        ("899", RANGE),
        ("43201s", RANGE),
        ("99999999999999999999999999999h", RANGE),
        ("-5", FORM),
        ("1d", FORM),
        ("abc", FORM),
        ("15M", FORM),
        (" 900", FORM),
        ("", FORM),
        ("1.5h", FORM),
    ];
    for (value, message) in cases {
        for command in ["create", "localserver"] {
            let out = cli(&[command, "bucket", "-d", value], None);
            assert_usage_error(&out, command, message);
        }
    }
}

#[test]
fn a_duration_with_a_trailing_newline_is_accepted_as_the_original_does() {
    // The original's pattern is `^(\d+)(m|h|s)?$`, and Python's `$` also matches before a
    // final newline: `-d "900\n"` is 900 seconds there, not a usage error.
    let out = cli(&["create", "bucket", "-d", "900\n", "--dry-run"], None);
    assert_ne!(out.code, 2, "{}", out.stderr);
    assert!(!out.stderr.contains("Duration must"), "{}", out.stderr);
}

// ---- --policy, --statement ----

#[test]
fn policy_option_values() {
    let dir = TempDir::new();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    std::fs::write(p("bad.json"), "{\"a\":").unwrap();
    std::fs::write(p("empty.json"), "").unwrap();
    std::fs::write(p("array.json"), "[1, 2]").unwrap();
    std::fs::create_dir(p("adir")).unwrap();
    let invalid = "Error: Invalid value for '--policy': Invalid JSON string";
    let file_invalid = "Error: Invalid value for '--policy': File contained invalid JSON";
    let not_found = "Error: Invalid value for '--policy': File not found";
    for (value, message) in [
        ("{bad".to_string(), invalid),
        ("  {\"a\": 1".to_string(), invalid),
        ("{".repeat(100_000), invalid),
        (String::new(), not_found),
        ("[1]".to_string(), not_found),
        (p("missing.json"), not_found),
        (p("bad.json"), file_invalid),
        (p("empty.json"), file_invalid),
    ] {
        let out = cli(&["create", "bucket", "--policy", &value], None);
        assert_usage_error(&out, "create", message);
    }
    let out = cli(&["create", "bucket", "--policy", "-"], Some(b"{x"));
    assert_usage_error(
        &out,
        "create",
        "Error: Invalid value for '--policy': Input contained invalid JSON",
    );
    // A JSON array is valid JSON: the original accepts the file (and fails later).
    let out = cli(&["create", "bucket", "--policy", &p("array.json")], None);
    assert_ne!(out.code, 2, "{}", out.stderr);
}

#[test]
fn policy_files_the_original_crashes_on() {
    let dir = TempDir::new();
    let deep = dir.path().join("deep.json");
    // 100 000 nested arrays: Python's json raises RecursionError.
    std::fs::write(
        &deep,
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    )
    .unwrap();
    let latin = dir.path().join("latin1.json");
    std::fs::write(&latin, b"\xff\xfe{\"a\": 1}").unwrap();
    let not_dir = dir.path().join("file");
    std::fs::write(&not_dir, "{}").unwrap();
    let cases = [
        (deep.clone(), "invalid JSON"),
        (latin.clone(), "UTF-8"),
        (dir.path().to_path_buf(), "directory"),
        (not_dir.join("x"), ""),
    ];
    for (path, needle) in cases {
        let out = cli(
            &["create", "bucket", "--policy", path.to_str().unwrap()],
            None,
        );
        assert_named_error(&out, &path.display().to_string(), needle);
    }
}

#[test]
fn statement_option_values() {
    let cases = [
        ("{bad", "Invalid JSON string"),
        ("", "Invalid JSON string"),
        ("[1]", "JSON must be an object"),
        ("\"x\"", "JSON must be an object"),
        (
            "{\"Effect\": \"Allow\"}",
            "Statement JSON missing required keys: Action, Resource",
        ),
        (
            "{}",
            "Statement JSON missing required keys: Action, Effect, Resource",
        ),
    ];
    for (value, message) in cases {
        for command in ["policy", "create"] {
            let out = cli(&[command, "bucket", "--statement", value], None);
            assert_usage_error(
                &out,
                command,
                &format!("Error: Invalid value for '--statement': {message}"),
            );
        }
    }
    // Nested deeper than any JSON parser should follow: still a usage error, no crash.
    let deep = format!("{{\"a\": {}{}}}", "[".repeat(50_000), "]".repeat(50_000));
    let out = cli(&["policy", "bucket", "--statement", &deep], None);
    assert_usage_error(
        &out,
        "policy",
        "Error: Invalid value for '--statement': Invalid JSON string",
    );
}

// ---- --auth ----

#[test]
fn auth_files_that_cannot_be_read() {
    let dir = TempDir::new();
    let missing = dir.path().join("nope");
    let out = cli(&["whoami", "--auth", missing.to_str().unwrap()], None);
    let shown = missing.display();
    assert_usage_error(
        &out,
        "whoami",
        &format!("Error: Invalid value for '-a' / '--auth': '{shown}': No such file or directory"),
    );
    let out = cli(&["whoami", "--auth", dir.path().to_str().unwrap()], None);
    assert_usage_error(
        &out,
        "whoami",
        &format!(
            "Error: Invalid value for '-a' / '--auth': '{}': Is a directory",
            dir.path().display()
        ),
    );
}

/// Runs whoami with `--auth FILE` holding `content` and no other credentials, against a
/// server that would answer: the keys must not have been used.
fn whoami_with_auth(content: &[u8]) -> (Outcome, MockServer) {
    let dir = TempDir::new();
    let file = dir.path().join("auth");
    std::fs::write(&file, content).unwrap();
    let server = MockServer::start();
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::fixture("sts/GetCallerIdentity.xml"),
    );
    let mut cmd = support::bin();
    cmd.args(["whoami", "--auth", file.to_str().unwrap()])
        .args(["--endpoint-url", &server.url()]);
    (run(&mut cmd, None), server)
}

#[test]
fn auth_content_that_is_not_credentials() {
    let secret_json =
        format!("{{\"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"{SECRET_KEY}\",");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("invalid JSON", b"{bad".to_vec(), "JSON"),
        (
            "truncated JSON with a secret",
            secret_json.into_bytes(),
            "JSON",
        ),
        (
            "JSON with a number for the key",
            b"{\"AccessKeyId\": 5, \"SecretAccessKey\": \"s\"}".to_vec(),
            "AccessKeyId",
        ),
        (
            "deep JSON",
            format!("{{\"a\": {}{}}}", "[".repeat(50_000), "]".repeat(50_000)).into_bytes(),
            "JSON",
        ),
        (
            "INI without keys",
            b"[default]\nregion = us-east-1\n".to_vec(),
            "Unable to locate credentials",
        ),
        ("empty", Vec::new(), "Unable to locate credentials"),
        (
            "INI with no section",
            b"aws_access_key_id = AKID\n".to_vec(),
            "INI",
        ),
        (
            "INI with only a secret",
            format!("[default]\naws_secret_access_key = {SECRET_KEY}\n").into_bytes(),
            "Unable to locate credentials",
        ),
        (
            "JSON without a secret",
            b"{\"AccessKeyId\": \"AKID\"}".to_vec(),
            "missing: aws_secret_access_key",
        ),
    ];
    for (what, content, needle) in cases {
        let (out, server) = whoami_with_auth(&content);
        assert_eq!(out.code, 1, "{what}: {}", out.stderr);
        assert_named_error(&out, what, needle);
        assert!(
            !out.stderr.contains(SECRET_KEY),
            "{what}: the secret is quoted back"
        );
        assert!(server.requests().is_empty(), "{what}: a request was sent");
    }
}

// ---- endpoint URLs ----

#[test]
fn endpoint_urls_that_are_not_scheme_host_port() {
    let bad = [
        "127.0.0.1:9000",
        "localhost",
        "ftp://127.0.0.1:9000",
        "http://",
        "http://127.0.0.1:9000/path",
        "http://127.0.0.1:9000/?x=1",
        "http://127.0.0.1:9000#frag",
        "http://user:pass@127.0.0.1:9000",
        "http://127.0.0.1:0",
        "http://127.0.0.1:65536",
        "http://127.0.0.1:-1",
        "http://127.0.0.1:abc",
        "http://bad host:1",
        "http://[::1",
    ];
    for url in bad {
        // As an option and as each environment variable botocore reads.
        let out = cli(&["whoami", "--endpoint-url", url], None);
        assert_named_error(&out, url, "Invalid endpoint URL");
        for var in ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"] {
            let mut cmd = keyed();
            cmd.arg("whoami").env(var, url);
            let out = run(&mut cmd, None);
            assert_named_error(&out, &format!("{var}={url}"), "Invalid endpoint URL");
        }
    }
}

// ---- paths ----

#[test]
fn upload_paths_that_do_not_exist_or_are_directories() {
    let dir = TempDir::new();
    let missing = dir.path().join("missing.txt");
    let shown = missing.display();
    let out = cli(
        &["put-object", "bucket", "key", missing.to_str().unwrap()],
        None,
    );
    assert_usage_error(
        &out,
        "put-object",
        &format!("Error: Invalid value for 'PATH': File '{shown}' does not exist."),
    );
    let out = cli(
        &["put-object", "bucket", "key", dir.path().to_str().unwrap()],
        None,
    );
    assert_usage_error(
        &out,
        "put-object",
        &format!(
            "Error: Invalid value for 'PATH': File '{}' is a directory.",
            dir.path().display()
        ),
    );
}

#[test]
fn download_destinations_of_the_wrong_kind() {
    let dir = TempDir::new();
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let out = cli(
        &[
            "get-object",
            "bucket",
            "key",
            "-o",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert_usage_error(
        &out,
        "get-object",
        &format!(
            "Error: Invalid value for '-o' / '--output': File '{}' is a directory.",
            dir.path().display()
        ),
    );
    let out = cli(
        &["get-objects", "bucket", "-o", file.to_str().unwrap()],
        None,
    );
    assert_usage_error(
        &out,
        "get-objects",
        &format!(
            "Error: Invalid value for '-o' / '--output': Directory '{}' is a file.",
            file.display()
        ),
    );
}

/// A file whose name is not UTF-8 (Linux allows any bytes but '/' and NUL).
pub fn non_utf8_file(dir: &Path) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    let path = dir.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
    std::fs::write(&path, "hello").unwrap();
    path
}

#[test]
fn a_non_utf8_key_is_a_usage_error() {
    use std::os::unix::ffi::OsStrExt;
    let dir = TempDir::new();
    let path = non_utf8_file(dir.path());
    let mut cmd = keyed();
    cmd.arg("put-object")
        .arg("bucket")
        .arg(std::ffi::OsStr::from_bytes(b"k\xff"))
        .arg(&path)
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    let out = run(&mut cmd, None);
    assert_named_error(&out, "non-UTF-8 key", "UTF-8");
}

// ---- localserver ports ----

#[test]
fn localserver_ports_that_are_not_numbers() {
    for port in ["abc", "80.5", ""] {
        let out = cli(
            &["localserver", "bucket", "-d", "15m", "--port", port],
            None,
        );
        assert_usage_error(
            &out,
            "localserver",
            &format!("Error: Invalid value for '-p' / '--port': '{port}' is not a valid integer."),
        );
    }
}

// ---- environment ----

#[test]
fn read_timeouts_too_large_for_a_duration_fall_back_to_the_default() {
    // Duration::from_secs_f64 panics on these; the tool must not.
    let server = MockServer::start();
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::fixture("sts/GetCallerIdentity.xml"),
    );
    for value in ["inf", "1e300", "NaN", "-1", "soon"] {
        let mut cmd = keyed();
        cmd.args(["whoami", "--endpoint-url", &server.url()])
            .env("S3_CREDENTIALS_READ_TIMEOUT", value);
        let out = run(&mut cmd, None);
        assert_eq!(out.code, 0, "{value}: {}", out.stderr);
        assert_no_panic(&out, value);
    }
}

// ---- bucket names ----

/// botocore's client-side check (`validate_bucket_name`): names outside
/// `^[a-zA-Z0-9.\-_]{1,255}$` (and not an access-point ARN) are refused before any request.
const BAD_BUCKETS: &[&str] = &["", "a/b", "../etc", "b?x", "b#x", "x y", "caf\u{e9}"];

#[test]
fn invalid_bucket_names_are_refused_before_any_request() {
    let long = "a".repeat(256);
    let mut names: Vec<&str> = BAD_BUCKETS.to_vec();
    names.push(&long);
    for name in names {
        for args in [
            vec!["list-bucket", name],
            vec!["get-cors-policy", name],
            vec!["get-bucket-policy", name],
            vec!["get-public-access-block", name],
            vec!["set-bucket-policy", name, "--allow-all-get"],
            vec!["debug-bucket", name],
            // (--dry-run prints any name, as the original does.)
            vec!["create", name],
        ] {
            let server = MockServer::start();
            let mut cmd = keyed();
            cmd.args(&args).args(["--endpoint-url", &server.url()]);
            let out = run(&mut cmd, None);
            let what = format!("{args:?}");
            assert_named_error(&out, &what, &format!("Invalid bucket name \"{name}\""));
            assert!(server.requests().is_empty(), "{what}: a request was sent");
        }
    }
}

#[test]
fn bucket_names_never_leave_the_bucket_path() {
    // Whatever the validation, a name must not address another resource: '/', '?', '#'
    // and '..' stay inside the one path segment.
    for name in &BAD_BUCKETS[1..] {
        let server = MockServer::start();
        let mut cmd = keyed();
        cmd.args(["get-bucket-policy", name, "--endpoint-url", &server.url()])
            .env("AWS_MAX_ATTEMPTS", "1");
        let out = run(&mut cmd, None);
        assert_ne!(out.code, 0, "{name}");
        assert_no_panic(&out, name);
        for r in server.requests() {
            let segments: Vec<&str> = r.raw_path.split('/').filter(|s| !s.is_empty()).collect();
            assert!(segments.len() <= 1, "{name}: {}", r.target);
            assert!(
                segments.iter().all(|s| *s != ".." && *s != "."),
                "{name}: {}",
                r.target
            );
            assert_eq!(
                r.query_param("policy"),
                Some(""),
                "{name}: the query is still ?policy: {}",
                r.target
            );
        }
    }
}

// ---- keys that escape the output directory ----

#[test]
fn downloaded_keys_never_escape_the_output_directory() {
    let dir = TempDir::new();
    let out_dir = dir.path().join("a").join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let keys = [
        "../escaped.txt",
        "../../escaped2.txt",
        "/absolute.txt",
        "ok/../../escaped3.txt",
        "ok/./../../escaped4.txt",
        "..",
        ".",
        "ok/",
        "ok\\..\\..\\escaped5.txt",
    ];
    let server = MockServer::start();
    let contents: String = keys
        .iter()
        .map(|k| {
            format!(
                "<Contents><Key>{k}</Key><LastModified>2026-11-28T22:57:20.000Z</LastModified>\
                 <ETag>\"e\"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>"
            )
        })
        .collect();
    server.on(
        Matcher::get("/bucket").query("list-type", "2"),
        Reply::xml(
            200,
            format!(
                "<ListBucketResult><Name>bucket</Name><KeyCount>{}</KeyCount>\
                 <IsTruncated>false</IsTruncated>{contents}</ListBucketResult>",
                keys.len()
            ),
        ),
    );
    server.on(
        Matcher::any().method("GET").path_prefix("/bucket/"),
        Reply::ok("x").header("ETag", "\"e\""),
    );
    server.on(
        Matcher::any().method("HEAD").path_prefix("/bucket/"),
        Reply::status(200)
            .header("Content-Length", "1")
            .header("ETag", "\"e\""),
    );
    let mut cmd = keyed();
    cmd.args(["get-objects", "bucket", "-o", out_dir.to_str().unwrap()])
        .args(["--endpoint-url", &server.url()])
        .current_dir(dir.path());
    let out = run(&mut cmd, None);
    assert_no_panic(&out, "get-objects");
    // Nothing outside out/: walk everything under the temp dir.
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                assert!(p.starts_with(&out_dir), "written outside: {}", p.display());
            }
        }
    }
    assert!(!Path::new("/absolute.txt").exists());
}

#[test]
fn a_file_whose_name_is_not_utf8_uploads() {
    let dir = TempDir::new();
    let path = non_utf8_file(dir.path());
    let server = MockServer::start();
    server.on(
        Matcher::put("/bucket/key.txt"),
        Reply::status(200).header("ETag", "\"e\""),
    );
    let mut cmd = keyed();
    cmd.args(["put-object", "bucket", "key.txt"])
        .arg(&path)
        .args(["--endpoint-url", &server.url()]);
    let out = run(&mut cmd, None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(server.requests()[0].body, b"hello");
}

// ---- --policy-file ----

#[test]
fn policy_files_for_set_bucket_policy() {
    let dir = TempDir::new();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    let missing = dir.path().join("nope.json");
    let server = MockServer::start();
    // click.File's errors, in the original's words.
    let out = cli(
        &[
            "set-bucket-policy",
            "b",
            "--policy-file",
            missing.to_str().unwrap(),
        ],
        None,
    );
    assert_usage_error(
        &out,
        "set-bucket-policy",
        &format!(
            "Error: Invalid value for '--policy-file': '{}': No such file or directory",
            missing.display()
        ),
    );
    let out = cli(
        &[
            "set-bucket-policy",
            "b",
            "--policy-file",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert_usage_error(
        &out,
        "set-bucket-policy",
        &format!(
            "Error: Invalid value for '--policy-file': '{}': Is a directory",
            dir.path().display()
        ),
    );
    // Where the original crashes (JSONDecodeError, UnicodeDecodeError): one line, and
    // nothing is sent.
    let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    for (what, bytes) in [
        ("invalid JSON", &b"{bad"[..]),
        ("empty", b""),
        ("not UTF-8", b"\xff\xfe{}"),
        ("deep", deep.as_bytes()),
    ] {
        let file = write("policy.json", bytes);
        let mut cmd = keyed();
        cmd.args(["set-bucket-policy", "b", "--policy-file", &file])
            .args(["--endpoint-url", &server.url()]);
        let out = run(&mut cmd, None);
        assert!(out.code == 1 || out.code == 2, "{what}: {}", out.stderr);
        let last = out.stderr.lines().last().unwrap_or_default();
        assert!(last.starts_with("Error: "), "{what}: {}", out.stderr);
        assert_no_panic(&out, what);
    }
    assert!(server.requests().is_empty(), "a policy was sent");
}
