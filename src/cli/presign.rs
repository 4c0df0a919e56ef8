//! `presign BUCKET KEY`: print a presigned URL for one object (not in the original).

use time::OffsetDateTime;

use super::args::Args;
use super::{CommandError, Failure};
use crate::aws::AwsOptions;
use crate::aws::config::{Env, ProcessEnv};
use crate::aws::s3::presign::MAX_EXPIRES;
use crate::output::{parse_aws_timestamp, py_datetime};

const DEFAULT_EXPIRES: i64 = 3600;

pub(super) fn run(args: Args) -> Result<(), Failure> {
    let requested = expires_in(args.expires_in.unwrap_or(DEFAULT_EXPIRES))?;
    let method = args.method.as_deref().unwrap_or("GET");
    let Args {
        bucket, key, aws, ..
    } = &args;
    let aws = aws.options();
    let ctx = super::context(&aws)?;
    let now = ctx.session().http.now();
    let expires = match credentials_expiry(&aws, &ProcessEnv) {
        Some(at) => within_credentials(requested, at, now)?,
        None => requested,
    };
    let url = ctx.s3().presigned_url(method, bucket, key, expires, now);
    Ok(super::echo(url)?)
}

/// click.IntRange(1, 604800)'s check, in its words.
fn expires_in(seconds: i64) -> Result<u64, Failure> {
    match u64::try_from(seconds) {
        Ok(s) if (1..=MAX_EXPIRES).contains(&s) => Ok(s),
        _ => Err(Failure::usage(
            "presign",
            format!(
                "Invalid value for '--expires-in': {seconds} is not in the range 1<=x<={MAX_EXPIRES}."
            ),
        )),
    }
}

/// When the signing credentials stop working, where the source says so: an `--auth`
/// JSON file's `Expiration` (what `create --duration` and `localserver` print), or
/// botocore's `AWS_CREDENTIAL_EXPIRATION` for keys taken from the environment.
fn credentials_expiry(aws: &AwsOptions, env: &dyn Env) -> Option<OffsetDateTime> {
    let given = &aws.auth;
    if let Some(text) = &given.auth_content {
        let value: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
        return parse_expiration(value.get("Expiration")?.as_str()?);
    }
    let keys_on_command_line = [&given.access_key, &given.secret_key, &given.session_token]
        .iter()
        .any(|o| o.is_some());
    if keys_on_command_line || env.var("AWS_ACCESS_KEY_ID").is_none() {
        return None;
    }
    parse_expiration(&env.var("AWS_CREDENTIAL_EXPIRATION")?)
}

/// ISO 8601, with `T` or (as Python's `str(datetime)` prints it) a space.
fn parse_expiration(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    match text.get(10..11) {
        Some(" ") => parse_aws_timestamp(&format!("{}T{}", &text[..10], &text[11..])),
        _ => parse_aws_timestamp(text),
    }
}

/// The URL cannot work once its credentials have expired, so it never claims to:
/// cut short (with a warning) when they expire first, refused when they already have.
fn within_credentials(
    requested: u64,
    expiry: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<u64, CommandError> {
    let left = (expiry - now).whole_seconds();
    if left < 1 {
        return Err(CommandError::CredentialsExpired(expiry));
    }
    let left = left as u64;
    if left < requested {
        super::echo_err(format!(
            "Warning: the credentials expire at {} (in {left} seconds), before the {requested} seconds asked for; the URL is valid for {left} seconds",
            py_datetime(expiry)
        ));
        return Ok(left);
    }
    Ok(requested)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn expiry_is_one_second_to_a_week() {
        assert_eq!(expires_in(1).unwrap(), 1);
        assert_eq!(expires_in(604_800).unwrap(), 604_800);
        for bad in [0, -5, 604_801] {
            let message = expires_in(bad).unwrap_err().to_string();
            assert!(
                message.contains(&format!("{bad} is not in the range 1<=x<=604800.")),
                "{message}"
            );
        }
    }

    #[test]
    fn expirations_as_create_and_localserver_print_them() {
        let at = datetime!(2026-11-28 23:12:40 UTC);
        assert_eq!(parse_expiration("2026-11-28 23:12:40+00:00"), Some(at));
        assert_eq!(parse_expiration("2026-11-28T23:12:40Z"), Some(at));
        assert_eq!(
            parse_expiration("2026-11-28T23:12:40.500000+00:00"),
            Some(at + time::Duration::milliseconds(500))
        );
        assert_eq!(parse_expiration("soon"), None);
    }

    #[test]
    fn urls_never_outlast_their_credentials() {
        let now = datetime!(2026-11-28 23:00:00 UTC);
        let in_10m = now + time::Duration::minutes(10);
        assert_eq!(within_credentials(3600, in_10m, now).unwrap(), 600);
        assert_eq!(within_credentials(60, in_10m, now).unwrap(), 60);
        let err = within_credentials(60, now, now).unwrap_err().to_string();
        assert!(
            err.contains("expired at 2026-11-28 23:00:00+00:00"),
            "{err}"
        );
    }
}
