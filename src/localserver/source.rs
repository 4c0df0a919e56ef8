//! The real [`Source`]: AssumeRole on the tool's role with a session policy for one bucket,
//! as the original's `CredentialCache._generate_credentials` does.

use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;
use time::OffsetDateTime;

use super::cache::{FetchError, Log, Source, TempCredentials};
use crate::assume;
use crate::aws::Context;
use crate::error::Error;
use crate::output::{dumps, parse_aws_timestamp};
use crate::policies::{self, Permission};

/// How to resolve the server's own credentials again (the same options and
/// environment as at start).
pub(super) type Reopen = Box<dyn Fn() -> Result<Context, Error> + Send + Sync>;

/// What to ask AWS for.
pub struct AssumeRoleSource {
    /// The server's own credentials. From an assume-role, SSO or `aws login` profile
    /// they expire too (an hour by default), long before a server stops: then the
    /// context is resolved again, as botocore refreshes such credentials.
    ctx: Mutex<Context>,
    reopen: Option<Reopen>,
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
            ctx: Mutex::new(ctx),
            reopen: None,
            session_name: assume::session_name(&format!("s3.{}.{bucket}", permission.as_str())),
            policy: dumps(&policy, None),
            duration,
            log,
        }
    }
}

impl AssumeRoleSource {
    /// Resolve the context again with `reopen` when STS says its credentials expired.
    pub fn reopening_with(mut self, reopen: Reopen) -> Self {
        self.reopen = Some(reopen);
        self
    }

    fn fetch_with(&self, ctx: &Context) -> Result<TempCredentials, Error> {
        let requested = OffsetDateTime::now_utc();
        // Every time, as the original does: a role deleted while the server runs comes back.
        let (role_arn, created) = assume::ensure_role(ctx)?;
        let role = assume::assume(
            ctx,
            &role_arn,
            &self.session_name,
            &self.policy,
            self.duration,
            created,
            &mut |message| (self.log)(message),
        )?;
        let credentials = TempCredentials {
            access_key_id: role.access_key_id.unwrap_or_default(),
            secret_access_key: role.secret_access_key.map(String::from).unwrap_or_default(),
            session_token: role.session_token.map(String::from).unwrap_or_default(),
            // A response without a readable Expiration (never seen from AWS): assume the
            // full duration from when we asked, which is no later than the real one.
            expiration: role
                .expiration
                .as_ref()
                .and_then(|t| parse_aws_timestamp(&t.0))
                .unwrap_or(requested + Duration::from_secs(self.duration)),
        };
        if credentials.access_key_id.is_empty() || credentials.secret_access_key.is_empty() {
            return Err(Error::transport(
                "The AssumeRole response holds no credentials",
            ));
        }
        Ok(credentials)
    }
}

/// Codes STS and IAM answer for credentials whose session has ended.
fn expired(e: &Error) -> bool {
    matches!(
        e.code(),
        Some("ExpiredToken" | "ExpiredTokenException" | "RequestExpired")
    )
}

impl Source for AssumeRoleSource {
    fn fetch(&self) -> Result<TempCredentials, FetchError> {
        // One fetch at a time holds the context (the cache asks for one AssumeRole at
        // a time anyway).
        let mut ctx = self.ctx.lock().unwrap_or_else(|e| e.into_inner());
        match self.fetch_with(&ctx) {
            Err(e) if expired(&e) && self.reopen.is_some() => {
                (self.log)("The server's own credentials expired; resolving them again");
                let reopen = self.reopen.as_ref().expect("checked above");
                *ctx = reopen()?;
                Ok(self.fetch_with(&ctx)?)
            }
            other => Ok(other?),
        }
    }
}
