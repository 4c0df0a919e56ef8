//! The plan: names, boundaries and policy documents, from requests.

use serde_json::{Value, json};

use super::plan::{Plan, Request, session_policy_from, substitute};
use crate::policies::Permission;

fn plan(request: Request) -> Plan {
    Plan::new(request).unwrap()
}

fn buckets(names: &[&str]) -> Vec<String> {
    names.iter().map(|b| b.to_string()).collect()
}

#[test]
fn names_and_boundaries_follow_the_permission() {
    let read_only = plan(Request {
        buckets: buckets(&["a", "b"]),
        permission: Permission::ReadOnly,
        ..Request::default()
    });
    assert_eq!(read_only.username, "s3.read-only.a,b");
    assert_eq!(
        read_only.boundary.as_deref(),
        Some("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    );
    let names: Vec<&str> = read_only
        .user_policies
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(names, ["s3.read-only.a", "s3.read-only.b"]);
    assert_eq!(read_only.session_name(), "s3.read-only.a,b");

    let write_only = plan(Request {
        buckets: buckets(&["a"]),
        permission: Permission::WriteOnly,
        username: Some(String::new()),
        ..Request::default()
    });
    // An empty --username is no username; writing needs full access.
    assert_eq!(write_only.username, "s3.write-only.a");
    assert_eq!(
        write_only.boundary.as_deref(),
        Some("arn:aws:iam::aws:policy/AmazonS3FullAccess")
    );
}

#[test]
fn custom_documents_imply_no_boundary_unless_one_is_given() {
    let statement = json!({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"});
    let custom = plan(Request {
        buckets: buckets(&["a"]),
        statements: vec![statement.clone()],
        ..Request::default()
    });
    assert_eq!(custom.name_word, "custom");
    assert_eq!(custom.boundary, None);
    let given = plan(Request {
        buckets: buckets(&["a"]),
        statements: vec![statement],
        boundary: Some("arn:aws:iam::1:policy/b".into()),
        ..Request::default()
    });
    assert_eq!(given.boundary.as_deref(), Some("arn:aws:iam::1:policy/b"));
    let none = plan(Request {
        buckets: buckets(&["a"]),
        boundary: Some("none".into()),
        ..Request::default()
    });
    assert_eq!(none.boundary, None);
    assert_eq!(none.user_info(), " user: 's3.read-write.a'");
}

#[test]
fn website_implies_public_and_tags_keep_their_order() {
    let p = plan(Request {
        buckets: buckets(&["a"]),
        website: true,
        bucket_region: Some(String::new()),
        tags: vec![("b".into(), "1".into()), ("a".into(), "2".into())],
        ..Request::default()
    });
    assert!(p.public && p.website);
    assert_eq!(p.bucket_region, None);
    assert_eq!(p.tags_json(), r#"{"b": "1", "a": "2"}"#);
}

#[test]
fn a_policy_that_breaks_for_one_bucket_makes_no_plan() {
    let request = Request {
        buckets: buckets(&["fine", "bad\\"]),
        policy: Some(r#"{"R": "$!BUCKET_NAME!$"}"#.into()),
        ..Request::default()
    };
    assert!(Plan::new(request).is_err());
}

fn docs(text: &str, buckets: &[&str]) -> (Vec<String>, Vec<(String, Value)>) {
    let buckets: Vec<String> = buckets.iter().map(|b| b.to_string()).collect();
    let per = buckets
        .iter()
        .map(|b| (format!("s3.custom.{b}"), substitute(text, b).unwrap()))
        .collect();
    (buckets, per)
}

#[test]
fn placeholder_is_replaced_per_bucket() {
    let text = r#"{"Statement": [{"Resource": "arn:aws:s3:::$!BUCKET_NAME!$/*"}]}"#;
    let (_, per) = docs(text, &["a", "b"]);
    assert_eq!(per[0].1["Statement"][0]["Resource"], "arn:aws:s3:::a/*");
    assert_eq!(per[1].1["Statement"][0]["Resource"], "arn:aws:s3:::b/*");
}

#[test]
fn session_policy_covers_every_bucket() {
    let text = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::$!BUCKET_NAME!$/*"},
        {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}"#;
    let (buckets, per) = docs(text, &["a", "b"]);
    let session = session_policy_from(text, &buckets, &per).unwrap();
    assert_eq!(
        session,
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"},
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})
    );
    // Key order of the first document is kept.
    let keys: Vec<&String> = session.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["Version", "Statement"]);
}

#[test]
fn session_policy_for_one_bucket_or_no_placeholder_is_the_document() {
    let text = r#"{"Statement": {"Resource": "$!BUCKET_NAME!$"}}"#;
    let (buckets, per) = docs(text, &["only"]);
    assert_eq!(
        session_policy_from(text, &buckets, &per).unwrap(),
        json!({"Statement": {"Resource": "only"}})
    );
    let fixed = r#"{"Statement": [{"Resource": "*"}]}"#;
    let (buckets, per) = docs(fixed, &["a", "b"]);
    assert_eq!(
        session_policy_from(fixed, &buckets, &per).unwrap(),
        json!({"Statement": [{"Resource": "*"}]})
    );
    // A single statement object is combined too.
    let (buckets, per) = docs(text, &["a", "b"]);
    assert_eq!(
        session_policy_from(text, &buckets, &per).unwrap(),
        json!({"Statement": [{"Resource": "a"}, {"Resource": "b"}]})
    );
}

#[test]
fn documents_without_statements_fall_back_to_the_last_bucket() {
    let text = r#"["$!BUCKET_NAME!$"]"#;
    let (buckets, per) = docs(text, &["a", "b"]);
    assert_eq!(
        session_policy_from(text, &buckets, &per).unwrap(),
        json!(["b"])
    );
}

#[test]
fn a_bucket_name_that_breaks_the_json_is_an_error() {
    let err = substitute(r#"{"R": "$!BUCKET_NAME!$"}"#, "a\"b").unwrap_err();
    assert_eq!(
        err.to_string(),
        "--policy is not valid JSON once $!BUCKET_NAME!$ is replaced by 'a\"b'"
    );
}

#[test]
fn failures_keep_their_words_and_their_cause() {
    use std::error::Error as _;

    use super::error::ProvisionError;
    use crate::error::{AwsError, Error};

    // The --policy error is a typed variant whose source is serde's error.
    let broken: Error = substitute(r#"{"R": "$!BUCKET_NAME!$"}"#, "bad\\")
        .unwrap_err()
        .into();
    let typed = broken
        .source()
        .and_then(|s| s.downcast_ref::<ProvisionError>());
    assert!(
        matches!(typed, Some(ProvisionError::PolicyBrokenBy { bucket, .. }) if bucket == "bad\\")
    );
    assert!(
        typed
            .and_then(|t| t.source())
            .is_some_and(|s| s.is::<serde_json::Error>())
    );
    let not_json: Error = Plan::new(Request {
        buckets: buckets(&["a", "b"]),
        policy: Some("{".into()),
        ..Request::default()
    })
    .err()
    .unwrap();
    assert_eq!(
        not_json.to_string(),
        "--policy is not valid JSON once $!BUCKET_NAME!$ is replaced by 'a'"
    );

    // IAM's refusal of a third key is kept as the cause of the one line printed.
    let refusal = AwsError {
        code: "LimitExceeded".into(),
        operation: "CreateAccessKey".into(),
        ..AwsError::default()
    };
    let two: Error = ProvisionError::TwoKeys {
        user: "u".into(),
        refusal,
    }
    .into();
    assert!(two.to_string().starts_with(
        "User u already has two access keys, the most IAM allows. Inactive keys count too, \
         so --deactivate-existing-keys cannot help: run again with --delete-oldest-key"
    ));
    let cause = two.source().and_then(|s| s.source());
    assert_eq!(
        cause
            .and_then(|c| c.downcast_ref::<AwsError>())
            .map(|a| a.code.as_str()),
        Some("LimitExceeded")
    );
    let missing: Error = ProvisionError::NoSuchBucket("b".into()).into();
    assert_eq!(
        missing.to_string(),
        "Bucket does not exist: b - try --create-bucket to create it"
    );
}

/// `--expires`: the Deny goes last on every bucket's inline policy, `--policy`
/// documents included (a single statement object becomes a list), replacing one of the
/// same Sid a `--policy` document already holds; the session policy never gets it.
#[test]
fn expires_puts_the_deny_last_on_every_user_policy() {
    use crate::lifecycle::expires::{SID, deny_after};
    let at = time::macros::datetime!(2099-01-01 0:00 UTC);
    let generated = plan(Request {
        buckets: buckets(&["a", "b"]),
        permission: Permission::ReadOnly,
        expires: Some(at),
        ..Request::default()
    });
    let without = plan(Request {
        buckets: buckets(&["a", "b"]),
        permission: Permission::ReadOnly,
        ..Request::default()
    });
    for ((name, doc), (_, plain)) in generated.user_policies.iter().zip(&without.user_policies) {
        let mut expected = plain["Statement"].as_array().unwrap().clone();
        expected.push(deny_after(at));
        assert_eq!(doc["Statement"], Value::Array(expected), "{name}");
    }
    assert_eq!(generated.session_policy, without.session_policy);

    let stale = json!({"Sid": SID, "Effect": "Deny", "Action": "*", "Resource": "*"});
    let custom = plan(Request {
        buckets: buckets(&["a", "b"]),
        policy: Some(
            json!({"Version": "2012-10-17", "Statement": [
                stale,
                {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::$!BUCKET_NAME!$/*"},
            ]})
            .to_string(),
        ),
        expires: Some(at),
        ..Request::default()
    });
    for (bucket, (_, doc)) in ["a", "b"].iter().zip(&custom.user_policies) {
        assert_eq!(
            doc["Statement"],
            json!([
                {"Effect": "Allow", "Action": "s3:*", "Resource": format!("arn:aws:s3:::{bucket}/*")},
                deny_after(at),
            ])
        );
    }
    let one = plan(Request {
        buckets: buckets(&["a"]),
        policy: Some(
            r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#.into(),
        ),
        expires: Some(at),
        ..Request::default()
    });
    assert_eq!(
        one.user_policies[0].1,
        json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, deny_after(at)]})
    );
}
