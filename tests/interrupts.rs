//! Ctrl-C (SIGINT) and SIGTERM end to end against moto and s3s-fs: each command is sent the
//! signal once it has started transferring (seen on the server, or in the output
//! directory), behind a relay that slows the network so the transfer is still running.
//! Whatever it was doing, the command must leave no multipart upload open and no
//! temporary file, keep what it completed intact, print click's `Aborted!` last and exit 1.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::moto::Moto;
use support::s3s::S3s;
use support::throttle::Throttle;
use support::{Outcome, Spawned, TempDir, bin};

const MIB: usize = 1024 * 1024;
/// The relay's pace per connection and direction: 24 MiB take 6 s on one connection.
const RATE: u64 = 4 * MIB as u64;
const SIGNALS: [&str; 2] = ["INT", "TERM"];

/// Bytes that are not all the same, so a misplaced or missing range would show.
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

/// The binary with `keys`, talking to `url`, in `dir`.
fn ours(keys: (String, String), url: &str, dir: &Path, args: &[&str]) -> Command {
    let mut c = bin();
    c.current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", keys.0)
        .env("AWS_SECRET_ACCESS_KEY", keys.1)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .args(args)
        .args(["--endpoint-url", url]);
    c
}

/// Starts `cmd`, waits until `started`, sends `signal`, and checks click's ending.
fn interrupt(
    cmd: &mut Command,
    signal: &str,
    what: &str,
    started: impl FnMut() -> bool,
) -> Outcome {
    let mut child = Spawned::start(cmd);
    child.wait_until(what, started);
    child.signal(signal);
    let out = child.finish();
    assert_eq!(out.code, 1, "{what} SIG{signal}: {}", out.stderr);
    assert!(
        out.stderr.ends_with("\nAborted!\n"),
        "{what} SIG{signal}: {:?}",
        out.stderr
    );
    for bad in ["panicked", "Error: "] {
        assert!(
            !out.stderr.contains(bad),
            "{what} SIG{signal}: {}",
            out.stderr
        );
    }
    out
}

/// Files directly in `dir` (not recursing), by name.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Our temporary download files in `dir`.
fn temp_files(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with(".s3-credentials-") && n.ends_with(".part"))
        .collect()
}

/// s3s-fs keeps each multipart upload as `.upload_id-*` files in its data directory.
fn s3s_uploads(server: &S3s) -> Vec<String> {
    names(&server.data_dir())
        .into_iter()
        .filter(|n| n.starts_with(".upload_id-"))
        .collect()
}

/// ListMultipartUploads on moto.
fn moto_uploads(moto: &Moto, bucket: &str) -> usize {
    let r = moto.s3("GET", &format!("/{bucket}?uploads"), b"");
    assert_eq!(r.status, 200, "{}", r.text());
    r.text().matches("<Upload>").count()
}

/// The keys ListObjectsV2 gives on moto.
fn moto_keys(moto: &Moto, bucket: &str) -> Vec<String> {
    let r = moto.s3("GET", &format!("/{bucket}?list-type=2"), b"");
    assert_eq!(r.status, 200, "{}", r.text());
    r.text()
        .split("<Key>")
        .skip(1)
        .filter_map(|s| s.split("</Key>").next())
        .map(str::to_string)
        .collect()
}

#[test]
fn put_object_multipart_is_aborted_on_moto_and_s3s() {
    let dir = TempDir::new();
    std::fs::write(dir.path().join("big.bin"), data(24 * MIB, 1)).unwrap();
    // Two connections: five parts take three seconds, time enough to be interrupted.
    let args = ["put-object", "bkt", "big.bin", "big.bin", "--workers", "2"];
    let part = ("S3_CREDENTIALS_MULTIPART_CHUNKSIZE", (5 * MIB).to_string());

    let moto = Moto::start_open_light();
    assert_eq!(moto.s3("PUT", "/bkt", b"").status, 200);
    let relay = Throttle::start(&moto.url(), RATE);
    for signal in SIGNALS {
        let mut cmd = ours(moto.admin_key(), &relay.url(), dir.path(), &args);
        cmd.env(part.0, &part.1);
        let out = interrupt(&mut cmd, signal, "moto upload", || {
            moto_uploads(&moto, "bkt") > 0
        });
        assert_eq!(out.stderr, "Uploading\n\nAborted!\n");
        assert_eq!(
            moto_uploads(&moto, "bkt"),
            0,
            "SIG{signal}: upload left open"
        );
        assert_eq!(moto.s3("HEAD", "/bkt/big.bin", b"").status, 404);
    }

    let s3s = S3s::start();
    assert_eq!(s3s.s3("PUT", "/bkt", b"").status, 200);
    let relay = Throttle::start(&s3s.url(), RATE);
    for signal in SIGNALS {
        let mut cmd = ours(s3s.keys(), &relay.url(), dir.path(), &args);
        cmd.env(part.0, &part.1);
        let out = interrupt(&mut cmd, signal, "s3s upload", || {
            !s3s_uploads(&s3s).is_empty()
        });
        assert_eq!(out.stderr, "Uploading\n\nAborted!\n");
        assert_eq!(s3s_uploads(&s3s), Vec::<String>::new(), "SIG{signal}");
        assert!(!s3s.data_dir().join("bkt/big.bin").exists());
    }
}

/// 60 files of 256 KiB over two connections: some are stored when the signal comes, the
/// rest never start; every stored one is whole.
#[test]
fn put_objects_keeps_the_files_it_completed() {
    let dir = TempDir::new();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    let files: Vec<(String, Vec<u8>)> = (0..60)
        .map(|i| (format!("f{i:02}.bin"), data(256 * 1024, i + 10)))
        .collect();
    for (name, bytes) in &files {
        std::fs::write(src.join(name), bytes).unwrap();
    }
    let source = |key: &str| -> &[u8] {
        let name = key.rsplit('/').next().unwrap();
        &files.iter().find(|(n, _)| n == name).expect(key).1
    };
    let args = ["put-objects", "bkt", "src", "--workers", "2"];

    let s3s = S3s::start();
    assert_eq!(s3s.s3("PUT", "/bkt", b"").status, 200);
    let relay = Throttle::start(&s3s.url(), RATE);
    let stored = || -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut stack = vec![s3s.data_dir().join("bkt")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "bin") {
                    found.push(p);
                }
            }
        }
        found
    };
    let mut cmd = ours(s3s.keys(), &relay.url(), dir.path(), &args);
    interrupt(&mut cmd, "INT", "s3s put-objects", || !stored().is_empty());
    let kept = stored();
    assert!(
        !kept.is_empty() && kept.len() < files.len(),
        "{}",
        kept.len()
    );
    for p in &kept {
        let key = p.to_string_lossy();
        assert!(
            std::fs::read(p).unwrap() == source(&key),
            "{key} is not whole"
        );
    }
    assert!(s3s_uploads(&s3s).is_empty());

    let moto = Moto::start_open_light();
    assert_eq!(moto.s3("PUT", "/bkt", b"").status, 200);
    let relay = Throttle::start(&moto.url(), RATE);
    let mut cmd = ours(moto.admin_key(), &relay.url(), dir.path(), &args);
    interrupt(&mut cmd, "TERM", "moto put-objects", || {
        !moto_keys(&moto, "bkt").is_empty()
    });
    let keys = moto_keys(&moto, "bkt");
    assert!(
        !keys.is_empty() && keys.len() < files.len(),
        "{}",
        keys.len()
    );
    for key in &keys {
        let r = moto.s3("GET", &format!("/bkt/{key}"), b"");
        assert!(r.body == source(key), "{key} is not whole");
    }
    assert_eq!(moto_uploads(&moto, "bkt"), 0);
}

#[test]
fn get_object_to_a_file_leaves_no_temporary_file() {
    let s3s = S3s::start();
    std::fs::create_dir(s3s.data_dir().join("bkt")).unwrap();
    std::fs::write(s3s.data_dir().join("bkt/big.bin"), data(24 * MIB, 2)).unwrap();
    let relay = Throttle::start(&s3s.url(), RATE);
    let dir = TempDir::new();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let args = [
        "get-object",
        "bkt",
        "big.bin",
        "-o",
        "out/big.bin",
        "--workers",
        "1",
    ];
    for signal in SIGNALS {
        let mut cmd = ours(s3s.keys(), &relay.url(), dir.path(), &args);
        cmd.env("S3_CREDENTIALS_MULTIPART_CHUNKSIZE", (5 * MIB).to_string());
        let out = interrupt(&mut cmd, signal, "get-object", || {
            !temp_files(&out_dir).is_empty()
        });
        assert_eq!(out.stderr, "\nAborted!\n");
        assert_eq!(names(&out_dir), Vec::<String>::new(), "SIG{signal}");
    }
}

/// Two small objects come first and are complete when the signal comes during the big
/// one; they stay, whole, and the big one leaves nothing.
#[test]
fn get_objects_keeps_complete_files_only() {
    let small = data(1024, 3);
    let big = data(24 * MIB, 4);
    let dir = TempDir::new();
    let args = ["get-objects", "bkt", "-o", "out", "--workers", "1"];
    let check = |out_dir: &Path, signal: &str| {
        assert_eq!(names(out_dir), ["a.txt", "b.txt"], "SIG{signal}");
        for name in ["a.txt", "b.txt"] {
            assert!(
                std::fs::read(out_dir.join(name)).unwrap() == small,
                "{name}"
            );
        }
    };
    let chunk = ("S3_CREDENTIALS_MULTIPART_CHUNKSIZE", (5 * MIB).to_string());
    let ready = |out_dir: &Path| {
        let n = names(out_dir);
        n.contains(&"a.txt".to_string())
            && n.contains(&"b.txt".to_string())
            && !temp_files(out_dir).is_empty()
    };

    let s3s = S3s::start();
    let bucket = s3s.data_dir().join("bkt");
    std::fs::create_dir(&bucket).unwrap();
    std::fs::write(bucket.join("a.txt"), &small).unwrap();
    std::fs::write(bucket.join("b.txt"), &small).unwrap();
    std::fs::write(bucket.join("c.bin"), &big).unwrap();
    let relay = Throttle::start(&s3s.url(), RATE);
    let out_dir = dir.path().join("out");
    let mut cmd = ours(s3s.keys(), &relay.url(), dir.path(), &args);
    cmd.env(chunk.0, &chunk.1);
    interrupt(&mut cmd, "INT", "s3s get-objects", || ready(&out_dir));
    check(&out_dir, "INT");

    std::fs::remove_dir_all(&out_dir).unwrap();
    let moto = Moto::start_open_light();
    assert_eq!(moto.s3("PUT", "/bkt", b"").status, 200);
    for (key, bytes) in [("a.txt", &small), ("b.txt", &small), ("c.bin", &big)] {
        let r = moto.s3("PUT", &format!("/bkt/{key}"), bytes);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let relay = Throttle::start(&moto.url(), RATE);
    let mut cmd = ours(moto.admin_key(), &relay.url(), dir.path(), &args);
    cmd.env(chunk.0, &chunk.1);
    interrupt(&mut cmd, "TERM", "moto get-objects", || ready(&out_dir));
    check(&out_dir, "TERM");
}

/// `create --duration` waiting for a new role to become assumable (moto never lets it):
/// the wait ends at once, and what was made is said before `Aborted!`.
#[test]
fn create_waiting_on_a_new_role_says_what_it_made() {
    let mut moto = Moto::start();
    let arn = "arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess";
    let dir = TempDir::new();
    for signal in SIGNALS {
        assert_eq!(moto.s3("PUT", "/my-bucket", b"").status, 200);
        let mut cmd = ours(
            moto.admin_key(),
            &moto.url(),
            dir.path(),
            &["create", "my-bucket", "--duration", "15m"],
        );
        // A first wait of a minute: only an interrupted wait ends the command in time.
        cmd.env("S3_CREDENTIALS_ASSUME_RETRY_BASE_MS", "60000");
        let mut child = Spawned::start(&mut cmd);
        child.wait_for_stderr("is not assumable yet");
        let signalled = Instant::now();
        child.signal(signal);
        let out = child.finish();
        assert!(
            signalled.elapsed() < Duration::from_secs(10),
            "the wait went on"
        );
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert_eq!(
            out.stderr,
            format!(
                "Assume role against {arn} for 900s\n\
                 Role {arn} is not assumable yet (IAM is still propagating it); retrying in 60s\n\
                 \n\
                 Made before the interrupt and still in place: role s3-credentials.AmazonS3FullAccess, \
                 policy arn:aws:iam::aws:policy/AmazonS3FullAccess attached to role s3-credentials.AmazonS3FullAccess\n\
                 Aborted!\n"
            ),
            "SIG{signal}"
        );
        assert_eq!(out.stdout, b"");
        moto.reset();
    }
}

/// A connect that gets no answer (the server's accept queue is full, so its SYNs are
/// dropped) takes the whole connect timeout, three times; Ctrl-C ends it at once.
/// A bare listener, not MockServer: the mock accepts every connection, and this one
/// must never be accepted.
#[test]
fn a_connect_that_hangs_is_interrupted() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Never accepted: once the queue is full, further connects hang.
    let mut queued = Vec::new();
    for _ in 0..300 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(s) => queued.push(s),
            Err(_) => break,
        }
    }
    let dir = TempDir::new();
    std::fs::write(dir.path().join("a.txt"), b"hello").unwrap();
    let url = format!("http://{addr}");
    let keys = ("AKIDTEST".to_string(), "secret".to_string());
    let mut cmd = ours(keys, &url, dir.path(), &["put-objects", "bkt", "a.txt"]);
    let mut child = Spawned::start(&mut cmd);
    // Printed once the handlers are in place, just before the first connect.
    child.wait_for_stderr("Uploading 5.0 bytes (1 file)");
    let signalled = Instant::now();
    child.signal("INT");
    let out = child.finish();
    assert!(
        signalled.elapsed() < Duration::from_secs(5),
        "{:?}",
        signalled.elapsed()
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stderr, "Uploading 5.0 bytes (1 file)\n\nAborted!\n");
    drop(queued);
}

/// A request waiting for an answer that does not come: SIGINT ends ours exactly as it
/// ends the original (click's blank line and `Aborted!`, exit 1, nothing on stdout).
#[test]
fn a_request_waiting_for_its_answer_ends_as_the_original_does() {
    let original = support::repo_root().join(".venv/bin/s3-credentials");
    assert!(original.exists(), "run scripts/setup-test-servers.sh first");
    // Holds every answer back; dropping the server at the end ends the wait.
    let server = support::MockServer::start();
    server.on(
        support::Matcher::any(),
        support::Reply::status(500).delay(Duration::from_secs(120)),
    );
    let url = server.url();
    let dir = TempDir::new();
    let mut outcomes = Vec::new();
    for program in [None, Some(&original)] {
        let keys = ("AKIDTEST".to_string(), "secret".to_string());
        let mut cmd = ours(keys, &url, dir.path(), &["list-buckets"]);
        if let Some(path) = program {
            let ours = cmd;
            cmd = Command::new(path);
            cmd.args(ours.get_args()).env_clear();
            for (k, v) in ours.get_envs() {
                if let Some(v) = v {
                    cmd.env(k, v);
                }
            }
            cmd.current_dir(dir.path());
        }
        let mut child = Spawned::start(&mut cmd);
        // The request has arrived: the program waits for the answer.
        let before = outcomes.len();
        child.wait_until("the request", || server.requests().len() > before);
        child.signal("INT");
        outcomes.push(child.finish());
    }
    let (mine, theirs) = (&outcomes[0], &outcomes[1]);
    assert_eq!(theirs.stderr, "\nAborted!\n", "the original");
    assert_eq!(theirs.code, 1);
    assert_eq!(mine.stderr, theirs.stderr);
    assert_eq!(mine.code, theirs.code);
    assert_eq!(mine.stdout, theirs.stdout);
}
