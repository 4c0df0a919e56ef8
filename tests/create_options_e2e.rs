//! The options `create` has beyond the original's, end to end against moto with
//! signature checks and IAM policy enforcement on: `--deactivate-existing-keys`,
//! `--delete-oldest-key` and IAM's two-key limit, `--tag`, `--wait`, repeated
//! `--prefix`, and the bucket check telling a missing bucket from bad credentials.
//!
//! moto does not refuse inactive keys, so deactivation is checked in IAM's own
//! answer (ListAccessKeys), not by using the key.

use crate::support;

use serde_json::Value;
use support::moto::Moto;
use support::{Outcome, bin, run, sigv4};

/// Our binary with the given key (moto's admin by default) and extra environment.
fn ours_as(moto: &Moto, key: (&str, &str), args: &[&str], env: &[(&str, &str)]) -> Outcome {
    let mut cmd = bin();
    cmd.args(args)
        .args(["--endpoint-url", &moto.url()])
        .env("AWS_ACCESS_KEY_ID", key.0)
        .env("AWS_SECRET_ACCESS_KEY", key.1)
        .env("AWS_DEFAULT_REGION", "us-east-1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd, None)
}

fn ours(moto: &Moto, args: &[&str]) -> Outcome {
    let (id, secret) = moto.admin_key();
    ours_as(moto, (&id, &secret), args, &[])
}

/// `ours`, which must succeed.
fn ok(moto: &Moto, args: &[&str]) -> Outcome {
    let out = ours(moto, args);
    assert_eq!(out.code, 0, "{args:?}: {}\n{}", out.stderr, moto.log());
    out
}

/// (AccessKeyId, SecretAccessKey) of the JSON `create` printed.
fn key_of(out: &Outcome) -> (String, String) {
    let v: Value = serde_json::from_str(out.stdout_str())
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", out.stdout_str()));
    (
        v["AccessKeyId"].as_str().unwrap().to_string(),
        v["SecretAccessKey"].as_str().unwrap().to_string(),
    )
}

/// (id, status) of each of the user's keys, as IAM lists them.
fn keys(moto: &Moto, user: &str) -> Vec<(String, String)> {
    let text = moto
        .iam(&[("Action", "ListAccessKeys"), ("UserName", user)])
        .text();
    text.split("<member>")
        .skip(1)
        .map(|m| (between(m, "AccessKeyId"), between(m, "Status")))
        .collect()
}

fn between(xml: &str, tag: &str) -> String {
    let start = xml.find(&format!("<{tag}>")).expect(tag) + tag.len() + 2;
    let end = xml[start..].find(&format!("</{tag}>")).expect(tag) + start;
    xml[start..end].to_string()
}

/// The (key, value) pairs of a ListUserTags / ListRoleTags / GetBucketTagging answer.
fn tags_in(xml: &str) -> Vec<(String, String)> {
    let marker = if xml.contains("<Tag>") {
        "<Tag>"
    } else {
        "<member>"
    };
    xml.split(marker)
        .skip(1)
        .map(|m| (between(m, "Key"), between(m, "Value")))
        .collect()
}

fn s3_status(moto: &Moto, key: &(String, String), method: &str, path: &str) -> u16 {
    let (path, query) = match path.split_once('?') {
        Some((path, "list-type=2")) => (path, vec![("list-type", "2")]),
        _ => (path, vec![]),
    };
    sigv4::send_signed(
        &moto.url(),
        method,
        path,
        &query,
        &[],
        b"x",
        "s3",
        (&key.0, &key.1),
    )
    .expect("S3 request")
    .status
}

const USER: &str = "s3.read-write.my-bucket";

#[test]
fn two_key_limit_delete_oldest_and_deactivate_existing_keys() {
    let moto = Moto::start();
    let first = key_of(&ok(&moto, &["create", "my-bucket", "-c", "--silent"]));
    let second = key_of(&ok(&moto, &["create", "my-bucket", "--silent"]));

    // A third key: one line with the way out, for both ways of asking.
    for extra in [None, Some("--deactivate-existing-keys")] {
        let mut args = vec!["create", "my-bucket", "--silent"];
        args.extend(extra);
        let out = ours(&moto, &args);
        assert_eq!(out.code, 1, "{args:?}");
        assert_eq!(out.stdout_str(), "");
        let last = out.stderr.lines().last().unwrap();
        assert_eq!(
            last,
            format!(
                "Error: User {USER} already has two access keys, the most IAM allows. Inactive keys \
                 count too, so --deactivate-existing-keys cannot help: run again with \
                 --delete-oldest-key to delete the older key first, or delete one yourself (aws iam delete-access-key)"
            )
        );
    }
    assert_eq!(
        keys(&moto, USER),
        [
            (first.0.clone(), "Active".to_string()),
            (second.0.clone(), "Active".into())
        ]
    );

    // Delete the oldest, make the new one, then switch the other one off.
    let out = ok(
        &moto,
        &[
            "create",
            "my-bucket",
            "--delete-oldest-key",
            "--deactivate-existing-keys",
        ],
    );
    let third = key_of(&out);
    assert_eq!(
        out.stderr,
        format!(
            "Attached policy {USER} to user {USER}\n\
             Deleted the oldest access key of user {USER}: {}\n\
             Created access key for user: {USER}\n\
             Deactivated access key {} of user {USER}\n",
            first.0, second.0
        )
    );
    assert_eq!(
        keys(&moto, USER),
        [
            (second.0.clone(), "Inactive".to_string()),
            (third.0.clone(), "Active".into())
        ]
    );
    // The deleted key is gone; the new one works.
    assert_eq!(s3_status(&moto, &first, "PUT", "/my-bucket/x.txt"), 403);
    assert_eq!(s3_status(&moto, &third, "PUT", "/my-bucket/x.txt"), 200);

    // Rotation on a user with one key: no deletion, the old key deactivated.
    let old = key_of(&ok(
        &moto,
        &["create", "my-bucket", "--read-only", "--silent"],
    ));
    let out = ok(
        &moto,
        &[
            "create",
            "my-bucket",
            "--read-only",
            "--deactivate-existing-keys",
            "--delete-oldest-key",
            "--silent",
        ],
    );
    let new = key_of(&out);
    assert_eq!(out.stderr, "");
    assert_eq!(
        keys(&moto, "s3.read-only.my-bucket"),
        [(old.0, "Inactive".to_string()), (new.0, "Active".into())]
    );
}

#[test]
fn tags_go_on_the_new_user_and_bucket_only() {
    let moto = Moto::start();
    let out = ok(
        &moto,
        &[
            "create",
            "tagged",
            "-c",
            "--tag",
            "owner=me",
            "--tag",
            "project=demo app",
        ],
    );
    let user = "s3.read-write.tagged";
    assert_eq!(
        out.stderr,
        format!(
            "Created bucket: tagged\n\
             Tagged bucket tagged with: {{\"owner\": \"me\", \"project\": \"demo app\"}}\n\
             Created  user: '{user}' with permissions boundary: 'arn:aws:iam::aws:policy/AmazonS3FullAccess'\n\
             ... tagged with: {{\"owner\": \"me\", \"project\": \"demo app\"}}\n\
             Attached policy {user} to user {user}\n\
             Created access key for user: {user}\n"
        )
    );
    let expected = vec![
        ("owner".to_string(), "me".to_string()),
        ("project".into(), "demo app".into()),
    ];
    let user_tags = moto
        .iam(&[("Action", "ListUserTags"), ("UserName", user)])
        .text();
    assert_eq!(tags_in(&user_tags), expected, "{user_tags}");
    let bucket_tags = moto.s3("GET", "/tagged?tagging", b"");
    assert_eq!(bucket_tags.status, 200, "{}", bucket_tags.text());
    assert_eq!(tags_in(&bucket_tags.text()), expected);

    // An existing user is reused as it is: no tags added.
    ok(&moto, &["create", "tagged", "--tag", "other=x", "--silent"]);
    let again = moto
        .iam(&[("Action", "ListUserTags"), ("UserName", user)])
        .text();
    assert_eq!(tags_in(&again), expected);
}

/// moto with IAM enforcement refuses AssumeRole on a role trusting only the account
/// root (reference/moto-auth-demo.md), so the role path runs on an open moto.
#[test]
fn tags_go_on_the_role_when_it_is_created() {
    let moto = Moto::start_open();
    let r = moto.s3("PUT", "/my-bucket", b"");
    assert_eq!(r.status, 200, "{}", r.text());
    let role = "s3-credentials.AmazonS3FullAccess";
    ok(
        &moto,
        &["create", "my-bucket", "-d", "15m", "--tag", "owner=me"],
    );
    let tags = || {
        tags_in(
            &moto
                .iam(&[("Action", "ListRoleTags"), ("RoleName", role)])
                .text(),
        )
    };
    assert_eq!(tags(), [("owner".to_string(), "me".to_string())]);
    // The role exists now: it keeps its tags.
    ok(
        &moto,
        &["create", "my-bucket", "-d", "15m", "--tag", "owner=you"],
    );
    assert_eq!(tags(), [("owner".to_string(), "me".to_string())]);
}

/// On moto a new key works at once: `--wait` checks once, says nothing and changes
/// nothing in the output.
#[test]
fn wait_on_a_server_that_accepts_the_key_at_once() {
    let moto = Moto::start();
    ok(&moto, &["create", "my-bucket", "-c", "--silent"]);
    let out = ok(&moto, &["create", "my-bucket", "--read-only", "--wait"]);
    assert_eq!(
        out.stderr,
        "Created  user: 's3.read-only.my-bucket' with permissions boundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'\n\
         Attached policy s3.read-only.my-bucket to user s3.read-only.my-bucket\n\
         Created access key for user: s3.read-only.my-bucket\n"
    );
    let key = key_of(&out);
    let v: Value = serde_json::from_str(out.stdout_str()).unwrap();
    let names: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        [
            "UserName",
            "AccessKeyId",
            "Status",
            "SecretAccessKey",
            "CreateDate"
        ]
    );
    assert_eq!(s3_status(&moto, &key, "GET", "/my-bucket?list-type=2"), 200);
}

#[test]
fn repeated_prefixes_allow_each_prefix_and_nothing_else() {
    let moto = Moto::start();
    let out = ok(
        &moto,
        &[
            "create",
            "my-bucket",
            "-c",
            "--prefix",
            "a/",
            "--prefix",
            "b/",
            "--silent",
        ],
    );
    let key = key_of(&out);
    assert_eq!(s3_status(&moto, &key, "PUT", "/my-bucket/a/x.txt"), 200);
    assert_eq!(s3_status(&moto, &key, "PUT", "/my-bucket/b/x.txt"), 200);
    assert_eq!(s3_status(&moto, &key, "PUT", "/my-bucket/c/x.txt"), 403);
    assert_eq!(s3_status(&moto, &key, "GET", "/my-bucket/b/x.txt"), 200);
}

/// Upstream issue 65: each reason the bucket check can fail is named.
#[test]
fn the_bucket_check_tells_missing_from_bad_credentials() {
    let moto = Moto::start();
    ok(&moto, &["create", "mine", "-c", "--silent"]);
    let other = key_of(&ok(&moto, &["create", "other", "-c", "--silent"]));
    let (admin, secret) = moto.admin_key();
    let cases: [((&str, &str), &str, &str); 4] = [
        (
            (&admin, &secret),
            "missing",
            "Bucket does not exist: missing - try --create-bucket to create it",
        ),
        (
            ("AKIAUNKNOWNKEY000000", "whatever"),
            "mine",
            "Cannot check bucket mine: the access key ID is not known (InvalidAccessKeyId)",
        ),
        (
            (&admin, "wrong-secret"),
            "mine",
            "Cannot check bucket mine: the secret key does not belong to the access key ID (SignatureDoesNotMatch)",
        ),
        (
            (&other.0, &other.1),
            "mine",
            "Cannot check bucket mine: access denied (403 Forbidden); the credentials may lack s3:ListBucket on it, or the bucket belongs to another account",
        ),
    ];
    for (key, bucket, message) in cases {
        let out = ours_as(&moto, key, &["create", bucket], &[]);
        assert_eq!(out.code, 1, "{message}");
        assert_eq!(out.stderr, format!("Error: {message}\n"));
    }
    // A session token S3 does not know: HEAD gets a bare 400, the listing names it.
    let out = ours_as(
        &moto,
        (&admin, &secret),
        &["create", "mine"],
        &[("AWS_SESSION_TOKEN", "forged-session-token")],
    );
    assert_eq!(
        out.stderr,
        "Error: Cannot check bucket mine: the session token is invalid (InvalidToken)\n"
    );
    // The same check in localserver and set-cors-policy.
    let out = ours_as(
        &moto,
        ("AKIAUNKNOWNKEY000000", "x"),
        &["set-cors-policy", "mine"],
        &[],
    );
    assert_eq!(
        out.stderr,
        "Error: Cannot check bucket mine: the access key ID is not known (InvalidAccessKeyId)\n"
    );
    let out = ours_as(
        &moto,
        (&other.0, &other.1),
        &["localserver", "mine", "-d", "15m", "--port", "0"],
        &[],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("Error: Cannot check bucket mine: access denied"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_bad_tag_is_a_usage_error_before_any_request() {
    let moto = Moto::start_open_light();
    for (tag, problem) in [
        ("owner", "'owner' is not KEY=VALUE"),
        ("=x", "'=x': the key is empty"),
        (
            "aws:owner=me",
            "'aws:owner=me': keys starting with aws: are reserved for AWS",
        ),
    ] {
        let out = ours(&moto, &["create", "b", "-c", "--tag", "ok=1", "--tag", tag]);
        assert_eq!(out.code, 2, "{tag}");
        assert_eq!(
            out.stderr,
            format!(
                "Usage: s3-credentials create [OPTIONS] BUCKETS...\n\
                 Try 's3-credentials create --help' for help.\n\n\
                 Error: Invalid value for '--tag': {problem}\n"
            )
        );
    }
    // Nothing was made.
    let buckets = moto.s3("GET", "/", b"").text();
    assert!(!buckets.contains("<Name>b</Name>"), "{buckets}");
}
