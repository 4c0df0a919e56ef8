//! The object commands end to end against s3s-fs (an independent S3 server that checks
//! every signature and the signed payload hash): round trips compared by SHA-256,
//! awkward keys, and the original's transcript outputs for each command.

use crate::support;

use std::path::Path;
use std::process::Command;

use sha2::Digest;
use support::s3s::S3s;
use support::{Outcome, TempDir, bin, run};

fn cmd(server: &S3s, dir: &Path, args: &[&str]) -> Command {
    let (key, secret) = server.keys();
    let mut c = bin();
    c.current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .args(args)
        .args(["--endpoint-url", &server.url()]);
    c
}

fn ok(out: &Outcome) {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Bytes that are not all the same (so misplaced ranges would show).
fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn new_bucket(server: &S3s, name: &str) {
    assert_eq!(server.s3("PUT", &format!("/{name}"), b"").status, 200);
}

#[test]
fn round_trips_keep_every_byte() {
    let server = S3s::start();
    new_bucket(&server, "bkt");
    let dir = TempDir::new();
    let d = dir.path();
    let mib = 1024 * 1024;
    // Empty, one byte, exactly the part size (multipart with one part), one byte more,
    // and 64 MiB (eight parallel parts up, eight ranges down).
    for (name, len) in [
        ("empty", 0),
        ("one", 1),
        ("exact", 8 * mib),
        ("over", 8 * mib + 1),
        ("big", 64 * mib),
    ] {
        let bytes = data(len, len as u64 + 7);
        std::fs::write(d.join(name), &bytes).unwrap();
        ok(&run(
            &mut cmd(&server, d, &["put-object", "bkt", name, name, "-s"]),
            None,
        ));
        let stored = std::fs::read(server.data_dir().join("bkt").join(name)).unwrap();
        assert_eq!(sha256(&stored), sha256(&bytes), "{name} as stored");
        let got = format!("got-{name}");
        ok(&run(
            &mut cmd(&server, d, &["get-object", "bkt", name, "-o", &got]),
            None,
        ));
        assert_eq!(
            sha256(&std::fs::read(d.join(&got)).unwrap()),
            sha256(&bytes),
            "{name} -o"
        );
        if len <= 8 * mib + 1 {
            let out = run(&mut cmd(&server, d, &["get-object", "bkt", name]), None);
            ok(&out);
            assert_eq!(sha256(&out.stdout), sha256(&bytes), "{name} to stdout");
        }
    }
    // stdin of unknown length: 20 MiB streams as a three-part upload.
    let bytes = data(20 * mib, 3);
    ok(&run(
        &mut cmd(&server, d, &["put-object", "bkt", "stdin.bin", "-", "-s"]),
        Some(&bytes),
    ));
    let out = run(
        &mut cmd(&server, d, &["get-object", "bkt", "stdin.bin"]),
        None,
    );
    ok(&out);
    assert_eq!(sha256(&out.stdout), sha256(&bytes));
    // No temporary files were left beside the downloads.
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn keys_with_spaces_unicode_and_plus() {
    let server = S3s::start();
    new_bucket(&server, "bkt");
    let dir = TempDir::new();
    let d = dir.path();
    let put = |key: &str, i: usize| {
        let name = format!("src{i}");
        std::fs::write(d.join(&name), key.as_bytes()).unwrap();
        ok(&run(
            &mut cmd(&server, d, &["put-object", "bkt", key, &name, "-s"]),
            None,
        ));
        let stored = std::fs::read(server.data_dir().join("bkt").join(key)).unwrap();
        assert_eq!(stored, key.as_bytes(), "{key}");
    };
    // Listed keys: s3s-fs answers `encoding-type=url` listings without encoding the
    // keys, so a '+' in a listed key reads as a space (botocore decodes the same way);
    // keys with '+' are fetched by name below.
    let listed = ["my file.txt", "dir/ünïcødé €.txt", "x/y z/&.txt"];
    for (i, key) in listed.iter().enumerate() {
        put(key, i);
    }
    ok(&run(
        &mut cmd(&server, d, &["get-objects", "bkt", "-o", "out", "-s"]),
        None,
    ));
    for key in listed {
        assert_eq!(
            std::fs::read(d.join("out").join(key)).unwrap(),
            key.as_bytes(),
            "{key}"
        );
    }
    let plus = ["a+b=c&d.txt", "x/y z/+.txt"];
    for (i, key) in plus.iter().enumerate() {
        put(key, 10 + i);
    }
    let out = run(
        &mut cmd(
            &server,
            d,
            &[
                "get-objects",
                "bkt",
                "my file.txt",
                plus[0],
                plus[1],
                "-o",
                "out2",
            ],
        ),
        None,
    );
    ok(&out);
    assert_eq!(out.stderr, "Downloading 33.0 bytes (3 files)\n");
    for key in ["my file.txt", plus[0], plus[1]] {
        assert_eq!(
            std::fs::read(d.join("out2").join(key)).unwrap(),
            key.as_bytes(),
            "{key}"
        );
    }
    let out = run(&mut cmd(&server, d, &["get-object", "bkt", plus[1]]), None);
    assert_eq!(out.stdout, plus[1].as_bytes());
    ok(&run(
        &mut cmd(
            &server,
            d,
            &["delete-objects", "bkt", "my file.txt", plus[0], "-s"],
        ),
        None,
    ));
    assert!(!server.data_dir().join("bkt/my file.txt").exists());
    assert!(!server.data_dir().join("bkt").join(plus[0]).exists());
    assert!(server.data_dir().join("bkt").join(plus[1]).exists());
}

/// The original's session from the reference transcript, command by command: the
/// same files, and the stdout, stderr and exit codes it recorded.
#[test]
fn the_transcript_session() {
    let server = S3s::start();
    new_bucket(&server, "my-bucket");
    let dir = TempDir::new();
    let d = dir.path();
    std::fs::write(d.join("hello.txt"), "Hello world\n").unwrap();
    std::fs::create_dir_all(d.join("files/sub")).unwrap();
    for (name, text) in [
        ("files/f1.txt", "file 1\n"),
        ("files/f2.txt", "file 2\n"),
        ("files/f3.txt", "file 3\n"),
        ("files/sub/page.html", "<p>x</p>"),
    ] {
        std::fs::write(d.join(name), text).unwrap();
    }
    let step = |args: &[&str], stdin: Option<&[u8]>| run(&mut cmd(&server, d, args), stdin);

    let out = step(&["put-object", "my-bucket", "hello.txt", "hello.txt"], None);
    assert_eq!(
        (out.code, out.stderr.as_str(), out.stdout.len()),
        (0, "Uploading\n", 0)
    );
    let out = step(
        &["put-object", "my-bucket", "stdin.txt", "-"],
        Some(b"from stdin"),
    );
    assert_eq!((out.code, out.stderr.as_str()), (0, "Uploading\n"));
    let out = step(
        &["put-object", "my-bucket", "quiet.txt", "hello.txt", "-s"],
        None,
    );
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let out = step(&["get-object", "my-bucket", "hello.txt"], None);
    assert_eq!(
        (out.code, out.stdout.as_slice()),
        (0, &b"Hello world\n"[..])
    );
    let out = step(
        &[
            "get-object",
            "my-bucket",
            "hello.txt",
            "-o",
            "downloaded.txt",
        ],
        None,
    );
    ok(&out);
    assert_eq!(
        std::fs::read(d.join("downloaded.txt")).unwrap(),
        b"Hello world\n"
    );
    let out = step(&["get-object", "my-bucket", "nope.txt"], None);
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());

    let out = step(&["put-objects", "my-bucket", "files"], None);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Uploading 29.0 bytes (4 files)\n")
    );
    let out = step(&["get-objects", "my-bucket", "-o", "out"], None);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Downloading 63.0 bytes (7 files)\n")
    );
    for key in [
        "files/f1.txt",
        "files/sub/page.html",
        "hello.txt",
        "quiet.txt",
        "stdin.txt",
    ] {
        assert!(d.join("out").join(key).is_file(), "{key}");
    }
    let out = step(
        &[
            "get-objects",
            "my-bucket",
            "files/f1.txt",
            "nope.txt",
            "-o",
            "out2",
        ],
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "Downloading 7.0 bytes (2 files)\nError: Not found: nope.txt\n"
    );
    assert_eq!(
        std::fs::read(d.join("out2/files/f1.txt")).unwrap(),
        b"file 1\n"
    );
    assert_eq!(std::fs::read_dir(d.join("out2")).unwrap().count(), 1);
    let out = step(
        &[
            "get-objects",
            "my-bucket",
            "-p",
            "*.html",
            "-o",
            "out3",
            "-s",
        ],
        None,
    );
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(d.join("out3/files/sub/page.html").is_file());
    assert!(!d.join("out3/files/f1.txt").exists());

    let out = step(
        &["delete-objects", "my-bucket", "hello.txt", "stdin.txt"],
        None,
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Deleting 2 objects from my-bucket\n")
    );
    let out = step(
        &["delete-objects", "my-bucket", "--prefix", "files/sub", "-d"],
        None,
    );
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout_str(),
        "The following keys would be deleted:\nfiles/sub/page.html\n"
    );
    assert_eq!(out.stderr, "Deleting 1 object from my-bucket\n");
    assert!(
        server
            .data_dir()
            .join("my-bucket/files/sub/page.html")
            .exists()
    );
    let out = step(&["delete-objects", "my-bucket", "--prefix", "files/"], None);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Deleting 4 objects from my-bucket\n")
    );
    let out = step(&["delete-objects", "my-bucket"], None);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "Error: Specify one or more keys or use --prefix\n")
    );
    let left: Vec<String> = std::fs::read_dir(server.data_dir().join("my-bucket"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["quiet.txt"]);
}

#[test]
fn put_objects_dry_run_prints_what_the_original_prints() {
    let server = S3s::start();
    let dir = TempDir::new();
    let d = dir.path();
    std::fs::create_dir_all(d.join("files/sub/deeper")).unwrap();
    for name in [
        "files/b.txt",
        "files/a.txt",
        "files/.hidden",
        "files/sub/c.html",
        "files/sub/deeper/d",
        "top.txt",
    ] {
        std::fs::write(d.join(name), "x").unwrap();
    }
    let args = [
        "put-objects",
        "my-bucket",
        "files/",
        "./top.txt",
        "missing",
        "--prefix",
        "pre",
        "--dry-run",
    ];
    let ours = run(&mut cmd(&server, d, &args), None);
    ok(&ours);
    // The original, run in the same directory (so it sees the same directory order).
    let original = support::repo_root().join(".venv/bin/s3-credentials");
    let theirs = Command::new(original)
        .current_dir(d)
        .args(args)
        .args(["--endpoint-url", &server.url()])
        .output()
        .expect("run the original (scripts/setup-test-servers.sh installs it)");
    assert_eq!(ours.stdout_str(), String::from_utf8_lossy(&theirs.stdout));
    assert!(
        ours.stdout_str()
            .contains("files/sub/deeper/d => s3://my-bucket/pre/files/sub/deeper/d\n")
    );
}

#[test]
fn many_small_files_over_the_worker_pool() {
    let server = S3s::start();
    new_bucket(&server, "bkt");
    let dir = TempDir::new();
    let d = dir.path();
    std::fs::create_dir_all(d.join("many")).unwrap();
    for i in 0..60 {
        std::fs::write(d.join(format!("many/{i:03}.txt")), data(4096, i)).unwrap();
    }
    let out = run(
        cmd(&server, d, &["put-objects", "bkt", "many"]).env("S3_CREDENTIALS_WORKERS", "6"),
        None,
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Uploading 240.0 KB (60 files)\n")
    );
    let out = run(
        &mut cmd(
            &server,
            d,
            &["get-objects", "bkt", "-o", "back", "--workers", "5"],
        ),
        None,
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Downloading 240.0 KB (60 files)\n")
    );
    for i in 0..60 {
        let name = format!("many/{i:03}.txt");
        assert_eq!(
            std::fs::read(d.join("back").join(&name)).unwrap(),
            data(4096, i),
            "{name}"
        );
    }
}
