//! Where each service's requests go: configured endpoints in botocore's order, the
//! AWS defaults per region and partition, and the signing region.

use super::{ConfigError, Env, Service, SharedFiles};
use crate::error::Error;

/// Where requests for a service go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `scheme://host[:port]`, no trailing slash.
    pub url: String,
    /// Whether the user configured it (S3 then uses path-style addressing).
    pub custom: bool,
}

/// The endpoint for a service: `--endpoint-url`, then `AWS_ENDPOINT_URL_<ID>` (S3, IAM,
/// STS, SSO, SSO_OIDC, SIGNIN),
/// `AWS_ENDPOINT_URL`, the `[services]` block the profile names, the profile's
/// `endpoint_url` (botocore's order; the last four are skipped when
/// `ignore_configured_endpoint_urls` is true), else the AWS default for the region.
pub fn endpoint(
    service: Service,
    cli_endpoint: Option<&str>,
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
    region: &str,
) -> Result<Endpoint, Error> {
    // botocore checks the region when it makes a client, whatever the endpoint.
    if !valid_region(region) {
        return Err(ConfigError::InvalidRegion {
            region: region.to_string(),
        }
        .into());
    }
    if let Some(url) = cli_endpoint.filter(|u| !u.is_empty()) {
        return custom_endpoint(url);
    }
    if !ignore_configured_endpoints(env, files, profile) {
        let service_var = format!("AWS_ENDPOINT_URL_{}", service.id().to_uppercase());
        if let Some(url) = env
            .var(&service_var)
            .or_else(|| env.var("AWS_ENDPOINT_URL"))
        {
            return custom_endpoint(&url);
        }
        if let Some(name) = files.config_value(profile, "services") {
            if !files.has_services_section(&name) {
                return Err(ConfigError::MissingServices { name }.into());
            }
            if let Some(url) = files.services_value(&name, service.id(), "endpoint_url") {
                return custom_endpoint(&url);
            }
        }
        if let Some(url) = files.config_value(profile, "endpoint_url") {
            return custom_endpoint(&url);
        }
    }
    default_endpoint(service, region)
}

fn ignore_configured_endpoints(env: &dyn Env, files: &SharedFiles, profile: &str) -> bool {
    env.var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .or_else(|| files.config_value(profile, "ignore_configured_endpoint_urls"))
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The DNS suffix of the partition a region belongs to.
fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

/// A setting's value for an error message: its first line only. A value read from a
/// file can run on over indented lines (INI continuation), and a mis-indented
/// `aws_secret_access_key` line under `region` would otherwise be quoted back.
/// Found by the ini fuzz target.
pub(super) fn one_line(value: &str) -> String {
    match value.split_once(['\n', '\r']) {
        Some((first, _)) => format!("{first}..."),
        None => value.to_string(),
    }
}

/// The AWS endpoint for a region, as botocore's endpoint rules give it.
/// An empty region (`AWS_DEFAULT_REGION=`) passes botocore's check but makes a
/// host with an empty label, which botocore refuses (IAM, being global, works).
fn default_endpoint(service: Service, region: &str) -> Result<Endpoint, Error> {
    let suffix = dns_suffix(region);
    let url = match service {
        Service::S3 if region == "us-east-1" => "https://s3.amazonaws.com".to_string(),
        Service::S3 => format!("https://s3.{region}.{suffix}"),
        Service::Iam if region.starts_with("cn-") => format!("https://iam.cn-north-1.{suffix}"),
        Service::Iam if region.starts_with("us-gov-") => "https://iam.us-gov.amazonaws.com".into(),
        Service::Iam => "https://iam.amazonaws.com".to_string(),
        Service::Sts => format!("https://sts.{region}.{suffix}"),
        Service::Sso => format!("https://portal.sso.{region}.{suffix}"),
        Service::SsoOidc => format!("https://oidc.{region}.{suffix}"),
        Service::Signin if region.starts_with("cn-") => format!("https://{region}.signin.{suffix}"),
        Service::Signin => format!("https://{region}.signin.aws.amazon.com"),
    };
    if region.is_empty() && service != Service::Iam {
        return Err(ConfigError::NoEndpoint { url }.into());
    }
    Ok(Endpoint { url, custom: false })
}

/// The region to sign with: IAM is global and signs with its partition's home
/// region (us-east-1 on AWS); the others sign with the client's region.
pub fn signing_region(service: Service, region: &str) -> String {
    match service {
        Service::Iam if region.starts_with("cn-") => "cn-north-1".into(),
        Service::Iam if region.starts_with("us-gov-") => "us-gov-west-1".into(),
        Service::Iam => "us-east-1".into(),
        _ => region.to_string(),
    }
}

/// botocore's `validate_region_name`, `^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$`:
/// a DNS label that is not all digits. The empty region passes.
fn valid_region(region: &str) -> bool {
    let b = region.as_bytes();
    b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b.first().is_none_or(|c| *c != b'-')
        && b.last().is_none_or(|c| *c != b'-')
        && (b.is_empty() || !b.iter().all(u8::is_ascii_digit))
}

/// Validate a user-given endpoint: `http(s)://host[:port]`, optionally with a lone `/`.
fn custom_endpoint(url: &str) -> Result<Endpoint, Error> {
    let invalid = |expected: &'static str| {
        Err(ConfigError::InvalidEndpointUrl {
            url: url.to_string(),
            expected,
        }
        .into())
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        return invalid("");
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return invalid(" with scheme http or https");
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if !(tail.is_empty() || tail == "/") {
        return invalid(", without a path, query or fragment");
    }
    if authority.contains('@') {
        return invalid(", without user information");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some(close) = v6.find(']') else {
            return invalid("");
        };
        let after = &v6[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return invalid(""),
        };
        let addr = &v6[..close];
        if addr.is_empty()
            || !addr
                .chars()
                .all(|c| c.is_ascii_hexdigit() || ":.%".contains(c))
        {
            return invalid("");
        }
        (&authority[..close + 2], port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty()
        || !host.starts_with('[')
            && !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
    {
        return invalid(" with a host");
    }
    if let Some(p) = port {
        let digits = !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
        if !digits || !matches!(p.parse::<u32>(), Ok(1..=65535)) {
            return invalid(" with a port from 1 to 65535");
        }
    }
    Ok(Endpoint {
        url: format!("{scheme}://{authority}"),
        custom: true,
    })
}
