//! Issue 25 (4): `delete-bucket BUCKETS... [--force]` (upstream issue 50).
//!
//! On moto: empty, refused, plain and versioned buckets with delete markers and an open
//! upload, dry run, a missing bucket.
//! With the mock server: the batches of 1,000 and Ctrl-C between them, as
//! listing_bounds.rs checks them for delete-objects.

use crate::support;

use support::moto::Moto;
use support::{Matcher, MockServer, Outcome, Recorded, Reply, Spawned, bin, run};

pub(crate) fn cmd(url: &str, key: (String, String), args: &[&str]) -> std::process::Command {
    let mut c = bin();
    c.args(args)
        .args(["--endpoint-url", url])
        .env("AWS_ACCESS_KEY_ID", key.0)
        .env("AWS_SECRET_ACCESS_KEY", key.1)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("S3_CREDENTIALS_RETRY_BASE_MS", "1");
    c
}

fn ours(moto: &Moto, args: &[&str]) -> Outcome {
    run(&mut cmd(&moto.url(), moto.admin_key(), args), None)
}

fn put(moto: &Moto, path: &str, body: &[u8]) {
    let r = moto.s3("PUT", path, body);
    assert_eq!(r.status, 200, "PUT {path}: {}", r.text());
}

fn exists(moto: &Moto, bucket: &str) -> bool {
    match moto.s3("HEAD", &format!("/{bucket}"), b"").status {
        200 => true,
        404 => false,
        other => panic!("HEAD {bucket}: {other}"),
    }
}

/// A versioned bucket: a.txt twice (current + older), b.txt deleted (older + delete
/// marker), and one open multipart upload.
fn versioned(moto: &Moto, bucket: &str) {
    put(moto, &format!("/{bucket}"), b"");
    put(
        moto,
        &format!("/{bucket}?versioning"),
        b"<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Enabled</Status></VersioningConfiguration>",
    );
    put(moto, &format!("/{bucket}/a.txt"), b"one");
    put(moto, &format!("/{bucket}/a.txt"), b"two");
    put(moto, &format!("/{bucket}/b.txt"), b"three");
    assert_eq!(
        moto.s3("DELETE", &format!("/{bucket}/b.txt"), b"").status,
        204
    );
    let r = moto.s3("POST", &format!("/{bucket}/big.bin?uploads"), b"");
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn empty_buckets_go_and_full_ones_are_refused_with_a_count() {
    let moto = Moto::start();
    put(&moto, "/empty", b"");
    put(&moto, "/full", b"");
    for key in ["a", "b", "c"] {
        put(&moto, &format!("/full/{key}"), b"x");
    }
    let out = ours(&moto, &["delete-bucket", "empty", "full"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "Deleted bucket empty\n\
             Error: Bucket full is not empty: it holds 3 objects. Use --force to delete them and the bucket\n"
        )
    );
    assert!(!exists(&moto, "empty"));
    assert!(exists(&moto, "full"), "refused: nothing deleted");
    assert_eq!(
        moto.s3("GET", "/full?list-type=2", b"")
            .text()
            .matches("<Key>")
            .count(),
        3
    );

    let out = ours(&moto, &["delete-bucket", "full", "--force"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "Deleting 3 objects from full\nDeleted bucket full\n")
    );
    assert!(!exists(&moto, "full"));

    let out = ours(&moto, &["delete-bucket", "no-such-bucket"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with(
            "Error: An error occurred (NoSuchBucket) when calling the DeleteBucket operation: The specified bucket does not exist"
        ) && out.stderr.lines().count() == 1,
        "{}",
        out.stderr
    );
}

#[test]
fn force_deletes_versions_markers_and_uploads() {
    let moto = Moto::start();
    versioned(&moto, "vers");

    let refused = ours(&moto, &["delete-bucket", "vers", "-s"]);
    assert_eq!(
        (refused.code, refused.stderr.as_str()),
        (
            1,
            "Error: Bucket vers is not empty: it holds 1 object, 2 older versions and 1 delete marker (and 1 open multipart upload). Use --force to delete them and the bucket\n"
        )
    );

    // The dry run lists every version, marker and upload, and changes nothing.
    let before = moto.s3("GET", "/vers?versions", b"").text();
    let dry = ours(&moto, &["delete-bucket", "vers", "--force", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let lines: Vec<&str> = dry.stdout_str().lines().collect();
    assert_eq!(
        lines.first(),
        Some(&"The following would be deleted from vers:")
    );
    assert_eq!(lines.last(), Some(&"Then bucket vers would be deleted"));
    let middle = &lines[1..lines.len() - 1];
    assert_eq!(middle.len(), 5, "{middle:?}");
    let count = |prefix: &str| middle.iter().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(count("a.txt (version "), 2);
    assert_eq!(count("b.txt (version "), 1);
    assert_eq!(count("b.txt (delete marker "), 1);
    assert_eq!(count("big.bin (multipart upload "), 1);
    assert_eq!(moto.s3("GET", "/vers?versions", b"").text(), before);

    let out = ours(&moto, &["delete-bucket", "vers", "--force"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            0,
            "Aborting 1 multipart upload in vers\n\
             Deleting 1 object, 2 older versions and 1 delete marker from vers\n\
             Deleted bucket vers\n"
        ),
        "{}",
        moto.log()
    );
    assert!(!exists(&moto, "vers"));
}

// ---- mock server: batches and interrupts --------------------------------------------

const KEYS: usize = 2500;

/// An unversioned bucket of [`KEYS`] keys and no uploads; DeleteObjects answers after
/// `delete_delay`.
pub(crate) fn unversioned_bucket(delete_delay: std::time::Duration) -> MockServer {
    let server = MockServer::start();
    server.on(
        Matcher::get("/bucket").query("versioning", ""),
        Reply::xml(
            200,
            "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>",
        ),
    );
    server.on(
        Matcher::get("/bucket").query("uploads", ""),
        Reply::xml(
            200,
            "<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>bucket</Bucket>\
             <KeyMarker/><UploadIdMarker/><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>",
        ),
    );
    let keys: Vec<String> = (0..KEYS).map(|i| format!("k{i:05}")).collect();
    let objects: Vec<(&str, u64)> = keys.iter().map(|k| (k.as_str(), 1)).collect();
    crate::support::s3_mock::serve_listing(&server, "bucket", &objects, 1000);
    server.on(
        Matcher::post("/bucket").query("delete", ""),
        Reply::xml(200, "<DeleteResult></DeleteResult>").delay(delete_delay),
    );
    server.on(Matcher::delete("/bucket"), Reply::status(204));
    server
}

#[test]
fn force_sends_batches_of_a_thousand_then_deletes_the_bucket() {
    let server = unversioned_bucket(std::time::Duration::ZERO);
    let key = ("AKIDEXAMPLE".to_string(), "secret".to_string());
    let out = run(
        &mut cmd(&server.url(), key, &["delete-bucket", "bucket", "--force"]),
        None,
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            0,
            "Deleting 2500 objects from bucket\nDeleted bucket bucket\n"
        )
    );
    let requests = server.requests();
    let batches: Vec<String> = requests
        .iter()
        .filter(|r| r.method == "POST")
        .map(Recorded::body_str)
        .collect();
    let sizes: Vec<usize> = batches
        .iter()
        .map(|b| b.matches("<Object>").count())
        .collect();
    assert_eq!(sizes, [1000, 1000, 500]);
    assert!(
        batches.iter().all(|b| !b.contains("<VersionId>")),
        "an unversioned bucket is emptied as delete-objects does, without version ids"
    );
    let last = requests.last().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("DELETE", "/bucket")
    );
}

#[test]
fn ctrl_c_finishes_the_batch_and_leaves_the_bucket() {
    let server = unversioned_bucket(std::time::Duration::from_millis(500));
    let key = ("AKIDEXAMPLE".to_string(), "secret".to_string());
    let mut child = Spawned::start(&mut cmd(
        &server.url(),
        key,
        &["delete-bucket", "bucket", "--force"],
    ));
    child.wait_until("the first batch", || {
        server.requests().iter().any(|r| r.method == "POST")
    });
    child.signal("INT");
    let out = child.finish();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "Deleting 2500 objects from bucket\n\nDeleted 1000 of 2500 objects from bucket \
         before the interrupt; the bucket is still there\nAborted!\n"
    );
    let requests = server.requests();
    assert_eq!(requests.iter().filter(|r| r.method == "POST").count(), 1);
    assert!(requests.iter().all(|r| r.method != "DELETE"));
}
