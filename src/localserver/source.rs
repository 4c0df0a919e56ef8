//! The real [`Source`]: AssumeRole on the tool's role with a session policy for one bucket,
//! as the original's `CredentialCache._generate_credentials` does.

use std::time::Duration;

use serde_json::Value;
use time::OffsetDateTime;

use super::cache::{Log, Source, TempCredentials};
use crate::assume;
use crate::aws::Context;
use crate::output::{dumps, parse_aws_timestamp};
use crate::policies::{self, Permission};

/// What to ask AWS for.
pub struct AssumeRoleSource {
    ctx: Context,
    /// `s3.{permission}.{bucket}`, made valid for AWS.
    session_name: String,
    /// The session policy as sent (`json.dumps(policy)`: compact, original key order).
    policy: String,
    duration: u64,
    log: Log,
}

impl AssumeRoleSource {
    /// The original's `_generate_policy`: the permission's statements for the bucket and
    /// prefixes (every `--prefix`), then the extra statements as given.
    pub fn new(
        ctx: Context,
        bucket: &str,
        permission: Permission,
        prefixes: &[String],
        extra_statements: &[Value],
        duration: u64,
        log: Log,
    ) -> Self {
        let policy = policies::bucket_policy(permission, bucket, prefixes, extra_statements);
        AssumeRoleSource {
            ctx,
            session_name: assume::session_name(&format!("s3.{}.{bucket}", permission.as_str())),
            policy: dumps(&policy, None),
            duration,
            log,
        }
    }
}

impl Source for AssumeRoleSource {
    fn fetch(&self) -> Result<TempCredentials, String> {
        let requested = OffsetDateTime::now_utc();
        // Every time, as the original does: a role deleted while the server runs comes back.
        let (role_arn, created) = assume::ensure_role(&self.ctx).map_err(|e| e.to_string())?;
        let role = assume::assume(
            &self.ctx,
            &role_arn,
            &self.session_name,
            &self.policy,
            self.duration,
            created,
            &mut |message| (self.log)(message),
        )
        .map_err(|e| e.to_string())?;
        let text = |name: &str| role.json[name].as_str().unwrap_or_default().to_string();
        let credentials = TempCredentials {
            access_key_id: text("AccessKeyId"),
            secret_access_key: text("SecretAccessKey"),
            session_token: text("SessionToken"),
            // A response without a readable Expiration (never seen from AWS): assume the
            // full duration from when we asked, which is no later than the real one.
            expiration: parse_aws_timestamp(&role.expiration)
                .unwrap_or(requested + Duration::from_secs(self.duration)),
        };
        if credentials.access_key_id.is_empty() || credentials.secret_access_key.is_empty() {
            return Err("The AssumeRole response holds no credentials".to_string());
        }
        Ok(credentials)
    }
}
