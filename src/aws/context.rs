//! The `Context`: credentials, region, endpoints and transport, resolved once per
//! command from the common options and the environment, plus the query-protocol
//! call that IAM and STS share.

use std::time::Duration;

use super::config::{self, Endpoint, Env, ProcessEnv, Service};
use super::credentials::{self, CliAuth};
use super::http::{Http, Request, SigningTarget, Timeouts};
use super::sigv4::{self, Mode};
use super::xml::Element;
use super::{Credentials, iam::Iam, s3::S3, sts::Sts};
use crate::error::Error;

/// What the common AWS options gave.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub auth: CliAuth,
    pub endpoint_url: Option<String>,
}

/// Everything a service client needs.
pub struct Context {
    pub credentials: Credentials,
    pub region: String,
    pub s3_endpoint: Endpoint,
    pub iam_endpoint: Endpoint,
    pub sts_endpoint: Endpoint,
    pub http: Http,
    /// Whether uploads carry a CRC32 and downloads check the object's checksum.
    pub checksums: config::ChecksumConfig,
}

impl Context {
    /// Resolve from the process environment.
    pub fn new(opts: &AwsOptions) -> Result<Context, Error> {
        Self::with_env(opts, &ProcessEnv)
    }

    pub fn with_env(opts: &AwsOptions, env: &dyn Env) -> Result<Context, Error> {
        let files = config::load_shared_files(env)?;
        let profile = config::profile_name(env);
        let region = config::region(env, &files, &profile);
        let cli = opts.endpoint_url.as_deref();
        let endpoint = |service| config::endpoint(service, cli, env, &files, &profile, &region);
        let s3_endpoint = endpoint(Service::S3)?;
        let iam_endpoint = endpoint(Service::Iam)?;
        let sts_endpoint = endpoint(Service::Sts)?;
        // botocore checks these when it makes a client, before any credentials are needed.
        let checksums = config::checksum_config(env, &files, &profile)?;
        let credentials =
            credentials::resolve(&opts.auth, env, &files, &profile, &sts_endpoint.url)?;
        crate::error::register_secret(&credentials.secret_access_key);
        if let Some(token) = &credentials.session_token {
            crate::error::register_secret(token);
        }
        let retry = config::retry_config(env, &files, &profile)?;
        let mut timeouts = Timeouts::default();
        if let Some(secs) = env
            .var("S3_CREDENTIALS_READ_TIMEOUT")
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            // from_secs_f64 panics on inf, NaN and values past u64 seconds.
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
        {
            timeouts.read = secs;
        }
        let http = Http::new(retry, config::ca_bundle(env, &files, &profile), timeouts);
        Ok(Context {
            credentials,
            region,
            s3_endpoint,
            iam_endpoint,
            sts_endpoint,
            http,
            checksums,
        })
    }

    pub fn iam(&self) -> Iam<'_> {
        Iam { ctx: self }
    }

    pub fn sts(&self) -> Sts<'_> {
        Sts { ctx: self }
    }

    pub fn s3(&self) -> S3<'_> {
        S3::new(self)
    }

    /// One query-protocol call (IAM, STS): a signed form POST; returns the
    /// `<ActionResult>` element of the response.
    pub fn query(
        &self,
        service: Service,
        version: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<Element, Error> {
        let endpoint = match service {
            Service::Iam => &self.iam_endpoint,
            Service::Sts => &self.sts_endpoint,
            Service::S3 => &self.s3_endpoint,
        };
        let mut form = format!("Action={action}&Version={version}");
        for (name, value) in params {
            form.push('&');
            form.push_str(&form_encode(name));
            form.push('=');
            form.push_str(&form_encode(value));
        }
        let req = Request::new("POST", &endpoint.url, "/")
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(form.into_bytes());
        let signing_region = config::signing_region(service, &self.region);
        let target = SigningTarget {
            credentials: &self.credentials,
            region: &signing_region,
            service: service.id(),
            mode: Mode::Generic,
        };
        let resp = self.http.send_checked(target, &req, action)?;
        let root = resp.xml_root(action, &format!("{action}Response"))?;
        let result_name = format!("{action}Result");
        // Actions without output (DeleteUser...) have no Result element.
        Ok(root.child(&result_name).cloned().unwrap_or_default())
    }
}

/// Form encoding as botocore does it (Python's `urlencode`): RFC 3986 escapes with a
/// space as `+`. Servers that re-encode the body to check the signature (moto) only
/// agree with this spelling.
pub fn form_encode(s: &str) -> String {
    sigv4::uri_encode(s, true).replace("%20", "+")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_encoded_like_urlencode() {
        // Checked against Python: urllib.parse.urlencode({"p": '{"a b": "x/y~z+*"}'}).
        assert_eq!(
            form_encode("{\"a b\": \"x/y~z+*\"}"),
            "%7B%22a+b%22%3A+%22x%2Fy~z%2B%2A%22%7D"
        );
    }
}
