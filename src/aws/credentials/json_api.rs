//! Unsigned JSON calls (AWS's rest-json protocol) that the token-based providers
//! make: the IAM Identity Center portal (GetRoleCredentials), its OIDC service
//! (CreateToken) and the sign-in service (CreateOAuth2Token). Retried as botocore's
//! standard mode retries, through [`net::with_retries`].

use std::time::Duration;

use serde_json::Value;

use super::net::{self, Reply, agent, env_proxy, read_reply};
use crate::aws::config::{self, Env, SharedFiles};
use crate::error::{AwsError, Error};

/// One call's shape.
pub(super) struct JsonCall<'a> {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
    /// botocore's operation name, for error messages.
    pub operation: &'a str,
}

/// Send the call and return the JSON object answered, or the service's error.
pub(super) fn call(
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
    call: &JsonCall<'_>,
) -> Result<serde_json::Map<String, Value>, Error> {
    let agent = agent(
        Duration::from_secs(10),
        Duration::from_secs(60),
        env_proxy(env, &call.url),
        config::ca_bundle(env, files, profile).as_deref(),
    )?;
    let attempts = config::retry_config(env, files, profile)?.max_attempts;
    net::with_retries(attempts, || {
        let sent = match call.method {
            "GET" => {
                let mut req = agent.get(&call.url);
                for (name, value) in &call.headers {
                    req = req.header(*name, value.as_str());
                }
                req.call()
            }
            _ => {
                let mut req = agent
                    .post(&call.url)
                    .header("Content-Type", "application/json");
                for (name, value) in &call.headers {
                    req = req.header(*name, value.as_str());
                }
                req.send(call.body.as_deref().unwrap_or("{}"))
            }
        };
        match sent.and_then(read_reply) {
            Err(e) => {
                let message = format!(
                    "Could not connect to the endpoint URL: \"{}\" ({e})",
                    call.url
                );
                Err(Error::transport_from(message, e))
            }
            Ok(reply) => parse_reply(&reply, call.operation),
        }
    })
}

fn parse_reply(reply: &Reply, operation: &str) -> Result<serde_json::Map<String, Value>, Error> {
    let doc = serde_json::from_str::<Value>(&reply.body).ok();
    if (200..300).contains(&reply.status) {
        return match doc {
            Some(Value::Object(map)) => Ok(map),
            _ => Err(Error::transport(format!(
                "Unexpected response from {operation}: not a JSON object"
            ))),
        };
    }
    let field = |names: &[&str]| {
        names.iter().find_map(|n| {
            doc.as_ref()
                .and_then(|d| d.get(*n))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
    };
    // OAuth services (sign-in, SSO-OIDC) put the specific code in `error` (with
    // `AccessDeniedException` as the type); rest-json names the error in
    // `x-amzn-ErrorType` or `__type`/`code`, possibly as `Code:uri` or `namespace#Code`.
    let code = field(&["error"])
        .or_else(|| reply.error_type.clone())
        .or_else(|| field(&["__type", "code", "Code"]))
        .map(|c| {
            let c = c.split(':').next().unwrap_or_default();
            c.rsplit('#').next().unwrap_or_default().to_string()
        })
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| reply.status.to_string());
    let message = field(&["message", "Message", "error_description"])
        .unwrap_or_else(|| crate::aws::http::reason_phrase(reply.status).to_string());
    Err(Error::Aws(AwsError {
        code,
        message,
        request_id: reply.request_id.clone(),
        status: reply.status,
        operation: operation.to_string(),
        ..AwsError::default()
    }))
}

/// A required string member of an answer.
pub(super) fn member<'a>(
    doc: &'a serde_json::Map<String, Value>,
    name: &str,
    operation: &str,
) -> Result<&'a str, Error> {
    doc.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Error::transport(format!(
                "Unexpected response from {operation}: no {name} in it"
            ))
        })
}

/// Percent-encoding for a query value (RFC 3986 unreserved characters kept).
pub(super) fn query_value(s: &str) -> String {
    crate::aws::sigv4::uri_encode(s, true)
}
