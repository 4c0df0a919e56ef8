//! Unsigned JSON calls (AWS's rest-json protocol) that the token-based providers
//! make: the IAM Identity Center portal (GetRoleCredentials), its OIDC service
//! (CreateToken) and the sign-in service (CreateOAuth2Token); and the retry policy
//! every provider call to an AWS service shares ([`with_retries`]).

use serde_json::Value;

use super::shapes::Member;
use crate::aws::config::{self, Env, RetryMode, SharedFiles};
use crate::aws::http::{self, Attempt, Backoff, Policy, Request, Response, Timeouts, Unsigned};
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
    let client = Unsigned::new(
        Timeouts::default(),
        http::env_proxy(env, &call.url),
        config::ca_bundle(env, files, profile).as_deref(),
    )?;
    let mut req = Request::to_url(call.method, &call.url);
    if call.method != "GET" {
        req = req
            .header("Content-Type", "application/json")
            .body(call.body.as_deref().unwrap_or("{}").as_bytes().to_vec());
    }
    for (name, value) in &call.headers {
        req = req.header(name, value.as_str());
    }
    let attempts = config::retry_config(env, files, profile)?.max_attempts;
    with_retries(attempts, || match client.send(&req) {
        Err(e) => {
            let message = format!(
                "Could not connect to the endpoint URL: \"{}\" ({e})",
                call.url
            );
            Err(Error::transport_from(message, e))
        }
        Ok(reply) => parse_reply(&reply, call.operation),
    })
}

/// Run a provider's call to an AWS service up to `attempts` times, as botocore's
/// standard mode retries it: again after a connection failure, a 5xx or a
/// throttling/transient code (and a 429, and STS's `IDPCommunicationError`), with the
/// transport's backoff over a base of 1 s.
pub(super) fn with_retries<T>(
    attempts: u32,
    mut attempt: impl FnMut() -> Result<T, Error>,
) -> Result<T, Error> {
    let policy = Policy {
        attempts,
        backoff: Backoff::Exponential {
            base_ms: 1000,
            mode: RetryMode::Standard,
        },
    };
    http::retry::run(&policy, |_| match attempt() {
        Ok(done) => Attempt::Done(done),
        Err(error) => Attempt::Failed {
            retryable: match &error {
                Error::Transport(_) => true,
                Error::Aws(e) => {
                    http::retryable(e) || e.status == 429 || e.code == "IDPCommunicationError"
                }
                _ => false,
            },
            error,
        },
    })
    .map_err(|gave_up| gave_up.error)
}

fn parse_reply(reply: &Response, operation: &str) -> Result<serde_json::Map<String, Value>, Error> {
    let doc = serde_json::from_str::<Value>(reply.text()).ok();
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
        .or_else(|| reply.header("x-amzn-errortype").map(str::to_string))
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
        request_id: reply.request_id(),
        status: reply.status,
        operation: operation.to_string(),
        ..AwsError::default()
    }))
}

/// A required member of an answer: a non-empty string.
pub(super) fn required(member: &Member, operation: &str, name: &str) -> Result<String, Error> {
    member.non_empty().ok_or_else(|| missing(operation, name))
}

/// An answer without a member it must have.
pub(super) fn missing(operation: &str, name: &str) -> Error {
    Error::transport(format!(
        "Unexpected response from {operation}: no {name} in it"
    ))
}

/// Percent-encoding for a query value (RFC 3986 unreserved characters kept).
pub(super) fn query_value(s: &str) -> String {
    crate::aws::sigv4::uri_encode(s, true)
}
