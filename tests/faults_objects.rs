//! The object commands under faults: every call of an upload (single and multipart), a
//! download, a bucket download and a batch delete is put behind transient faults, which
//! must not change what is printed or written, and behind a lasting 503, which must end the
//! command with one clean `Error:` line, leave no partial file, and leave no multipart
//! upload open (it is aborted). Interrupts too: Ctrl-C or SIGTERM mid-part, mid-range, on a
//! silent stdin and during a delete batch, and an abort that hangs or is interrupted again.
//!
//! The S3 answers are AWS's documented examples (InitiateMultipartUpload,
//! CompleteMultipartUpload, DeleteObjects, ListObjectsV2 in the S3 API reference).

use crate::faults_common;
use crate::support;

use std::path::{Path, PathBuf};

use faults_common::matrix::{self, Call, Scenario};
use support::s3_mock::serve_object;
use support::{Matcher, MockServer, Recorded, Reply, TempDir};

const UPLOAD_ID: &str = "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA";
const DATA: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn initiate() -> Reply {
    Reply::xml(
        200,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult \
             xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>bucket</Bucket>\
             <Key>big.bin</Key><UploadId>{UPLOAD_ID}</UploadId></InitiateMultipartUploadResult>"
        ),
    )
}

fn complete() -> Reply {
    Reply::xml(
        200,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult \
         xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>http://bucket.s3.amazonaws.com/big.bin</Location>\
         <Bucket>bucket</Bucket><Key>big.bin</Key><ETag>\"3858f62230ac3c915f300c664312c11f-9\"</ETag>\
         </CompleteMultipartUploadResult>",
    )
}

/// An object store of one bucket: PUT, multipart, HEAD, (ranged) GET, list, delete.
fn s3(server: &MockServer) {
    let path = "/bucket/big.bin";
    server.on(
        Matcher::any().method("PUT").path_prefix("/bucket/"),
        Reply::status(200).header("ETag", "\"e0\""),
    );
    server.on(Matcher::post(path).query("uploads", ""), initiate());
    server.on(
        Matcher::put(path).query("uploadId", UPLOAD_ID),
        Reply::compute(|r: &Recorded| {
            let n = r.query_param("partNumber").unwrap_or("0");
            Reply::status(200).header("ETag", &format!("\"etag-{n}\""))
        }),
    );
    server.on(Matcher::post(path).query("uploadId", UPLOAD_ID), complete());
    server.on(
        Matcher::delete(path).query("uploadId", UPLOAD_ID),
        Reply::status(204),
    );
    for key in ["a.txt", "dir/b.txt"] {
        serve_object(server, &format!("/bucket/{key}"), DATA.to_vec());
    }
    server.on(
        Matcher::get("/bucket").query("list-type", "2"),
        Reply::xml(
            200,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <Name>bucket</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>\
             <Contents><Key>a.txt</Key><LastModified>2026-11-28T22:57:20.000Z</LastModified><ETag>\"e1\"</ETag><Size>62</Size><StorageClass>STANDARD</StorageClass></Contents>\
             <Contents><Key>dir/b.txt</Key><LastModified>2026-11-28T22:57:20.000Z</LastModified><ETag>\"e1\"</ETag><Size>62</Size><StorageClass>STANDARD</StorageClass></Contents>\
             </ListBucketResult>",
        ),
    );
    server.on(
        Matcher::post("/bucket").query("delete", ""),
        Reply::xml(
            200,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <Deleted><Key>a.txt</Key></Deleted><Deleted><Key>dir/b.txt</Key></Deleted></DeleteResult>",
        ),
    );
}

fn clear(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
}

/// Whether a failed run left no multipart upload open: if any request used the upload
/// (its parts, its completion), the upload was aborted.
fn no_upload_left_open(reqs: &[Recorded]) -> bool {
    let used = reqs
        .iter()
        .any(|r| r.query_param("uploadId") == Some(UPLOAD_ID));
    let aborted = reqs
        .iter()
        .any(|r| r.method == "DELETE" && r.query_param("uploadId") == Some(UPLOAD_ID));
    !used || aborted
}

#[test]
fn put_object() {
    let dir = TempDir::new();
    let file = dir.path().join("small.txt");
    std::fs::write(&file, DATA).unwrap();
    let args = ["put-object", "bucket", "small.txt", file.to_str().unwrap()];
    let s = Scenario::new("put-object", &args, &s3);
    for call in matrix::transient(&s) {
        matrix::outlasting(&s, &call);
    }
}

#[test]
fn put_object_multipart_aborts_what_it_started() {
    let dir = TempDir::new();
    let file = dir.path().join("big.bin");
    std::fs::write(&file, DATA).unwrap();
    let args = ["put-object", "bucket", "big.bin", file.to_str().unwrap()];
    let mut s = Scenario::new("put-object multipart", &args, &s3);
    s.env = vec![
        ("S3_CREDENTIALS_MULTIPART_THRESHOLD".into(), "10".into()),
        ("S3_CREDENTIALS_MULTIPART_CHUNKSIZE".into(), "8".into()),
    ];
    let calls = matrix::transient(&s);
    assert!(calls.len() >= 3, "multipart: {calls:?}");
    for call in &calls {
        let reqs = matrix::outlasting(&s, call);
        let aborting = call.method == "DELETE";
        assert!(
            aborting || no_upload_left_open(&reqs),
            "{call:?}: upload left open"
        );
    }
    // CompleteMultipartUpload can fail inside a 200 (the S3 API reference says so): that
    // is a failure too, and the upload is aborted.
    let complete_call = calls
        .iter()
        .find(|c| c.method == "POST" && c.query_names.contains(&"uploadId".to_string()))
        .expect("a CompleteMultipartUpload call");
    let server = MockServer::start();
    s3(&server);
    server.on(
        complete_call.matcher(),
        Reply::s3_error(200, "InternalError", "We encountered an internal error."),
    );
    let mut cmd = faults_common::keyed();
    cmd.args(args)
        .args(["--endpoint-url", &server.url()])
        .env("S3_CREDENTIALS_MULTIPART_THRESHOLD", "10")
        .env("S3_CREDENTIALS_MULTIPART_CHUNKSIZE", "8");
    let out = support::run(&mut cmd, None);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let last = out.stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("Error: An error occurred (InternalError) when calling the CompleteMultipartUpload operation"),
        "{}",
        out.stderr
    );
    faults_common::assert_no_panic(&out, "200 InternalError on complete");
    faults_common::assert_no_secret(&out, "200 InternalError on complete");
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.method == "DELETE" && r.query_param("uploadId") == Some(UPLOAD_ID)),
        "the upload is aborted"
    );
}

#[test]
fn get_object_to_a_file_leaves_no_partial_file() {
    let dir = TempDir::new();
    let out_file = dir.path().join("out").join("a.txt");
    let out_dir = dir.path().join("out");
    let reset = || clear(&out_dir);
    let args = [
        "get-object",
        "bucket",
        "a.txt",
        "-o",
        out_file.to_str().unwrap(),
    ];
    let mut s = Scenario::new("get-object -o", &args, &s3);
    s.outputs = vec![out_file.clone()];
    s.reset = &reset;
    let calls = matrix::transient(&s);
    // After each transient run the file is complete and exact.
    assert_eq!(std::fs::read(&out_file).unwrap(), DATA);
    for call in calls {
        matrix::outlasting(&s, &call);
        let left: Vec<PathBuf> = std::fs::read_dir(&out_dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(left.is_empty(), "{call:?}: left {left:?}");
    }
}

#[test]
fn get_objects_into_a_directory() {
    let dir = TempDir::new();
    let out_dir = dir.path().join("out");
    let reset = || clear(&out_dir);
    let args = ["get-objects", "bucket", "-o", out_dir.to_str().unwrap()];
    let mut s = Scenario::new("get-objects", &args, &s3);
    s.reset = &reset;
    let calls: Vec<Call> = matrix::transient(&s);
    assert_eq!(std::fs::read(out_dir.join("dir/b.txt")).unwrap(), DATA);
    for call in calls {
        // A lasting failure on one object: another may be complete, but none is partial,
        // and no temporary file is left either.
        matrix::outlasting(&s, &call);
        for name in ["a.txt", "dir/b.txt"] {
            let p = out_dir.join(name);
            if p.exists() {
                assert_eq!(std::fs::read(&p).unwrap(), DATA, "{call:?}: partial {name}");
            }
        }
        let mut stray = Vec::new();
        let mut stack = vec![out_dir.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if !p.ends_with("a.txt") && !p.ends_with("dir/b.txt") {
                    stray.push(p);
                }
            }
        }
        assert!(stray.is_empty(), "{call:?}: left {stray:?}");
    }
}

#[test]
fn put_objects_and_delete_objects() {
    let dir = TempDir::new();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("dir")).unwrap();
    std::fs::write(src.join("a.txt"), DATA).unwrap();
    std::fs::write(src.join("dir/b.txt"), DATA).unwrap();
    let args = ["put-objects", "bucket", src.to_str().unwrap()];
    let s = Scenario::new("put-objects", &args, &s3);
    for call in matrix::transient(&s) {
        matrix::outlasting(&s, &call);
    }
    let args = ["delete-objects", "bucket", "a.txt", "dir/b.txt"];
    let s = Scenario::new("delete-objects", &args, &s3);
    for call in matrix::transient(&s) {
        matrix::outlasting(&s, &call);
    }
}

fn multipart_scenario<'a>(args: &'a [&'a str]) -> Scenario<'a> {
    let mut s = Scenario::new("put-object multipart", args, &s3);
    s.env = vec![
        ("S3_CREDENTIALS_MULTIPART_THRESHOLD".into(), "10".into()),
        ("S3_CREDENTIALS_MULTIPART_CHUNKSIZE".into(), "8".into()),
    ];
    s
}

fn is_abort(r: &Recorded) -> bool {
    r.method == "DELETE" && r.query_param("uploadId") == Some(UPLOAD_ID)
}

fn is_complete(r: &Recorded) -> bool {
    r.method == "POST" && r.query_param("uploadId") == Some(UPLOAD_ID)
}

/// Interrupt mid-part: Ctrl-C or SIGTERM while the parts are in flight (the server holds
/// back its answers) aborts the upload, never completes it, and ends with `Aborted!`.
#[test]
fn interrupt_mid_part_aborts_the_upload() {
    let dir = TempDir::new();
    let file = dir.path().join("big.bin");
    std::fs::write(&file, DATA).unwrap();
    let args = ["put-object", "bucket", "big.bin", file.to_str().unwrap()];
    let s = multipart_scenario(&args);
    let (_, calls) = matrix::baseline(&s);
    let part = calls
        .iter()
        .find(|c| c.method == "PUT" && c.query_names.contains(&"partNumber".to_string()))
        .expect("an UploadPart call");
    for signal in ["INT", "TERM"] {
        let (out, reqs) = matrix::interrupted(&s, part, signal, &|_| {});
        assert_eq!(out.stderr, "Uploading\n\nAborted!\n", "SIG{signal}");
        assert_eq!(
            reqs.iter().filter(|r| is_abort(r)).count(),
            1,
            "SIG{signal}"
        );
        assert!(!reqs.iter().any(is_complete), "SIG{signal}: completed");
    }
}

/// The abort after Ctrl-C has a few seconds of its own: a server that does not answer it
/// is given up on, and the user is told which upload is still open. A second Ctrl-C while
/// it waits gives up at once.
#[test]
fn an_abort_that_hangs_is_reported_with_the_upload_id() {
    let dir = TempDir::new();
    let file = dir.path().join("big.bin");
    std::fs::write(&file, DATA).unwrap();
    let args = ["put-object", "bucket", "big.bin", file.to_str().unwrap()];
    let s = multipart_scenario(&args);
    let (_, calls) = matrix::baseline(&s);
    let part = calls
        .iter()
        .find(|c| c.method == "PUT" && c.query_names.contains(&"partNumber".to_string()))
        .expect("an UploadPart call");
    let stall_abort = |server: &MockServer| {
        server.on(
            Matcher::delete("/bucket/big.bin").query("uploadId", UPLOAD_ID),
            Reply::status(204).delay(std::time::Duration::from_secs(120)),
        );
    };
    let left = format!(
        "Could not abort multipart upload {UPLOAD_ID} of s3://bucket/big.bin (Read timeout on \
         endpoint URL: \""
    );

    // The deadline: two attempts at most, within about five seconds.
    let started = std::time::Instant::now();
    let (out, reqs) = matrix::interrupted(&s, part, "TERM", &stall_abort);
    let took = started.elapsed();
    assert!(out.stderr.contains(&left), "{}", out.stderr);
    assert!(
        out.stderr.ends_with("until it is aborted\nAborted!\n"),
        "{}",
        out.stderr
    );
    assert!(reqs.iter().filter(|r| is_abort(r)).count() <= 2);
    assert!(took < std::time::Duration::from_secs(30), "{took:?}");

    // A second signal once the abort is under way.
    let server = MockServer::start();
    s3(&server);
    server.on(
        part.matcher(),
        Reply::status(500).delay(std::time::Duration::from_secs(120)),
    );
    stall_abort(&server);
    let mut cmd = faults_common::keyed();
    cmd.args(args).args(["--endpoint-url", &server.url()]);
    for (k, v) in &s.env {
        cmd.env(k, v);
    }
    let mut child = support::Spawned::start(&mut cmd);
    child.wait_until("a part", || {
        server.requests().iter().any(|r| Call::of(r) == *part)
    });
    child.signal("INT");
    child.wait_until("the abort", || server.requests().iter().any(is_abort));
    child.signal("INT");
    let out = child.finish();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "Uploading\n\nCould not abort multipart upload {UPLOAD_ID} of s3://bucket/big.bin \
             (interrupted again); its parts stay on the server, billed, until it is aborted\n\
             Aborted!\n"
        )
    );
}

/// Interrupt mid-GET of a ranged download: no file and no temporary file is left.
#[test]
fn interrupt_mid_range_leaves_no_file() {
    let dir = TempDir::new();
    let out_dir = dir.path().join("out");
    let out_file = out_dir.join("a.txt");
    let reset = || clear(&out_dir);
    let args = [
        "get-object",
        "bucket",
        "a.txt",
        "-o",
        out_file.to_str().unwrap(),
    ];
    let mut s = Scenario::new("get-object -o ranged", &args, &s3);
    s.env = vec![
        ("S3_CREDENTIALS_MULTIPART_THRESHOLD".into(), "10".into()),
        ("S3_CREDENTIALS_MULTIPART_CHUNKSIZE".into(), "8".into()),
    ];
    s.outputs = vec![out_file.clone()];
    s.reset = &reset;
    let (_, calls) = matrix::baseline(&s);
    let get = calls.iter().find(|c| c.method == "GET").expect("a GET");
    for signal in ["INT", "TERM"] {
        let (out, _) = matrix::interrupted(&s, get, signal, &|_| {});
        assert_eq!(out.stderr, "\nAborted!\n");
        let left: Vec<PathBuf> = std::fs::read_dir(&out_dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(left.is_empty(), "SIG{signal}: left {left:?}");
    }
}

/// Interrupt delete-objects: the batch in flight finishes (here the server answers it a
/// moment after the signal), no other starts, and the count deleted is said.
#[test]
fn interrupt_delete_objects_finishes_the_batch() {
    let keys: Vec<String> = (0..1500).map(|i| format!("k{i}")).collect();
    let mut args = vec!["delete-objects", "bucket"];
    args.extend(keys.iter().map(String::as_str));
    let s = Scenario::new("delete-objects", &args, &s3);
    let (_, calls) = matrix::baseline(&s);
    let delete = calls
        .iter()
        .find(|c| c.method == "POST")
        .expect("a DeleteObjects call");
    let answer_late = |server: &MockServer| {
        server.on(
            delete.matcher(),
            Reply::xml(
                200,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult \
                 xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></DeleteResult>",
            )
            .delay(std::time::Duration::from_millis(500)),
        );
    };
    let (out, reqs) = matrix::interrupted(&s, delete, "INT", &answer_late);
    assert_eq!(
        out.stderr,
        "Deleting 1500 objects from bucket\n\nDeleted 1000 of 1500 objects from bucket before \
         the interrupt\nAborted!\n"
    );
    assert_eq!(reqs.iter().filter(|r| r.method == "POST").count(), 1);
}

/// `put-object -` waiting on a silent stdin (the program feeding it stalls): Ctrl-C is
/// seen all the same, and the upload it began is aborted.
#[test]
fn interrupt_while_stdin_is_silent_aborts_the_upload() {
    use std::io::Write;
    let server = MockServer::start();
    s3(&server);
    let mut cmd = faults_common::keyed();
    cmd.args(["put-object", "bucket", "big.bin", "-"])
        .args(["--endpoint-url", &server.url()])
        .env("S3_CREDENTIALS_MULTIPART_THRESHOLD", "10")
        .env("S3_CREDENTIALS_MULTIPART_CHUNKSIZE", "8");
    let (mut child, mut stdin) = support::Spawned::start_piped(&mut cmd);
    // The threshold's 10 bytes, then a part of 8 goes; 2 bytes wait for 6 more.
    stdin.write_all(&DATA[..20]).unwrap();
    stdin.flush().unwrap();
    child.wait_until("the first part", || {
        server
            .requests()
            .iter()
            .any(|r| r.method == "PUT" && r.query_param("partNumber").is_some())
    });
    child.signal("INT");
    let out = child.finish();
    drop(stdin);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stderr, "Uploading\n\nAborted!\n");
    let reqs = server.requests();
    assert_eq!(reqs.iter().filter(|r| is_abort(r)).count(), 1);
    assert!(!reqs.iter().any(is_complete));
}

/// Interrupt mid-body: the server sends half the object and then nothing; the bytes
/// received are on disk in the temporary file when the signal comes. The read must stop
/// (not be retried as if the signal were EINTR) and the temporary file go.
#[test]
fn interrupt_mid_body_leaves_no_file() {
    let body: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
    let dir = TempDir::new();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    for signal in ["INT", "TERM"] {
        let server = MockServer::start();
        server.on(
            Matcher::head("/bucket/mid.bin"),
            Reply::status(200).header("Content-Length", &body.len().to_string()),
        );
        server.on(
            Matcher::get("/bucket/mid.bin"),
            Reply::ok(body.clone()).stall_after(body.len() / 2),
        );
        let mut cmd = faults_common::keyed();
        cmd.args(["get-object", "bucket", "mid.bin", "-o"])
            .arg(out_dir.join("mid.bin"))
            .args(["--endpoint-url", &server.url()]);
        let mut child = support::Spawned::start(&mut cmd);
        child.wait_until("half the body on disk", || {
            std::fs::read_dir(&out_dir)
                .unwrap()
                .flatten()
                .any(|e| e.metadata().is_ok_and(|m| m.len() > 0))
        });
        child.signal(signal);
        let out = child.finish();
        assert_eq!(out.code, 1, "SIG{signal}: {}", out.stderr);
        assert_eq!(out.stderr, "\nAborted!\n", "SIG{signal}");
        let left: Vec<PathBuf> = std::fs::read_dir(&out_dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(left.is_empty(), "SIG{signal}: left {left:?}");
    }
}
