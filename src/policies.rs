//! The IAM policy documents the tool generates, as the original's `policies.py` builds
//! them. Pure: bucket names and prefixes in, `serde_json::Value` out (key order matters:
//! these are printed and sent exactly in this order).

use serde_json::{Value, json};

/// Which kind of access a policy grants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Permission {
    #[default]
    ReadWrite,
    ReadOnly,
    WriteOnly,
}

impl Permission {
    /// From the `--read-only` / `--write-only` flags (the caller rejects both at once).
    pub fn from_flags(read_only: bool, write_only: bool) -> Self {
        if write_only {
            Permission::WriteOnly
        } else if read_only {
            Permission::ReadOnly
        } else {
            Permission::ReadWrite
        }
    }

    /// The word used in user, policy and session names: `s3.read-only.bucket`.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ReadWrite => "read-write",
            Permission::ReadOnly => "read-only",
            Permission::WriteOnly => "write-only",
        }
    }

    /// The statements granting this permission on one bucket, for keys under any of
    /// `prefixes` (none, or `*` among them: the whole bucket).
    pub fn statements(self, bucket: &str, prefixes: &[String]) -> Vec<Value> {
        let prefixes = starred(prefixes);
        match self {
            Permission::ReadWrite => read_write_statements(bucket, &prefixes),
            Permission::ReadOnly => read_only_statements(bucket, &prefixes),
            Permission::WriteOnly => write_only_statements(bucket, &prefixes),
        }
    }
}

/// A prefix always ends in `*` in the resource ARN (the original's issue #24): `foo/`
/// becomes `foo/*`, and the default prefix is `*` (the whole bucket).
fn star(prefix: &str) -> String {
    if prefix.ends_with('*') {
        prefix.to_string()
    } else {
        format!("{prefix}*")
    }
}

/// Every prefix starred, duplicates dropped, in the order given. No prefix, or the
/// whole bucket among them, is just `*`: a narrower prefix next to it adds nothing.
fn starred(prefixes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(prefixes.len().max(1));
    for prefix in prefixes.iter().map(|p| star(p)) {
        if prefix == "*" {
            return vec![prefix];
        }
        if !out.contains(&prefix) {
            out.push(prefix);
        }
    }
    if out.is_empty() {
        out.push("*".to_string());
    }
    out
}

/// `arn:aws:s3:::BUCKET/PREFIX` for each (starred) prefix.
fn object_arns(bucket: &str, prefixes: &[String]) -> Vec<String> {
    prefixes
        .iter()
        .map(|p| format!("arn:aws:s3:::{bucket}/{p}"))
        .collect()
}

// The three below take starred prefixes (see `starred`). With one prefix they build
// exactly the original's statements; with several, the same statements with every
// prefix in the Resource list and the s3:prefix condition.

fn read_write_statements(bucket: &str, prefixes: &[String]) -> Vec<Value> {
    let mut statements = read_only_statements(bucket, prefixes);
    statements.push(json!({
        "Effect": "Allow",
        "Action": ["s3:PutObject", "s3:DeleteObject"],
        "Resource": object_arns(bucket, prefixes),
    }));
    statements
}

fn read_only_statements(bucket: &str, prefixes: &[String]) -> Vec<Value> {
    let mut statements = Vec::with_capacity(3);
    if prefixes != ["*"] {
        // With a prefix, listing must be limited by a condition on s3:prefix, so the
        // location and list actions need separate statements.
        statements.push(json!({
            "Effect": "Allow",
            "Action": ["s3:GetBucketLocation"],
            "Resource": [format!("arn:aws:s3:::{bucket}")],
        }));
        statements.push(json!({
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [format!("arn:aws:s3:::{bucket}")],
            "Condition": {"StringLike": {"s3:prefix": prefixes}},
        }));
    } else {
        statements.push(json!({
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": [format!("arn:aws:s3:::{bucket}")],
        }));
    }
    statements.push(json!({
        "Effect": "Allow",
        "Action": [
            "s3:GetObject",
            "s3:GetObjectAcl",
            "s3:GetObjectLegalHold",
            "s3:GetObjectRetention",
            "s3:GetObjectTagging",
        ],
        "Resource": object_arns(bucket, prefixes),
    }));
    statements
}

fn write_only_statements(bucket: &str, prefixes: &[String]) -> Vec<Value> {
    vec![json!({
        "Effect": "Allow",
        "Action": ["s3:PutObject"],
        "Resource": object_arns(bucket, prefixes),
    })]
}

/// `{"Version": "2012-10-17", "Statement": [...]}`.
pub fn wrap_policy(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The policy for one bucket with extra statements appended (the user's inline policy).
pub fn bucket_policy(
    permission: Permission,
    bucket: &str,
    prefixes: &[String],
    extra: &[Value],
) -> Value {
    let mut statements = permission.statements(bucket, prefixes);
    statements.extend(extra.iter().cloned());
    wrap_policy(statements)
}

/// One policy covering several buckets (the session policy, and `policy`'s output).
pub fn buckets_policy(
    permission: Permission,
    buckets: &[String],
    prefixes: &[String],
    extra: &[Value],
) -> Value {
    let mut statements = Vec::new();
    for bucket in buckets {
        statements.extend(permission.statements(bucket, prefixes));
    }
    statements.extend(extra.iter().cloned());
    wrap_policy(statements)
}

/// The bucket policy that lets anyone GET objects (`--public`, `--allow-all-get`).
pub fn bucket_policy_allow_all_get(bucket: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowAllGetObject",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:GetObject"],
            "Resource": [format!("arn:aws:s3:::{bucket}/*")],
        }],
    })
}

/// The trust policy of the `s3-credentials.AmazonS3FullAccess` role: the account root.
pub fn assume_role_trust_policy(account_id: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{account_id}:root")},
            "Action": "sts:AssumeRole",
        }],
    })
}

/// The public access block configuration that `--public` applies (all four off).
pub fn public_access_block_all_off() -> Value {
    json!({
        "BlockPublicAcls": false,
        "IgnorePublicAcls": false,
        "BlockPublicPolicy": false,
        "RestrictPublicBuckets": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(statement: &Value) -> Vec<&str> {
        statement["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect()
    }

    fn p(prefixes: &[&str]) -> Vec<String> {
        prefixes.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn read_write_without_prefix_has_three_statements() {
        let s = Permission::ReadWrite.statements("b", &[]);
        assert_eq!(s, Permission::ReadWrite.statements("b", &p(&["*"])));
        assert_eq!(s.len(), 3);
        assert_eq!(actions(&s[0]), ["s3:ListBucket", "s3:GetBucketLocation"]);
        assert_eq!(s[1]["Resource"][0], "arn:aws:s3:::b/*");
        assert_eq!(actions(&s[2]), ["s3:PutObject", "s3:DeleteObject"]);
    }

    #[test]
    fn prefix_gets_a_star_and_a_list_condition() {
        let s = Permission::ReadOnly.statements("b", &p(&["foo/"]));
        assert_eq!(s.len(), 3);
        assert_eq!(actions(&s[0]), ["s3:GetBucketLocation"]);
        assert_eq!(s[1]["Condition"]["StringLike"]["s3:prefix"][0], "foo/*");
        assert_eq!(s[2]["Resource"][0], "arn:aws:s3:::b/foo/*");
        // Already starred prefixes are not starred twice.
        assert_eq!(
            Permission::WriteOnly.statements("b", &p(&["x*"]))[0]["Resource"][0],
            "arn:aws:s3:::b/x*"
        );
    }

    #[test]
    fn key_order_matches_the_original() {
        let doc = bucket_policy(Permission::ReadOnly, "b", &p(&["p"]), &[]);
        let keys: Vec<&String> = doc["Statement"][1].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Effect", "Action", "Resource", "Condition"]);
        let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Version", "Statement"]);
    }

    #[test]
    fn extra_statements_come_last() {
        let extra = json!({"Effect": "Allow", "Action": "x", "Resource": "*"});
        let p = buckets_policy(
            Permission::WriteOnly,
            &["a".into(), "b".into()],
            &[],
            std::slice::from_ref(&extra),
        );
        let st = p["Statement"].as_array().unwrap();
        assert_eq!(st.len(), 3);
        assert_eq!(st[1]["Resource"][0], "arn:aws:s3:::b/*");
        assert_eq!(st[2], extra);
    }

    #[test]
    fn permission_from_flags() {
        assert_eq!(Permission::from_flags(false, false).as_str(), "read-write");
        assert_eq!(Permission::from_flags(true, false).as_str(), "read-only");
        assert_eq!(Permission::from_flags(false, true).as_str(), "write-only");
    }

    /// The original's output for `policy b --prefix foo/` (fixtures and the compat
    /// suite check the whole document; this pins the shape the multi-prefix code
    /// must keep for one prefix).
    #[test]
    fn one_prefix_is_the_original_document() {
        let doc = buckets_policy(Permission::ReadWrite, &p(&["b"]), &p(&["foo/"]), &[]);
        assert_eq!(
            crate::output::dumps(&doc, None),
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetBucketLocation"], "Resource": ["arn:aws:s3:::b"]}, {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::b"], "Condition": {"StringLike": {"s3:prefix": ["foo/*"]}}}, {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectTagging"], "Resource": ["arn:aws:s3:::b/foo/*"]}, {"Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": ["arn:aws:s3:::b/foo/*"]}]}"#
        );
    }

    #[test]
    fn several_prefixes_share_one_statement_set() {
        let prefixes = p(&["a/", "b/*", "a/"]);
        let s = Permission::ReadWrite.statements("bk", &prefixes);
        assert_eq!(s.len(), 4, "{s:?}");
        assert_eq!(actions(&s[0]), ["s3:GetBucketLocation"]);
        assert_eq!(
            s[1]["Condition"]["StringLike"]["s3:prefix"],
            json!(["a/*", "b/*"])
        );
        let objects = json!(["arn:aws:s3:::bk/a/*", "arn:aws:s3:::bk/b/*"]);
        assert_eq!(s[2]["Resource"], objects);
        assert_eq!(s[3]["Resource"], objects);
        let w = Permission::WriteOnly.statements("bk", &prefixes);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0]["Resource"], objects);
    }

    #[test]
    fn the_whole_bucket_among_prefixes_wins() {
        for prefixes in [p(&["a/", "*"]), p(&["", "a/"])] {
            assert_eq!(
                Permission::ReadOnly.statements("b", &prefixes),
                Permission::ReadOnly.statements("b", &[]),
                "{prefixes:?}"
            );
        }
    }
}
