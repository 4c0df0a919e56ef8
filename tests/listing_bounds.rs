//! Listings a broken or hostile server could make endless or enormous: a page too long,
//! a page of too many keys, pages that never advance, a continuation token sent back.
//! Each is one `Error:` line and a non-zero exit, with nothing deleted; and
//! delete-objects over a listing too long to keep in memory still sends the original's
//! batches.

use crate::support;

use support::s3_mock::mock_cmd as cmd;
use support::{Matcher, MockServer, Recorded, Reply, run};

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

fn listing() -> Matcher {
    Matcher::get("/bucket").query("list-type", "2")
}

/// Both a listing command and delete-objects fail with `error` (one line), and nothing
/// is deleted.
fn refused(server: &MockServer, error: &str) {
    for args in [
        &["list-bucket", "bucket", "--nl"][..],
        &["delete-objects", "bucket", "--prefix", "k"],
    ] {
        let out = run(&mut cmd(server, args), None);
        assert_ne!(out.code, 0, "{args:?}");
        let last = out.stderr.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("Error: ") && last.contains(error),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(out.stderr.matches("Error").count(), 1, "{}", out.stderr);
    }
    assert!(!server.requests().iter().any(|r| r.method == "POST"));
}

#[test]
fn a_page_over_sixteen_mib_is_refused() {
    let server = MockServer::start();
    let name = "n".repeat(17 * 1024 * 1024);
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult><Name>{name}</Name>\
         <IsTruncated>false</IsTruncated></ListBucketResult>"
    );
    server.on(listing(), Reply::xml(200, doc));
    refused(&server, "page for bucket bucket is larger than 16 MiB");
}

#[test]
fn a_page_of_more_than_ten_thousand_keys_is_refused() {
    let server = MockServer::start();
    server.on(
        listing(),
        page((0..10_001).map(|i| format!("k{i:06}")), None),
    );
    refused(&server, "holds more than 10000 keys");
}

#[test]
fn fresh_tokens_over_the_same_keys_stop_at_the_second_page() {
    let server = MockServer::start();
    // Every page: the same two keys, and a token never seen before.
    server.on(
        listing(),
        Reply::compute(|r: &Recorded| {
            let n: u64 = r
                .query_param("continuation-token")
                .and_then(|t| t.trim_start_matches('t').parse().ok())
                .unwrap_or(0);
            page(["k1".into(), "k2".into()], Some(&format!("t{}", n + 1)))
        }),
    );
    refused(
        &server,
        "listing of bucket bucket does not advance: page 2 lists 'k1'",
    );
    // Two pages for each of the two commands (delete-objects stops in its count).
    let gets = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert_eq!(gets, 4);
}

#[test]
fn a_token_sent_back_is_refused() {
    let server = MockServer::start();
    server.on(listing(), page(["k1".into()], Some("again")));
    server.on(
        listing().query("continuation-token", "again"),
        page(["k2".into()], Some("again")),
    );
    refused(&server, "sent back the continuation token it was given");
}

#[test]
fn delete_objects_over_a_long_listing_sends_the_original_batches() {
    // 12,345 keys in pages of 1,000: more than the count pass keeps, so they are listed
    // again as the batches go.
    const KEYS: usize = 12_345;
    let server = MockServer::start();
    server.on(
        listing(),
        Reply::compute(|r: &Recorded| {
            let from: usize = r
                .query_param("continuation-token")
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            let to = (from + 1000).min(KEYS);
            let next = (to < KEYS).then(|| to.to_string());
            page((from..to).map(|i| format!("k{i:06}")), next.as_deref())
        }),
    );
    server.on(
        Matcher::post("/bucket").query("delete", ""),
        Reply::xml(200, "<DeleteResult></DeleteResult>"),
    );
    let out = run(
        &mut cmd(&server, &["delete-objects", "bucket", "--prefix", "k"]),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "Deleting 12345 objects from bucket\n");
    let reqs = server.requests();
    let batches: Vec<Vec<String>> = reqs
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| {
            let body = r.body_str();
            body.split("<Key>")
                .skip(1)
                .map(|k| k.split("</Key>").next().unwrap().to_string())
                .collect()
        })
        .collect();
    let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
    let mut want = vec![1000; 12];
    want.push(345);
    assert_eq!(sizes, want);
    let all: Vec<String> = batches.concat();
    let expected: Vec<String> = (0..KEYS).map(|i| format!("k{i:06}")).collect();
    assert_eq!(all, expected);
    // Listed twice: once to count, once to delete.
    assert_eq!(reqs.iter().filter(|r| r.method == "GET").count(), 26);
}

/// Ctrl-C while delete-objects --prefix deletes from a listing it lists again: the batch
/// in flight finishes, no other starts, and the count is the count pass's.
#[test]
fn interrupt_while_deleting_from_a_listing() {
    const KEYS: usize = 12_345;
    let server = MockServer::start();
    server.on(
        listing(),
        Reply::compute(|r: &Recorded| {
            let from: usize = r
                .query_param("continuation-token")
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            let to = (from + 1000).min(KEYS);
            let next = (to < KEYS).then(|| to.to_string());
            page((from..to).map(|i| format!("k{i:06}")), next.as_deref())
        }),
    );
    server.on(
        Matcher::post("/bucket").query("delete", ""),
        Reply::xml(200, "<DeleteResult></DeleteResult>")
            .delay(std::time::Duration::from_millis(500)),
    );
    let mut child = support::Spawned::start(&mut cmd(
        &server,
        &["delete-objects", "bucket", "--prefix", "k"],
    ));
    child.wait_until("the first batch", || {
        server.requests().iter().any(|r| r.method == "POST")
    });
    child.signal("INT");
    let out = child.finish();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "Deleting 12345 objects from bucket\n\nDeleted 1000 of 12345 objects from bucket \
         before the interrupt\nAborted!\n"
    );
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        1
    );
}
