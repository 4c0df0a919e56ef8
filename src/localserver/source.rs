//! The real [`Source`]: AssumeRole on the tool's role with a session policy for one bucket,
//! as the original's `CredentialCache._generate_credentials` does.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use time::OffsetDateTime;

use super::cache::{FetchError, Log, Revocation, Source, TempCredentials};
use crate::assume;
use crate::aws::Context;
use crate::error::Error;
use crate::lifecycle::revoke;
use crate::output::{dumps, parse_aws_timestamp};
use crate::policies::{self, Permission};

/// How to resolve the server's own credentials again (the same options and
/// environment as at start).
pub(super) type Reopen = Box<dyn Fn() -> Result<Context, Error> + Send + Sync>;

/// What to ask AWS for.
pub struct AssumeRoleSource {
    /// The server's own credentials. From an assume-role, SSO or `aws login` profile
    /// they expire too (an hour by default), long before a server stops: then the
    /// context is resolved again, as botocore refreshes such credentials. Shared, so
    /// that a revocation check need not wait for a fetch holding it.
    ctx: Mutex<Arc<Context>>,
    reopen: Option<Reopen>,
    /// `s3.{permission}.{bucket}`, made valid for AWS.
    session_name: String,
    /// The session policy as sent (`json.dumps(policy)`: compact, original key order).
    policy: String,
    duration: u64,
    log: Log,
    /// The last set made: its key id, and the local time just before it was asked
    /// for (never later than AWS's issue time, so a revocation after it is seen).
    issued: Mutex<Option<(String, OffsetDateTime)>>,
    /// Whether to check for revocations: until the server's own credentials may not
    /// read the role's policy (AccessDenied), for the rest of the server's life.
    checking: AtomicBool,
    /// A failed check was logged; again only once a check has worked in between.
    warned: AtomicBool,
    /// How long an answer about revocation stands: requests in between reuse it, so
    /// that a busy server does not make one IAM call per request, nor wait on IAM's
    /// retries for each while IAM is failing. AWS itself takes seconds to apply a
    /// revocation.
    recheck: Duration,
    /// When the role's policy was last asked for, and what it said (`None` inside:
    /// no revocation; a failed check stands as "no answer" until the next).
    last_check: Mutex<Option<(Instant, Option<OffsetDateTime>)>>,
}

/// How long a revocation check stands unless `S3_CREDENTIALS_REVOCATION_CHECK_MS`
/// says otherwise.
const REVOCATION_RECHECK: Duration = Duration::from_secs(10);

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
            ctx: Mutex::new(Arc::new(ctx)),
            reopen: None,
            session_name: assume::session_name(&format!("s3.{}.{bucket}", permission.as_str())),
            policy: dumps(&policy, None),
            duration,
            log,
            issued: Mutex::new(None),
            checking: AtomicBool::new(true),
            warned: AtomicBool::new(false),
            recheck: REVOCATION_RECHECK,
            last_check: Mutex::new(None),
        }
    }

    /// Ask the role's policy again only after `every` (tests: at once).
    pub fn checking_revocation_every(mut self, every: Duration) -> Self {
        self.recheck = every;
        self
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
        *lock(&self.issued) = Some((credentials.access_key_id.clone(), requested));
        Ok(credentials)
    }

    /// The server's own context, for one call (a fetch may replace it meanwhile).
    fn context(&self) -> Arc<Context> {
        lock(&self.ctx).clone()
    }

    /// When the role's `AWSRevokeOlderSessions` policy revokes sessions issued before
    /// (`None`: no policy, or no revocation in it). One GetRolePolicy.
    fn revoked_before(&self) -> Result<Option<OffsetDateTime>, Error> {
        let (document, _) = self
            .context()
            .iam()
            .role_policy_at(revoke::ROLE_NAME, revoke::POLICY_NAME)?;
        Ok(document.as_ref().and_then(revoke::revoked_before))
    }
}

/// A lock whose data stays consistent even if a holder panicked (each is one
/// assignment).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
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
        // The cache runs one fetch at a time, so only a fetch replaces the context;
        // revocation checks meanwhile use the one they found.
        let ctx = self.context();
        match self.fetch_with(&ctx) {
            Err(e) if expired(&e) && self.reopen.is_some() => {
                (self.log)("The server's own credentials expired; resolving them again");
                let reopen = self.reopen.as_ref().expect("checked above");
                let ctx = Arc::new(reopen()?);
                *lock(&self.ctx) = ctx.clone();
                Ok(self.fetch_with(&ctx)?)
            }
            other => Ok(other?),
        }
    }

    /// GetRolePolicy with the server's own credentials: a set asked for before the
    /// role's revocation time is dead on AWS (revoke-sessions, or the console's "Revoke
    /// active sessions"). Probing with the set itself would not do: a write-only
    /// session may read nothing cheaply, and GetCallerIdentity ignores every Deny.
    fn revoked(&self, creds: &TempCredentials) -> Revocation {
        if !self.checking.load(Ordering::Relaxed) {
            return Revocation::No;
        }
        let requested = match &*lock(&self.issued) {
            Some((key, requested)) if *key == creds.access_key_id => *requested,
            // Not the last set made here: nothing to compare with.
            _ => return Revocation::No,
        };
        let judge = |before: Option<OffsetDateTime>| match before {
            Some(before) if revoke::is_revoked(requested, before) => Revocation::Revoked(before),
            _ => Revocation::No,
        };
        if let Some((at, before)) = *lock(&self.last_check)
            && at.elapsed() < self.recheck
        {
            return judge(before);
        }
        // Stamped before the call, so that requests meanwhile do not call too; a failed
        // check stands as "no revocation" until the next.
        *lock(&self.last_check) = Some((Instant::now(), None));
        match self.revoked_before() {
            Ok(before) => {
                *lock(&self.last_check) = Some((Instant::now(), before));
                self.warned.store(false, Ordering::Relaxed);
                judge(before)
            }
            Err(e) if matches!(e.code(), Some("AccessDenied" | "AccessDeniedException")) => {
                self.checking.store(false, Ordering::Relaxed);
                Revocation::Unknown(format!(
                    "Warning: these credentials may not read the role's {} policy \
                     (iam:GetRolePolicy: AccessDenied): credentials revoked with \
                     revoke-sessions are served until they expire",
                    revoke::POLICY_NAME
                ))
            }
            // Once per run of failures: a check is made for every request.
            Err(_) if self.warned.swap(true, Ordering::Relaxed) => Revocation::No,
            Err(e) => Revocation::Unknown(format!(
                "Could not check whether the credentials were revoked, serving them: {e}"
            )),
        }
    }
}
