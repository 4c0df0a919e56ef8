//! Downloads against hostile servers and hostile output directories: bodies that stop
//! short (chunked or not) or run long, or disagree with the size the listing or HEAD
//! gave, must never be kept as complete (get-object -o, stdout, get-objects); a symbolic
//! link in the output directory is never written through; temporary names cannot be
//! planted or hijacked; a key that cannot be written is reported and the rest still
//! downloaded.

use crate::support;

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use support::s3_mock::{mock_cmd, serve_listing, serve_object, tree};
use support::{Matcher, MockServer, Outcome, Reply, TempDir, run};

const SIZE: usize = 1000;

/// The binary, keyed for the mock, three attempts.
fn cmd(server: &MockServer, args: &[&str]) -> std::process::Command {
    let mut c = mock_cmd(server, args);
    c.env("AWS_MAX_ATTEMPTS", "3");
    c
}

fn data() -> Vec<u8> {
    (0..SIZE).map(|i| (i * 7 % 251) as u8).collect()
}

fn errors(out: &Outcome) -> usize {
    out.stderr.matches("Error: ").count()
}

/// A GET answer that is wrong for an object of SIZE bytes, each way the body can be.
fn bad_bodies() -> Vec<(&'static str, Reply)> {
    let d = data();
    let mut longer = d.clone();
    longer.extend_from_slice(&[b'!'; 200]);
    vec![
        (
            "chunked, cut before its last chunk",
            Reply::ok(d.clone()).chunked().truncate_after(600),
        ),
        (
            "Content-Length, closed early",
            Reply::ok(d.clone()).truncate_after(600),
        ),
        (
            "chunked, ends cleanly but short",
            Reply::ok(d[..600].to_vec()).chunked(),
        ),
        (
            "Content-Length shorter than the object",
            Reply::ok(d[..600].to_vec()),
        ),
        ("chunked, runs long", Reply::ok(longer.clone()).chunked()),
        ("Content-Length longer than the object", Reply::ok(longer)),
    ]
}

#[test]
fn short_or_long_bodies_are_never_kept() {
    for (what, reply) in bad_bodies() {
        let server = MockServer::start();
        serve_object(&server, "/bucket/obj", data());
        serve_listing(&server, "bucket", &[("obj", SIZE as u64)], 1000);
        server.on(Matcher::get("/bucket/obj"), reply);
        let dir = TempDir::new();

        // get-object -o
        let dest = dir.path().join("obj.bin");
        let args = ["get-object", "bucket", "obj", "-o", dest.to_str().unwrap()];
        let out = run(&mut cmd(&server, &args), None);
        assert_eq!(out.code, 1, "{what}: {}", out.stderr);
        assert!(
            out.stderr
                .starts_with("Error: Download of s3://bucket/obj failed"),
            "{what}: {}",
            out.stderr
        );
        assert_eq!(errors(&out), 1, "{what}: {}", out.stderr);
        assert_eq!(
            tree(dir.path()),
            Vec::<String>::new(),
            "{what}: get-object -o"
        );

        // stdout: never more than the object, and a failure.
        let out = run(&mut cmd(&server, &["get-object", "bucket", "obj"]), None);
        assert_eq!(out.code, 1, "{what}: stdout: {}", out.stderr);
        assert!(out.stdout.len() <= SIZE, "{what}: {}", out.stdout.len());
        assert!(
            out.stdout.iter().zip(data()).all(|(a, b)| *a == b),
            "{what}"
        );
        assert!(
            out.stderr
                .starts_with("Error: Download of s3://bucket/obj failed"),
            "{what}: stdout: {}",
            out.stderr
        );
        assert_eq!(errors(&out), 1, "{what}: {}", out.stderr);

        // get-objects, sizes from the listing, and from HEAD for a named key.
        let out_dir = dir.path().join("out");
        for extra in [&[][..], &["obj"][..]] {
            let mut args = vec!["get-objects", "bucket", "-o", out_dir.to_str().unwrap()];
            args.extend_from_slice(extra);
            let out = run(&mut cmd(&server, &args), None);
            assert_eq!(out.code, 1, "{what}: get-objects {extra:?}: {}", out.stderr);
            let last = out.stderr.lines().last().unwrap_or_default();
            assert!(
                last.starts_with("Error: Download of s3://bucket/obj failed"),
                "{what}: {}",
                out.stderr
            );
            assert_eq!(errors(&out), 1, "{what}: {}", out.stderr);
            assert_eq!(tree(&out_dir), Vec::<String>::new(), "{what}: {extra:?}");
        }
    }
}

#[test]
fn a_listing_size_the_object_does_not_have_is_an_error() {
    // The object is whole and well formed, but not the size the listing said.
    let server = MockServer::start();
    serve_object(&server, "/bucket/obj", data());
    serve_listing(&server, "bucket", &[("obj", 1200)], 1000);
    let dir = TempDir::new();
    let out_dir = dir.path().join("out");
    let out = run(
        &mut cmd(
            &server,
            &["get-objects", "bucket", "-o", out_dir.to_str().unwrap()],
        ),
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Error: Download of s3://bucket/obj failed after 3 attempts"),
        "{}",
        out.stderr
    );
    assert_eq!(tree(&out_dir), Vec::<String>::new());
}

#[test]
fn a_chunked_body_cut_short_is_resumed() {
    let server = MockServer::start();
    serve_object(&server, "/bucket/obj", data());
    serve_listing(&server, "bucket", &[("obj", SIZE as u64)], 1000);
    let cut = || {
        server.on(
            Matcher::get("/bucket/obj").times(1),
            Reply::ok(data()).chunked().truncate_after(300),
        );
    };
    cut();
    let out = run(&mut cmd(&server, &["get-object", "bucket", "obj"]), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, data());
    let ranges: Vec<Option<String>> = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/bucket/obj")
        .map(|r| r.header("range").map(str::to_string))
        .collect();
    assert_eq!(ranges, [None, Some("bytes=300-999".to_string())]);

    cut();
    let dir = TempDir::new();
    let out = run(
        &mut cmd(
            &server,
            &["get-objects", "bucket", "-o", dir.path().to_str().unwrap()],
        ),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read(dir.path().join("obj")).unwrap(), data());
    assert_eq!(tree(dir.path()), ["obj"]);
}

#[test]
fn links_in_the_output_directory_are_not_followed() {
    let server = MockServer::start();
    let keys = ["link/x", "link/\u{1}y", "fl", "ok.txt"];
    for key in keys {
        serve_object(&server, &format!("/bucket/{key}"), data());
    }
    let listing: Vec<(&str, u64)> = keys.iter().map(|k| (*k, SIZE as u64)).collect();
    serve_listing(&server, "bucket", &listing, 1000);
    let dir = TempDir::new();
    let out_dir = dir.path().join("out");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("target"), "keep me").unwrap();
    std::os::unix::fs::symlink(&outside, out_dir.join("link")).unwrap();
    std::os::unix::fs::symlink(outside.join("target"), out_dir.join("fl")).unwrap();

    let out = run(
        &mut cmd(
            &server,
            &["get-objects", "bucket", "-o", out_dir.to_str().unwrap()],
        ),
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "Downloading 3.9 KB (4 files)\n\
         Error: Could not save key 'link/x': 'link' is a symbolic link, and downloads do not follow links\n\
         Could not save key 'link/\\x01y': 'link' is a symbolic link, and downloads do not follow links\n"
    );
    // Nothing outside; the link named like a key is replaced, not written through.
    assert_eq!(tree(&outside), ["target"]);
    assert_eq!(std::fs::read(outside.join("target")).unwrap(), b"keep me");
    assert!(!out_dir.join("fl").symlink_metadata().unwrap().is_symlink());
    assert_eq!(std::fs::read(out_dir.join("fl")).unwrap(), data());
    assert_eq!(std::fs::read(out_dir.join("ok.txt")).unwrap(), data());
    // The refused keys were never fetched.
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.method == "GET" && r.path.starts_with("/bucket/link")),
    );
}

#[test]
fn planted_temporary_names_break_nothing() {
    let server = MockServer::start();
    for key in ["a.txt", "b.txt"] {
        serve_object(&server, &format!("/bucket/{key}"), data());
    }
    serve_listing(&server, "bucket", &[("a.txt", 1000), ("b.txt", 1000)], 1000);
    // The listing waits until the names are planted (once the process id is known).
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let waiting = gate.clone();
    server.on(
        Matcher::get("/bucket").query("list-type", "2").times(1),
        Reply::compute(move |_| {
            let (open, cv) = &*waiting;
            let guard = open.lock().unwrap();
            let _ = cv
                .wait_timeout_while(guard, Duration::from_secs(30), |o| !*o)
                .unwrap();
            Reply::status(503)
        }),
    );
    let dir = TempDir::new();
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "untouched").unwrap();
    let mut c = cmd(
        &server,
        &["get-objects", "bucket", "-o", out_dir.to_str().unwrap()],
    );
    c.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = c.spawn().unwrap();
    // Every name the old scheme (.s3-credentials-PID-N.part) would have used first.
    let mut planted = Vec::new();
    for n in 0..4 {
        let name = format!(".s3-credentials-{}-{n}.part", child.id());
        if n % 2 == 0 {
            std::fs::write(out_dir.join(&name), "planted").unwrap();
        } else {
            std::os::unix::fs::symlink(&victim, out_dir.join(&name)).unwrap();
        }
        planted.push(name);
    }
    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(std::fs::read(out_dir.join("a.txt")).unwrap(), data());
    assert_eq!(std::fs::read(out_dir.join("b.txt")).unwrap(), data());
    assert_eq!(std::fs::read(&victim).unwrap(), b"untouched");
    assert_eq!(
        std::fs::read(out_dir.join(&planted[0])).unwrap(),
        b"planted"
    );
    let mut expected: Vec<String> = planted.clone();
    expected.extend(["a.txt".to_string(), "b.txt".to_string()]);
    expected.sort();
    assert_eq!(tree(&out_dir), expected, "nothing else left behind");
}

#[test]
fn keys_named_like_temporary_files_are_refused() {
    let server = MockServer::start();
    let temp_like = ".s3-credentials-123-0.part";
    for key in [temp_like, "ok.txt"] {
        serve_object(&server, &format!("/bucket/{key}"), data());
    }
    serve_listing(
        &server,
        "bucket",
        &[(temp_like, 1000), ("ok.txt", 1000)],
        1000,
    );
    let dir = TempDir::new();
    let out = run(
        &mut cmd(
            &server,
            &["get-objects", "bucket", "-o", dir.path().to_str().unwrap()],
        ),
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "Downloading 2.0 KB (2 files)\n\
         Error: Refused key '.s3-credentials-123-0.part': names like .s3-credentials-*.part are kept for temporary files\n"
    );
    assert_eq!(tree(dir.path()), ["ok.txt"]);
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.method == "GET" && r.path.contains(temp_like))
    );
}

#[test]
fn unwritable_keys_are_reported_and_the_rest_downloaded() {
    let long = "a".repeat(300);
    let keys = ["a", "a/b", long.as_str(), "z.txt"];
    let listing: Vec<(&str, u64)> = keys.iter().map(|k| (*k, SIZE as u64)).collect();
    for workers in ["1", "4"] {
        let server = MockServer::start();
        for key in keys {
            serve_object(&server, &format!("/bucket/{key}"), data());
        }
        serve_listing(&server, "bucket", &listing, 1000);
        let dir = TempDir::new();
        let out_dir = dir.path().join("out");
        let out = run(
            &mut cmd(
                &server,
                &[
                    "get-objects",
                    "bucket",
                    "-o",
                    out_dir.to_str().unwrap(),
                    "--workers",
                    workers,
                ],
            ),
            None,
        );
        assert_eq!(out.code, 1, "{}", out.stderr);
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines[0], "Downloading 3.9 KB (4 files)");
        assert_eq!(lines.len(), 3, "{}", out.stderr);
        assert!(
            lines[1].starts_with("Error: Could not save key 'a"),
            "{}",
            out.stderr
        );
        assert_eq!(
            lines[2],
            format!("Could not save key '{long}': File name too long")
        );
        assert_eq!(std::fs::read(out_dir.join("z.txt")).unwrap(), data());
        // One of `a` and `a/b` is saved, and the other reported.
        let a = out_dir.join("a");
        if workers == "1" {
            assert_eq!(
                lines[1],
                "Error: Could not save key 'a/b': 'a' is a file, not a directory"
            );
            assert_eq!(std::fs::read(&a).unwrap(), data());
        } else if a.is_dir() {
            assert_eq!(std::fs::read(a.join("b")).unwrap(), data());
            assert_eq!(lines[1], "Error: Could not save key 'a': Is a directory");
        } else {
            assert_eq!(std::fs::read(&a).unwrap(), data());
        }
        let left: Vec<String> = tree(&out_dir)
            .into_iter()
            .filter(|n| n.contains(".s3-credentials-"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

#[test]
fn failures_come_in_the_original_order_over_pages() {
    // Missing keys matched by two patterns are reported once per match, pattern by
    // pattern, also when the listing comes in pages and is streamed (--silent).
    let server = MockServer::start();
    let keys: Vec<String> = (0..25).map(|i| format!("k{i:02}.txt")).collect();
    let listing: Vec<(&str, u64)> = keys.iter().map(|k| (k.as_str(), 3)).collect();
    serve_listing(&server, "bucket", &listing, 10);
    for key in &keys {
        if !(key.ends_with("3.txt") || key == "k10.txt") {
            serve_object(&server, &format!("/bucket/{key}"), b"abc".to_vec());
        }
    }
    for silent in [false, true] {
        let dir = TempDir::new();
        let mut args = vec![
            "get-objects",
            "bucket",
            "-p",
            "*3.txt",
            "-p",
            "k1*",
            "-o",
            dir.path().to_str().unwrap(),
        ];
        if silent {
            args.push("-s");
        }
        let out = run(&mut cmd(&server, &args), None);
        assert_eq!(out.code, 1, "{}", out.stderr);
        let expected = "Error: Not found: k03.txt\nNot found: k13.txt\nNot found: k23.txt\n\
                        Not found: k10.txt\nNot found: k13.txt\n";
        if silent {
            assert_eq!(out.stderr, expected);
        } else {
            assert_eq!(
                out.stderr,
                format!("Downloading 36.0 bytes (12 files)\n{expected}")
            );
        }
        let mut want: Vec<String> = keys
            .iter()
            .filter(|k| k.starts_with("k1") || k.ends_with("3.txt"))
            .filter(|k| !(k.ends_with("3.txt") || *k == "k10.txt"))
            .cloned()
            .collect();
        want.sort();
        assert_eq!(tree(dir.path()), want);
    }
}
