//! Issue 25 (4): `delete-bucket BUCKETS... [--force]` (upstream issue 50).
//!
//! On moto: empty, refused, plain and versioned buckets with delete markers and an open
//! upload, dry run, a missing bucket.
//! With the mock server: the batches of 1,000 and Ctrl-C between them, as
//! listing_bounds.rs checks them for delete-objects.

use crate::support;

use support::moto::Moto;
use support::{Matcher, MockServer, Outcome, Recorded, Reply, Spawned, bin, run};

fn cmd(url: &str, key: (String, String), args: &[&str]) -> std::process::Command {
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

/// A ListObjectsV2 page of `keys`, truncated with `next` when given.
fn page(keys: impl IntoIterator<Item = String>, next: Option<&str>) -> Reply {
    let mut doc = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult \
         xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name>\
         <EncodingType>url</EncodingType>",
    );
    for k in keys {
        doc.push_str(&format!(
            "<Contents><Key>{k}</Key><Size>1</Size></Contents>"
        ));
    }
    match next {
        Some(t) => doc.push_str(&format!(
            "<IsTruncated>true</IsTruncated><NextContinuationToken>{t}</NextContinuationToken>"
        )),
        None => doc.push_str("<IsTruncated>false</IsTruncated>"),
    }
    doc.push_str("</ListBucketResult>");
    Reply::xml(200, doc)
}

/// An unversioned bucket of [`KEYS`] keys and no uploads; DeleteObjects answers after
/// `delete_delay`.
fn unversioned_bucket(delete_delay: std::time::Duration) -> MockServer {
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
    server.on(
        Matcher::get("/bucket").query("list-type", "2"),
        Reply::compute(|r: &Recorded| {
            let from: usize = r
                .query_param("continuation-token")
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            let to = (from + 1000).min(KEYS);
            let next = (to < KEYS).then(|| to.to_string());
            page((from..to).map(|i| format!("k{i:05}")), next.as_deref())
        }),
    );
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

// ---- mock server: versioned listings, hostile answers --------------------------------

/// More entries than the count pass keeps (10,000): the versions are listed again as
/// they are deleted.
const VERSIONS: usize = 12_000;

/// Entry `i` of a versioned bucket of [`VERSIONS`]: three to a key, a delete marker
/// (latest) between two older versions, so the elements interleave on a page.
fn versioned_entry(i: usize) -> String {
    let (key, id) = (format!("k{:05}", i / 3), format!("v{i:05}"));
    match i % 3 {
        1 => format!(
            "<DeleteMarker><Key>{key}</Key><VersionId>{id}</VersionId><IsLatest>true</IsLatest></DeleteMarker>"
        ),
        _ => format!(
            "<Version><Key>{key}</Key><VersionId>{id}</VersionId><IsLatest>false</IsLatest><Size>1</Size></Version>"
        ),
    }
}

/// A ListObjectVersions page: `entries`, truncated with the markers when given.
fn versions_page(entries: &str, next: Option<(String, String)>) -> Reply {
    let mut doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListVersionsResult \
         xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name>{entries}"
    );
    match next {
        Some((key, id)) => doc.push_str(&format!(
            "<IsTruncated>true</IsTruncated><NextKeyMarker>{key}</NextKeyMarker>\
             <NextVersionIdMarker>{id}</NextVersionIdMarker>"
        )),
        None => doc.push_str("<IsTruncated>false</IsTruncated>"),
    }
    Reply::xml(200, doc + "</ListVersionsResult>")
}

/// [`unversioned_bucket`] with versioning enabled and [`VERSIONS`] entries listed
/// 1,000 a page, continued from the version id marker.
fn versioned_bucket() -> MockServer {
    let server = unversioned_bucket(std::time::Duration::ZERO);
    server.on(
        Matcher::get("/bucket").query("versioning", ""),
        Reply::xml(
            200,
            "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <Status>Enabled</Status></VersioningConfiguration>",
        ),
    );
    server.on(
        Matcher::get("/bucket").query("versions", ""),
        Reply::compute(|r: &Recorded| {
            let from = r
                .query_param("version-id-marker")
                .map_or(0, |m| m[1..].parse::<usize>().unwrap() + 1);
            let to = (from + 1000).min(VERSIONS);
            let entries: String = (from..to).map(versioned_entry).collect();
            let next = (to < VERSIONS)
                .then(|| (format!("k{:05}", (to - 1) / 3), format!("v{:05}", to - 1)));
            versions_page(&entries, next)
        }),
    );
    server
}

fn mock_run(server: &MockServer, args: &[&str]) -> Outcome {
    let key = ("AKIDEXAMPLE".to_string(), "secret".to_string());
    run(&mut cmd(&server.url(), key, args), None)
}

fn count(requests: &[Recorded], method: &str) -> usize {
    requests.iter().filter(|r| r.method == method).count()
}

#[test]
fn force_names_every_version_and_marker_listed_again_past_ten_thousand() {
    let server = versioned_bucket();
    let out = mock_run(&server, &["delete-bucket", "bucket", "--force"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            0,
            "Deleting 8000 older versions and 4000 delete markers from bucket\n\
             Deleted bucket bucket\n"
        )
    );
    let requests = server.requests();
    let listings: Vec<&Recorded> = requests
        .iter()
        .filter(|r| r.query_param("versions").is_some())
        .collect();
    assert_eq!(listings.len(), 24, "counted, then listed again");
    assert!(listings[1..12].iter().all(|r| {
        r.query_param("key-marker").is_some() && r.query_param("version-id-marker").is_some()
    }));
    let batches: Vec<String> = requests
        .iter()
        .filter(|r| r.method == "POST")
        .map(Recorded::body_str)
        .collect();
    assert_eq!(batches.len(), 12);
    assert!(
        batches
            .iter()
            .all(|b| b.matches("<Object>").count() == 1000)
    );
    let mut ids: Vec<&str> = batches
        .iter()
        .flat_map(|b| b.split("<VersionId>").skip(1))
        .map(|s| &s[..6])
        .collect();
    assert_eq!(ids.len(), VERSIONS, "every object names its version");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), VERSIONS, "each version once");
    let last = requests.last().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("DELETE", "/bucket")
    );
}

#[test]
fn a_listing_that_loops_through_its_markers_stops_before_anything_is_deleted() {
    let server = versioned_bucket();
    // Two marker pairs in turn, for ever; never the pair just sent back.
    server.on(
        Matcher::get("/bucket").query("versions", ""),
        Reply::compute(|r: &Recorded| {
            let id = match r.query_param("version-id-marker") {
                Some("v1") => "v2",
                _ => "v1",
            };
            versions_page(&versioned_entry(0), Some(("k00000".into(), id.into())))
        }),
    );
    let out = mock_run(&server, &["delete-bucket", "bucket", "--force"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("Error: The ListObjectVersions listing of bucket bucket does not advance")
            && out.stderr.lines().count() == 1,
        "{}",
        out.stderr
    );
    let requests = server.requests();
    assert!(requests.len() < 10, "stopped at once: {}", requests.len());
    assert_eq!(
        (count(&requests, "POST"), count(&requests, "DELETE")),
        (0, 0)
    );
}

#[test]
fn garbage_or_refusals_while_emptying_never_reach_delete_bucket() {
    // Uploads listed as garbage.
    let server = unversioned_bucket(std::time::Duration::ZERO);
    server.on(
        Matcher::get("/bucket").query("uploads", ""),
        Reply::xml(200, "<ListMultipartUploadsResult><Upload><Key>"),
    );
    let out = mock_run(&server, &["delete-bucket", "bucket", "--force"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("Error: Unable to parse the ListMultipartUploads response")
            && out.stderr.lines().count() == 1,
        "{}",
        out.stderr
    );
    assert_eq!(count(&server.requests(), "DELETE"), 0);

    // A DeleteObjects answer that is not XML.
    let server = unversioned_bucket(std::time::Duration::ZERO);
    server.on(
        Matcher::post("/bucket").query("delete", ""),
        Reply::xml(200, "<DeleteResult"),
    );
    let out = mock_run(&server, &["delete-bucket", "bucket", "--force"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("Error: Unable to parse the DeleteObjects response"),
        "{}",
        out.stderr
    );
    let requests = server.requests();
    assert_eq!(
        (count(&requests, "POST"), count(&requests, "DELETE")),
        (1, 0)
    );

    // Keys S3 would not delete: every batch goes, their errors are shown, the bucket stays.
    let server = unversioned_bucket(std::time::Duration::ZERO);
    server.on(
        Matcher::post("/bucket").query("delete", ""),
        Reply::xml(
            200,
            "<DeleteResult><Error><Key>k00001</Key><Code>AccessDenied</Code>\
             <Message>Access Denied</Message></Error></DeleteResult>",
        ),
    );
    let out = mock_run(&server, &["delete-bucket", "bucket", "--force", "-s"]);
    let error = "{'Key': 'k00001', 'Code': 'AccessDenied', 'Message': 'Access Denied'}";
    assert_eq!(
        (out.code, out.stderr),
        (
            1,
            format!(
                "Errors deleting objects: [{error}]\n\
                 Errors deleting objects: [{error}]\n\
                 Errors deleting objects: [{error}]\n\
                 Error: Bucket bucket was not deleted: 3 objects could not be deleted\n"
            )
        )
    );
    let requests = server.requests();
    assert_eq!(
        (count(&requests, "POST"), count(&requests, "DELETE")),
        (3, 0)
    );
}

#[test]
fn names_are_checked_first_and_the_first_failure_stops() {
    let server = unversioned_bucket(std::time::Duration::ZERO);
    let out = mock_run(&server, &["delete-bucket", "bucket", "no good"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.ends_with(
            "Error: Invalid value for 'BUCKETS': Invalid bucket name \"no good\": Bucket name must match the regex \"^[a-zA-Z0-9.\\-_]{1,255}$\"\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        server.requests().is_empty(),
        "no request before the names are checked"
    );

    server.on(
        Matcher::delete("/bucket"),
        Reply::s3_error(
            409,
            "BucketNotEmpty",
            "The bucket you tried to delete is not empty",
        ),
    );
    let out = mock_run(&server, &["delete-bucket", "bucket", "other"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "Error: Bucket bucket is not empty: it holds 2500 objects. Use --force to delete them and the bucket\n"
        )
    );
    let requests = server.requests();
    assert!(
        requests.iter().all(|r| r.path == "/bucket"),
        "other never touched"
    );
    assert_eq!(count(&requests, "POST"), 0);
}
