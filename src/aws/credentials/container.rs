//! Container credentials: ECS task roles and EKS Pod Identity, botocore's
//! `ContainerProvider`.

use std::time::Duration;

use serde_json::Value;

use super::error::CredentialsError;
use super::shapes::{self, KeysDocument};
use crate::aws::Credentials;
use crate::aws::config::Env;
use crate::aws::http::{self, Attempt, Backoff, Policy, Request, Timeouts, Unsigned};
use crate::error::Error;

const CONTAINER_HOSTS: [&str; 4] = [
    "169.254.170.2",
    "169.254.170.23",
    "fd00:ec2::23",
    "localhost",
];

/// ECS task roles (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`) and anything serving
/// the same JSON at `AWS_CONTAINER_CREDENTIALS_FULL_URI` (EKS Pod Identity).
pub(super) fn fetch(env: &dyn Env) -> Result<Option<Credentials>, Error> {
    let url = if let Some(relative) = env.var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        format!("http://169.254.170.2{relative}")
    } else if let Some(full) = env.var("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
        check_container_url(&full)?;
        full
    } else {
        return Ok(None);
    };
    let token = if let Some(path) = env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        let text = std::fs::read_to_string(&path).map_err(|source| {
            CredentialsError::ContainerTokenFile {
                path: path.clone(),
                source,
            }
        })?;
        Some(text.trim_end().to_string())
    } else {
        env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN")
    };
    if token.as_ref().is_some_and(|t| t.contains(['\r', '\n'])) {
        return Err(CredentialsError::Container(
            "the authorization token is not a legal header value".into(),
        )
        .into());
    }
    fetch_container(&url, token.as_deref(), 3, Duration::from_secs(1)).map(Some)
}

/// botocore allows plain http only to loopback addresses and the ECS/EKS hosts.
fn check_container_url(url: &str) -> Result<(), Error> {
    let Some((scheme, host)) = url_host(url).filter(|(s, _)| s == "http" || s == "https") else {
        return Err(CredentialsError::Container(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http or https URL".into(),
        )
        .into());
    };
    let loopback = host
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback());
    if scheme == "https" || loopback || CONTAINER_HOSTS.contains(&host.as_str()) {
        return Ok(());
    }
    Err(CredentialsError::ContainerHost {
        host,
        allowed: &CONTAINER_HOSTS,
    }
    .into())
}

/// GET the credentials JSON; botocore tries 3 times, 1 s apart, 2 s timeouts.
fn fetch_container(
    url: &str,
    token: Option<&str>,
    attempts: u32,
    pause: Duration,
) -> Result<Credentials, Error> {
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        read: Duration::from_secs(2),
    };
    let client = Unsigned::new(timeouts, None, None)?;
    let mut req = Request::to_url("GET", url).header("Accept", "application/json");
    if let Some(token) = token {
        req = req.header("Authorization", token);
    }
    let policy = Policy {
        attempts,
        backoff: Backoff::Fixed(pause),
    };
    let reply = http::retry::run(&policy, |_| {
        let why = match client.send(&req) {
            Ok(reply) if reply.status == 200 => return Attempt::Done(reply),
            Ok(reply) => format!(
                "Received non 200 response {} from container metadata",
                reply.status
            ),
            Err(e) => format!("Received error when attempting to retrieve container metadata: {e}"),
        };
        Attempt::Failed {
            error: Error::from(CredentialsError::Container(why)),
            retryable: true,
        }
    })
    .map_err(|gave_up| gave_up.error)?;
    let fail = |why: &str| Error::from(CredentialsError::Container(why.into()));
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(reply.text()) else {
        return Err(fail(
            "Unable to parse JSON returned from container metadata services",
        ));
    };
    let doc: KeysDocument = shapes::read(map).unwrap_or_default();
    let (Some(access_key_id), Some(secret_access_key)) = (
        doc.access_key_id.non_empty(),
        doc.secret_access_key.non_empty(),
    ) else {
        return Err(fail(
            "the container metadata response has no AccessKeyId or SecretAccessKey",
        ));
    };
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token: doc.token.non_empty(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::credentials::CliAuth;
    use crate::aws::credentials::testing::*;

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

    /// ureq has no roots of its own (its webpki-roots feature is off) and panics when
    /// an agent without explicit roots opens a TLS connection: an https FULL_URI must
    /// get an error from the handshake, not a panic.
    #[test]
    fn https_uses_the_embedded_roots() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("https://{}/creds", listener.local_addr().unwrap());
        let server = std::thread::spawn(move || drop(listener.accept().unwrap()));
        let err = fetch_container(&url, None, 1, Duration::ZERO)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "Error when retrieving credentials from container-role: Received error when \
                 attempting to retrieve container metadata"
            ),
            "{err}"
        );
        server.join().unwrap();
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
}
