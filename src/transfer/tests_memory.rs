//! Uploads and downloads over the in-process transport (`aws::http::testing`) against
//! the fake S3 in testing.rs: what is sent (part sizes, the Complete body's order and
//! checksums, the abort, ranges and resumes) and what comes of it, with signals raised
//! on a signal state of the test's own.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::Settings;
use super::download::{self, Dest, Source};
use super::localfs::Dir;
use super::progress::Progress;
use super::testing::{FakeS3, GetFault};
use super::upload::{self, Target};
use crate::aws::http::testing::RecordedRequest;
use crate::aws::s3::S3;
use crate::aws::s3::object::crc32_base64;
use crate::error::{Error, TransferError};
use crate::interrupt::Handle;

/// Small sizes, so that a few KiB go multipart.
fn settings(workers: usize) -> Settings {
    Settings {
        workers,
        threshold: 1000,
        part_size: 400,
    }
}

/// Bytes that differ at every offset, so a misplaced range shows.
fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// A scratch directory of this test's own.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("s3c-mem-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn upload(s3: &S3, settings: &Settings, path: &Path) -> Result<(), Error> {
    let size = std::fs::metadata(path).unwrap().len();
    let t = Target {
        s3,
        bucket: "b",
        key: "k",
        content_type: None,
    };
    upload::upload_file(t, settings, path, size, &Progress::hidden())
}

fn parts(sent: &[RecordedRequest]) -> Vec<&RecordedRequest> {
    sent.iter()
        .filter(|r| r.method == "PUT" && r.query("partNumber").is_some())
        .collect()
}

fn count(sent: &[RecordedRequest], method: &str, query: &str) -> usize {
    sent.iter()
        .filter(|r| r.method == method && r.query(query).is_some())
        .count()
}

#[test]
fn multipart_upload_sends_each_range_once_and_completes_in_order() {
    let dir = scratch("mp");
    let path = dir.join("f");
    let bytes = data(1000);
    std::fs::write(&path, &bytes).unwrap();
    let (fake, server, session) = FakeS3::default().serve(&[]);
    upload(&S3::new(&session), &settings(3), &path).unwrap();

    let sent = server.requests();
    // 1000 bytes in parts of 400: 400, 400, 200, each with its own CRC32.
    let mut sizes: Vec<(u32, usize, String)> = parts(&sent)
        .iter()
        .map(|r| {
            let n = r.query("partNumber").unwrap().parse().unwrap();
            let crc = r.header("x-amz-checksum-crc32").unwrap().to_string();
            assert_eq!(crc, crc32_base64(crc32fast::hash(&r.body)), "part {n}");
            (n, r.body.len(), crc)
        })
        .collect();
    sizes.sort();
    let numbers: Vec<(u32, usize)> = sizes.iter().map(|(n, l, _)| (*n, *l)).collect();
    assert_eq!(numbers, [(1, 400), (2, 400), (3, 200)]);
    // The Complete body lists the parts in order, each with the checksum it was sent with.
    let complete = sent
        .iter()
        .find(|r| r.method == "POST" && r.query("uploadId").is_some())
        .expect("a CompleteMultipartUpload");
    let body = String::from_utf8_lossy(&complete.body);
    let mut at = 0;
    for (n, _, crc) in &sizes {
        let entry = format!(
            "<Part><PartNumber>{n}</PartNumber><ETag>&quot;etag-{n}&quot;</ETag>\
             <ChecksumCRC32>{crc}</ChecksumCRC32></Part>"
        );
        let found = body[at..]
            .find(&entry)
            .unwrap_or_else(|| panic!("{entry} in {body}"));
        at += found + entry.len();
    }
    assert_eq!(fake.state().objects["k"], bytes);
    assert_eq!(fake.state().open_uploads(), 0);
    assert_eq!(count(&sent, "DELETE", "uploadId"), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_refused_part_aborts_the_upload_and_reports_the_refusal() {
    let dir = scratch("refused");
    let path = dir.join("f");
    std::fs::write(&path, data(2000)).unwrap();
    let fake = FakeS3::default();
    fake.state().refuse_part = Some(2);
    let (fake, server, session) = fake.serve(&[]);
    let err = upload(&S3::new(&session), &settings(1), &path).unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"), "{err}");

    let sent = server.requests();
    assert_eq!(count(&sent, "DELETE", "uploadId"), 1, "one abort");
    assert_eq!(count(&sent, "POST", "uploadId"), 0, "no Complete");
    // With one worker, nothing after the refused part is sent.
    let numbers: Vec<&str> = parts(&sent)
        .iter()
        .map(|r| r.query("partNumber").unwrap())
        .collect();
    assert_eq!(numbers, ["1", "2"]);
    assert_eq!(fake.state().open_uploads(), 0);
    assert!(!fake.state().objects.contains_key("k"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_signal_mid_upload_lets_the_part_finish_then_aborts() {
    let dir = scratch("signal");
    let path = dir.join("f");
    std::fs::write(&path, data(2000)).unwrap();
    let signals = Handle::detached();
    let (fake, server, session) = FakeS3::signalling_at_part(&signals, 2).serve(&[]);
    let s3 = S3::new(&session);
    let result = signals.enter(|| upload(&s3, &settings(1), &path));
    // The abort worked, so nothing is left to mention before "Aborted!".
    match result {
        Err(Error::Interrupted(notes)) => assert!(notes.is_empty(), "{notes:?}"),
        other => panic!("{other:?}"),
    }
    let sent = server.requests();
    assert_eq!(count(&sent, "DELETE", "uploadId"), 1);
    assert_eq!(count(&sent, "POST", "uploadId"), 0, "no Complete");
    // One worker (the order is then certain): part 2 was in flight when the signal
    // came and finished; no part after it started.
    let numbers: Vec<&str> = parts(&sent)
        .iter()
        .map(|r| r.query("partNumber").unwrap())
        .collect();
    assert_eq!(numbers, ["1", "2"]);
    assert_eq!(fake.state().open_uploads(), 0);
    // The process's own state saw nothing.
    assert_eq!(Handle::current().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_part_answered_503_is_sent_again() {
    let dir = scratch("retry");
    let path = dir.join("f");
    let bytes = data(1200);
    std::fs::write(&path, &bytes).unwrap();
    let fake = FakeS3::default();
    fake.state().flaky_part = Some((2, 2));
    let (fake, server, session) = fake.serve(&[("AWS_MAX_ATTEMPTS", "3")]);
    upload(&S3::new(&session), &settings(1), &path).unwrap();
    let sent = server.requests();
    let numbers: Vec<&str> = parts(&sent)
        .iter()
        .map(|r| r.query("partNumber").unwrap())
        .collect();
    assert_eq!(numbers, ["1", "2", "2", "2", "3"]);
    // Each attempt sends the whole part again.
    assert!(parts(&sent)[1..4].iter().all(|r| r.body == bytes[400..800]));
    assert_eq!(fake.state().objects["k"], bytes);
}

#[test]
fn stdin_goes_up_in_parts_of_the_stream_size_in_order() {
    let bytes = data(2100);
    let (fake, server, session) = FakeS3::default().serve(&[]);
    let s3 = S3::new(&session);
    let t = Target {
        s3: &s3,
        bucket: "b",
        key: "k",
        content_type: Some("text/plain"),
    };
    let mut input = &bytes[..];
    upload::upload_stream(t, &settings(2), &mut input, &Progress::hidden()).unwrap();
    let sent = server.requests();
    let create = sent.iter().find(|r| r.query("uploads").is_some()).unwrap();
    assert_eq!(create.header("content-type"), Some("text/plain"));
    let mut sizes: Vec<(u32, usize)> = parts(&sent)
        .iter()
        .map(|r| {
            (
                r.query("partNumber").unwrap().parse().unwrap(),
                r.body.len(),
            )
        })
        .collect();
    sizes.sort();
    assert_eq!(
        sizes,
        [(1, 400), (2, 400), (3, 400), (4, 400), (5, 400), (6, 100)]
    );
    assert_eq!(fake.state().objects["k"], bytes);
}

#[test]
fn stdin_shorter_than_the_threshold_is_one_put() {
    let bytes = data(999);
    let (fake, server, session) = FakeS3::default().serve(&[]);
    let s3 = S3::new(&session);
    let t = Target {
        s3: &s3,
        bucket: "b",
        key: "k",
        content_type: None,
    };
    upload::upload_stream(t, &settings(2), &mut &bytes[..], &Progress::hidden()).unwrap();
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "PUT");
    assert_eq!(fake.state().objects["k"], bytes);
}

fn download_file(s3: &S3, settings: &Settings, dir: &Path, size: Option<u64>) -> Result<(), Error> {
    let root = Dir::open(dir).unwrap();
    let shown = dir.join("out");
    let dest = Dest {
        dir: &root,
        name: OsStr::new("out"),
        shown: &shown,
    };
    let src = Source {
        s3,
        bucket: "b",
        key: "k",
    };
    download::download_to_file(src, settings, dest, size, &Progress::hidden())
}

#[test]
fn a_ranged_download_resumes_a_cut_range_of_the_same_object() {
    let dir = scratch("ranges");
    let bytes = data(1000);
    let fake = FakeS3::default().with_object("k", bytes.clone());
    fake.state().get_faults.push_back(GetFault::Cut(50));
    let (_fake, server, session) = fake.serve(&[]);
    download_file(&S3::new(&session), &settings(1), &dir, None).unwrap();
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), bytes);

    let sent = server.requests();
    assert_eq!(sent[0].method, "HEAD");
    let ranges: Vec<(&str, Option<&str>)> = sent[1..]
        .iter()
        .map(|r| (r.header("range").unwrap(), r.header("if-match")))
        .collect();
    // 400-byte ranges, the first resumed from byte 50, each only of the object HEAD saw.
    let object = Some("\"object\"");
    assert_eq!(
        ranges,
        [
            ("bytes=0-399", object),
            ("bytes=50-399", object),
            ("bytes=400-799", object),
            ("bytes=800-999", object),
        ]
    );
    // Only the file: no temporary file left beside it.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_body_cut_on_every_attempt_fails_after_the_attempts_and_leaves_no_file() {
    let dir = scratch("cut");
    let fake = FakeS3::default().with_object("k", data(300));
    for _ in 0..3 {
        fake.state().get_faults.push_back(GetFault::Cut(10));
    }
    let (_fake, server, session) = fake.serve(&[("AWS_MAX_ATTEMPTS", "3")]);
    let err = download_file(&S3::new(&session), &settings(1), &dir, Some(300)).unwrap_err();
    // Each cut came after 10 bytes: 30 arrived, and every attempt is used.
    let words = err.to_string();
    assert!(
        words.starts_with("Download of s3://b/k failed after 3 attempts at byte 30 of 300: "),
        "{words}"
    );
    // A GET without Range (for the checksum), then two resumes from where it stopped.
    let sent = server.requests();
    let ranges: Vec<Option<&str>> = sent.iter().map(|r| r.header("range")).collect();
    assert_eq!(ranges, [None, Some("bytes=10-299"), Some("bytes=20-299")]);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_wrong_checksum_fails_the_download_and_leaves_no_file() {
    let dir = scratch("crc");
    let fake = FakeS3::default().with_object("k", data(300));
    fake.state().get_faults.push_back(GetFault::WrongChecksum);
    let (_fake, _server, session) = fake.serve(&[]);
    let err = download_file(&S3::new(&session), &settings(1), &dir, Some(300)).unwrap_err();
    match &err {
        Error::Transfer(TransferError::ChecksumMismatch { url, expected, .. }) => {
            assert_eq!(url, "s3://b/k");
            assert_eq!(expected, &crc32_base64(0xdead_beef));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_stream_download_checks_the_checksum_of_the_get() {
    let bytes = data(300);
    let fake = FakeS3::default().with_object("k", bytes.clone());
    let (fake, _server, session) = fake.serve(&[]);
    let s3 = S3::new(&session);
    let src = Source {
        s3: &s3,
        bucket: "b",
        key: "k",
    };
    let mut out = Vec::new();
    download::download_to_writer(src, &mut out).unwrap();
    assert_eq!(out, bytes);
    fake.state().get_faults.push_back(GetFault::WrongChecksum);
    let err = download::download_to_writer(src, &mut Vec::new()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Checksum mismatch downloading s3://b/k"),
        "{err}"
    );
}

#[test]
fn a_range_of_an_object_of_another_size_is_not_taken() {
    let dir = scratch("size");
    let fake = FakeS3::default().with_object("k", data(1000));
    for _ in 0..2 {
        fake.state().get_faults.push_back(GetFault::OtherSize);
    }
    let (_fake, server, session) = fake.serve(&[("AWS_MAX_ATTEMPTS", "2")]);
    let err = download_file(&S3::new(&session), &settings(1), &dir, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Download of s3://b/k failed after 2 attempts at byte 0 of 400: the response says \
         the object has 1001 bytes, not 1000"
    );
    // HEAD, then the first range twice; no later range was asked for.
    assert_eq!(server.requests().len(), 3);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_signal_mid_stdin_upload_aborts_it() {
    let signals = Handle::detached();
    let (fake, server, session) = FakeS3::signalling_at_part(&signals, 2).serve(&[]);
    let s3 = S3::new(&session);
    let t = Target {
        s3: &s3,
        bucket: "b",
        key: "k",
        content_type: None,
    };
    let bytes = data(4000);
    let result = signals
        .enter(|| upload::upload_stream(t, &settings(1), &mut &bytes[..], &Progress::hidden()));
    assert!(matches!(result, Err(Error::Interrupted(_))), "{result:?}");
    let sent = server.requests();
    assert_eq!(count(&sent, "DELETE", "uploadId"), 1);
    assert_eq!(count(&sent, "POST", "uploadId"), 0);
    // One worker: part 2 was in flight when the signal came; no part after it.
    assert_eq!(parts(&sent).len(), 2);
    assert_eq!(fake.state().open_uploads(), 0);
}
