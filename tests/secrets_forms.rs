//! A server that echoes a secret *encoded* does not get it printed either: the secret
//! key and the session token quoted back URL-encoded (as a query string or a SigV4
//! canonical request carries them, with either case of hex digits, and encoded twice),
//! JSON-escaped, upper-cased or lower-cased all show as `<redacted>` on stderr.
//! (The literal echo is covered by `secrets.rs`.)

use crate::faults_common;
use crate::support;

use faults_common::{SECRET_KEY, SESSION_TOKEN, keyed};
use support::{Matcher, MockServer, Reply, run};

/// RFC 3986 encoding of everything but the unreserved characters, hex digits in the
/// given case (SigV4's canonical form is upper case; some servers write lower).
fn percent(s: &str, upper: bool) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ if upper => format!("%{b:02X}"),
            _ => format!("%{b:02x}"),
        })
        .collect()
}

/// The forms a server could quote `secret` back in.
fn forms(secret: &str) -> Vec<String> {
    vec![
        secret.to_uppercase(),
        secret.to_lowercase(),
        percent(secret, true),
        percent(secret, false),
        // A canonical request's path, encoded twice.
        percent(&percent(secret, true), true),
        // Every byte encoded, and case-changed on top.
        secret.bytes().map(|b| format!("%{b:02x}")).collect(),
        percent(secret, true).to_lowercase(),
        // JSON's escaped slash.
        secret.replace('/', "\\/"),
    ]
}

#[test]
fn secrets_echoed_encoded_or_case_changed_are_redacted() {
    let mut quoted = Vec::new();
    for secret in [SECRET_KEY, SESSION_TOKEN] {
        for form in forms(secret) {
            assert!(!form.contains(secret), "{form} is a new form");
            quoted.push(form);
        }
    }
    let server = MockServer::start();
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::query_error(403, "SignatureDoesNotMatch", &quoted.join(" | ")),
    );
    let out = run(
        keyed().args(["whoami", "--endpoint-url", &server.url()]),
        None,
    );
    assert_eq!(out.code, 1);
    let stderr = &out.stderr;
    assert!(
        stderr.starts_with(
            "Error: An error occurred (SignatureDoesNotMatch) when calling the \
             GetCallerIdentity operation: <redacted> | <redacted> | "
        ),
        "{stderr}"
    );
    // Every form, and none of them partly: each became exactly one `<redacted>`.
    assert_eq!(
        stderr.matches("<redacted>").count(),
        quoted.len(),
        "{stderr}"
    );
    let lower = stderr.to_lowercase();
    for form in &quoted {
        assert!(!lower.contains(&form.to_lowercase()), "{form} in {stderr}");
    }
    for secret in [SECRET_KEY, SESSION_TOKEN] {
        assert!(!lower.contains(&secret.to_lowercase()), "{stderr}");
        // Not even the longest part between two characters that get encoded.
        let longest = secret
            .split(|c: char| !c.is_ascii_alphanumeric())
            .max_by_key(|p| p.len())
            .unwrap()
            .to_lowercase();
        assert!(!lower.contains(&longest), "{longest} in {stderr}");
    }
}
