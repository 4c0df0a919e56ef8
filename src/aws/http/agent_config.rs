//! What every agent is built with: the trusted roots (embedded plus AWS_CA_BUNDLE)
//! and the proxy chosen for a URL (HTTPS_PROXY / HTTP_PROXY / NO_PROXY).

use std::time::Duration;

use ureq::Agent;

use crate::aws::config::Env;

/// Why an agent could not be made.
#[derive(Debug)]
pub enum AgentError {
    /// AWS_CA_BUNDLE / `ca_bundle` names a file that cannot be read.
    CaBundleUnreadable {
        path: String,
        source: std::io::Error,
    },
    /// The CA bundle holds no PEM certificate.
    CaBundleEmpty { path: String },
    /// HTTPS_PROXY / HTTP_PROXY is not a URL ureq can use.
    InvalidProxy { proxy: String, source: ureq::Error },
}

impl std::fmt::Display for AgentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgentError::CaBundleUnreadable { path, source } => {
                write!(f, "Could not read the CA bundle {path}: {source}")
            }
            AgentError::CaBundleEmpty { path } => {
                write!(f, "The CA bundle {path} holds no PEM certificates")
            }
            AgentError::InvalidProxy { proxy, source } => {
                write!(f, "Invalid proxy URL {proxy}: {source}")
            }
        }
    }
}

impl std::error::Error for AgentError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AgentError::CaBundleUnreadable { source, .. } => Some(source),
            AgentError::InvalidProxy { source, .. } => Some(source),
            AgentError::CaBundleEmpty { .. } => None,
        }
    }
}

impl From<AgentError> for crate::error::Error {
    fn from(e: AgentError) -> Self {
        crate::error::Error::Layer(Box::new(e))
    }
}

/// The roots to trust: the embedded Mozilla roots, plus the PEM certificates of
/// `ca_bundle` (AWS_CA_BUNDLE / `ca_bundle`: a corporate TLS-inspecting proxy's root,
/// say) when one is configured. Every agent needs them: ureq has no roots of its own.
pub(crate) fn root_certs(ca_bundle: Option<&str>) -> Result<ureq::tls::RootCerts, AgentError> {
    use ureq::tls::{Certificate, RootCerts};
    let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    if let Some(path) = ca_bundle {
        let pem = std::fs::read(path).map_err(|source| AgentError::CaBundleUnreadable {
            path: path.to_string(),
            source,
        })?;
        let before = roots.len();
        roots.extend(ureq::tls::parse_pem(&pem).filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c.to_owned()),
            _ => None,
        }));
        if roots.len() == before {
            return Err(AgentError::CaBundleEmpty {
                path: path.to_string(),
            });
        }
    }
    Ok(RootCerts::new_with_certs(&roots))
}

/// `host[:port]` of `scheme://host[:port]`.
pub(crate) fn authority(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// The proxy variables, read once through `Env` when the transport is made.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProxyEnv(Vec<(&'static str, String)>);

impl ProxyEnv {
    const NAMES: [&'static str; 6] = [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
    ];

    pub(crate) fn capture(env: &dyn Env) -> ProxyEnv {
        ProxyEnv(
            Self::NAMES
                .iter()
                .filter_map(|n| Some((*n, env.var(n)?)))
                .collect(),
        )
    }

    /// The proxy for this URL: see [`proxy_from`].
    pub(super) fn proxy_for(&self, url: &str) -> Option<String> {
        proxy_from(url, self)
    }
}

/// The captured variables, read as any environment is.
impl Env for ProxyEnv {
    fn var(&self, name: &str) -> Option<String> {
        let found = self.0.iter().find(|(n, _)| *n == name);
        found.map(|(_, v)| v.clone()).filter(|v| !v.is_empty())
    }

    fn var_raw(&self, name: &str) -> Option<std::ffi::OsString> {
        self.var(name).map(Into::into)
    }
}

/// The proxy for this URL from HTTPS_PROXY / HTTP_PROXY (HTTP_PROXY does not
/// apply to https URLs), unless NO_PROXY names the host; read from `env`, so that the
/// credential providers (holding their own environment) choose alike.
pub(crate) fn proxy_from(url: &str, env: &dyn Env) -> Option<String> {
    let var = |name: &str| env.var(name);
    let https = url.starts_with("https://");
    let names: &[&str] = if https {
        &["HTTPS_PROXY", "https_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy"]
    };
    let proxy = names
        .iter()
        .find_map(|n| var(n).filter(|v| !v.is_empty()))?;
    let no_proxy = var("NO_PROXY")
        .or_else(|| var("no_proxy"))
        .unwrap_or_default();
    let host = authority(url);
    let host = host.rsplit_once(':').map_or(host, |(h, p)| {
        if p.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    if bypasses_proxy(host, &no_proxy) {
        None
    } else {
        Some(proxy)
    }
}

/// NO_PROXY matching as curl and botocore do it: `*`, exact hosts, and domain
/// suffixes with or without a leading dot.
pub(crate) fn bypasses_proxy(host: &str, no_proxy: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    no_proxy
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.to_ascii_lowercase();
            let entry = entry.rsplit_once(':').map_or(entry.as_str(), |(h, p)| {
                if p.bytes().all(|b| b.is_ascii_digit()) {
                    h
                } else {
                    entry.as_str()
                }
            });
            let entry = entry.trim_start_matches('.');
            host == entry || host.ends_with(&format!(".{entry}"))
        })
}

/// What one agent is made with.
pub(crate) struct AgentSettings<'a> {
    pub connect: Duration,
    /// The longest wait for each read (headers and every body read).
    pub read: Duration,
    pub proxy: Option<&'a str>,
    /// AWS_CA_BUNDLE's PEM file, added to the embedded roots.
    pub ca_bundle: Option<&'a str>,
    /// Keep-alive connections kept (the transfer workers' pool, or 1).
    pub idle_connections: usize,
}

/// The one way an agent is made, for signed calls and the credential providers'
/// unsigned ones alike: no status-as-error, no redirects, the trusted roots, the proxy,
/// and ureq's connector chain with our TCP connector (prompt ACKs; reads, writes and
/// connects a signal can stop: see tcp.rs).
pub(crate) fn build_agent(s: &AgentSettings<'_>) -> Result<Agent, AgentError> {
    let config = agent_config(s)?;
    use ureq::unversioned::transport::{ConnectProxyConnector, Connector, RustlsConnector};
    let connector =
        ().chain(ConnectProxyConnector::default())
            .chain(crate::aws::tcp::QuickAckTcp)
            .chain(RustlsConnector::default());
    let resolver = ureq::unversioned::resolver::DefaultResolver::default();
    Ok(Agent::with_parts(config, connector, resolver))
}

/// The agent's configuration, apart from how it connects (tests connect in memory).
pub(super) fn agent_config(s: &AgentSettings<'_>) -> Result<ureq::config::Config, AgentError> {
    let tls = ureq::tls::TlsConfig::builder().root_certs(root_certs(s.ca_bundle)?);
    let proxy = match s.proxy {
        Some(p) => Some(
            ureq::Proxy::new(p).map_err(|source| AgentError::InvalidProxy {
                proxy: p.to_string(),
                source,
            })?,
        ),
        None => None,
    };
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(s.connect))
        .timeout_recv_response(Some(s.read))
        .timeout_recv_body(None)
        .timeout_per_read(Some(s.read))
        .user_agent(concat!("s3-credentials-rs/", env!("CARGO_PKG_VERSION")))
        .tls_config(tls.build())
        .proxy(proxy)
        .max_idle_connections(s.idle_connections)
        .max_idle_connections_per_host(s.idle_connections)
        .build();
    Ok(config)
}
