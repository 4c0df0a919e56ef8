//! The keys the command line gives: `--access-key`/`--secret-key`/`--session-token`,
//! or the `--auth` file (the JSON `create` prints, or an INI file).

use std::fmt;

use serde_json::Value;

use super::error::CredentialsError;
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
pub(crate) type AuthKeys = (Option<String>, Option<String>, Option<String>);

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
        return Err(CredentialsError::AuthConflict.into());
    }
    let (access, secret, token) = parse_auth_content(content)?;
    let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
    Ok((nonempty(access), nonempty(secret), nonempty(token)))
}

/// Parse `--auth` content as the original does: stripped text starting with `{` is
/// JSON (`AccessKeyId`, `SecretAccessKey`, `SessionToken`); anything else is INI,
/// read by Python's `ConfigParser` (strict, interpolating), where the first section
/// (in file order) that has `aws_access_key_id` gives `aws_access_key_id`,
/// `aws_secret_access_key` and `aws_session_token`, each with `%` interpolation.
/// Returns (access key, secret key, session token); all `None` if nothing matched.
pub(crate) fn parse_auth_content(text: &str) -> Result<AuthKeys, Error> {
    let text = crate::aws::ini::py_strip(text);
    if text.starts_with('{') {
        let invalid = |why: String| Error::from(CredentialsError::AuthJson(why));
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
    let invalid = |why: String| Error::from(CredentialsError::AuthIni(why));
    let ini = crate::aws::ini::parse(text).map_err(|e| invalid(e.to_string()))?;
    for section in ini.sections() {
        if ini.get(section, "aws_access_key_id").is_some() {
            let get = |key: &str| -> Result<Option<String>, Error> {
                match ini.get(section, key) {
                    None => Ok(None),
                    Some(raw) => {
                        let mut out = String::new();
                        interpolate(&ini, section, key, raw, 1, &mut out)?;
                        Ok(Some(out))
                    }
                }
            };
            return Ok((
                get("aws_access_key_id")?,
                get("aws_secret_access_key")?,
                get("aws_session_token")?,
            ));
        }
    }
    Ok((None, None, None))
}

/// configparser's `BasicInterpolation`: `%%` is `%`, `%(name)s` is the value of
/// `name` in the section (or `[DEFAULT]`), itself interpolated, at most 10 deep;
/// any other `%` is an error. Errors name the key, never a value (it may be a secret).
fn interpolate(
    ini: &crate::aws::ini::Ini,
    section: &str,
    key: &str,
    mut rest: &str,
    depth: usize,
    out: &mut String,
) -> Result<(), CredentialsError> {
    if depth > 10 {
        return Err(CredentialsError::AuthIni(format!(
            "the value of {key} in [{section}] refers to itself more than 10 levels deep"
        )));
    }
    while let Some(p) = rest.find('%') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        if let Some(after) = rest.strip_prefix("%%") {
            out.push('%');
            rest = after;
        } else if let Some(after) = rest.strip_prefix("%(") {
            // `%\(([^)]+)\)s`
            let name_end = after.find(')').filter(|i| *i > 0);
            let Some(end) = name_end.filter(|i| after[i + 1..].starts_with('s')) else {
                return Err(CredentialsError::AuthIni(format!(
                    "bad interpolation variable reference in {key}"
                )));
            };
            let name = after[..end].to_lowercase();
            rest = &after[end + 2..];
            let Some(value) = ini.get(section, &name) else {
                return Err(CredentialsError::AuthIni(format!(
                    "Bad value substitution: option '{key}' in section '{section}' contains an \
                     interpolation key '{name}' which is not a valid option name"
                )));
            };
            if value.contains('%') {
                interpolate(ini, section, key, value, depth + 1, out)?;
            } else {
                out.push_str(value);
            }
        } else {
            return Err(CredentialsError::AuthIni(format!(
                "'%' must be followed by '%' or '(' in {key}"
            )));
        }
    }
    out.push_str(rest);
    Ok(())
}

/// Describe a JSON syntax error by position only: the text may hold keys.
pub(super) fn json_error(e: &serde_json::Error) -> String {
    if e.is_eof() {
        "the document ends too early".into()
    } else {
        format!("syntax error at line {} column {}", e.line(), e.column())
    }
}
