//! The access key step of `create` (no `--duration`): CreateAccessKey, and the options
//! around it that the original lacks. `--delete-oldest-key` makes room when the user
//! already has IAM's two keys; `--wait` holds the output until the new key works
//! (IAM takes seconds to spread one); `--deactivate-existing-keys` turns the user's
//! other keys off once the new one is made (key rotation).

use std::time::{Duration, Instant};

use super::error::ProvisionError;
use crate::aws::iam::{AccessKey, KeyStatus};
use crate::aws::{Context, Credentials};
use crate::error::Error;

/// What the key options asked for.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct KeyOptions {
    pub deactivate_existing: bool,
    pub delete_oldest: bool,
    pub wait: bool,
}

/// The codes a key that IAM has not spread yet gets: STS's and S3's words for it.
const NOT_YET_KNOWN: &[&str] = &["InvalidClientTokenId", "InvalidAccessKeyId"];

/// CreateAccessKey for `user`; with `delete_oldest`, when IAM refuses a third key, the
/// older key is deleted and the call made again. `log` gets the progress lines and
/// `created` what is left in place should a later step fail.
pub(super) fn create_key(
    ctx: &Context,
    user: &str,
    options: KeyOptions,
    log: &dyn Fn(&str),
    created: &mut Vec<String>,
) -> Result<AccessKey, Error> {
    let iam = ctx.iam();
    let key = match iam.create_access_key(user) {
        Err(Error::Aws(refusal)) if refusal.code == "LimitExceeded" => {
            let two_keys = || ProvisionError::TwoKeys {
                user: user.to_string(),
                refusal: refusal.clone(),
            };
            if !options.delete_oldest {
                return Err(two_keys().into());
            }
            let keys = iam.list_access_keys(user)?;
            // By time; a key without a readable CreateDate counts as the oldest.
            let oldest = keys
                .iter()
                .min_by_key(|k| {
                    k.create_date
                        .as_ref()
                        .and_then(|t| crate::output::parse_aws_timestamp(&t.0))
                })
                .map(|k| field(&k.access_key_id).to_string())
                .ok_or_else(two_keys)?;
            iam.delete_access_key(user, &oldest)?;
            log(&format!(
                "Deleted the oldest access key of user {user}: {oldest}"
            ));
            iam.create_access_key(user)?
        }
        other => other?,
    };
    let id = field(&key.access_key_id).to_string();
    crate::error::register_secret(field(&key.secret_access_key));
    created.push(format!("access key {id} of user {user}"));
    Ok(key)
}

/// `--deactivate-existing-keys`: every other Active key of `user` becomes Inactive.
pub(super) fn deactivate_others(
    ctx: &Context,
    user: &str,
    keep: &str,
    log: &dyn Fn(&str),
) -> Result<(), Error> {
    let iam = ctx.iam();
    for key in iam.list_access_keys(user)? {
        let id = field(&key.access_key_id);
        if id != keep && field(&key.status) == "Active" {
            iam.update_access_key(user, id, KeyStatus::Inactive)?;
            log(&format!("Deactivated access key {id} of user {user}"));
        }
    }
    Ok(())
}

/// The pause between checks: 1 s, or `S3_CREDENTIALS_KEY_WAIT_BASE_MS` milliseconds
/// (tests make it small). Checking stops after 60 pauses (a minute by default).
fn wait_base() -> Duration {
    let env = crate::aws::config::ProcessEnv;
    crate::aws::config::millis(&env, "S3_CREDENTIALS_KEY_WAIT_BASE_MS")
        .unwrap_or(Duration::from_secs(1))
}

/// `--wait`: GetCallerIdentity with the new key until STS accepts it. One line on
/// stderr when it has to wait (even with --silent: a silent minute looks like a hang).
/// Returns how many checks were refused.
pub(super) fn wait_until_usable(
    ctx: &Context,
    key: &AccessKey,
    notice: &dyn Fn(&str),
) -> Result<u32, Error> {
    let credentials = Credentials {
        access_key_id: field(&key.access_key_id).to_string(),
        secret_access_key: field(&key.secret_access_key).to_string(),
        session_token: None,
    };
    let base = wait_base();
    let deadline = Instant::now() + base * 60;
    let mut refused = 0;
    loop {
        match ctx.sts().get_caller_identity_with(&credentials) {
            Ok(_) => return Ok(refused),
            Err(Error::Aws(refusal)) if NOT_YET_KNOWN.contains(&refusal.code.as_str()) => {
                // Full jitter around the base, as the retries do: 0.5x to 1.5x.
                let pause = base.mul_f64(0.5 + crate::aws::http::jitter());
                if Instant::now() + pause >= deadline {
                    return Err(ProvisionError::KeyStillRefused {
                        access_key_id: credentials.access_key_id,
                        waited: base * 60,
                        refusal,
                    }
                    .into());
                }
                if refused == 0 {
                    notice(&format!(
                        "Waiting for the new access key {} to work (IAM is still spreading it)...",
                        credentials.access_key_id
                    ));
                }
                refused += 1;
                std::thread::sleep(pause);
            }
            Err(e) => return Err(e),
        }
    }
}

/// A string member of a response (empty when absent).
fn field(member: &Option<impl AsRef<str>>) -> &str {
    member.as_ref().map_or("", AsRef::as_ref)
}
