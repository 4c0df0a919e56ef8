//! `localserver`: check the bucket, fetch the first credentials, then serve them until
//! Ctrl-C or SIGTERM. The serving itself lives in `crate::localserver`.

use std::ffi::OsString;
use std::sync::Arc;
use std::time::Duration;

use super::args::{Args, io_reason};
use super::echo_err;
use super::{CommandError, Failure};
use crate::aws::config::{Env, ProcessEnv};
use crate::localserver::server::{self, Server, log_time};
use crate::localserver::{App, AssumeRoleSource, Cause, CredentialCache, Guard, Log, SystemClock};
use crate::policies::Permission;

/// The original's defaults.
const DEFAULT_PORT: i64 = 8094;
const DEFAULT_HOST: &str = "localhost";
/// Where the token comes from when `--token` is not given.
pub(super) const TOKEN_ENV: &str = "S3_CREDENTIALS_TOKEN";
/// Tests only: the time a client has to send its request head, in ms (default 5 s).
const READ_TIMEOUT_ENV: &str = "S3_CREDENTIALS_LOCALSERVER_READ_TIMEOUT_MS";
/// How long a revocation check stands (tests set it to 0 to see each one).
const REVOCATION_CHECK_ENV: &str = "S3_CREDENTIALS_REVOCATION_CHECK_MS";

/// `localserver BUCKET --duration D`: serve credentials until Ctrl-C or SIGTERM.
pub(super) fn run(args: Args) -> Result<(), Failure> {
    let Args {
        bucket,
        read_only,
        write_only,
        port,
        host,
        prefixes,
        statements,
        duration,
        token,
        aws,
        ..
    } = args;
    if read_only && write_only {
        return Err(CommandError::ReadOnlyAndWriteOnly.into());
    }
    let permission = Permission::from_flags(read_only, write_only);
    let port = port.unwrap_or(DEFAULT_PORT);
    let host = host.unwrap_or_else(|| DEFAULT_HOST.to_string());
    let duration = duration
        .ok_or_else(|| Failure::usage("localserver", "Missing option '-d' / '--duration'."))?;
    if token.as_deref().is_some_and(|t| !valid_token(t)) {
        let message = format!("Invalid value for '--token': {TOKEN_RULE}");
        return Err(Failure::usage("localserver", message));
    }
    let options = aws.options();
    let token = match token {
        Some(t) => Some(t),
        None => token_from_env(&ProcessEnv)?,
    };
    let ctx = crate::aws::Context::new(&options)?;
    if !ctx.s3().check_bucket(&bucket)? {
        return Err(CommandError::LocalserverBucketMissing(bucket).into());
    }

    let stderr: Log = Arc::new(|line| echo_err(line));
    let source = AssumeRoleSource::new(
        ctx,
        &bucket,
        permission,
        &prefixes,
        &statements,
        duration,
        stderr.clone(),
    )
    .reopening_with(Box::new(move || crate::aws::Context::new(&options)));
    let source = match crate::aws::config::millis(&ProcessEnv, REVOCATION_CHECK_ENV) {
        Some(every) => source.checking_revocation_every(every),
        None => source,
    };
    let lifetime = Duration::from_secs(duration);
    let cache = CredentialCache::new(Box::new(source), Box::new(SystemClock), lifetime);

    // As the original: credentials first, so that a role or policy problem shows now,
    // and every failure to start reads "Failed to start server: ...".
    echo_err("Generating initial credentials...");
    cache.get().map_err(|e| match crate::interrupt::check() {
        // Ctrl-C while fetching: click's Aborted!, not a failure to start.
        Err(stop) => Failure::from(stop),
        // The command's own stderr: the detail, as the original shows it (redacted).
        Ok(()) if e.cause == Cause::Fetch => failed(e.detail),
        Ok(()) => failed(format!("{}: {}", e.public(), e.detail)),
    })?;
    let timestamped: Log = Arc::new(|line| {
        echo_err(format!(
            "{} - {line}",
            log_time(time::OffsetDateTime::now_utc())
        ))
    });
    let cache = cache.with_log(timestamped.clone());

    // Python's bind() refuses these with this message.
    let port = u16::try_from(port).map_err(|_| failed("bind(): port must be 0-65535."))?;
    let addr = server::resolve(&host, port).map_err(failed_io)?;
    let mut listener = Server::bind(addr).map_err(failed_io)?;
    if let Some(timeout) = crate::aws::config::millis(&ProcessEnv, READ_TIMEOUT_ENV) {
        listener = listener.with_read_timeout(timeout);
    }
    let bound = listener.local_addr().map_err(failed_io)?;
    if !bound.ip().is_loopback() {
        let advice = if token.is_some() {
            ""
        } else {
            "; use --token to require a shared secret"
        };
        echo_err(format!(
            "Warning: listening on {}, which is not a loopback address: anyone who can reach port {} can fetch these credentials{advice}",
            bound.ip(),
            bound.port()
        ));
    }
    echo_err(format!(
        "Serving {} credentials for bucket '{bucket}' at http://{}:{}/",
        permission.as_str(),
        url_host(&host),
        bound.port()
    ));
    echo_err(format!("Duration: {duration} seconds"));
    echo_err("Press Ctrl+C to stop");

    let app = Arc::new(App::new(cache, Guard::new(&host, token), timestamped));
    crate::interrupt::install();
    // The signal handler wakes the intake loop through its self-pipe: no polling.
    let wake = listener.waker().leak_fd().map_err(failed_io)?;
    crate::interrupt::wake_on_signal(wake);
    listener.run(app, crate::interrupt::flag(), stderr);
    super::echo_err_lines("\nShutting down server...");
    Ok(())
}

/// The token travels in a header, so it must be printable ASCII without surrounding
/// spaces.
fn valid_token(t: &str) -> bool {
    !t.is_empty() && t.trim() == t && t.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

const TOKEN_RULE: &str =
    "the token must be printable ASCII, not empty, without leading or trailing spaces";

/// Without `--token`: `S3_CREDENTIALS_TOKEN` (ignored when empty). One that cannot be
/// used is an error, never "no token": the user meant the server to require one.
fn token_from_env(env: &dyn Env) -> Result<Option<String>, CommandError> {
    match env.var_raw(TOKEN_ENV).map(OsString::into_string) {
        None => Ok(None),
        Some(Ok(t)) if t.is_empty() => Ok(None),
        Some(Ok(t)) if valid_token(&t) => Ok(Some(t)),
        Some(_) => Err(CommandError::BadTokenEnv {
            var: TOKEN_ENV,
            rule: TOKEN_RULE,
        }),
    }
}

/// The host as it appears in a URL: IPv6 literals in brackets.
fn url_host(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

fn failed(reason: impl std::fmt::Display) -> Failure {
    CommandError::ServerStart {
        reason: reason.to_string(),
        source: None,
    }
    .into()
}

/// An OSError as Python shows it: `[Errno 98] Address already in use`.
fn failed_io(e: std::io::Error) -> Failure {
    let reason = match e.raw_os_error() {
        Some(n) => format!("[Errno {n}] {}", io_reason(&e)),
        // A name that does not resolve: Python shows the resolver's reason alone.
        None => io_reason(&e)
            .trim_start_matches("failed to lookup address information: ")
            .to_string(),
    };
    CommandError::ServerStart {
        reason,
        source: Some(e),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::config::MapEnv;

    #[test]
    fn the_token_from_the_environment_is_checked_not_dropped() {
        let token = |value: Option<&str>| {
            let env = match value {
                Some(v) => MapEnv::from_pairs(&[(TOKEN_ENV, v)]),
                None => MapEnv::from_pairs(&[]),
            };
            token_from_env(&env)
        };
        assert_eq!(token(None).unwrap(), None);
        assert_eq!(token(Some("")).unwrap(), None);
        assert_eq!(
            token(Some("s3cret two")).unwrap().as_deref(),
            Some("s3cret two")
        );
        for bad in [" padded", "tab\there", "caf\u{e9}"] {
            let e = token(Some(bad)).unwrap_err().to_string();
            assert!(
                e.starts_with("S3_CREDENTIALS_TOKEN: the token must be"),
                "{e}"
            );
        }
    }
}
