//! The small HTTP client the network sources (web identity, container, instance
//! metadata) share: unsigned calls with their own short timeouts, read whole. Proxy
//! choice (looked up through `Env`) and trusted roots come from `aws::http`.

use std::io::ErrorKind;
use std::time::Duration;

use crate::aws::config::Env;
use crate::aws::http;
use crate::error::Error;

/// A response, read whole.
pub(super) struct Reply {
    pub status: u16,
    pub body: String,
    pub request_id: Option<String>,
    /// rest-json's `x-amzn-ErrorType`, when sent.
    pub error_type: Option<String>,
}

/// A small agent for one kind of call (its own short timeouts, no pooling), made the
/// one way every agent is ([`http::build_agent`]).
pub(super) fn agent(
    connect: Duration,
    read: Duration,
    proxy: Option<String>,
    ca_bundle: Option<&str>,
) -> Result<ureq::Agent, Error> {
    http::build_agent(&http::AgentSettings {
        connect,
        read,
        proxy: proxy.as_deref(),
        ca_bundle,
        idle_connections: 1,
    })
    .map_err(Error::Msg)
}

pub(super) fn read_reply(
    mut response: ureq::http::Response<ureq::Body>,
) -> Result<Reply, ureq::Error> {
    let status = response.status().as_u16();
    let request_id = ["x-amzn-requestid", "x-amz-request-id"]
        .iter()
        .find_map(|h| response.headers().get(*h))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
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
        error_type,
    })
}

/// Whether the error means nothing answered at all (as opposed to a server that
/// accepted the connection and then was slow or broken).
pub(super) fn unreachable(e: &ureq::Error) -> bool {
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

/// Run `attempt` up to `attempts` times, as botocore's standard mode retries: again
/// after a connection failure, a 5xx or a throttling/transient code (and STS's
/// `IDPCommunicationError`), with full jitter over an exponential base of 1 s,
/// capped at 20 s. The network providers' one retry loop.
pub(super) fn with_retries<T>(
    attempts: u32,
    mut attempt: impl FnMut() -> Result<T, Error>,
) -> Result<T, Error> {
    let mut made = 1;
    loop {
        let outcome = attempt();
        let retry = match &outcome {
            Ok(_) => false,
            Err(Error::Transport(_)) => true,
            Err(Error::Aws(e)) => {
                http::retryable(e) || e.status == 429 || e.code == "IDPCommunicationError"
            }
            Err(_) => false,
        };
        if !retry || made >= attempts {
            return outcome;
        }
        let cap = f64::from(1u32 << (made - 1).min(5)).min(20.0);
        // Interruptible: localserver resolves its credentials again while it serves.
        crate::interrupt::sleep(Duration::from_secs_f64(http::jitter() * cap))?;
        made += 1;
    }
}

/// The proxy for a URL, chosen as for every other AWS call ([`http::proxy_from`])
/// but read through `Env`, so tests stay hermetic. An unusable proxy URL means no
/// proxy, as before.
pub(super) fn env_proxy(env: &dyn Env, url: &str) -> Option<String> {
    let proxy = http::proxy_from(url, env)?;
    // An unusable proxy URL means no proxy, as before.
    ureq::Proxy::new(&proxy).ok().map(|_| proxy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::config::MapEnv;

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
}
