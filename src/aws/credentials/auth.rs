//! The keys the command line gives: `--access-key`/`--secret-key`/`--session-token`,
//! or the `--auth` file (the JSON `create` prints, or an INI file).

use std::fmt;

use serde_json::Value;

use crate::error::Error;

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

/// The keys given on the command line or in the `--auth` content. Empty values
/// count as absent, as the original passes only truthy values to boto3.
pub(super) fn explicit_keys(cli: &CliAuth) -> Result<AuthKeys, Error> {
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
    let ini = crate::aws::ini::parse(text)
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
pub(super) fn json_error(e: &serde_json::Error) -> String {
    if e.is_eof() {
        "the document ends too early".into()
    } else {
        format!("syntax error at line {} column {}", e.line(), e.column())
    }
}
