//! Where the keys come from, in botocore's order, so that every way a boto3 user
//! supplies credentials keeps working:
//!
//! 1. `--access-key`/`--secret-key`/`--session-token`, or the `--auth` file;
//! 2. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ token);
//! 3. web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (or the same in
//!    the profile), exchanged at STS with `AssumeRoleWithWebIdentity`;
//! 4. the profile: keys in the credentials file, `credential_process`, keys in the
//!    config file;
//! 5. container credentials (ECS, EKS Pod Identity);
//! 6. EC2 instance metadata (IMDSv2, falling back to v1 as botocore does).
//!
//! Profiles that need what this port does not implement (assuming a role from a
//! `source_profile`, IAM Identity Center / SSO, `aws login`) are reported as such
//! instead of silently falling through to another identity.
//!
//! No secret ever goes into an error message: not the keys, not a process's output,
//! not a JSON document that failed to parse.
//!
//! Each network source has its own module; `net` holds the small HTTP client they
//! share (the signed API calls go through `aws::http` instead: these calls are
//! unsigned and need their own timeouts).

use std::fmt;

use serde_json::Value;

use super::Credentials;
use super::config::{self, Env, SharedFiles};
use crate::error::Error;

mod container;
mod imds;
mod net;
mod process;
#[cfg(test)]
mod testing;
mod web_identity;

/// What the command line gave. `auth_content` is the text of the `--auth` file (or
/// stdin for `-`): the CLI opens and reads the file itself.
#[derive(Clone, Default)]
pub struct CliAuth {
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub session_token: Option<String>,
    pub auth_content: Option<String>,
}

impl fmt::Debug for CliAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("CliAuth")
            .field("access_key", &self.access_key)
            .field("secret_key", &redact(&self.secret_key))
            .field("session_token", &redact(&self.session_token))
            .field("auth_content", &redact(&self.auth_content))
            .finish()
    }
}

/// Access key, secret key and session token, each possibly absent.
pub type AuthKeys = (Option<String>, Option<String>, Option<String>);

/// The original's exact words.
const AUTH_CONFLICT: &str =
    "--auth cannot be used with --access-key, --secret-key or --session-token";

/// Find credentials, trying each source in turn (see the module docs).
/// `sts_endpoint` is where a web identity token is exchanged (no trailing slash).
pub fn resolve(
    cli: &CliAuth,
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
    sts_endpoint: &str,
) -> Result<Credentials, Error> {
    let (access_key, secret_key, session_token) = explicit_keys(cli)?;

    // boto3 checks the profile when the client is created, before looking at the
    // keys it was given, so a misspelt AWS_PROFILE fails even with explicit keys.
    if config::profile_is_explicit(env, profile) && !files.has_profile(profile) {
        return Err(Error::Msg(format!(
            "The config profile ({profile}) could not be found"
        )));
    }

    match (access_key, secret_key) {
        (Some(access_key_id), Some(secret_access_key)) => {
            return Ok(Credentials {
                access_key_id,
                secret_access_key,
                session_token,
            });
        }
        (Some(_), None) => return Err(partial("explicit", "aws_secret_access_key")),
        (None, Some(_)) => return Err(partial("explicit", "aws_access_key_id")),
        // A session token alone is ignored, as botocore does.
        (None, None) => {}
    }

    if let Some(creds) = from_env(env)? {
        return Ok(creds);
    }
    reject_assume_role_profile(files, profile)?;
    if let Some(creds) = web_identity::fetch(env, files, profile, sts_endpoint)? {
        return Ok(creds);
    }
    reject_sso_profile(files, profile)?;
    if files.credentials_has(profile, "aws_access_key_id") {
        return from_profile_section(
            "shared-credentials-file",
            |key| files.credentials_value(profile, key),
            |key| files.credentials_has(profile, key),
        );
    }
    if let Some(command) = files.config_value(profile, "credential_process") {
        return process::run(&command);
    }
    if files.config_file_has(profile, "aws_access_key_id") {
        return from_profile_section(
            "config-file",
            |key| files.config_file_value(profile, key),
            |key| files.config_file_has(profile, key),
        );
    }
    if let Some(creds) = container::fetch(env)? {
        return Ok(creds);
    }
    let imds = imds::ImdsSettings::new(env, files, profile);
    if let Some(settings) = &imds
        && let Some(creds) = settings.fetch()
    {
        return Ok(creds);
    }

    Err(Error::Msg(format!(
        "Unable to locate credentials. Looked in: --access-key/--secret-key, --auth, \
         environment variables, web identity token, shared credentials file ({}), \
         config file ({}), container credentials, EC2 instance metadata{}. \
         You can configure credentials by running \"aws configure\".",
        files.credentials_path().display(),
        files.config_path().display(),
        if imds.is_none() { " (disabled)" } else { "" },
    )))
}

/// The keys given on the command line or in the `--auth` content. Empty values
/// count as absent, as the original passes only truthy values to boto3.
fn explicit_keys(cli: &CliAuth) -> Result<AuthKeys, Error> {
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let (access, secret, token) = (
        nonempty(&cli.access_key),
        nonempty(&cli.secret_key),
        nonempty(&cli.session_token),
    );
    let Some(content) = &cli.auth_content else {
        return Ok((access, secret, token));
    };
    if access.is_some() || secret.is_some() || token.is_some() {
        return Err(Error::Msg(AUTH_CONFLICT.into()));
    }
    let (access, secret, token) = parse_auth_content(content)?;
    let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
    Ok((nonempty(access), nonempty(secret), nonempty(token)))
}

/// Parse `--auth` content as the original does: trimmed text starting with `{` is
/// JSON (`AccessKeyId`, `SecretAccessKey`, `SessionToken`); anything else is INI,
/// where the first section (in file order) that has `aws_access_key_id` gives
/// `aws_access_key_id`, `aws_secret_access_key` and `aws_session_token`.
/// Returns (access key, secret key, session token); all `None` if nothing matched.
pub fn parse_auth_content(text: &str) -> Result<AuthKeys, Error> {
    let text = text.trim();
    if text.starts_with('{') {
        let invalid = |why: String| Error::Msg(format!("Invalid JSON in --auth file: {why}"));
        let value: Value = serde_json::from_str(text).map_err(|e| invalid(json_error(&e)))?;
        let Value::Object(map) = value else {
            return Err(invalid("expected a JSON object".into()));
        };
        let field = |name: &str| match map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(format!("{name} must be a string"))),
        };
        return Ok((
            field("AccessKeyId")?,
            field("SecretAccessKey")?,
            field("SessionToken")?,
        ));
    }
    let ini = super::ini::parse(text)
        .map_err(|e| Error::Msg(format!("Invalid INI in --auth file: {e}")))?;
    for section in ini.sections() {
        if let Some(access) = ini.get(section, "aws_access_key_id") {
            let get = |key| ini.get(section, key).map(str::to_string);
            return Ok((
                Some(access.to_string()),
                get("aws_secret_access_key"),
                get("aws_session_token"),
            ));
        }
    }
    Ok((None, None, None))
}

/// Describe a JSON syntax error by position only: the text may hold keys.
fn json_error(e: &serde_json::Error) -> String {
    if e.is_eof() {
        "the document ends too early".into()
    } else {
        format!("syntax error at line {} column {}", e.line(), e.column())
    }
}

/// botocore's `PartialCredentialsError` wording.
fn partial(provider: &str, missing: &str) -> Error {
    Error::Msg(format!(
        "Partial credentials found in {provider}, missing: {missing}"
    ))
}

/// `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`, with `AWS_SECURITY_TOKEN` or
/// `AWS_SESSION_TOKEN` (botocore checks them in that order).
fn from_env(env: &dyn Env) -> Result<Option<Credentials>, Error> {
    let Some(access_key_id) = env.var("AWS_ACCESS_KEY_ID") else {
        return Ok(None);
    };
    let Some(secret_access_key) = env.var("AWS_SECRET_ACCESS_KEY") else {
        return Err(partial("env", "AWS_SECRET_ACCESS_KEY"));
    };
    let session_token = env
        .var("AWS_SECURITY_TOKEN")
        .or_else(|| env.var("AWS_SESSION_TOKEN"));
    Ok(Some(Credentials {
        access_key_id,
        secret_access_key,
        session_token,
    }))
}

/// Keys from one profile section (credentials or config file).
fn from_profile_section(
    provider: &str,
    value: impl Fn(&str) -> Option<String>,
    has: impl Fn(&str) -> bool,
) -> Result<Credentials, Error> {
    let access_key_id = value("aws_access_key_id").unwrap_or_default();
    if !has("aws_secret_access_key") {
        return Err(partial(provider, "aws_secret_access_key"));
    }
    let secret_access_key = value("aws_secret_access_key").unwrap_or_default();
    let session_token = ["aws_security_token", "aws_session_token"]
        .iter()
        .find(|key| has(key))
        .and_then(|key| value(key))
        .filter(|t| !t.is_empty());
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token,
    })
}

/// How to get the same identity with the AWS CLI, for the "not supported" errors.
fn export_hint(profile: &str) -> String {
    format!(
        "Export temporary credentials first, for example: \
         eval \"$(aws configure export-credentials --profile {profile} --format env)\""
    )
}

/// A profile with `role_arn` (and no `web_identity_token_file`) assumes a role from
/// `source_profile` or `credential_source`; botocore does that before anything else
/// in the profile. This port cannot, and falling through could pick another identity.
fn reject_assume_role_profile(files: &SharedFiles, profile: &str) -> Result<(), Error> {
    if files.config_value(profile, "role_arn").is_some()
        && files
            .config_value(profile, "web_identity_token_file")
            .is_none()
    {
        return Err(Error::Msg(format!(
            "The config profile ({profile}) assumes a role (role_arn), which s3-credentials \
             does not support. {}",
            export_hint(profile)
        )));
    }
    Ok(())
}

/// IAM Identity Center (SSO) and `aws login` profiles, which botocore resolves
/// before the profile's keys.
fn reject_sso_profile(files: &SharedFiles, profile: &str) -> Result<(), Error> {
    let has = |key| files.config_value(profile, key).is_some();
    let what = if has("sso_role_name") || has("sso_account_id") {
        "IAM Identity Center (SSO)"
    } else if has("login_session") {
        "an `aws login` session"
    } else {
        return Ok(());
    };
    Err(Error::Msg(format!(
        "The config profile ({profile}) uses {what}, which s3-credentials does not support. {}",
        export_hint(profile)
    )))
}

/// A non-empty string field of a credentials JSON document (credential_process,
/// container and instance metadata all answer with one).
fn optional_string(map: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    map.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    // -- --auth ------------------------------------------------------------

    #[test]
    fn auth_json() {
        let got = parse_auth_content(
            "  {\"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"S\", \"SessionToken\": \"T\", \"Expiration\": \"x\"}\n",
        )
        .unwrap();
        assert_eq!(
            got,
            (Some("AKID".into()), Some("S".into()), Some("T".into()))
        );
        let got =
            parse_auth_content("{\"AccessKeyId\": \"AKID\", \"SessionToken\": null}").unwrap();
        assert_eq!(got, (Some("AKID".into()), None, None));
    }

    #[test]
    fn auth_json_errors_do_not_echo_the_input() {
        for text in [
            "{\"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"TOPSECRET\"",
            "{\"SecretAccessKey\": \"TOPSECRET\" \"x\": 1}",
            "{'SecretAccessKey': 'TOPSECRET'}",
        ] {
            let err = parse_auth_content(text).unwrap_err().to_string();
            assert!(err.starts_with("Invalid JSON in --auth file: "), "{err}");
            assert!(!err.contains("TOPSECRET"), "{err}");
        }
        let err = parse_auth_content("{\"AccessKeyId\": 5}")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Invalid JSON in --auth file: AccessKeyId must be a string"
        );
    }

    #[test]
    fn auth_ini_first_section_with_the_key_wins() {
        let text = "[other]\nregion = x\n\n[first]\naws_access_key_id = A1\n\
                    aws_secret_access_key = S1\naws_session_token = T1\n\
                    [second]\naws_access_key_id = A2\naws_secret_access_key = S2\n";
        assert_eq!(
            parse_auth_content(text).unwrap(),
            (Some("A1".into()), Some("S1".into()), Some("T1".into()))
        );
        assert_eq!(
            parse_auth_content("[x]\naws_access_key_id: A\n").unwrap(),
            (Some("A".into()), None, None)
        );
        assert_eq!(
            parse_auth_content("[x]\nfoo = 1\n").unwrap(),
            (None, None, None)
        );
        let err = parse_auth_content("aws_secret_access_key = TOPSECRET\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Invalid INI in --auth file: line 1"),
            "{err}"
        );
        assert!(!err.to_string().contains("TOPSECRET"));
    }

    #[test]
    fn auth_conflicts_with_key_options() {
        let f = files("", "");
        for c in [
            cli(Some("A"), None, None, Some("{}")),
            cli(None, Some("S"), None, Some("{}")),
            cli(None, None, Some("T"), Some("{}")),
        ] {
            let err = resolve_with(&c, &env(&[]), &f).unwrap_err().to_string();
            assert_eq!(
                err,
                "--auth cannot be used with --access-key, --secret-key or --session-token"
            );
        }
    }

    #[test]
    fn auth_content_gives_the_keys() {
        let f = files("", "");
        let e = env(&[
            ("AWS_ACCESS_KEY_ID", "ENV"),
            ("AWS_SECRET_ACCESS_KEY", "ENVS"),
        ]);
        let c = cli(
            None,
            None,
            None,
            Some("[default]\naws_access_key_id=A\naws_secret_access_key=S\n"),
        );
        assert_eq!(resolve_with(&c, &e, &f).unwrap(), keys("A", "S", None));
        // Missing secret in --auth is the explicit partial-credentials error.
        let c = cli(None, None, None, Some("{\"AccessKeyId\": \"A\"}"));
        let err = resolve_with(&c, &e, &f).unwrap_err().to_string();
        assert_eq!(
            err,
            "Partial credentials found in explicit, missing: aws_secret_access_key"
        );
        // An --auth file without keys falls through to the chain, as in the original.
        let c = cli(None, None, None, Some("[x]\nfoo = 1\n"));
        assert_eq!(resolve_with(&c, &e, &f).unwrap(), keys("ENV", "ENVS", None));
    }

    // -- options and environment ------------------------------------------

    #[test]
    fn explicit_keys_beat_the_environment() {
        let f = files(
            "[default]\naws_access_key_id = F\naws_secret_access_key = FS\n",
            "",
        );
        let e = env(&[
            ("AWS_ACCESS_KEY_ID", "ENV"),
            ("AWS_SECRET_ACCESS_KEY", "ENVS"),
        ]);
        let c = cli(Some("A"), Some("S"), Some("T"), None);
        assert_eq!(resolve_with(&c, &e, &f).unwrap(), keys("A", "S", Some("T")));

        let err = resolve_with(&cli(Some("A"), None, None, None), &e, &f).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Partial credentials found in explicit, missing: aws_secret_access_key"
        );
        let err = resolve_with(&cli(None, Some("S"), None, None), &e, &f).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Partial credentials found in explicit, missing: aws_access_key_id"
        );
        // A token alone is ignored; empty options count as absent.
        let c = cli(Some(""), None, Some("T"), None);
        assert_eq!(resolve_with(&c, &e, &f).unwrap(), keys("ENV", "ENVS", None));
    }

    #[test]
    fn environment_credentials() {
        let f = files(
            "[default]\naws_access_key_id = F\naws_secret_access_key = FS\n",
            "",
        );
        let none = CliAuth::default();
        let e = env(&[
            ("AWS_ACCESS_KEY_ID", "A"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
            ("AWS_SESSION_TOKEN", "T"),
        ]);
        assert_eq!(
            resolve_with(&none, &e, &f).unwrap(),
            keys("A", "S", Some("T"))
        );
        let e = env(&[
            ("AWS_ACCESS_KEY_ID", "A"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
            ("AWS_SESSION_TOKEN", "T"),
            ("AWS_SECURITY_TOKEN", "OLD"),
        ]);
        assert_eq!(
            resolve_with(&none, &e, &f).unwrap(),
            keys("A", "S", Some("OLD"))
        );
        let e = env(&[("AWS_ACCESS_KEY_ID", "A")]);
        assert_eq!(
            resolve_with(&none, &e, &f).unwrap_err().to_string(),
            "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY"
        );
        // A secret alone is not a start: the profile is used.
        let e = env(&[("AWS_SECRET_ACCESS_KEY", "S"), ("AWS_ACCESS_KEY_ID", "")]);
        assert_eq!(resolve_with(&none, &e, &f).unwrap(), keys("F", "FS", None));
    }

    // -- profiles ----------------------------------------------------------

    #[test]
    fn profile_from_credentials_file_then_config_file() {
        let creds = "[default]\naws_access_key_id = CA\naws_secret_access_key = CS\n\
                     aws_session_token = CT\n[both]\naws_access_key_id = CB\naws_secret_access_key = CBS\n";
        let conf = "[default]\naws_access_key_id = XA\naws_secret_access_key = XS\n\
                    [profile both]\naws_access_key_id = XB\naws_secret_access_key = XBS\n\
                    [profile x]\naws_access_key_id = XX\naws_secret_access_key = XXS\naws_session_token = XT\n\
                    [x]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n";
        let f = files(creds, conf);
        let none = CliAuth::default();
        assert_eq!(
            resolve_with(&none, &env(&[]), &f).unwrap(),
            keys("CA", "CS", Some("CT"))
        );
        let e = env(&[("AWS_PROFILE", "both")]);
        assert_eq!(
            resolve_with(&none, &e, &f).unwrap(),
            keys("CB", "CBS", None)
        );
        // `[profile x]` in the config file, not `[x]`.
        let e = env(&[("AWS_PROFILE", "x")]);
        assert_eq!(
            resolve_with(&none, &e, &f).unwrap(),
            keys("XX", "XXS", Some("XT"))
        );
        // Only in the config file.
        let f = files("", conf);
        assert_eq!(
            resolve_with(&none, &env(&[]), &f).unwrap(),
            keys("XA", "XS", None)
        );
    }

    #[test]
    fn profile_partial_keys() {
        let none = CliAuth::default();
        let f = files("[default]\naws_access_key_id = A\n", "");
        assert_eq!(
            resolve_with(&none, &env(&[]), &f).unwrap_err().to_string(),
            "Partial credentials found in shared-credentials-file, missing: aws_secret_access_key"
        );
        let f = files("", "[default]\naws_access_key_id = A\n");
        assert_eq!(
            resolve_with(&none, &env(&[]), &f).unwrap_err().to_string(),
            "Partial credentials found in config-file, missing: aws_secret_access_key"
        );
    }

    #[test]
    fn missing_profile() {
        let f = files("[dev]\nregion = x\n", "[profile cfg]\nregion = y\n");
        let e = env(&[("AWS_PROFILE", "nope")]);
        // Even explicit keys do not get past it, as with boto3.
        let c = cli(Some("A"), Some("S"), None, None);
        assert_eq!(
            resolve_with(&c, &e, &f).unwrap_err().to_string(),
            "The config profile (nope) could not be found"
        );
        let e = env(&[("AWS_PROFILE", "default")]);
        assert_eq!(
            resolve_with(&c, &e, &f).unwrap_err().to_string(),
            "The config profile (default) could not be found"
        );
        // Profiles that exist in either file are fine.
        for p in ["dev", "cfg"] {
            let e = env(&[("AWS_PROFILE", p)]);
            assert_eq!(resolve_with(&c, &e, &f).unwrap(), keys("A", "S", None));
        }
        // An unset profile may be missing.
        assert_eq!(
            resolve_with(&c, &env(&[]), &f).unwrap(),
            keys("A", "S", None)
        );
    }

    #[test]
    fn unsupported_profiles_are_named() {
        let none = CliAuth::default();
        let f = files(
            "[base]\naws_access_key_id = A\naws_secret_access_key = S\n",
            "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n\
             [profile sso]\nsso_account_id = 1\nsso_role_name = r\n\
             [profile both]\nrole_arn = arn:aws:iam::1:role/r\naws_access_key_id = A\naws_secret_access_key = S\n",
        );
        for (p, what) in [("role", "role_arn"), ("sso", "SSO"), ("both", "role_arn")] {
            let e = env(&[("AWS_PROFILE", p)]);
            let err = resolve_with(&none, &e, &f).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("The config profile ({p}) ")),
                "{err}"
            );
            assert!(
                err.contains(what) && err.contains("export-credentials"),
                "{err}"
            );
        }
        // Environment keys still come first, as in botocore.
        let e = env(&[
            ("AWS_PROFILE", "role"),
            ("AWS_ACCESS_KEY_ID", "E"),
            ("AWS_SECRET_ACCESS_KEY", "ES"),
        ]);
        assert_eq!(resolve_with(&none, &e, &f).unwrap(), keys("E", "ES", None));
    }

    // -- nothing found ------------------------------------------------------

    #[test]
    fn nothing_found_names_the_files() {
        let err = resolve_with(&CliAuth::default(), &env(&[]), &files("", ""))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "Unable to locate credentials. Looked in: --access-key/--secret-key, --auth, \
                 environment variables, web identity token, shared credentials file ({CREDS_PATH}), \
                 config file ({CONFIG_PATH}), container credentials, EC2 instance metadata (disabled). \
                 You can configure credentials by running \"aws configure\"."
            )
        );
    }

    #[test]
    fn loaded_files_end_to_end() {
        let creds = TempFile::new(
            "e2e-credentials",
            "[dev]\naws_access_key_id = D\naws_secret_access_key = DS\n",
        );
        let e = env(&[
            ("AWS_SHARED_CREDENTIALS_FILE", creds.path()),
            ("AWS_CONFIG_FILE", "/nonexistent/s3creds/config"),
            ("AWS_PROFILE", "dev"),
        ]);
        let f = config::load_shared_files(&e).unwrap();
        assert_eq!(
            resolve_with(&CliAuth::default(), &e, &f).unwrap(),
            keys("D", "DS", None)
        );
    }

    // -- pieces -------------------------------------------------------------

    #[test]
    fn debug_redacts() {
        let c = cli(
            Some("AKID"),
            Some("TOPSECRET"),
            Some("TOKEN"),
            Some("CONTENT"),
        );
        let shown = format!("{c:?}");
        assert!(shown.contains("AKID"));
        for secret in ["TOPSECRET", "TOKEN\"", "CONTENT"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
