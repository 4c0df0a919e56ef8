//! `credential_process`: a command from the profile that prints the keys as JSON
//! (botocore's `ProcessProvider`). Its output never reaches an error message.

use std::process::{Command, Stdio};

use serde_json::Value;

use super::{json_error, optional_string};
use crate::aws::Credentials;
use crate::error::Error;

const PROCESS: &str = "Error when retrieving credentials from custom-process";

/// Run a profile's `credential_process` and read the JSON it prints.
pub(super) fn run(command: &str) -> Result<Credentials, Error> {
    let fail = |why: String| Error::Msg(format!("{PROCESS}: {why}"));

    #[cfg(windows)]
    let mut cmd = {
        let mut c = Command::new("cmd");
        c.arg("/C").arg(command);
        c
    };
    #[cfg(not(windows))]
    let mut cmd = {
        let mut c = Command::new("sh");
        c.arg("-c").arg(command);
        c
    };
    // stdin stays the terminal's, so a process can prompt (for an MFA code, say).
    let output = cmd
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| fail(format!("could not run credential_process: {e}")))?;
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
    match map.get("Version") {
        Some(v) if v.as_f64() == Some(1.0) => {}
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
    let required = |key: &str| match map.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(fail(format!("'{key}' in the response is not a string"))),
        None => Err(fail(format!("Missing required key in response: '{key}'"))),
    };
    Ok(Credentials {
        access_key_id: required("AccessKeyId")?,
        secret_access_key: required("SecretAccessKey")?,
        session_token: optional_string(&map, "SessionToken"),
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
        let err = run("echo 'token expired' >&2; exit 3");
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
}
