//! Issue 25 (2): `list-credentials [USERNAMES...]`, the inventory.
//!
//! Ignored until the command is wired (next session). On moto: the users `create` made,
//! their keys, real last use (moto records it) and what their policies grant. As replay:
//! what moto cannot produce (a last use months ago, an expiry in the past) and paging.

use crate::support;

use serde_json::{Value, json};
use support::moto::Moto;
use support::{Matcher, MockServer, Outcome, Recorded, Reply, bin, sigv4};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The item's members, in order: the CSV header (notes/lifecycle.md).
const HEADER: &str = "UserName,AccessKeyId,Status,CreateDate,LastUsedDate,LastUsedService,LastUsedRegion,Buckets,Permission,Expires,State";

use support::run_keyed as ours;

fn created(out: &Outcome) -> (String, String) {
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(out.stdout_str()).expect("create printed JSON");
    (
        v["AccessKeyId"].as_str().unwrap().to_string(),
        v["SecretAccessKey"].as_str().unwrap().to_string(),
    )
}

fn xml_text(xml: &str, tag: &str) -> String {
    xml.split(&format!("<{tag}>"))
        .nth(1)
        .and_then(|rest| rest.split(&format!("</{tag}>")).next())
        .unwrap_or_else(|| panic!("no <{tag}> in {xml}"))
        .to_string()
}

#[test]
fn lists_the_keys_of_the_users_create_made_on_moto() {
    let moto = Moto::start();
    for bucket in ["/my-bucket", "/other-bucket"] {
        assert_eq!(moto.s3("PUT", bucket, b"").status, 200);
    }
    let admin = moto.admin_key();
    let read_only = created(&ours(
        &moto.url(),
        admin.clone(),
        &["create", "my-bucket", "--read-only"],
    ));
    // The expiry `create --expires` adds, put here directly (this test does not depend
    // on that option): the user's generated document plus the Deny statement.
    add_expiry(&moto, "s3.read-only.my-bucket", "2099-03-01T12:00:00Z");
    let read_write = created(&ours(
        &moto.url(),
        admin.clone(),
        &["create", "other-bucket"],
    ));
    // A second key for the read-only user, switched off.
    let second = moto.iam(&[
        ("Action", "CreateAccessKey"),
        ("UserName", "s3.read-only.my-bucket"),
    ]);
    assert_eq!(second.status, 200, "{}", second.text());
    let (second_id, second_secret) = (
        xml_text(&second.text(), "AccessKeyId"),
        xml_text(&second.text(), "SecretAccessKey"),
    );
    let r = moto.iam(&[
        ("Action", "UpdateAccessKey"),
        ("UserName", "s3.read-only.my-bucket"),
        ("AccessKeyId", &second_id),
        ("Status", "Inactive"),
    ]);
    assert_eq!(r.status, 200, "{}", r.text());
    // The read-write key is used once, for S3: moto records the use.
    let used = sigv4::send_signed(
        &moto.url(),
        "GET",
        "/other-bucket",
        &[("list-type", "2")],
        &[],
        b"",
        "s3",
        (&read_write.0, &read_write.1),
    )
    .expect("S3 request");
    assert_eq!(used.status, 200, "{}", used.text());

    let out = ours(&moto.url(), admin.clone(), &["list-credentials"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stderr, moto.log());
    for secret in [&read_only.1, &read_write.1, &second_secret, &admin.1] {
        assert!(
            !out.stdout_str().contains(secret.as_str()),
            "a secret was printed"
        );
    }
    let items: Vec<Value> = serde_json::from_str(out.stdout_str()).expect("a JSON list");
    let by_key = |id: &str| -> &Value {
        items
            .iter()
            .find(|i| i["AccessKeyId"] == id)
            .unwrap_or_else(|| panic!("no item for {id}: {items:?}"))
    };
    assert_eq!(items.len(), 3, "admin is not listed: {items:?}");
    for item in &items {
        let members: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(
            members
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(","),
            HEADER
        );
    }

    let ro = by_key(&read_only.0);
    assert_eq!(ro["UserName"], "s3.read-only.my-bucket");
    assert_eq!(ro["Status"], "Active");
    assert_eq!(ro["Buckets"], json!(["my-bucket"]));
    assert_eq!(ro["Permission"], "read-only");
    assert_eq!(ro["LastUsedDate"], Value::Null);
    assert_eq!(ro["State"], "never-used");
    assert_eq!(ro["Expires"], "2099-03-01 12:00:00+00:00");

    let off = by_key(&second_id);
    assert_eq!(
        (&off["Status"], &off["State"]),
        (&json!("Inactive"), &json!("inactive"))
    );
    assert_eq!(
        off["Expires"], ro["Expires"],
        "the user's expiry covers every key"
    );

    let rw = by_key(&read_write.0);
    assert_eq!(rw["Permission"], "read-write");
    assert_eq!(rw["Buckets"], json!(["other-bucket"]));
    assert_eq!(rw["Expires"], Value::Null);
    assert_eq!(rw["LastUsedService"], "s3");
    assert_eq!(rw["LastUsedRegion"], "us-east-1");
    assert!(rw["LastUsedDate"].is_string());
    assert_eq!(rw["State"], "active");

    // --all adds the admin (no inline policy: no permission, no buckets).
    let all = ours(
        &moto.url(),
        admin.clone(),
        &["list-credentials", "--all", "--nl"],
    );
    assert_eq!(all.code, 0, "{}", all.stderr);
    let lines: Vec<Value> = all
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    let admin_item = lines
        .iter()
        .find(|i| i["UserName"] == "admin")
        .expect("admin");
    assert_eq!(
        (&admin_item["Permission"], &admin_item["Buckets"]),
        (&Value::Null, &json!([]))
    );

    // A named user only, as CSV.
    let csv = ours(
        &moto.url(),
        admin.clone(),
        &["list-credentials", "s3.read-write.other-bucket", "--csv"],
    );
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let text = csv.stdout_str();
    assert!(text.starts_with(&format!("{HEADER}\r\n")), "{text}");
    assert!(
        text.contains(&format!(
            "\r\ns3.read-write.other-bucket,{},Active,",
            read_write.0
        )),
        "{text}"
    );
}

/// Percent-decoding of IAM's URL-encoded policy documents.
fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).expect("a %XX escape"));
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Replace `user`'s one inline policy by itself plus `create --expires`' statement
/// denying everything after `at`, through the admin's own IAM requests.
fn add_expiry(moto: &Moto, user: &str, at: &str) {
    let names = moto.iam(&[("Action", "ListUserPolicies"), ("UserName", user)]);
    assert_eq!(names.status, 200, "{}", names.text());
    let name = xml_text(&names.text(), "member");
    let got = moto.iam(&[
        ("Action", "GetUserPolicy"),
        ("UserName", user),
        ("PolicyName", &name),
    ]);
    assert_eq!(got.status, 200, "{}", got.text());
    let mut document: Value =
        serde_json::from_str(&url_decode(&xml_text(&got.text(), "PolicyDocument")))
            .expect("a JSON policy document");
    document["Statement"].as_array_mut().unwrap().push(json!({
        "Sid": "S3CredentialsExpiry", "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": at}}
    }));
    let put = moto.iam(&[
        ("Action", "PutUserPolicy"),
        ("UserName", user),
        ("PolicyName", &name),
        ("PolicyDocument", &document.to_string()),
    ]);
    assert_eq!(put.status, 200, "{}", put.text());
}

#[test]
fn a_named_user_that_does_not_exist_ends_the_list_with_an_error_on_moto() {
    let moto = Moto::start();
    assert_eq!(moto.s3("PUT", "/my-bucket", b"").status, 200);
    let admin = moto.admin_key();
    let key = created(&ours(&moto.url(), admin.clone(), &["create", "my-bucket"]));
    let out = ours(
        &moto.url(),
        admin,
        &[
            "list-credentials",
            "s3.read-write.my-bucket",
            "nobody",
            "--nl",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let lines: Vec<Value> = out
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "the user before the failure is printed");
    assert_eq!(lines[0]["AccessKeyId"], key.0.as_str());
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("Error: ") && out.stderr.contains("NoSuchEntity"),
        "{}",
        out.stderr
    );
}

#[test]
fn usernames_and_all_together_are_refused() {
    let server = MockServer::start();
    let out = ours(
        &server.url(),
        ("AKIDEXAMPLE".into(), "secret".into()),
        &["list-credentials", "someone", "--all"],
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "Error: Cannot pass both usernames and --all\n")
    );
    assert_eq!(server.requests().len(), 0);
}

// ---- replay: old dates, a past expiry, paging --------------------------------------

fn iam_reply(action: &str, result: &str) -> Reply {
    Reply::xml(
        200,
        format!(
            "<{action}Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><{action}Result>{result}</{action}Result>\
             <ResponseMetadata><RequestId>MOCKREQUESTID</RequestId></ResponseMetadata></{action}Response>"
        ),
    )
}

fn user(name: &str) -> String {
    format!(
        "<member><Path>/</Path><UserName>{name}</UserName><UserId>AIDA{}</UserId>\
         <Arn>arn:aws:iam::123456789012:user/{name}</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate></member>",
        name.len()
    )
}

/// A user with one key and one inline policy named as the user.
fn seed_user(server: &MockServer, name: &str, key: &str, document: &Value, last_used: &str) {
    server.on(
        Matcher::action("ListAccessKeys").param("UserName", name),
        iam_reply(
            "ListAccessKeys",
            &format!(
                "<AccessKeyMetadata><member><UserName>{name}</UserName><AccessKeyId>{key}</AccessKeyId>\
                 <Status>Active</Status><CreateDate>2020-01-01T00:00:00Z</CreateDate></member></AccessKeyMetadata>\
                 <IsTruncated>false</IsTruncated>"
            ),
        ),
    );
    server.on(
        Matcher::action("ListUserPolicies").param("UserName", name),
        iam_reply(
            "ListUserPolicies",
            &format!(
                "<PolicyNames><member>{name}</member></PolicyNames><IsTruncated>false</IsTruncated>"
            ),
        ),
    );
    let encoded: String = document
        .to_string()
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    server.on(
        Matcher::action("GetUserPolicy").param("UserName", name),
        iam_reply(
            "GetUserPolicy",
            &format!("<UserName>{name}</UserName><PolicyName>{name}</PolicyName><PolicyDocument>{encoded}</PolicyDocument>"),
        ),
    );
    server.on(
        Matcher::action("GetAccessKeyLastUsed").param("AccessKeyId", key),
        iam_reply(
            "GetAccessKeyLastUsed",
            &format!(
                "<UserName>{name}</UserName><AccessKeyLastUsed>{last_used}</AccessKeyLastUsed>"
            ),
        ),
    );
}

fn days_since(text: &str) -> i64 {
    let t = OffsetDateTime::parse(text, &Rfc3339).unwrap();
    (OffsetDateTime::now_utc() - t).whole_days()
}

#[test]
fn old_use_and_past_expiry_over_two_pages_of_users() {
    let server = MockServer::start();
    server.on(
        Matcher::action("ListUsers"),
        iam_reply(
            "ListUsers",
            &format!(
                "<Users>{}{}</Users><IsTruncated>true</IsTruncated><Marker>page-2</Marker>",
                user("admin"),
                user("s3.read-only.b")
            ),
        ),
    );
    server.on(
        Matcher::action("ListUsers").param("Marker", "page-2"),
        iam_reply(
            "ListUsers",
            &format!(
                "<Users>{}</Users><IsTruncated>false</IsTruncated>",
                user("s3.write-only.c")
            ),
        ),
    );
    let read_only = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": ["arn:aws:s3:::b"]},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectTagging"], "Resource": ["arn:aws:s3:::b/*"]},
        {"Sid": "S3CredentialsExpiry", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2099-01-01T00:00:00Z"}}}]});
    let write_only = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::c/*"]},
        {"Sid": "S3CredentialsExpiry", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-06-01T00:00:00Z"}}}]});
    seed_user(
        &server,
        "s3.read-only.b",
        "AKIAOLDKEY0000000001",
        &read_only,
        "<LastUsedDate>2020-02-01T10:00:00Z</LastUsedDate><ServiceName>s3</ServiceName><Region>eu-west-1</Region>",
    );
    seed_user(
        &server,
        "s3.write-only.c",
        "AKIAEXPIRED000000002",
        &write_only,
        "<ServiceName>N/A</ServiceName><Region>N/A</Region>",
    );

    // The write-only user's keys come in two pages: the second key (same user, same
    // policy) only after its Marker is sent back.
    let key_page = |keys: &[&str], more: &str| {
        let members: String = keys
            .iter()
            .map(|k| {
                format!(
                    "<member><UserName>s3.write-only.c</UserName><AccessKeyId>{k}</AccessKeyId>\
                     <Status>Active</Status><CreateDate>2020-01-01T00:00:00Z</CreateDate></member>"
                )
            })
            .collect();
        iam_reply(
            "ListAccessKeys",
            &format!("<AccessKeyMetadata>{members}</AccessKeyMetadata>{more}"),
        )
    };
    server.on(
        Matcher::action("ListAccessKeys")
            .param("UserName", "s3.write-only.c")
            .when(|r| r.param("Marker").is_none()),
        key_page(
            &["AKIAEXPIRED000000002"],
            "<IsTruncated>true</IsTruncated><Marker>keys-2</Marker>",
        ),
    );
    server.on(
        Matcher::action("ListAccessKeys")
            .param("UserName", "s3.write-only.c")
            .param("Marker", "keys-2"),
        key_page(
            &["AKIAEXPIRED000000003"],
            "<IsTruncated>false</IsTruncated>",
        ),
    );
    server.on(
        Matcher::action("GetAccessKeyLastUsed").param("AccessKeyId", "AKIAEXPIRED000000003"),
        iam_reply(
            "GetAccessKeyLastUsed",
            "<UserName>s3.write-only.c</UserName><AccessKeyLastUsed><ServiceName>N/A</ServiceName>\
             <Region>N/A</Region></AccessKeyLastUsed>",
        ),
    );

    let before = days_since("2020-02-01T10:00:00Z");
    let out = ours(
        &server.url(),
        ("AKIDEXAMPLE".into(), "secret".into()),
        &["list-credentials", "--nl"],
    );
    let after = days_since("2020-02-01T10:00:00Z");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let first = |days: i64| {
        format!(
            r#"{{"UserName": "s3.read-only.b", "AccessKeyId": "AKIAOLDKEY0000000001", "Status": "Active", "CreateDate": "2020-01-01 00:00:00+00:00", "LastUsedDate": "2020-02-01 10:00:00+00:00", "LastUsedService": "s3", "LastUsedRegion": "eu-west-1", "Buckets": ["b"], "Permission": "read-only", "Expires": "2099-01-01 00:00:00+00:00", "State": "unused for {days} days"}}"#
        )
    };
    let second = r#"{"UserName": "s3.write-only.c", "AccessKeyId": "AKIAEXPIRED000000002", "Status": "Active", "CreateDate": "2020-01-01 00:00:00+00:00", "LastUsedDate": null, "LastUsedService": null, "LastUsedRegion": null, "Buckets": ["c"], "Permission": "write-only", "Expires": "2020-06-01 00:00:00+00:00", "State": "expired"}"#;
    let lines: Vec<&str> = out.stdout_str().lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout_str());
    assert!(
        lines[0] == first(before) || lines[0] == first(after),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], second);
    assert_eq!(
        lines[2],
        second.replace("AKIAEXPIRED000000002", "AKIAEXPIRED000000003"),
        "the second page of keys, after the first"
    );

    // Every page, one last-use request per key, nothing about the admin.
    let requests = server.requests();
    let actions = |name: &str| -> Vec<Recorded> {
        requests
            .iter()
            .filter(|r| r.param("Action").as_deref() == Some(name))
            .cloned()
            .collect()
    };
    let pages = actions("ListUsers");
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].param("Marker").as_deref(), Some("page-2"));
    let key_pages: Vec<Option<String>> = actions("ListAccessKeys")
        .iter()
        .filter(|r| r.param("UserName").as_deref() == Some("s3.write-only.c"))
        .map(|r| r.param("Marker"))
        .collect();
    assert_eq!(key_pages, [None, Some("keys-2".to_string())]);
    let mut last_used: Vec<String> = actions("GetAccessKeyLastUsed")
        .iter()
        .map(|r| r.param("AccessKeyId").unwrap())
        .collect();
    last_used.sort();
    assert_eq!(
        last_used,
        [
            "AKIAEXPIRED000000002",
            "AKIAEXPIRED000000003",
            "AKIAOLDKEY0000000001"
        ],
        "one GetAccessKeyLastUsed per key"
    );
    assert!(
        requests
            .iter()
            .all(|r| r.param("UserName").as_deref() != Some("admin")),
        "the admin is not a user create makes"
    );
}

/// Ctrl-C while users are in flight: the users finished before print in order, the ones
/// in flight stop, no further user starts, and the run ends as the other list commands
/// end on a signal (click's blank line and `Aborted!`, exit 1).
#[test]
fn an_interrupt_prints_the_users_done_and_starts_no_more() {
    let server = MockServer::start();
    let names: Vec<String> = (0..12).map(|i| format!("s3.read-only.b{i:02}")).collect();
    server.on(
        Matcher::action("ListUsers"),
        iam_reply(
            "ListUsers",
            &format!(
                "<Users>{}</Users><IsTruncated>false</IsTruncated>",
                names.iter().map(|n| user(n)).collect::<String>()
            ),
        ),
    );
    // Every user from the third on waits for an answer that does not come (dropping
    // the server at the end ends the wait); the first two answer at once.
    server.on(
        Matcher::action("ListAccessKeys"),
        Reply::status(500).delay(std::time::Duration::from_secs(120)),
    );
    let document = json!({"Version": "2012-10-17", "Statement": []});
    for (i, name) in names.iter().take(2).enumerate() {
        seed_user(
            &server,
            name,
            &format!("AKIAFAST000000000{i:03}"),
            &document,
            "<ServiceName>N/A</ServiceName><Region>N/A</Region>",
        );
    }
    let mut cmd = bin();
    cmd.args(["list-credentials", "--nl", "--endpoint-url", &server.url()])
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_MAX_ATTEMPTS", "1");
    let count = |action: &str| {
        server
            .requests()
            .iter()
            .filter(|r| r.param("Action").as_deref() == Some(action))
            .count()
    };
    let mut child = support::Spawned::start(&mut cmd);
    // Two users done, eight (the pool's size) waiting on their first request.
    child.wait_until("ten users started", || {
        count("ListAccessKeys") == 10 && count("GetAccessKeyLastUsed") == 2
    });
    child.signal("INT");
    let out = child.finish();
    assert_eq!((out.code, out.stderr.as_str()), (1, "\nAborted!\n"));
    let printed: Vec<Value> = out
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let users: Vec<&str> = printed
        .iter()
        .map(|i| i["UserName"].as_str().unwrap())
        .collect();
    assert_eq!(users, [names[0].as_str(), names[1].as_str()]);
    assert_eq!(
        count("ListAccessKeys"),
        10,
        "no user started after the signal"
    );
}
