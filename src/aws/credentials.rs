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

use std::fmt;
use std::io::ErrorKind;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::Credentials;
use super::config::{self, Env, SharedFiles};
use crate::error::{AwsError, Error};

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
    if let Some(creds) = web_identity(env, files, profile, sts_endpoint)? {
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
        return credential_process(&command);
    }
    if files.config_file_has(profile, "aws_access_key_id") {
        return from_profile_section(
            "config-file",
            |key| files.config_file_value(profile, key),
            |key| files.config_file_has(profile, key),
        );
    }
    if let Some(creds) = container(env)? {
        return Ok(creds);
    }
    let imds = ImdsSettings::new(env, files, profile);
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

// ---------------------------------------------------------------------------
// credential_process

const PROCESS: &str = "Error when retrieving credentials from custom-process";

/// Run a profile's `credential_process` and read the JSON it prints.
fn credential_process(command: &str) -> Result<Credentials, Error> {
    use std::process::{Command, Stdio};
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

fn optional_string(map: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    map.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

// ---------------------------------------------------------------------------
// HTTP for the network sources

/// A response, read whole.
struct Reply {
    status: u16,
    body: String,
    request_id: Option<String>,
}

/// A small agent for one kind of call: no status-as-error, fixed timeouts, no
/// redirects, the given proxy and roots.
fn agent(
    connect: Duration,
    read: Duration,
    proxy: Option<ureq::Proxy>,
    roots: Option<ureq::tls::RootCerts>,
) -> ureq::Agent {
    let mut builder = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(proxy)
        .user_agent(concat!("s3-credentials/", env!("CARGO_PKG_VERSION")))
        .timeout_connect(Some(connect))
        .timeout_send_request(Some(read))
        .timeout_send_body(Some(read))
        .timeout_recv_response(Some(read))
        .timeout_recv_body(Some(read));
    if let Some(roots) = roots {
        builder = builder.tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build());
    }
    builder.build().into()
}

fn read_reply(mut response: ureq::http::Response<ureq::Body>) -> Result<Reply, ureq::Error> {
    let status = response.status().as_u16();
    let request_id = ["x-amzn-requestid", "x-amz-request-id"]
        .iter()
        .find_map(|h| response.headers().get(*h))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response
        .body_mut()
        .with_config()
        .limit(1024 * 1024)
        .read_to_string()?;
    Ok(Reply {
        status,
        body,
        request_id,
    })
}

/// Whether the error means nothing answered at all (as opposed to a server that
/// accepted the connection and then was slow or broken).
fn unreachable(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::Timeout(t) => {
            matches!(t, ureq::Timeout::Connect | ureq::Timeout::Resolve)
        }
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            ErrorKind::ConnectionRefused
                | ErrorKind::HostUnreachable
                | ErrorKind::NetworkUnreachable
                | ErrorKind::AddrNotAvailable
                | ErrorKind::TimedOut
        ),
        _ => false,
    }
}

/// The host part of an `http(s)://` URL, lowercased, IPv6 without brackets.
fn url_host(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        &v6[..v6.find(']')?]
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    Some((scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// The proxy for a URL from `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` (either case),
/// unless `NO_PROXY` names the host. Read through `Env`, so tests stay hermetic.
fn env_proxy(env: &dyn Env, url: &str) -> Option<ureq::Proxy> {
    let (scheme, host) = url_host(url)?;
    let get = |upper: &str| env.var(upper).or_else(|| env.var(&upper.to_lowercase()));
    if let Some(no_proxy) = get("NO_PROXY") {
        for entry in no_proxy.split(',').map(|e| e.trim().to_ascii_lowercase()) {
            let entry = entry.trim_start_matches("*.").trim_start_matches('.');
            let entry = entry.rsplit_once(':').map_or(entry, |(h, _)| h);
            if entry == "*"
                || (!entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}"))))
            {
                return None;
            }
        }
    }
    let var = if scheme == "https" {
        "HTTPS_PROXY"
    } else {
        "HTTP_PROXY"
    };
    let proxy = get(var).or_else(|| get("ALL_PROXY"))?;
    ureq::Proxy::new(&proxy).ok()
}

/// Trusted roots from `AWS_CA_BUNDLE` / `ca_bundle`, when set.
fn bundle_roots(
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
) -> Result<Option<ureq::tls::RootCerts>, Error> {
    let Some(path) = config::ca_bundle(env, files, profile) else {
        return Ok(None);
    };
    let pem = std::fs::read(&path)
        .map_err(|e| Error::Msg(format!("Could not read the CA bundle {path}: {e}")))?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::Msg(format!(
            "The CA bundle {path} holds no PEM certificates"
        )));
    }
    Ok(Some(ureq::tls::RootCerts::new_with_certs(&certs)))
}

/// Random jitter in [0, 1), good enough for backoff.
fn jitter() -> f64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    f64::from(nanos % 1_000_000) / 1_000_000.0
}

// ---------------------------------------------------------------------------
// Web identity

const WEB_IDENTITY_OP: &str = "AssumeRoleWithWebIdentity";

/// botocore's retryable error codes for STS: throttling, transient, and an
/// identity provider that could not be reached.
const RETRYABLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    "IDPCommunicationError",
];

/// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (each falling back to the
/// profile's `web_identity_token_file` / `role_arn`), exchanged at STS.
fn web_identity(
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
    sts_endpoint: &str,
) -> Result<Option<Credentials>, Error> {
    let setting = |var: &str, key: &str| env.var(var).or_else(|| files.config_value(profile, key));
    let Some(token_file) =
        setting("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file").filter(|p| !p.is_empty())
    else {
        return Ok(None);
    };
    let Some(role_arn) = setting("AWS_ROLE_ARN", "role_arn").filter(|a| !a.is_empty()) else {
        return Err(Error::Msg(
            "The provided profile or the current environment is configured to assume role \
             with web identity but has no role ARN configured. Ensure that the profile has \
             the role_arn configuration set or the AWS_ROLE_ARN env var is set."
                .into(),
        ));
    };
    let session_name = setting("AWS_ROLE_SESSION_NAME", "role_session_name").unwrap_or_else(|| {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        format!("botocore-session-{secs}")
    });
    let token = std::fs::read_to_string(&token_file).map_err(|e| {
        Error::Msg(format!(
            "Could not read the web identity token file {token_file}: {e}"
        ))
    })?;
    let body = form_encode(&[
        ("Action", WEB_IDENTITY_OP),
        ("Version", "2011-06-15"),
        ("RoleArn", &role_arn),
        ("RoleSessionName", &session_name),
        ("WebIdentityToken", token.trim()),
    ]);

    let url = format!("{}/", sts_endpoint.trim_end_matches('/'));
    let agent = agent(
        Duration::from_secs(10),
        Duration::from_secs(60),
        env_proxy(env, &url),
        bundle_roots(env, files, profile)?,
    );
    let attempts = config::retry_config(env, files, profile)?.max_attempts;
    let mut attempt = 1;
    loop {
        let result = agent
            .post(&url)
            .header(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .send(body.as_str())
            .and_then(read_reply);
        let outcome = match result {
            Err(e) => Err(Error::Transport(format!(
                "Could not connect to the endpoint URL: \"{url}\" ({e})"
            ))),
            Ok(reply) => parse_sts_reply(&reply),
        };
        let retry = match &outcome {
            Ok(_) => false,
            Err(Error::Transport(_)) => true,
            Err(Error::Aws(e)) => {
                matches!(e.status, 500 | 502 | 503 | 504)
                    || RETRYABLE_CODES.contains(&e.code.as_str())
            }
            Err(_) => false,
        };
        if !retry || attempt >= attempts {
            return outcome.map(Some);
        }
        // Standard mode: full jitter over an exponential base of 1 s, capped at 20 s.
        let cap = f64::from(1u32 << (attempt - 1).min(5)).min(20.0);
        std::thread::sleep(Duration::from_secs_f64(jitter() * cap));
        attempt += 1;
    }
}

/// Credentials from an STS response, or the error it carries.
fn parse_sts_reply(reply: &Reply) -> Result<Credentials, Error> {
    let leaves = xml_leaves(&reply.body).unwrap_or_default();
    let find = |suffix: &str| {
        leaves
            .iter()
            .find(|(path, _)| path.ends_with(suffix))
            .map(|(_, v)| v.clone())
    };
    if reply.status == 200 {
        let (Some(access_key_id), Some(secret_access_key)) = (
            find("Result/Credentials/AccessKeyId"),
            find("Result/Credentials/SecretAccessKey"),
        ) else {
            return Err(Error::Transport(format!(
                "Unexpected response from STS {WEB_IDENTITY_OP}: no credentials in it"
            )));
        };
        return Ok(Credentials {
            access_key_id,
            secret_access_key,
            session_token: find("Result/Credentials/SessionToken").filter(|t| !t.is_empty()),
        });
    }
    let code = find("Error/Code").unwrap_or_else(|| reply.status.to_string());
    let message = find("Error/Message").unwrap_or_else(|| {
        ureq::http::StatusCode::from_u16(reply.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
            .to_string()
    });
    Err(Error::Aws(AwsError {
        code,
        message,
        request_id: find("RequestId").or_else(|| reply.request_id.clone()),
        status: reply.status,
        operation: WEB_IDENTITY_OP.into(),
        region: None,
    }))
}

/// `application/x-www-form-urlencoded` with RFC 3986 escaping.
fn form_encode(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Every element's text, keyed by its path of local names (`A/B/C`).
fn xml_leaves(xml: &str) -> Result<Vec<(String, String)>, quick_xml::Error> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event()? {
            Event::Start(e) => {
                path.push(String::from(e.local_name().as_ref()));
                text.clear();
            }
            Event::End(_) => {
                out.push((path.join("/"), text.trim().to_string()));
                path.pop();
                text.clear();
            }
            Event::Empty(e) => {
                let name = e.local_name();
                path.push(String::from(name.as_ref()));
                out.push((path.join("/"), String::new()));
                path.pop();
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(c) => text.push_str(&c),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref()? {
                    text.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    text.push_str(s);
                }
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------
// Container credentials

const CONTAINER: &str = "Error when retrieving credentials from container-role";
const CONTAINER_HOSTS: [&str; 4] = [
    "169.254.170.2",
    "169.254.170.23",
    "fd00:ec2::23",
    "localhost",
];

/// ECS task roles (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`) and anything serving
/// the same JSON at `AWS_CONTAINER_CREDENTIALS_FULL_URI` (EKS Pod Identity).
fn container(env: &dyn Env) -> Result<Option<Credentials>, Error> {
    let url = if let Some(relative) = env.var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        format!("http://169.254.170.2{relative}")
    } else if let Some(full) = env.var("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
        check_container_url(&full)?;
        full
    } else {
        return Ok(None);
    };
    let token = if let Some(path) = env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::Msg(format!(
                "{CONTAINER}: could not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {path}: {e}"
            ))
        })?;
        Some(text.trim_end().to_string())
    } else {
        env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN")
    };
    if token.as_ref().is_some_and(|t| t.contains(['\r', '\n'])) {
        return Err(Error::Msg(format!(
            "{CONTAINER}: the authorization token is not a legal header value"
        )));
    }
    fetch_container(&url, token.as_deref(), 3, Duration::from_secs(1)).map(Some)
}

/// botocore allows plain http only to loopback addresses and the ECS/EKS hosts.
fn check_container_url(url: &str) -> Result<(), Error> {
    let Some((scheme, host)) = url_host(url).filter(|(s, _)| s == "http" || s == "https") else {
        return Err(Error::Msg(format!(
            "{CONTAINER}: AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http or https URL"
        )));
    };
    let loopback = host
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback());
    if scheme == "https" || loopback || CONTAINER_HOSTS.contains(&host.as_str()) {
        return Ok(());
    }
    Err(Error::Msg(format!(
        "Unsupported host '{host}' in AWS_CONTAINER_CREDENTIALS_FULL_URI. Can only retrieve \
         metadata from a loopback address or one of these hosts: {}",
        CONTAINER_HOSTS.join(", ")
    )))
}

/// GET the credentials JSON; botocore tries 3 times, 1 s apart, 2 s timeouts.
fn fetch_container(
    url: &str,
    token: Option<&str>,
    attempts: u32,
    pause: Duration,
) -> Result<Credentials, Error> {
    let agent = agent(Duration::from_secs(2), Duration::from_secs(2), None, None);
    let mut attempt = 1;
    let reply = loop {
        let mut request = agent.get(url).header("Accept", "application/json");
        if let Some(token) = token {
            request = request.header("Authorization", token);
        }
        let why = match request.call().and_then(read_reply) {
            Ok(reply) if reply.status == 200 => break reply,
            Ok(reply) => format!(
                "Received non 200 response {} from container metadata",
                reply.status
            ),
            Err(e) => format!("Received error when attempting to retrieve container metadata: {e}"),
        };
        if attempt >= attempts {
            return Err(Error::Msg(format!("{CONTAINER}: {why}")));
        }
        std::thread::sleep(pause);
        attempt += 1;
    };
    let fail = |why: &str| Error::Msg(format!("{CONTAINER}: {why}"));
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&reply.body) else {
        return Err(fail(
            "Unable to parse JSON returned from container metadata services",
        ));
    };
    let (Some(access_key_id), Some(secret_access_key)) = (
        optional_string(&map, "AccessKeyId"),
        optional_string(&map, "SecretAccessKey"),
    ) else {
        return Err(fail(
            "the container metadata response has no AccessKeyId or SecretAccessKey",
        ));
    };
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token: optional_string(&map, "Token"),
    })
}

// ---------------------------------------------------------------------------
// EC2 instance metadata

/// How to reach the instance metadata service, from the environment and profile.
struct ImdsSettings {
    /// Base URL without a trailing slash.
    base: String,
    timeout: Duration,
    attempts: u32,
    v1_disabled: bool,
}

impl ImdsSettings {
    /// `None` when `AWS_EC2_METADATA_DISABLED=true`.
    fn new(env: &dyn Env, files: &SharedFiles, profile: &str) -> Option<ImdsSettings> {
        if env
            .var("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            return None;
        }
        let setting =
            |var: &str, key: &str| env.var(var).or_else(|| files.config_value(profile, key));
        let base = setting(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "ec2_metadata_service_endpoint",
        )
        .unwrap_or_else(|| {
            let ipv6 = setting(
                "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                "ec2_metadata_service_endpoint_mode",
            )
            .is_some_and(|m| m.eq_ignore_ascii_case("ipv6"));
            if ipv6 {
                "http://[fd00:ec2::254]".into()
            } else {
                "http://169.254.169.254".into()
            }
        });
        let timeout = setting("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or(1.0);
        let attempts = setting(
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
            "metadata_service_num_attempts",
        )
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(1);
        let v1_disabled = setting("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        Some(ImdsSettings {
            base: base.trim_end_matches('/').to_string(),
            timeout: Duration::from_secs_f64(timeout),
            attempts,
            v1_disabled,
        })
    }

    /// The role's credentials, or `None` for any failure: botocore treats an
    /// unreachable or unhelpful metadata service as "no credentials here".
    fn fetch(&self) -> Option<Credentials> {
        let agent = agent(self.timeout, self.timeout, None, None);
        let token = match self.token(&agent) {
            Token::Got(token) => Some(token),
            Token::Unsupported if !self.v1_disabled => None,
            _ => return None,
        };
        const PATH: &str = "latest/meta-data/iam/security-credentials/";
        let role = self.get(&agent, PATH, token.as_deref(), |_| true)?;
        let role = role.lines().next().unwrap_or("").trim().to_string();
        if role.is_empty() {
            return None;
        }
        let body = self.get(&agent, &format!("{PATH}{role}"), token.as_deref(), |body| {
            serde_json::from_str::<Value>(body).is_ok()
        })?;
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&body) else {
            return None;
        };
        // botocore wants all four; anything less is an error document.
        if !["AccessKeyId", "SecretAccessKey", "Token", "Expiration"]
            .iter()
            .all(|k| map.contains_key(*k))
        {
            return None;
        }
        Some(Credentials {
            access_key_id: optional_string(&map, "AccessKeyId")?,
            secret_access_key: optional_string(&map, "SecretAccessKey")?,
            session_token: optional_string(&map, "Token"),
        })
    }

    /// IMDSv2 session token (PUT).
    fn token(&self, agent: &ureq::Agent) -> Token {
        let url = format!("{}/latest/api/token", self.base);
        for _ in 0..self.attempts {
            let result = agent
                .put(&url)
                .header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
                .send_empty()
                .and_then(read_reply);
            match result {
                Ok(r) if r.status == 200 => return Token::Got(r.body),
                Ok(r) if matches!(r.status, 403..=405) => return Token::Unsupported,
                Ok(r) if r.status == 400 => return Token::Failed,
                Ok(_) => {}
                // Something accepted the connection but did not answer in time:
                // botocore then tries IMDSv1.
                Err(e) if !unreachable(&e) => return Token::Unsupported,
                // Nothing listening: this is not an EC2 instance (botocore would still
                // try v1 and time out a second time; the answer is the same).
                Err(_) => {}
            }
        }
        Token::Failed
    }

    /// GET a metadata path; retried (up to `attempts`) on non-200, empty or invalid.
    fn get(
        &self,
        agent: &ureq::Agent,
        path: &str,
        token: Option<&str>,
        valid: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let url = format!("{}/{path}", self.base);
        for _ in 0..self.attempts {
            let mut request = agent.get(&url);
            if let Some(token) = token {
                request = request.header("x-aws-ec2-metadata-token", token);
            }
            if let Ok(r) = request.call().and_then(read_reply)
                && r.status == 200
                && !r.body.is_empty()
                && valid(&r.body)
            {
                return Some(r.body);
            }
        }
        None
    }
}

enum Token {
    Got(String),
    /// The service does not do IMDSv2: fall back to v1.
    Unsupported,
    Failed,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::config::MapEnv;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread::JoinHandle;
    use std::time::Instant;

    // -- helpers -----------------------------------------------------------

    /// A unique temp file, removed on drop.
    struct TempFile(PathBuf);
    impl TempFile {
        fn new(name: &str, text: &str) -> Self {
            static N: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "s3creds-credentials-{}-{}-{name}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::write(&path, text).unwrap();
            TempFile(path)
        }
        fn path(&self) -> &str {
            self.0.to_str().unwrap()
        }
    }
    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    const CREDS_PATH: &str = "/nonexistent/s3creds/credentials";
    const CONFIG_PATH: &str = "/nonexistent/s3creds/config";

    fn files(credentials: &str, config: &str) -> SharedFiles {
        SharedFiles::from_text(
            credentials,
            config,
            Path::new(CREDS_PATH),
            Path::new(CONFIG_PATH),
        )
        .unwrap()
    }

    /// An environment that never reaches the real metadata service.
    fn env(pairs: &[(&str, &str)]) -> MapEnv {
        let mut e = MapEnv::from_pairs(&[("AWS_EC2_METADATA_DISABLED", "true")]);
        for (k, v) in pairs {
            e.0.insert(k.to_string(), v.to_string());
        }
        e
    }

    fn keys(a: &str, s: &str, t: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: a.into(),
            secret_access_key: s.into(),
            session_token: t.map(str::to_string),
        }
    }

    fn cli(a: Option<&str>, s: Option<&str>, t: Option<&str>, auth: Option<&str>) -> CliAuth {
        let own = |v: Option<&str>| v.map(str::to_string);
        CliAuth {
            access_key: own(a),
            secret_key: own(s),
            session_token: own(t),
            auth_content: own(auth),
        }
    }

    fn resolve_with(c: &CliAuth, e: &MapEnv, f: &SharedFiles) -> Result<Credentials, Error> {
        resolve(c, e, f, &config::profile_name(e), "http://127.0.0.1:9")
    }

    /// One request as the mock server saw it.
    #[derive(Debug)]
    struct Seen {
        method: String,
        path: String,
        headers: Vec<(String, String)>,
        body: String,
    }

    impl Seen {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
    }

    /// A loopback HTTP server answering `count` requests (one per connection) with
    /// `respond`; joining the handle gives the requests it saw.
    fn serve(
        count: usize,
        respond: impl Fn(&Seen) -> (u16, String) + Send + 'static,
    ) -> (String, JoinHandle<Vec<Seen>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let handle = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(20);
            let mut seen = Vec::new();
            while seen.len() < count && Instant::now() < deadline {
                let mut stream = match listener.accept() {
                    Ok((stream, _)) => stream,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                    Err(e) => panic!("accept: {e}"),
                };
                stream.set_nonblocking(false).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i;
                    }
                    let n = stream.read(&mut chunk).unwrap();
                    assert!(n > 0, "connection closed mid-request");
                    buf.extend_from_slice(&chunk[..n]);
                };
                let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
                let mut lines = head.split("\r\n");
                let mut first = lines.next().unwrap().split(' ');
                let (method, path) = (first.next().unwrap(), first.next().unwrap());
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .collect();
                let length: usize = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                    .map_or(0, |(_, v)| v.parse().unwrap());
                let mut body = buf[head_end + 4..].to_vec();
                while body.len() < length {
                    let n = stream.read(&mut chunk).unwrap();
                    assert!(n > 0, "connection closed mid-body");
                    body.extend_from_slice(&chunk[..n]);
                }
                let request = Seen {
                    method: method.to_string(),
                    path: path.to_string(),
                    headers,
                    body: String::from_utf8(body).unwrap(),
                };
                let (status, text) = respond(&request);
                let response = format!(
                    "HTTP/1.1 {status} Whatever\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
                stream.write_all(response.as_bytes()).unwrap();
                seen.push(request);
            }
            seen
        });
        (base, handle)
    }

    fn form_decode(body: &str) -> Vec<(String, String)> {
        let decode = |s: &str| {
            let bytes = s.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'%' => {
                        out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                        i += 3;
                    }
                    b'+' => {
                        out.push(b' ');
                        i += 1;
                    }
                    b => {
                        out.push(b);
                        i += 1;
                    }
                }
            }
            String::from_utf8(out).unwrap()
        };
        body.split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (decode(k), decode(v))
            })
            .collect()
    }

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

    // -- credential_process -------------------------------------------------

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

    // -- container credentials ----------------------------------------------

    fn container_json() -> String {
        "{\"AccessKeyId\": \"CA\", \"SecretAccessKey\": \"CS\", \"Token\": \"CT\", \
         \"Expiration\": \"2030-01-01T00:00:00Z\", \"RoleArn\": \"x\"}"
            .to_string()
    }

    #[test]
    fn container_credentials_full_uri() {
        let (base, server) = serve(1, |_| (200, container_json()));
        let e = env(&[
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                &format!("{base}/v2/credentials?id=1"),
            ),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer abc"),
        ]);
        let got = resolve_with(&CliAuth::default(), &e, &files("", "")).unwrap();
        assert_eq!(got, keys("CA", "CS", Some("CT")));
        let seen = server.join().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].method, "GET");
        assert_eq!(seen[0].path, "/v2/credentials?id=1");
        assert_eq!(seen[0].header("authorization"), Some("Bearer abc"));
        assert_eq!(seen[0].header("accept"), Some("application/json"));
    }

    #[test]
    fn container_token_file_wins_over_token() {
        let token = TempFile::new("pod-token", "from-file\n");
        let (base, server) = serve(1, |_| (200, container_json()));
        let e = env(&[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &base),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-env"),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token.path()),
        ]);
        resolve_with(&CliAuth::default(), &e, &files("", "")).unwrap();
        let seen = server.join().unwrap();
        assert_eq!(seen[0].header("authorization"), Some("from-file"));
    }

    #[test]
    fn container_host_check() {
        let e = env(&[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://example.com/creds",
        )]);
        let err = resolve_with(&CliAuth::default(), &e, &files("", ""))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("Unsupported host 'example.com'"), "{err}");
        for ok in [
            "https://example.com/x",
            "http://127.0.0.2:8/x",
            "http://[::1]:8/x",
            "http://localhost/x",
            "http://169.254.170.23/v1/credentials",
        ] {
            assert!(check_container_url(ok).is_ok(), "{ok}");
        }
        assert!(check_container_url("http://[fd00:ec2::24]/x").is_err());
        assert!(check_container_url("file:///etc/passwd").is_err());
    }

    #[test]
    fn container_errors() {
        let (base, server) = serve(1, |_| (500, "{\"SecretAccessKey\": \"TOPSECRET\"}".into()));
        let err = fetch_container(&base, None, 1, Duration::ZERO)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Error when retrieving credentials from container-role: Received non 200 response \
             500 from container metadata"
        );
        server.join().unwrap();
        let (base, server) = serve(1, |_| (200, "{\"SecretAccessKey\": \"TOPSECRET\",".into()));
        let err = fetch_container(&base, None, 1, Duration::ZERO)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Unable to parse JSON") && !err.contains("TOPSECRET"),
            "{err}"
        );
        server.join().unwrap();
    }

    // -- EC2 instance metadata ----------------------------------------------

    fn imds_responder(v2: bool) -> impl Fn(&Seen) -> (u16, String) + Send + 'static {
        move |r: &Seen| match (r.method.as_str(), r.path.as_str()) {
            ("PUT", "/latest/api/token") if v2 => (200, "TOKEN123".into()),
            ("PUT", _) => (403, String::new()),
            ("GET", "/latest/meta-data/iam/security-credentials/") => (200, "my-role".into()),
            ("GET", "/latest/meta-data/iam/security-credentials/my-role") => (
                200,
                "{\"Code\": \"Success\", \"AccessKeyId\": \"IA\", \"SecretAccessKey\": \"IS\", \
                 \"Token\": \"IT\", \"Expiration\": \"2030-01-01T00:00:00Z\"}"
                    .into(),
            ),
            _ => (404, String::new()),
        }
    }

    #[test]
    fn imds_v2() {
        let (base, server) = serve(3, imds_responder(true));
        let e = MapEnv::from_pairs(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &format!("{base}/"))]);
        let got = resolve_with(&CliAuth::default(), &e, &files("", "")).unwrap();
        assert_eq!(got, keys("IA", "IS", Some("IT")));
        let seen = server.join().unwrap();
        let calls: Vec<_> = seen
            .iter()
            .map(|r| (r.method.as_str(), r.path.as_str()))
            .collect();
        assert_eq!(
            calls,
            [
                ("PUT", "/latest/api/token"),
                ("GET", "/latest/meta-data/iam/security-credentials/"),
                ("GET", "/latest/meta-data/iam/security-credentials/my-role"),
            ]
        );
        assert_eq!(
            seen[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
            Some("21600")
        );
        assert_eq!(seen[0].header("x-aws-ec2-metadata-token"), None);
        for r in &seen[1..] {
            assert_eq!(r.header("x-aws-ec2-metadata-token"), Some("TOKEN123"));
        }
    }

    #[test]
    fn imds_v1_fallback() {
        let (base, server) = serve(3, imds_responder(false));
        let e = MapEnv::from_pairs(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &base)]);
        let got = resolve_with(&CliAuth::default(), &e, &files("", "")).unwrap();
        assert_eq!(got, keys("IA", "IS", Some("IT")));
        let seen = server.join().unwrap();
        assert_eq!(seen[0].method, "PUT");
        assert!(
            seen[1..]
                .iter()
                .all(|r| r.header("x-aws-ec2-metadata-token").is_none())
        );

        // With v1 disabled the 403 ends the search.
        let (base, server) = serve(1, imds_responder(false));
        let e = MapEnv::from_pairs(&[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &base),
            ("AWS_EC2_METADATA_V1_DISABLED", "true"),
        ]);
        let err = resolve_with(&CliAuth::default(), &e, &files("", "")).unwrap_err();
        assert!(
            err.to_string().starts_with("Unable to locate credentials"),
            "{err}"
        );
        assert_eq!(server.join().unwrap().len(), 1);
    }

    #[test]
    fn imds_error_document_is_no_credentials() {
        let (base, server) = serve(3, |r: &Seen| match r.path.as_str() {
            "/latest/api/token" => (200, "T".into()),
            "/latest/meta-data/iam/security-credentials/" => (200, "r".into()),
            _ => (
                200,
                "{\"Code\": \"AssumeRoleUnauthorizedAccess\", \"Message\": \"no\"}".into(),
            ),
        });
        let e = MapEnv::from_pairs(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &base)]);
        let err = resolve_with(&CliAuth::default(), &e, &files("", "")).unwrap_err();
        assert!(
            err.to_string().starts_with("Unable to locate credentials"),
            "{err}"
        );
        assert_eq!(server.join().unwrap().len(), 3);
    }

    #[test]
    fn imds_unreachable_is_no_credentials() {
        // Bind and drop to get a port with nothing listening.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let e = MapEnv::from_pairs(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &base)]);
        let err = resolve_with(&CliAuth::default(), &e, &files("", "")).unwrap_err();
        assert!(
            err.to_string().starts_with("Unable to locate credentials"),
            "{err}"
        );
        assert!(!err.to_string().contains("(disabled)"), "{err}");
    }

    // -- web identity -------------------------------------------------------

    const STS_OK: &str = r#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:ns:sa</SubjectFromWebIdentityToken>
    <Credentials>
      <AccessKeyId>ASIAWEB</AccessKeyId>
      <SecretAccessKey>web/secret+key</SecretAccessKey>
      <SessionToken>tok&amp;en</SessionToken>
      <Expiration>2030-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>"#;

    #[test]
    fn web_identity_exchange() {
        let token = TempFile::new("web-token", "eyJ.token+/=\n");
        let (base, server) = serve(1, |_| (200, STS_OK.into()));
        let e = env(&[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token.path()),
            ("AWS_ROLE_ARN", "arn:aws:iam::123:role/web"),
            ("AWS_ROLE_SESSION_NAME", "my session"),
        ]);
        let f = files(
            "[default]\naws_access_key_id = F\naws_secret_access_key = FS\n",
            "",
        );
        let got = resolve(&CliAuth::default(), &e, &f, "default", &base).unwrap();
        assert_eq!(got, keys("ASIAWEB", "web/secret+key", Some("tok&en")));

        let seen = server.join().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(
            (seen[0].method.as_str(), seen[0].path.as_str()),
            ("POST", "/")
        );
        assert!(
            seen[0]
                .header("content-type")
                .unwrap()
                .starts_with("application/x-www-form-urlencoded")
        );
        assert_eq!(
            seen[0].header("authorization"),
            None,
            "the call is unsigned"
        );
        let form = form_decode(&seen[0].body);
        let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(field("Action"), Some("AssumeRoleWithWebIdentity"));
        assert_eq!(field("Version"), Some("2011-06-15"));
        assert_eq!(field("RoleArn"), Some("arn:aws:iam::123:role/web"));
        assert_eq!(field("RoleSessionName"), Some("my session"));
        assert_eq!(field("WebIdentityToken"), Some("eyJ.token+/="));
    }

    #[test]
    fn web_identity_from_profile_with_default_session_name() {
        let token = TempFile::new("web-token-profile", "tok");
        let (base, server) = serve(1, |_| (200, STS_OK.into()));
        let f = files(
            "",
            &format!(
                "[profile w]\nweb_identity_token_file = {}\nrole_arn = arn:aws:iam::1:role/p\n",
                token.path()
            ),
        );
        let e = env(&[("AWS_PROFILE", "w")]);
        let got = resolve(&CliAuth::default(), &e, &f, "w", &base).unwrap();
        assert_eq!(got.access_key_id, "ASIAWEB");
        let seen = server.join().unwrap();
        let form = form_decode(&seen[0].body);
        let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(field("RoleArn").as_deref(), Some("arn:aws:iam::1:role/p"));
        assert!(
            field("RoleSessionName")
                .unwrap()
                .starts_with("botocore-session-")
        );
    }

    #[test]
    fn web_identity_error_document() {
        let token = TempFile::new("web-token-err", "bad");
        let (base, server) = serve(1, |_| {
            (
                400,
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
                 <Type>Sender</Type><Code>InvalidIdentityToken</Code>\
                 <Message>Couldn't retrieve verification key from your identity provider</Message>\
                 </Error><RequestId>req-9</RequestId></ErrorResponse>"
                    .into(),
            )
        });
        let e = env(&[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token.path()),
            ("AWS_ROLE_ARN", "arn:aws:iam::123:role/web"),
        ]);
        let err = resolve(&CliAuth::default(), &e, &files("", ""), "default", &base).unwrap_err();
        assert_eq!(
            err.aws(),
            Some(&AwsError {
                code: "InvalidIdentityToken".into(),
                message: "Couldn't retrieve verification key from your identity provider".into(),
                request_id: Some("req-9".into()),
                status: 400,
                operation: "AssumeRoleWithWebIdentity".into(),
                region: None,
            })
        );
        assert_eq!(server.join().unwrap().len(), 1, "not retried");
    }

    #[test]
    fn web_identity_needs_a_role() {
        let e = env(&[("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token")]);
        let err = resolve_with(&CliAuth::default(), &e, &files("", "")).unwrap_err();
        assert!(
            err.to_string().contains("has no role ARN configured"),
            "{err}"
        );
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
    fn xml_paths_and_entities() {
        let leaves = xml_leaves("<a><b>x &lt;&#65;&gt; <![CDATA[<c>]]></b><e/></a>").unwrap();
        assert_eq!(
            leaves,
            [
                ("a/b".to_string(), "x <A> <c>".to_string()),
                ("a/e".to_string(), String::new()),
                ("a".to_string(), String::new()),
            ]
        );
    }

    #[test]
    fn proxies_from_env() {
        let e = MapEnv::from_pairs(&[
            ("HTTPS_PROXY", "http://proxy:3128"),
            ("NO_PROXY", "localhost,.internal.example"),
        ]);
        assert!(env_proxy(&e, "https://sts.us-east-1.amazonaws.com/").is_some());
        assert!(env_proxy(&e, "http://sts.us-east-1.amazonaws.com/").is_none());
        assert!(env_proxy(&e, "https://localhost:8443/").is_none());
        assert!(env_proxy(&e, "https://sts.internal.example/").is_none());
        let e = MapEnv::from_pairs(&[("https_proxy", "http://proxy:3128"), ("no_proxy", "*")]);
        assert!(env_proxy(&e, "https://sts.amazonaws.com/").is_none());
    }

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
