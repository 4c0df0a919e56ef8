//! `credential_process`: a command from the profile that prints the keys as JSON
//! (botocore's `ProcessProvider`). Its output never reaches an error message.
//!
//! The line is split into words as botocore's `compat_shell_split` does (Python's
//! `shlex.split`) and run without a shell, so `$HOME`, `~`, globs, `#`, pipes and
//! redirects are passed on as written, exactly as boto3 and the AWS CLI run it.

use std::process::{Command, Stdio};

use serde_json::Value;
use time::OffsetDateTime;

use super::error::CredentialsError;
use super::expiry::{ADVISORY_REFRESH_SECS, MANDATORY_REFRESH_SECS, parse_expiry, seconds_left};
use super::json_error;
use super::shapes::{self, KeysDocument, Member};
use crate::aws::Credentials;
use crate::aws::config::shlex_split;
use crate::error::Error;

fn fail(why: String) -> Error {
    CredentialsError::Process(why).into()
}

/// Run a profile's `credential_process` and read the JSON it prints. An answer
/// with an `Expiration` 15 minutes away or less is asked for again, as botocore's
/// refresh does; credentials past their expiry are refused (botocore's words).
pub(super) fn run(command: &str) -> Result<Credentials, Error> {
    let first = run_once(command)?;
    let Some(expiry) = first.expiry else {
        return Ok(first.credentials);
    };
    let left = seconds_left(expiry, OffsetDateTime::now_utc());
    if left > ADVISORY_REFRESH_SECS {
        return Ok(first.credentials);
    }
    let answer = match run_once(command) {
        Ok(second) => second,
        // An advisory refresh that fails keeps the credentials in hand.
        Err(_) if left > MANDATORY_REFRESH_SECS => first,
        Err(e) => return Err(e),
    };
    match answer.expiry {
        Some(expiry) if seconds_left(expiry, OffsetDateTime::now_utc()) <= 0 => {
            Err(CredentialsError::StillExpired.into())
        }
        _ => Ok(answer.credentials),
    }
}

struct Answer {
    credentials: Credentials,
    expiry: Option<OffsetDateTime>,
}

fn run_once(command: &str) -> Result<Answer, Error> {
    let words = shlex_split(command).ok_or_else(|| {
        fail("credential_process has an unclosed quote or a trailing backslash".into())
    })?;
    let Some((program, args)) = words.split_first() else {
        return Err(fail("credential_process is empty".into()));
    };
    // stdin stays the terminal's, so a process can prompt (for an MFA code, say).
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(CredentialsError::ProcessSpawn)?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stderr: String = stderr.trim().chars().take(1000).collect();
        let status = match output.status.code() {
            Some(code) => format!("credential_process exited with status {code}"),
            None => "credential_process was killed by a signal".to_string(),
        };
        return Err(fail(if stderr.is_empty() {
            status
        } else {
            format!("{status}: {stderr}")
        }));
    }
    let stdout = std::str::from_utf8(&output.stdout)
        .map_err(|_| fail("the output of credential_process is not UTF-8".into()))?;
    let value: Value = serde_json::from_str(stdout).map_err(|e| {
        fail(format!(
            "the output of credential_process is not valid JSON ({})",
            json_error(&e)
        ))
    })?;
    let Value::Object(map) = value else {
        return Err(fail(
            "the output of credential_process is not a JSON object".into(),
        ));
    };
    let doc: KeysDocument = shapes::read(map).unwrap_or_default();
    match doc.version.value() {
        // Python's `version != 1` lets 1.0 and true through.
        Some(v) if v.as_f64() == Some(1.0) || *v == Value::Bool(true) => {}
        Some(Value::Number(n)) => {
            return Err(fail(format!(
                "Unsupported version '{n}' for credential process provider, supported versions: 1"
            )));
        }
        Some(_) => {
            return Err(fail(
                "Unsupported Version for credential process provider, supported versions: 1".into(),
            ));
        }
        None => {
            return Err(fail(
                "Unsupported version '<Version key not provided>' for credential process \
                 provider, supported versions: 1"
                    .into(),
            ));
        }
    }
    let required = |member: &Member, key: &str| match member.value() {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(fail(format!("'{key}' in the response is not a string"))),
        None => Err(fail(format!("Missing required key in response: '{key}'"))),
    };
    let credentials = Credentials {
        access_key_id: required(&doc.access_key_id, "AccessKeyId")?,
        secret_access_key: required(&doc.secret_access_key, "SecretAccessKey")?,
        session_token: doc.session_token.non_empty(),
    };
    let expiry = match doc.expiration.value() {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            Some(parse_expiry("Expiration", s).map_err(|e| fail(e.to_string()))?)
        }
        Some(_) => return Err(fail("Expiration in the response is not a string".into())),
    };
    Ok(Answer {
        credentials,
        expiry,
    })
}

#[cfg(test)]
mod tests {
    use super::super::CliAuth;
    use super::super::testing::*;

    #[cfg(unix)]
    #[test]
    fn credential_process_success() {
        let f = files(
            "",
            "[profile p]\ncredential_process = printf '%s' '{\"Version\": 1, \"AccessKeyId\": \"PA\", \
             \"SecretAccessKey\": \"PS\", \"SessionToken\": \"PT\", \"Expiration\": \"2030-01-01T00:00:00Z\"}'\n",
        );
        let e = env(&[("AWS_PROFILE", "p")]);
        assert_eq!(
            resolve_with(&CliAuth::default(), &e, &f).unwrap(),
            keys("PA", "PS", Some("PT"))
        );
        // In the credentials file too (botocore reads the merged profile); static keys
        // in the credentials file come first.
        let f = files(
            "[default]\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"QA\",\"SecretAccessKey\":\"QS\"}'\n",
            "[default]\naws_access_key_id = CFG\naws_secret_access_key = CFGS\n",
        );
        assert_eq!(
            resolve_with(&CliAuth::default(), &env(&[]), &f).unwrap(),
            keys("QA", "QS", None)
        );
    }

    #[cfg(unix)]
    #[test]
    fn credential_process_failures() {
        let run = |command: &str| {
            let f = files("", &format!("[default]\ncredential_process = {command}\n"));
            resolve_with(&CliAuth::default(), &env(&[]), &f)
                .unwrap_err()
                .to_string()
        };
        let err = run("sh -c \"echo 'token expired' >&2; exit 3\"");
        assert_eq!(
            err,
            "Error when retrieving credentials from custom-process: credential_process exited \
             with status 3: token expired"
        );
        let err = run("printf 'AccessKeyId=AKIA SecretAccessKey=TOPSECRET'");
        assert!(err.contains("not valid JSON"), "{err}");
        assert!(!err.contains("TOPSECRET"), "{err}");
        let err = run(
            "printf '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"TOPSECRET\"'",
        );
        assert!(
            err.contains("not valid JSON") && !err.contains("TOPSECRET"),
            "{err}"
        );
        let err = run(
            "printf '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"TOPSECRET\"}'",
        );
        assert!(
            err.contains("Unsupported version '2'") && !err.contains("TOPSECRET"),
            "{err}"
        );
        let err = run("printf '{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"TOPSECRET\"}'");
        assert!(err.contains("<Version key not provided>"), "{err}");
        let err = run("printf '{\"Version\": 1, \"AccessKeyId\": \"A\"}'");
        assert!(
            err.ends_with("Missing required key in response: 'SecretAccessKey'"),
            "{err}"
        );
    }

    /// A process line for a JSON answer printed by `printf` with `args` as its words.
    fn printf_line(format: &str, args: &str) -> String {
        format!("[default]\ncredential_process = printf '{format}' {args}\n")
    }

    #[cfg(unix)]
    #[test]
    fn the_line_is_split_as_shlex_does_and_run_without_a_shell() {
        // A shell would expand $HOME, ~ and the glob, and take `#` as a comment and
        // `|` as a pipe; botocore passes each word to the program as written.
        let f = files(
            "",
            &printf_line(
                r#"{"Version": 1, "AccessKeyId": "%s %s", "SecretAccessKey": "%s %s %s %s"}"#,
                r#"$HOME ~/x /* '#' | "a b""#,
            ),
        );
        let got = resolve_with(&CliAuth::default(), &env(&[]), &f).unwrap();
        assert_eq!(got, keys("$HOME ~/x", "/* # | a b", None));
    }

    #[cfg(unix)]
    #[test]
    fn a_line_shlex_refuses_or_an_empty_one_is_an_error() {
        let run = |line: &str| {
            let f = files("", &format!("[default]\ncredential_process = {line}\n"));
            resolve_with(&CliAuth::default(), &env(&[]), &f)
                .unwrap_err()
                .to_string()
        };
        assert!(run("printf 'open").contains("unclosed quote"));
        assert!(run("").ends_with("credential_process is empty"));
        assert!(run("/nonexistent/s3creds-no-such-program").contains("could not run"));
    }

    #[cfg(unix)]
    #[test]
    fn version_true_passes_as_in_python() {
        let f = files(
            "",
            &printf_line(
                r#"{"Version": true, "AccessKeyId": "A", "SecretAccessKey": "S"}"#,
                "",
            ),
        );
        let got = resolve_with(&CliAuth::default(), &env(&[]), &f).unwrap();
        assert_eq!(got, keys("A", "S", None));
    }

    #[cfg(unix)]
    #[test]
    fn expired_answers_are_refused() {
        let f = files(
            "",
            &printf_line(
                r#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "TOPSECRET", "Expiration": "2020-01-01T00:00:00Z"}"#,
                "",
            ),
        );
        let err = resolve_with(&CliAuth::default(), &env(&[]), &f).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Credentials were refreshed, but the refreshed credentials are still expired."
        );
        let f = files(
            "",
            &printf_line(
                r#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "TOPSECRET", "Expiration": "soon"}"#,
                "",
            ),
        );
        let err = resolve_with(&CliAuth::default(), &env(&[]), &f)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Error when retrieving credentials from custom-process: Expiration: Unknown string format: soon"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_answer_about_to_expire_is_asked_for_again() {
        use time::format_description::well_known::Rfc3339;
        let at = |secs: i64| {
            (time::OffsetDateTime::now_utc() + time::Duration::seconds(secs))
                .format(&Rfc3339)
                .unwrap()
        };
        let answer = |key: &str, expiry: &str| {
            format!(
                r#"{{"Version": 1, "AccessKeyId": "{key}", "SecretAccessKey": "S", "Expiration": "{expiry}"}}"#
            )
        };
        // The first run answers "expired", the second (botocore's refresh) a fresh key.
        let marker = TempFile::new("process-ran", "");
        std::fs::remove_file(marker.path()).unwrap();
        let line = format!(
            "[default]\ncredential_process = sh -c 'if [ -e \"$1\" ]; then printf %s \"$3\"; \
             else : > \"$1\"; printf %s \"$2\"; fi' sh {} '{}' '{}'\n",
            marker.path(),
            answer("OLD", &at(-60)),
            answer("NEW", &at(3600)),
        );
        let got = resolve_with(&CliAuth::default(), &env(&[]), &files("", &line)).unwrap();
        assert_eq!(got.access_key_id, "NEW");

        // Far from expiry: one run, the first answer.
        std::fs::remove_file(marker.path()).unwrap();
        let line = format!(
            "[default]\ncredential_process = sh -c 'if [ -e \"$1\" ]; then printf %s \"$3\"; \
             else : > \"$1\"; printf %s \"$2\"; fi' sh {} '{}' '{}'\n",
            marker.path(),
            answer("FIRST", &at(3600)),
            answer("SECOND", &at(7200)),
        );
        let got = resolve_with(&CliAuth::default(), &env(&[]), &files("", &line)).unwrap();
        assert_eq!(got.access_key_id, "FIRST");
    }
}
