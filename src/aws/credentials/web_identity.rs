//! Web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (or the profile's
//! `web_identity_token_file` / `role_arn`), exchanged at STS with an unsigned
//! `AssumeRoleWithWebIdentity` call, retried as botocore's standard mode does.

use std::time::{SystemTime, UNIX_EPOCH};

use super::error::CredentialsError;
use super::json_api::with_retries;
use crate::aws::config::{self, Env, SharedFiles};
use crate::aws::http::{self, Request, Response, Timeouts, Unsigned};
use crate::aws::query::form_encode;
use crate::aws::{Credentials, xml};
use crate::error::Error;

const WEB_IDENTITY_OP: &str = "AssumeRoleWithWebIdentity";

/// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (each falling back to the
/// profile's `web_identity_token_file` / `role_arn`), exchanged at STS.
pub(super) fn fetch(
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
    use_env: bool,
    sts_endpoint: &str,
) -> Result<Option<Credentials>, Error> {
    // The environment variables are skipped for a source profile and with
    // `--profile`, as botocore's `disable_env_vars` does. A variable set to the
    // empty string counts (and hides the profile's setting), as in botocore.
    let setting = |var: &str, key: &str| {
        use_env
            .then(|| env.var_set(var))
            .flatten()
            .or_else(|| files.config_value(profile, key))
    };
    let Some(token_file) =
        setting("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file").filter(|p| !p.is_empty())
    else {
        return Ok(None);
    };
    let Some(role_arn) = setting("AWS_ROLE_ARN", "role_arn").filter(|a| !a.is_empty()) else {
        // botocore's words, its missing space included.
        return Err(CredentialsError::WebIdentityNoRole.into());
    };
    // An empty name is no name: botocore then makes one up.
    let session_name = setting("AWS_ROLE_SESSION_NAME", "role_session_name")
        .filter(|n| !n.is_empty())
        .unwrap_or_else(default_session_name);
    let token = std::fs::read_to_string(&token_file).map_err(|source| {
        CredentialsError::WebIdentityToken {
            path: token_file.clone(),
            source,
        }
    })?;
    // Sent as Python reads the file: text mode (line endings become `\n`), not
    // stripped; STS is the judge of what the token holds.
    let token = token.replace("\r\n", "\n").replace('\r', "\n");
    let body = [
        ("Action", WEB_IDENTITY_OP),
        ("Version", "2011-06-15"),
        ("RoleArn", role_arn.as_str()),
        ("RoleSessionName", session_name.as_str()),
        ("WebIdentityToken", token.as_str()),
    ]
    .iter()
    .map(|(name, value)| format!("{}={}", form_encode(name), form_encode(value)))
    .collect::<Vec<_>>()
    .join("&");

    let url = format!("{}/", sts_endpoint.trim_end_matches('/'));
    let client = Unsigned::new(
        Timeouts::default(),
        http::env_proxy(env, &url),
        config::ca_bundle(env, files, profile).as_deref(),
    )?;
    let req = Request::to_url("POST", &url)
        .header(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(body.into_bytes());
    let attempts = config::retry_config(env, files, profile)?.max_attempts;
    with_retries(attempts, || match client.send(&req) {
        Err(e) => {
            let message = format!("Could not connect to the endpoint URL: \"{url}\" ({e})");
            Err(Error::transport_from(message, e))
        }
        Ok(reply) => parse_sts_reply(&reply),
    })
    .map(Some)
}

/// botocore's `botocore-session-<unix time>`, for an unset or empty session name.
pub(super) fn default_session_name() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("botocore-session-{secs}")
}

/// Credentials from an STS response, or the error it carries.
fn parse_sts_reply(reply: &Response) -> Result<Credentials, Error> {
    if reply.status != 200 {
        let mut err = http::parse_error_body(reply.status, &reply.body, WEB_IDENTITY_OP);
        if err.request_id.is_none() {
            err.request_id = reply.request_id();
        }
        return Err(Error::Aws(err));
    }
    let root = xml::parse(&reply.body).ok();
    let creds = root
        .as_ref()
        .and_then(|r| r.path(&["AssumeRoleWithWebIdentityResult", "Credentials"]));
    let text = |name: &str| {
        creds
            .and_then(|c| c.text_of(name))
            .map(|t| t.trim().to_string())
    };
    let (Some(access_key_id), Some(secret_access_key)) =
        (text("AccessKeyId"), text("SecretAccessKey"))
    else {
        return Err(Error::transport(format!(
            "Unexpected response from STS {WEB_IDENTITY_OP}: no credentials in it"
        )));
    };
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token: text("SessionToken").filter(|t| !t.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::credentials::CliAuth;
    use crate::aws::credentials::testing::*;
    use crate::error::AwsError;

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
        let got = resolve_at(&CliAuth::default(), &e, &f, "default", &base).unwrap();
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
        // The file's text as it is, its newline included.
        assert_eq!(field("WebIdentityToken"), Some("eyJ.token+/=\n"));
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
        let got = resolve_at(&CliAuth::default(), &e, &f, "w", &base).unwrap();
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
        let err =
            resolve_at(&CliAuth::default(), &e, &files("", ""), "default", &base).unwrap_err();
        assert_eq!(
            err.aws(),
            Some(&AwsError {
                code: "InvalidIdentityToken".into(),
                message: "Couldn't retrieve verification key from your identity provider".into(),
                request_id: Some("req-9".into()),
                status: 400,
                operation: "AssumeRoleWithWebIdentity".into(),
                region: None,
                retries: 0,
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

    /// Entities, character references and CDATA in the reply are resolved, and an
    /// empty token element is no token (this was the old `xml_leaves` test).
    #[test]
    fn sts_reply_text_resolves_entities_and_cdata() {
        let reply = Response {
            status: 200,
            headers: Vec::new(),
            body: "<R><AssumeRoleWithWebIdentityResult><Credentials>\
                   <AccessKeyId>A</AccessKeyId>\
                   <SecretAccessKey>x &lt;&#65;&gt; <![CDATA[<c>]]></SecretAccessKey>\
                   <SessionToken/></Credentials></AssumeRoleWithWebIdentityResult></R>"
                .into(),
        };
        assert_eq!(
            parse_sts_reply(&reply).unwrap(),
            keys("A", "x <A> <c>", None)
        );
    }
}
