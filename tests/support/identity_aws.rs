//! A fake AWS that says who called it, for the configuration parity test
//! (`tests/config_parity.rs`): plain HTTP on 127.0.0.1, reached by both tools through
//! `AWS_ENDPOINT_URL` / `_STS` / `_SSO`. One per case, so it knows the case's secrets.
//!
//! - Every SigV4 request is verified against the secrets the case registered and the
//!   secrets of the credentials this server issued; the one that verifies it is named.
//! - STS GetCallerIdentity answers with an identity that spells out the access key id, the
//!   secret's label, the session token, the signing region and the chain of
//!   AssumeRole / AssumeRoleWithWebIdentity / SSO GetRoleCredentials calls behind the
//!   credentials (in `UserId` and `Arn`, which `whoami` prints).
//! - Those three calls hand out credentials derived from a hash of what they were asked
//!   (so both tools get the same ones for the same request) and remember their chain.
//!   A `botocore-session-<time>` session name is recorded as a pattern, not a time.
//!
//! Checks AWS makes and botocore does not (session name and duration ranges) are made
//! here too, so that a value one tool refuses and the other sends fails for both.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::http::{self, percent_encode};
use super::mock::{Matcher, MockServer, Recorded, Reply};

pub const ACCOUNT: &str = "123456789012";

/// Credentials this server handed out, by access key id.
struct Issued {
    secret: String,
    token: String,
    chain: String,
}

#[derive(Default)]
struct State {
    /// (label, secret) the case wrote somewhere.
    secrets: Vec<(String, String)>,
    issued: HashMap<String, Issued>,
}

pub struct IdentityAws {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl IdentityAws {
    /// A server that knows `secrets` as (label, secret).
    pub fn start(secrets: Vec<(String, String)>) -> IdentityAws {
        let server = MockServer::start();
        let state = Arc::new(Mutex::new(State {
            secrets,
            issued: HashMap::new(),
        }));
        let shared = state.clone();
        server.on(
            Matcher::any(),
            Reply::compute(move |r| answer(&mut shared.lock().unwrap(), r)),
        );
        IdentityAws { server, state }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Every request, for the report of a disagreement.
    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }

    /// How many credentials were handed out (to see that a case exercised a chain).
    pub fn issued(&self) -> usize {
        self.state.lock().unwrap().issued.len()
    }
}

/// Characters kept as they are in what the identity shows; anything else is `%XX`, so the
/// XML and JSON around it need no escaping and bytes such as spaces stay visible.
pub fn show(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => out.push(b as char),
            b'-' | b'_' | b'.' | b':' | b'/' | b'=' | b',' | b'@' | b'+' | b'*' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn answer(state: &mut State, r: &Recorded) -> Reply {
    if r.method == "GET" && r.path == "/federation/credentials" {
        return sso_role_credentials(state, r);
    }
    let action = r.param("Action").unwrap_or_default();
    match action.as_str() {
        "GetCallerIdentity" => match caller(state, r) {
            Ok(who) => caller_identity(&who),
            Err(reply) => reply,
        },
        "AssumeRole" => match caller(state, r) {
            Ok(who) => assume_role(state, r, &who),
            Err(reply) => reply,
        },
        // Unsigned, as AWS takes it: the token is the proof.
        "AssumeRoleWithWebIdentity" => assume_role_with_web_identity(state, r),
        _ => Reply::query_error(400, "InvalidAction", &format!("fake: {}", show(&action))),
    }
}

/// Who signed a request: `key=..;secret=..;token=..;region=..;via=<chain>`.
fn caller(state: &State, r: &Recorded) -> Result<String, Reply> {
    let Some(auth) = r.header("authorization") else {
        return Err(Reply::query_error(
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        ));
    };
    let Some(parsed) = parse_authorization(auth) else {
        return Err(Reply::query_error(
            400,
            "IncompleteSignature",
            "fake: bad Authorization",
        ));
    };
    let token = r.header("x-amz-security-token");
    let issued = state.issued.get(&parsed.key);
    let mut candidates: Vec<(String, &str)> = state
        .secrets
        .iter()
        .map(|(label, s)| (label.clone(), s.as_str()))
        .collect();
    if let Some(i) = issued {
        candidates.push(("issued".to_string(), i.secret.as_str()));
    }
    let Some(label) = candidates
        .iter()
        .find(|(_, secret)| signature_for(r, &parsed, secret) == parsed.signature)
        .map(|(l, _)| l.clone())
    else {
        return Err(Reply::query_error(
            403,
            "SignatureDoesNotMatch",
            &format!(
                "fake: no registered secret signs this (key {})",
                show(&parsed.key)
            ),
        ));
    };
    let (key, token, via) = match issued {
        Some(i) if token == Some(i.token.as_str()) => {
            ("issued".to_string(), "issued".to_string(), i.chain.clone())
        }
        Some(_) => {
            return Err(Reply::query_error(
                403,
                "InvalidClientTokenId",
                "fake: issued key with the wrong session token",
            ));
        }
        None => (
            show(&parsed.key),
            token.map_or("none".to_string(), show),
            "static".to_string(),
        ),
    };
    Ok(format!(
        "key={key};secret={label};token={token};region={}/{};via={via}",
        show(&parsed.region),
        show(&parsed.service)
    ))
}

struct Authorization {
    key: String,
    date: String,
    region: String,
    service: String,
    signed_headers: Vec<String>,
    signature: String,
}

fn parse_authorization(auth: &str) -> Option<Authorization> {
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    // The key id may itself hold '/' (a file can say anything): the scope is the last four.
    let credential = credential?;
    let parts: Vec<&str> = credential.rsplitn(5, '/').collect();
    let [terminator, service, region, date, key] = parts.as_slice() else {
        return None;
    };
    if *terminator != "aws4_request" {
        return None;
    }
    Some(Authorization {
        key: key.to_string(),
        date: date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        signed_headers: signed?.split(';').map(str::to_string).collect(),
        signature: signature?.to_string(),
    })
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length works");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// The SigV4 signature of `r` with `secret`, rebuilt from what arrived (the verifier's
/// side of tests/support/sigv4.rs).
fn signature_for(r: &Recorded, a: &Authorization, secret: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        http::parse_pairs(r.target.split_once('?').map_or("", |q| q.1))
            .into_iter()
            .map(|(k, v)| (percent_encode(&k, false), percent_encode(&v, false)))
            .collect();
    pairs.sort();
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut headers = String::new();
    for name in &a.signed_headers {
        let values: Vec<String> = r
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let payload = r
        .header("x-amz-content-sha256")
        .map_or_else(|| hex::encode(Sha256::digest(&r.body)), str::to_string);
    let canonical = format!(
        "{}\n{}\n{query}\n{headers}\n{}\n{payload}",
        r.method,
        r.raw_path,
        a.signed_headers.join(";")
    );
    let amz_date = r.header("x-amz-date").unwrap_or_default();
    let scope = format!("{}/{}/{}/aws4_request", a.date, a.region, a.service);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let mut k = hmac(format!("AWS4{secret}").as_bytes(), a.date.as_bytes());
    for part in [&a.region, &a.service, "aws4_request"] {
        k = hmac(&k, part.as_bytes());
    }
    hex::encode(hmac(&k, to_sign.as_bytes()))
}

fn caller_identity(who: &str) -> Reply {
    let (signer, via) = who.split_once(";via=").unwrap_or((who, ""));
    Reply::xml(
        200,
        format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Arn>arn:aws:sts::{ACCOUNT}:fake/{via}</Arn>\
             <UserId>{signer}</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata>\
             </GetCallerIdentityResponse>"
        ),
    )
}

/// Credentials for `chain`, the same for the same chain (both tools see the same keys).
fn issue(state: &mut State, chain: String) -> (String, String, String) {
    let digest = hex::encode(Sha256::digest(chain.as_bytes()));
    let key = format!("ASIAFAKE{}", &digest[..12].to_ascii_uppercase());
    let secret = format!("issued-secret-{}", &digest[12..32]);
    let token = format!("issued-token-{}", &digest[32..48]);
    state.issued.insert(
        key.clone(),
        Issued {
            secret: secret.clone(),
            token: token.clone(),
            chain,
        },
    );
    (key, secret, token)
}

/// `botocore-session-1733390000` -> `botocore-session-<time>`; anything else as it is.
fn session_name_pattern(name: &str) -> String {
    match name.strip_prefix("botocore-session-") {
        Some(t) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
            "botocore-session-<time>".to_string()
        }
        _ => show(name),
    }
}

/// AWS's own checks on the common parameters: session name `[\w+=,.@-]{2,64}`, duration
/// 900..=43200, an ARN of 20 characters or more.
fn sts_refusal(r: &Recorded) -> Option<Reply> {
    let name = r.param("RoleSessionName").unwrap_or_default();
    let name_ok = (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    let duration_ok = r
        .param("DurationSeconds")
        .is_none_or(|d| d.parse::<u32>().is_ok_and(|d| (900..=43200).contains(&d)));
    let arn_ok = r.param("RoleArn").is_some_and(|a| a.len() >= 20);
    (!(name_ok && duration_ok && arn_ok)).then(|| {
        Reply::query_error(
            400,
            "ValidationError",
            &format!(
                "fake: RoleSessionName {} DurationSeconds {} RoleArn {}",
                show(&name),
                show(&r.param("DurationSeconds").unwrap_or_default()),
                show(&r.param("RoleArn").unwrap_or_default())
            ),
        )
    })
}

fn param_or_dash(r: &Recorded, name: &str) -> String {
    r.param(name).map_or("-".to_string(), |v| show(&v))
}

fn assume_role(state: &mut State, r: &Recorded, who: &str) -> Reply {
    if let Some(refusal) = sts_refusal(r) {
        return refusal;
    }
    let chain = format!(
        "assume(role={},name={},dur={},ext={},by({who}))",
        param_or_dash(r, "RoleArn"),
        session_name_pattern(&r.param("RoleSessionName").unwrap_or_default()),
        param_or_dash(r, "DurationSeconds"),
        param_or_dash(r, "ExternalId"),
    );
    sts_credentials("AssumeRole", state, chain)
}

fn assume_role_with_web_identity(state: &mut State, r: &Recorded) -> Reply {
    if let Some(refusal) = sts_refusal(r) {
        return refusal;
    }
    let chain = format!(
        "webid(role={},name={},dur={},token={})",
        param_or_dash(r, "RoleArn"),
        session_name_pattern(&r.param("RoleSessionName").unwrap_or_default()),
        param_or_dash(r, "DurationSeconds"),
        param_or_dash(r, "WebIdentityToken"),
    );
    sts_credentials("AssumeRoleWithWebIdentity", state, chain)
}

fn sts_credentials(action: &str, state: &mut State, chain: String) -> Reply {
    let (key, secret, token) = issue(state, chain);
    Reply::xml(
        200,
        format!(
            "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
             <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
             <SessionToken>{token}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>\
             </Credentials><AssumedRoleUser><AssumedRoleId>AROAFAKE:fake</AssumedRoleId>\
             <Arn>arn:aws:sts::{ACCOUNT}:assumed-role/fake/fake</Arn></AssumedRoleUser>\
             </{action}Result><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata>\
             </{action}Response>"
        ),
    )
}

fn sso_role_credentials(state: &mut State, r: &Recorded) -> Reply {
    let Some(bearer) = r.header("x-amz-sso_bearer_token").map(str::to_string) else {
        return Reply::status(401)
            .header("content-type", "application/json")
            .body("{\"message\": \"fake: no bearer token\"}");
    };
    let chain = format!(
        "sso(account={},role={},bearer={})",
        show(r.query_param("account_id").unwrap_or("-")),
        show(r.query_param("role_name").unwrap_or("-")),
        show(&bearer),
    );
    let (key, secret, token) = issue(state, chain);
    Reply::ok(format!(
        "{{\"roleCredentials\": {{\"accessKeyId\": \"{key}\", \"secretAccessKey\": \"{secret}\", \
         \"sessionToken\": \"{token}\", \"expiration\": 4070908800000}}}}"
    ))
    .header("content-type", "application/json")
}
