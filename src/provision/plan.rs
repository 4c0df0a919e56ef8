//! What `create` will do, worked out in full before anything is sent: names, the
//! permissions boundary, each bucket's inline policy and the session policy.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::error::ProvisionError;
use super::keys::KeyOptions;
use crate::assume;
use crate::error::Error;
use crate::lifecycle::expires as expiry;
use crate::output::dumps;
use crate::policies::{self, Permission};

/// Replaced by each bucket's name in a `--policy` document.
pub(super) const BUCKET_PLACEHOLDER: &str = "$!BUCKET_NAME!$";
const BOUNDARY_READ_ONLY: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const BOUNDARY_FULL: &str = "arn:aws:iam::aws:policy/AmazonS3FullAccess";

/// What was asked for, as the command line gives it (already converted, not yet
/// combined).
#[derive(Default)]
pub(crate) struct Request {
    pub buckets: Vec<String>,
    pub permission: Permission,
    /// A `--policy` document's text, with [`BUCKET_PLACEHOLDER`] in it.
    pub policy: Option<String>,
    /// Extra `--statement`s.
    pub statements: Vec<Value>,
    pub prefixes: Vec<String>,
    /// `--user-permissions-boundary`: an ARN, `none`, or empty/absent for the default.
    pub boundary: Option<String>,
    pub username: Option<String>,
    /// `--duration`: temporary credentials for this many seconds instead of a user.
    pub duration: Option<u64>,
    pub create_bucket: bool,
    pub public: bool,
    pub website: bool,
    pub bucket_region: Option<String>,
    pub tags: Vec<(String, String)>,
    /// `--expires`: every inline user policy denies everything after this time.
    pub expires: Option<OffsetDateTime>,
    pub keys: KeyOptions,
}

/// A checked request with every policy document built.
pub(crate) struct Plan {
    pub buckets: Vec<String>,
    pub duration: Option<u64>,
    pub username: String,
    pub create_bucket: bool,
    /// `--public`, or implied by `--website`.
    pub public: bool,
    pub website: bool,
    pub bucket_region: Option<String>,
    /// The permissions boundary for a new user; None for `none`.
    pub boundary: Option<String>,
    /// `s3.<word>.<bucket>`: the permission, or `custom` with --policy/--statement.
    pub name_word: &'static str,
    /// (policy name, document) of each bucket's inline user policy.
    pub user_policies: Vec<(String, Value)>,
    /// The session policy for AssumeRole, covering every bucket.
    pub session_policy: Value,
    /// `--tag`s for what this run creates: the user, the role, the buckets.
    pub tags: Vec<(String, String)>,
    pub keys: KeyOptions,
}

impl Plan {
    pub(crate) fn new(request: Request) -> Result<Plan, Error> {
        let Request {
            buckets,
            permission,
            policy,
            statements,
            prefixes,
            boundary,
            username,
            duration,
            create_bucket,
            public,
            website,
            bucket_region,
            tags,
            expires,
            keys,
        } = request;
        let custom = policy.is_some() || !statements.is_empty();
        let name_word = if custom {
            "custom"
        } else {
            permission.as_str()
        };

        let mut user_policies = Vec::with_capacity(buckets.len());
        for bucket in &buckets {
            let document = match &policy {
                Some(text) => substitute(text, bucket)?,
                None => policies::bucket_policy(permission, bucket, &prefixes, &statements),
            };
            user_policies.push((format!("s3.{name_word}.{bucket}"), document));
        }
        let session_policy = match &policy {
            Some(text) => session_policy_from(text, &buckets, &user_policies)?,
            None => policies::buckets_policy(permission, &buckets, &prefixes, &statements),
        };
        // The expiry goes on every bucket's policy (so deleting one of them does not
        // lift it), last; never on the session policy (`--duration` is refused with it).
        if let Some(at) = expires {
            for (_, document) in &mut user_policies {
                *document = expiry::with_expiry(document, at);
            }
        }

        // --policy and --statement grant more than S3 access, so a default boundary
        // would undo them: they imply `none` unless a boundary is given.
        let boundary = match boundary.filter(|b| !b.is_empty()) {
            Some(b) if b == "none" => None,
            Some(b) => Some(b),
            None if custom => None,
            None if permission == Permission::ReadOnly => Some(BOUNDARY_READ_ONLY.to_string()),
            // Writing needs full access (write-only included).
            None => Some(BOUNDARY_FULL.to_string()),
        };
        let username = username
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| format!("s3.{name_word}.{}", buckets.join(",")));
        Ok(Plan {
            duration,
            username,
            create_bucket,
            public: public || website,
            website,
            bucket_region: bucket_region.filter(|r| !r.is_empty()),
            boundary,
            name_word,
            user_policies,
            session_policy,
            buckets,
            tags,
            keys,
        })
    }

    /// `user: 'NAME' with permissions boundary: 'ARN'`, after "Created " / "Would create".
    pub(crate) fn user_info(&self) -> String {
        let mut info = format!(" user: '{}'", self.username);
        if let Some(b) = &self.boundary {
            info.push_str(&format!(" with permissions boundary: '{b}'"));
        }
        info
    }

    /// The tags as `--dry-run` and the progress lines show them: `{"key": "value"}`.
    pub(crate) fn tags_json(&self) -> String {
        let mut map = Map::new();
        for (key, value) in &self.tags {
            map.insert(key.clone(), Value::String(value.clone()));
        }
        dumps(&Value::Object(map), None)
    }

    pub(crate) fn session_name(&self) -> String {
        assume::session_name(&format!("s3.{}.{}", self.name_word, self.buckets.join(",")))
    }
}

/// The `--policy` text with the placeholder replaced, parsed. The text was valid
/// JSON, but a bucket name with `"` or `\` in it can break it.
pub(super) fn substitute(text: &str, bucket: &str) -> Result<Value, ProvisionError> {
    serde_json::from_str(&text.replace(BUCKET_PLACEHOLDER, bucket)).map_err(|source| {
        ProvisionError::PolicyBrokenBy {
            bucket: bucket.to_string(),
            source,
        }
    })
}

/// The session policy for `--policy`. The original substitutes only the last
/// bucket, so temporary credentials for several buckets could reach only one of
/// them. Here, when the placeholder is used with several buckets, the statements of
/// every bucket's document are combined into one (duplicates dropped). A document
/// without a `Statement` cannot be combined and is used for the last bucket, as the
/// original does.
pub(super) fn session_policy_from(
    text: &str,
    buckets: &[String],
    per_bucket: &[(String, Value)],
) -> Result<Value, ProvisionError> {
    let last = || match buckets.last() {
        Some(bucket) => substitute(text, bucket),
        None => serde_json::from_str(text).map_err(ProvisionError::PolicyNotJson),
    };
    if buckets.len() < 2 || !text.contains(BUCKET_PLACEHOLDER) {
        return last();
    }
    let mut statements: Vec<Value> = Vec::new();
    for (_, document) in per_bucket {
        let items = match document.get("Statement") {
            Some(Value::Array(items)) => items.clone(),
            Some(one @ Value::Object(_)) => vec![one.clone()],
            _ => return last(),
        };
        for item in items {
            if !statements.contains(&item) {
                statements.push(item);
            }
        }
    }
    let mut combined = per_bucket[0].1.clone();
    if let Some(object) = combined.as_object_mut() {
        object.insert("Statement".to_string(), Value::Array(statements));
    }
    Ok(combined)
}
