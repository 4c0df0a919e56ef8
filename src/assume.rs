//! Temporary credentials: make sure the `s3-credentials.AmazonS3FullAccess` role
//! exists, then AssumeRole with a session policy that narrows it. Shared by
//! `create --duration` and `localserver`.

use std::time::{Duration, Instant};

use crate::aws::Context;
use crate::aws::sts::AssumedRole;
use crate::error::Error;
use crate::output::dumps;
use crate::policies;

pub(crate) const ROLE_NAME: &str = "s3-credentials.AmazonS3FullAccess";
const ROLE_DESCRIPTION: &str = "Role used by the s3-credentials tool to create time-limited credentials that are restricted to specific buckets";
const S3_FULL_ACCESS: &str = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
/// The role allows sessions of up to 12 hours, the longest `--duration` accepts.
const MAX_SESSION: u64 = 12 * 60 * 60;

/// The role's ARN, creating the role (trusting the account root, with
/// AmazonS3FullAccess attached) when it does not exist. Returns whether it was
/// created just now.
pub(crate) fn ensure_role(ctx: &Context) -> Result<(String, bool), Error> {
    ensure_role_noting(ctx, &[], &mut |_| {})
}

/// [`ensure_role`], telling `created` about each change as soon as it is made
/// (`"role NAME"`, `"policy ARN attached to role NAME"`), so that a caller can say
/// what was left behind when a later step fails. `tags` go on the role only when it
/// is created here; an existing role keeps its own.
pub(crate) fn ensure_role_noting(
    ctx: &Context,
    tags: &[(String, String)],
    created: &mut dyn FnMut(String),
) -> Result<(String, bool), Error> {
    let account = ctx.sts().account_id()?;
    let iam = ctx.iam();
    if let Some(arn) = iam.get_role_arn(ROLE_NAME)? {
        return Ok((arn, false));
    }
    let trust = dumps(&policies::assume_role_trust_policy(&account), None);
    let arn = iam.create_role(ROLE_NAME, ROLE_DESCRIPTION, &trust, MAX_SESSION, tags)?;
    created(format!("role {ROLE_NAME}"));
    iam.attach_role_policy(ROLE_NAME, S3_FULL_ACCESS)?;
    created(format!(
        "policy {S3_FULL_ACCESS} attached to role {ROLE_NAME}"
    ));
    Ok((arn, true))
}

/// The first wait before retrying AssumeRole on a new role: 2 s, or
/// `S3_CREDENTIALS_ASSUME_RETRY_BASE_MS` milliseconds (tests set it small so that the
/// retry path runs in milliseconds). Each later wait doubles, up to 8 times the first,
/// and retrying stops after 30 times the first wait (a minute by default).
fn first_retry_delay() -> Duration {
    let env = crate::aws::config::ProcessEnv;
    crate::aws::config::millis(&env, "S3_CREDENTIALS_ASSUME_RETRY_BASE_MS")
        .unwrap_or(Duration::from_secs(2))
}

/// `2s`, or `250ms` for waits that are not whole seconds.
pub(crate) fn show_delay(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// AssumeRole, retrying with backoff while IAM has not yet propagated a new role
/// (AWS answers AccessDenied for some seconds after CreateRole). `log` receives
/// the waiting messages (stderr in the CLI).
pub(crate) fn assume(
    ctx: &Context,
    role_arn: &str,
    session_name: &str,
    policy: &str,
    duration: u64,
    role_is_new: bool,
    log: &mut dyn FnMut(&str),
) -> Result<AssumedRole, Error> {
    let started = Instant::now();
    let first = first_retry_delay();
    let limit = first * 30;
    let mut delay = first;
    loop {
        match ctx
            .sts()
            .assume_role(role_arn, session_name, policy, duration)
        {
            Ok(role) => return Ok(role),
            Err(e)
                if role_is_new
                    && e.code() == Some("AccessDenied")
                    && started.elapsed() + delay < limit =>
            {
                log(&format!(
                    "Role {role_arn} is not assumable yet (IAM is still propagating it); retrying in {}",
                    show_delay(delay)
                ));
                // Ctrl-C ends the wait at once.
                crate::interrupt::sleep(delay)?;
                delay = (delay * 2).min(first * 8);
            }
            Err(e) => return Err(e),
        }
    }
}

/// RoleSessionName allows `[\w+=,.@-]`, 2 to 64 characters; the original passes
/// `s3.read-only.bucket1,bucket2` unchanged and STS rejects long bucket lists.
/// A name that fits is kept as the original makes it (other characters become `-`).
/// A longer one keeps its first 55 characters and ends in `-` and 8 hex digits of
/// the SHA-256 of the whole name: the same buckets always give the same name, and
/// different lists sharing a beginning still get different names.
pub(crate) fn session_name(name: &str) -> String {
    const LIMIT: usize = 64;
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    if cleaned.len() <= LIMIT {
        return cleaned;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(name.as_bytes());
    // Only ASCII is left, so any byte index is a character boundary.
    format!("{}-{}", &cleaned[..LIMIT - 9], hex::encode(&digest[..4]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_stay_valid() {
        assert_eq!(session_name("s3.read-only.a,b"), "s3.read-only.a,b");
        assert_eq!(session_name("s3.custom.ü"), "s3.custom.-");
        let fits = format!("s3.read-write.{}", "b".repeat(50));
        assert_eq!(fits.len(), 64);
        assert_eq!(session_name(&fits), fits);
    }

    #[test]
    fn long_session_names_are_shortened_stably() {
        let buckets: Vec<String> = (0..10).map(|i| format!("bucket-number-{i}")).collect();
        let long = format!("s3.read-only.{}", buckets.join(","));
        let short = session_name(&long);
        assert_eq!(short.len(), 64);
        assert!(short.starts_with(&long[..55]), "{short}");
        assert_eq!(&short[55..56], "-");
        assert!(
            short[56..].bytes().all(|b| b.is_ascii_hexdigit()),
            "{short}"
        );
        // Stable, and different for another list with the same beginning.
        assert_eq!(session_name(&long), short);
        assert_ne!(session_name(&format!("{long},more")), short);
    }

    #[test]
    fn delays_are_shown_in_whole_units() {
        assert_eq!(show_delay(Duration::from_secs(4)), "4s");
        assert_eq!(show_delay(Duration::from_millis(20)), "20ms");
    }
}
