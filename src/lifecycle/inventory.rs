//! `list-credentials`: one item per access key of the users this tool makes.
//!
//! From the calls per user (ListAccessKeys, ListUserPolicies + GetUserPolicy) and per key
//! (GetAccessKeyLastUsed,
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html>)
//! the command gathers facts; this module turns them into the item: what the inline
//! policies grant (read back from the documents `policies.rs` writes), when the keys
//! expire (`expires`), and a derived state.
//!
//! The item's members, in this order, are [`HEADERS`] (also the CSV/TSV columns, as
//! `list-users` prints botocore's members). Times are printed as the other `list-*`
//! commands print botocore's timestamps (Python's `str(datetime)`:
//! `2026-12-05 12:24:06+00:00`); absent values are `null` (empty in CSV). Never a secret:
//! the facts hold none.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::expires::{expiry_of, statements};
use crate::output::py_datetime;
use crate::policies::Permission;

/// The item's members and the CSV/TSV header row, in order.
pub(crate) const HEADERS: &[&str] = &[
    "UserName",
    "AccessKeyId",
    "Status",
    "CreateDate",
    "LastUsedDate",
    "LastUsedService",
    "LastUsedRegion",
    "Buckets",
    "Permission",
    "Expires",
    "State",
];

/// A key not used for this many days (or more) is `unused for N days` rather than
/// `active`: the 90 days of IAM's advice to remove keys not used in that time
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console>,
/// best practices: "Regularly review and remove unused users, roles, permissions...").
pub(crate) const UNUSED_DAYS: i64 = 90;

/// The words in the names of users the tool makes: `s3.<word>.<buckets>`
/// (`provision::plan`).
pub(crate) const USER_WORDS: [&str; 4] = ["read-write", "read-only", "write-only", "custom"];

/// Whether `create` would have named a user so: `s3.read-write.*`, `s3.read-only.*`,
/// `s3.write-only.*`, `s3.custom.*` with at least one character for the buckets. These
/// are `list-credentials`' users when none is named and `--all` is not given.
pub(crate) fn is_tool_user(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("s3.") else {
        return false;
    };
    USER_WORDS.iter().any(|word| {
        rest.strip_prefix(word)
            .and_then(|r| r.strip_prefix('.'))
            .is_some_and(|buckets| !buckets.is_empty())
    })
}

/// What a user's inline policies grant, read from their documents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Grants {
    /// Every bucket named in an S3 ARN of a Resource, in order of appearance, once.
    pub(crate) buckets: Vec<String>,
    /// `read-write`, `read-only`, `write-only` when every document is exactly what
    /// `policies.rs` generates for that permission (on any buckets and prefixes, plus an
    /// expiry statement); `custom` for anything else, mixed permissions included; `None`
    /// with no inline policy at all.
    pub(crate) permission: Option<&'static str>,
    /// The earliest expiry of any document ([`expiry_of`]).
    pub(crate) expires: Option<OffsetDateTime>,
}

/// The grants of a user's inline policy documents (GetUserPolicy's, decoded).
pub(crate) fn grants(documents: &[Value]) -> Grants {
    let mut out = Grants::default();
    let mut permissions: Vec<&'static str> = Vec::new();
    for document in documents {
        let list: Vec<&Value> = statements(document).collect();
        for statement in &list {
            for bucket in resource_buckets(statement) {
                if !out.buckets.contains(&bucket) {
                    out.buckets.push(bucket);
                }
            }
        }
        permissions.push(generated_permission(&list).unwrap_or("custom"));
        if let Some(at) = expiry_of(document) {
            out.expires = Some(out.expires.map_or(at, |e| e.min(at)));
        }
    }
    out.permission = match permissions.split_first() {
        None => None,
        Some((first, rest)) if rest.iter().all(|p| p == first) => Some(first),
        Some(_) => Some("custom"),
    };
    out
}

/// The permission whose generated statements make up `list` exactly (blocks for one or
/// more buckets, in any order, and at most one expiry statement, which `create --expires`
/// appends), or `None`.
fn generated_permission(list: &[&Value]) -> Option<&'static str> {
    let mut rest: Vec<&Value> = list.to_vec();
    if let Some(i) = rest
        .iter()
        .position(|s| s.get("Sid").and_then(Value::as_str) == Some(super::expires::SID))
    {
        rest.remove(i);
    }
    let mut found: Option<Permission> = None;
    let mut i = 0;
    while i < rest.len() {
        let (permission, len) = block_at(&rest[i..])?;
        if found.is_some_and(|f| f != permission) {
            return None;
        }
        found = Some(permission);
        i += len;
    }
    found.map(Permission::as_str)
}

/// The generated block that starts `list`: its permission and length in statements.
/// The bucket and prefixes are read from the block's own ARNs, then the block is built
/// again with `policies.rs` and compared (as JSON values: key order does not matter).
/// Read-write is tried first: read-only's block is the start of read-write's.
fn block_at(list: &[&Value]) -> Option<(Permission, usize)> {
    let first = resources(list[0]).into_iter().next()?;
    let bucket = first
        .strip_prefix("arn:aws:s3:::")?
        .split('/')
        .next()?
        .to_string();
    let object_prefix = format!("arn:aws:s3:::{bucket}/");
    // The prefixes are those of the first statement on objects in the next three.
    let prefixes: Vec<String> = list
        .iter()
        .take(3)
        .map(|s| resources(s))
        .find(|r| r.iter().any(|a| a.starts_with(&object_prefix)))?
        .iter()
        .filter_map(|a| a.strip_prefix(&object_prefix).map(str::to_string))
        .collect();
    [
        Permission::ReadWrite,
        Permission::ReadOnly,
        Permission::WriteOnly,
    ]
    .into_iter()
    .find_map(|permission| {
        let block = permission.statements(&bucket, &prefixes);
        let n = block.len();
        (list.len() >= n && list[..n].iter().zip(&block).all(|(a, b)| *a == b))
            .then_some((permission, n))
    })
}

/// A statement's Resource as strings (a string or a list of them).
fn resources(statement: &Value) -> Vec<&str> {
    match statement.get("Resource") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The bucket of each `arn:aws:s3:::BUCKET[/...]` Resource (`*` alone is no bucket).
fn resource_buckets(statement: &Value) -> Vec<String> {
    resources(statement)
        .into_iter()
        .filter_map(|arn| arn.strip_prefix("arn:aws:s3:::"))
        .filter_map(|rest| rest.split('/').next())
        .filter(|bucket| !bucket.is_empty() && *bucket != "*")
        .map(str::to_string)
        .collect()
}

/// GetAccessKeyLastUsed's AccessKeyLastUsed, when the key has been used: LastUsedDate is
/// absent, and ServiceName and Region are `N/A`, when it never was (or not since IAM
/// began tracking in April 2015)
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyLastUsed.html>).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LastUsed {
    pub(crate) date: OffsetDateTime,
    pub(crate) service: Option<String>,
    pub(crate) region: Option<String>,
}

impl LastUsed {
    /// From the response's three members; `None` without a date. `N/A` becomes `None`.
    pub(crate) fn from_response(
        date: Option<OffsetDateTime>,
        service: Option<&str>,
        region: Option<&str>,
    ) -> Option<LastUsed> {
        let known = |s: Option<&str>| {
            s.filter(|s| *s != "N/A" && !s.is_empty())
                .map(str::to_string)
        };
        Some(LastUsed {
            date: date?,
            service: known(service),
            region: known(region),
        })
    }
}

/// The derived state of a key, first that applies:
/// 1. `inactive`: its Status is not `Active` (UpdateAccessKey turned it off);
/// 2. `expired`: its user's policies deny everything from a time at or before now;
/// 3. `never-used`: GetAccessKeyLastUsed has no date;
/// 4. `unused for N days`: last used N >= [`UNUSED_DAYS`] whole days ago;
/// 5. `active`.
pub(crate) fn state(
    status: &str,
    last_used: Option<&LastUsed>,
    expires: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> String {
    if status != "Active" {
        return "inactive".to_string();
    }
    if expires.is_some_and(|at| at <= now) {
        return "expired".to_string();
    }
    let Some(last_used) = last_used else {
        return "never-used".to_string();
    };
    let days = (now - last_used.date).whole_days();
    if days >= UNUSED_DAYS {
        let s = if days == 1 { "" } else { "s" };
        return format!("unused for {days} day{s}");
    }
    "active".to_string()
}

/// One access key, as ListAccessKeys gives it.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub(crate) user_name: String,
    pub(crate) access_key_id: String,
    pub(crate) status: String,
    pub(crate) create_date: Option<OffsetDateTime>,
}

/// The item for `key` of a user with `grants`, at `now`, members in [`HEADERS`] order.
pub(crate) fn item(
    key: &Key,
    last_used: Option<&LastUsed>,
    grants: &Grants,
    now: OffsetDateTime,
) -> Value {
    let time = |t: Option<OffsetDateTime>| t.map_or(Value::Null, |t| Value::String(py_datetime(t)));
    json!({
        "UserName": key.user_name,
        "AccessKeyId": key.access_key_id,
        "Status": key.status,
        "CreateDate": time(key.create_date),
        "LastUsedDate": time(last_used.map(|l| l.date)),
        "LastUsedService": last_used.and_then(|l| l.service.clone()),
        "LastUsedRegion": last_used.and_then(|l| l.region.clone()),
        "Buckets": grants.buckets,
        "Permission": grants.permission,
        "Expires": time(grants.expires),
        "State": state(&key.status, last_used, grants.expires, now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policies::{bucket_policy, buckets_policy};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-05 12:00 UTC);

    fn p(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tool_users_by_name() {
        for name in [
            "s3.read-write.b",
            "s3.read-only.a,b",
            "s3.write-only.x",
            "s3.custom.b",
        ] {
            assert!(is_tool_user(name), "{name}");
        }
        for name in [
            "admin",
            "s3.read-write.",
            "s3.read-write",
            "s3.readwrite.b",
            "S3.read-only.b",
            "x.s3.custom.b",
            "s3.other.b",
        ] {
            assert!(!is_tool_user(name), "{name}");
        }
    }

    #[test]
    fn generated_documents_read_back_as_their_permission() {
        for permission in [
            Permission::ReadWrite,
            Permission::ReadOnly,
            Permission::WriteOnly,
        ] {
            for prefixes in [p(&[]), p(&["foo/"]), p(&["a/", "b/*"])] {
                let doc = bucket_policy(permission, "my-bucket", &prefixes, &[]);
                let g = grants(&[doc]);
                assert_eq!(
                    g.permission,
                    Some(permission.as_str()),
                    "{permission:?} {prefixes:?}"
                );
                assert_eq!(g.buckets, ["my-bucket"]);
                assert_eq!(g.expires, None);
            }
            // Several buckets in one document (a user made with --username for two).
            let doc = buckets_policy(permission, &p(&["a", "b"]), &p(&["x/"]), &[]);
            let g = grants(&[doc]);
            assert_eq!(
                (g.permission, g.buckets),
                (Some(permission.as_str()), p(&["a", "b"]))
            );
        }
    }

    #[test]
    fn an_expiry_statement_keeps_the_permission_and_gives_the_expiry() {
        let at = datetime!(2027-03-01 0:00 UTC);
        let doc = bucket_policy(Permission::ReadOnly, "b", &[], &[]);
        let g = grants(&[super::super::expires::with_expiry(&doc, at)]);
        assert_eq!(g.permission, Some("read-only"));
        assert_eq!(g.expires, Some(at));
        // The earliest of two documents' expiries.
        let later = super::super::expires::with_expiry(&doc, datetime!(2028-01-01 0:00 UTC));
        let g = grants(&[later, super::super::expires::with_expiry(&doc, at)]);
        assert_eq!(g.expires, Some(at));
    }

    #[test]
    fn anything_else_is_custom() {
        let extra = json!({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"});
        let with_statement = bucket_policy(Permission::ReadWrite, "b", &[], &[extra]);
        assert_eq!(grants(&[with_statement]).permission, Some("custom"));
        // A generated statement changed by hand (an action removed).
        let mut edited = bucket_policy(Permission::ReadOnly, "b", &[], &[]);
        edited["Statement"][1]["Action"]
            .as_array_mut()
            .unwrap()
            .pop();
        assert_eq!(grants(&[edited]).permission, Some("custom"));
        // Mixed permissions over two documents.
        let mixed = [
            bucket_policy(Permission::ReadOnly, "a", &[], &[]),
            bucket_policy(Permission::WriteOnly, "b", &[], &[]),
        ];
        let g = grants(&mixed);
        assert_eq!((g.permission, g.buckets), (Some("custom"), p(&["a", "b"])));
        // A --policy document: its buckets still show.
        let custom = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::c1", "arn:aws:s3:::c1/*", "arn:aws:s3:::c2/x/*", "arn:aws:s3:::*", "*"]}});
        let g = grants(&[custom]);
        assert_eq!(
            (g.permission, g.buckets),
            (Some("custom"), p(&["c1", "c2"]))
        );
        assert_eq!(
            grants(&[json!({"Statement": []})]).permission,
            Some("custom")
        );
        assert_eq!(grants(&[]), Grants::default());
    }

    fn used(days_ago: i64) -> LastUsed {
        LastUsed {
            date: NOW - time::Duration::days(days_ago),
            service: Some("s3".into()),
            region: Some("us-east-1".into()),
        }
    }

    #[test]
    fn states_in_order_of_precedence() {
        let past = Some(NOW);
        let future = Some(NOW + time::Duration::days(1));
        assert_eq!(state("Inactive", Some(&used(1)), past, NOW), "inactive");
        assert_eq!(state("Active", Some(&used(1)), past, NOW), "expired");
        assert_eq!(state("Active", None, future, NOW), "never-used");
        assert_eq!(
            state("Active", Some(&used(400)), future, NOW),
            "unused for 400 days"
        );
        assert_eq!(
            state("Active", Some(&used(90)), None, NOW),
            "unused for 90 days"
        );
        assert_eq!(state("Active", Some(&used(89)), None, NOW), "active");
        assert_eq!(state("Active", Some(&used(0)), future, NOW), "active");
    }

    #[test]
    fn last_used_from_the_response() {
        assert_eq!(
            LastUsed::from_response(None, Some("N/A"), Some("N/A")),
            None
        );
        assert_eq!(
            LastUsed::from_response(Some(NOW), Some("N/A"), None),
            Some(LastUsed {
                date: NOW,
                service: None,
                region: None
            })
        );
        assert_eq!(
            LastUsed::from_response(Some(NOW), Some("s3"), Some("eu-west-1"))
                .unwrap()
                .service
                .as_deref(),
            Some("s3")
        );
    }

    #[test]
    fn the_item_has_the_headers_members_in_order() {
        let key = Key {
            user_name: "s3.read-only.b".into(),
            access_key_id: "AKIAEXAMPLE".into(),
            status: "Active".into(),
            create_date: Some(datetime!(2026-01-02 03:04:05 UTC)),
        };
        let g = grants(&[super::super::expires::with_expiry(
            &bucket_policy(Permission::ReadOnly, "b", &[], &[]),
            datetime!(2027-03-01 0:00 UTC),
        )]);
        let item = item(&key, Some(&used(100)), &g, NOW);
        let members: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(members, HEADERS);
        assert_eq!(
            crate::output::dumps(&item, None),
            r#"{"UserName": "s3.read-only.b", "AccessKeyId": "AKIAEXAMPLE", "Status": "Active", "CreateDate": "2026-01-02 03:04:05+00:00", "LastUsedDate": "2026-08-27 12:00:00+00:00", "LastUsedService": "s3", "LastUsedRegion": "us-east-1", "Buckets": ["b"], "Permission": "read-only", "Expires": "2027-03-01 00:00:00+00:00", "State": "unused for 100 days"}"#
        );
        let never = super::item(&key, None, &Grants::default(), NOW);
        assert_eq!(never["LastUsedDate"], Value::Null);
        assert_eq!(never["Permission"], Value::Null);
        assert_eq!(never["Buckets"], json!([]));
        assert_eq!(never["State"], "never-used");
    }
}
