//! Unsigned calls: what the credential providers send (STS web identity, the SSO
//! portal and its OIDC service, the sign-in service, container and instance
//! metadata). Each provider keeps botocore's timeouts for it, so each gets an agent
//! of its own, made the one way every agent is ([`build_agent`]); the request is the
//! transport's [`Request`], the answer its [`Response`], and retries go through the
//! one loop in `retry.rs` ([`run`](super::retry::run)).

use ureq::Agent;

use super::agent_config::{AgentSettings, build_agent, proxy_from};
use super::message::{Body, Request, Response};
use super::{AgentError, Timeouts};
use crate::aws::config::Env;

/// The largest answer a provider reads (a credentials document is a few hundred bytes).
const MAX_ANSWER: u64 = 1024 * 1024;

/// An agent for one provider's calls.
pub(crate) struct Unsigned {
    agent: Agent,
}

impl Unsigned {
    /// An agent with these timeouts, going through `proxy` (see [`env_proxy`]) and
    /// trusting `ca_bundle` besides the embedded roots. No pooling beyond one
    /// connection: providers make a handful of calls.
    pub(crate) fn new(
        timeouts: Timeouts,
        proxy: Option<String>,
        ca_bundle: Option<&str>,
    ) -> Result<Self, AgentError> {
        let agent = build_agent(&AgentSettings {
            connect: timeouts.connect,
            read: timeouts.read,
            proxy: proxy.as_deref(),
            ca_bundle,
            idle_connections: 1,
        })?;
        Ok(Unsigned { agent })
    }

    /// One attempt: send and read the whole answer as text, whatever its status.
    pub(crate) fn send(&self, req: &Request) -> Result<Response, ureq::Error> {
        let mut builder = ureq::http::Request::builder()
            .method(req.method)
            .uri(req.url());
        for (name, value) in &req.headers {
            builder = builder.header(name, value);
        }
        let sent = match &req.body {
            Body::Bytes(bytes) => self.agent.run(builder.body(bytes.as_slice())?),
            _ => self.agent.run(builder.body(())?),
        };
        let (parts, mut body) = sent?.into_parts();
        let text = body.with_config().limit(MAX_ANSWER).read_to_string()?;
        Ok(Response {
            status: parts.status.as_u16(),
            headers: super::lowercase_headers(&parts.headers),
            body: text.into_bytes(),
        })
    }
}

/// The proxy for a provider's URL, chosen as for every other AWS call ([`proxy_from`])
/// but read through the provider's `Env`, so tests stay hermetic. An unusable proxy
/// URL means no proxy.
pub(crate) fn env_proxy(env: &dyn Env, url: &str) -> Option<String> {
    let proxy = proxy_from(url, env)?;
    ureq::Proxy::new(&proxy).ok().map(|_| proxy)
}

/// Whether the error means nothing answered at all (as opposed to a server that
/// accepted the connection and then was slow or broken).
pub(crate) fn unreachable(e: &ureq::Error) -> bool {
    use std::io::ErrorKind;
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
