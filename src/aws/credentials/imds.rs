//! EC2 instance metadata: IMDSv2 with its session token, falling back to v1 as
//! botocore's `InstanceMetadataProvider` does. Any failure here means "no
//! credentials", never an error.

use std::time::Duration;

use serde_json::Value;

use super::shapes::{self, KeysDocument};
use crate::aws::Credentials;
use crate::aws::config::{Env, SharedFiles};
use crate::aws::http::{self, Attempt, Backoff, Policy, Request, Timeouts, Unsigned, unreachable};
use crate::error::Error;

/// How to reach the instance metadata service, from the environment and profile.
pub(super) struct ImdsSettings {
    /// Base URL without a trailing slash.
    base: String,
    timeout: Duration,
    attempts: u32,
    v1_disabled: bool,
}

impl ImdsSettings {
    /// `None` when `AWS_EC2_METADATA_DISABLED=true`.
    pub(super) fn new(env: &dyn Env, files: &SharedFiles, profile: &str) -> Option<ImdsSettings> {
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
    pub(super) fn fetch(&self) -> Option<Credentials> {
        let timeouts = Timeouts {
            connect: self.timeout,
            read: self.timeout,
        };
        let client = Unsigned::new(timeouts, None, None).ok()?;
        let token = match self.token(&client) {
            Token::Got(token) => Some(token),
            Token::Unsupported if !self.v1_disabled => None,
            _ => return None,
        };
        const PATH: &str = "latest/meta-data/iam/security-credentials/";
        let role = self.get(&client, PATH, token.as_deref(), |_| true)?;
        let role = role.lines().next().unwrap_or("").trim().to_string();
        if role.is_empty() {
            return None;
        }
        let body = self.get(
            &client,
            &format!("{PATH}{role}"),
            token.as_deref(),
            |body| serde_json::from_str::<Value>(body).is_ok(),
        )?;
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&body) else {
            return None;
        };
        let doc: KeysDocument = shapes::read(map)?;
        // botocore wants all four; anything less is an error document.
        let members = [
            &doc.access_key_id,
            &doc.secret_access_key,
            &doc.token,
            &doc.expiration,
        ];
        if !members.iter().all(|m| m.is_present()) {
            return None;
        }
        Some(Credentials {
            access_key_id: doc.access_key_id.non_empty()?,
            secret_access_key: doc.secret_access_key.non_empty()?,
            session_token: doc.token.non_empty(),
        })
    }

    /// botocore's metadata fetcher: `attempts` tries, no pause between them.
    fn policy(&self) -> Policy {
        Policy {
            attempts: self.attempts,
            backoff: Backoff::Fixed(Duration::ZERO),
        }
    }

    /// IMDSv2 session token (PUT).
    fn token(&self, client: &Unsigned) -> Token {
        let req = Request::to_url("PUT", &format!("{}/latest/api/token", self.base))
            .header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
            // An empty body, sent with its length as ureq's send_empty sends it.
            .body(Vec::new());
        let outcome = http::retry::run(&self.policy(), |_| match client.send(&req) {
            Ok(r) if r.status == 200 => Attempt::Done(Token::Got(r.text().to_string())),
            Ok(r) if matches!(r.status, 403..=405) => Attempt::Done(Token::Unsupported),
            Ok(r) if r.status == 400 => Attempt::Done(Token::Failed),
            // Something accepted the connection but did not answer in time: botocore
            // then tries IMDSv1.
            Err(e) if !unreachable(&e) => Attempt::Done(Token::Unsupported),
            // Another status, or nothing listening: this may not be an EC2 instance
            // (botocore would still try v1 and time out a second time; the answer is
            // the same).
            _ => Attempt::Failed {
                error: Error::transport("no IMDSv2 token"),
                retryable: true,
            },
        });
        outcome.unwrap_or(Token::Failed)
    }

    /// GET a metadata path; retried (up to `attempts`) on non-200, empty or invalid.
    fn get(
        &self,
        client: &Unsigned,
        path: &str,
        token: Option<&str>,
        valid: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let mut req = Request::to_url("GET", &format!("{}/{path}", self.base));
        if let Some(token) = token {
            req = req.header("x-aws-ec2-metadata-token", token);
        }
        http::retry::run(&self.policy(), |_| match client.send(&req) {
            Ok(r) if r.status == 200 && !r.body.is_empty() && valid(r.text()) => {
                Attempt::Done(r.text().to_string())
            }
            _ => Attempt::Failed {
                error: Error::transport("no usable metadata"),
                retryable: true,
            },
        })
        .ok()
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
    use std::net::TcpListener;

    use crate::aws::config::MapEnv;
    use crate::aws::credentials::CliAuth;
    use crate::aws::credentials::testing::*;

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
        assert_eq!(seen[0].header("content-length"), Some("0"));
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
}
