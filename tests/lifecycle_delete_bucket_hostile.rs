//! Issue 25 (4): `delete-bucket --force` against the mock server where moto cannot
//! go: versioned listings past what the count pass keeps (listed again), and hostile
//! answers (a listing looping through its markers, garbage, keys S3 will not delete),
//! none of which may end in a DeleteBucket. Names are checked before any request.

use crate::lifecycle_delete_bucket::{cmd, unversioned_bucket};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crate::support::{Matcher, MockServer, Outcome, Recorded, Reply, run};

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
/// 1,000 a page, continued from the version id marker. DeleteObjects deletes what it
/// names, except the entries in `refuse` (answered AccessDenied); as on moto, a marker
/// naming a version that is gone lists nothing more.
fn versioned_bucket(refuse: &'static [usize]) -> MockServer {
    let server = unversioned_bucket(std::time::Duration::ZERO);
    server.on(
        Matcher::get("/bucket").query("versioning", ""),
        Reply::xml(
            200,
            "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <Status>Enabled</Status></VersioningConfiguration>",
        ),
    );
    let deleted = Arc::new(Mutex::new(HashSet::new()));
    let gone = deleted.clone();
    server.on(
        Matcher::get("/bucket").query("versions", ""),
        Reply::compute(move |r: &Recorded| {
            let gone = gone.lock().unwrap();
            let left: Vec<usize> = (0..VERSIONS).filter(|i| !gone.contains(i)).collect();
            let from = match r.query_param("version-id-marker") {
                None => 0,
                Some(m) => {
                    let marker: usize = m[1..].parse().unwrap();
                    match left.iter().position(|i| *i == marker) {
                        Some(at) => at + 1,
                        None => left.len(),
                    }
                }
            };
            let page = &left[from..(from + 1000).min(left.len())];
            let entries: String = page.iter().copied().map(versioned_entry).collect();
            let next = (from + page.len() < left.len()).then(|| {
                let last = page[page.len() - 1];
                (format!("k{:05}", last / 3), format!("v{last:05}"))
            });
            versions_page(&entries, next)
        }),
    );
    server.on(
        Matcher::post("/bucket").query("delete", ""),
        Reply::compute(move |r: &Recorded| {
            let mut errors = String::new();
            let mut deleted = deleted.lock().unwrap();
            for id in r.body_str().split("<VersionId>v").skip(1) {
                let i: usize = id[..5].parse().unwrap();
                if refuse.contains(&i) {
                    errors.push_str(&format!(
                        "<Error><Key>k{:05}</Key><VersionId>v{i:05}</VersionId>\
                         <Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
                        i / 3
                    ));
                } else {
                    deleted.insert(i);
                }
            }
            Reply::xml(200, format!("<DeleteResult>{errors}</DeleteResult>"))
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
    let server = versioned_bucket(&[]);
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
    // Deleting, each page is listed afresh: never from a version already deleted.
    assert!(
        listings[12..]
            .iter()
            .all(|r| r.query_param("version-id-marker").is_none())
    );
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
fn a_version_s3_will_not_delete_stays_and_the_rounds_go_on_after_it() {
    let server = versioned_bucket(&[5]);
    let out = mock_run(&server, &["delete-bucket", "bucket", "--force", "-s"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "Errors deleting objects: [{'Key': 'k00001', 'VersionId': 'v00005', 'Code': \
             'AccessDenied', 'Message': 'Access Denied'}]\n\
             Error: Bucket bucket was not deleted: 1 object could not be deleted\n"
        )
    );
    let requests = server.requests();
    let rounds: Vec<&Recorded> = requests
        .iter()
        .filter(|r| r.query_param("versions").is_some())
        .skip(12)
        .collect();
    assert_eq!(rounds.len(), 12);
    assert!(
        rounds[1..]
            .iter()
            .all(|r| r.query_param("version-id-marker") == Some("v00005"))
    );
    let batches: Vec<String> = requests
        .iter()
        .filter(|r| r.method == "POST")
        .map(Recorded::body_str)
        .collect();
    let named = batches.iter().map(|b| b.matches("<Object>").count());
    assert_eq!(named.sum::<usize>(), VERSIONS, "each version named once");
    assert_eq!(count(&requests, "DELETE"), 0);
}

#[test]
fn a_listing_that_loops_through_its_markers_stops_before_anything_is_deleted() {
    let server = versioned_bucket(&[]);
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

#[test]
fn a_server_without_versioning_or_upload_listings_is_emptied_as_unversioned() {
    // s3s-fs answers both NotImplemented: it has no versions to list.
    let server = unversioned_bucket(std::time::Duration::ZERO);
    for sub in ["versioning", "uploads"] {
        server.on(
            Matcher::get("/bucket").query(sub, ""),
            Reply::s3_error(501, "NotImplemented", "not implemented yet"),
        );
    }
    let out = mock_run(&server, &["delete-bucket", "bucket", "--force"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            0,
            "Deleting 2500 objects from bucket\nDeleted bucket bucket\n"
        )
    );
    let requests = server.requests();
    assert_eq!(
        (count(&requests, "POST"), count(&requests, "DELETE")),
        (3, 1)
    );
}
