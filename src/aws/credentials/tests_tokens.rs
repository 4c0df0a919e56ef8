//! IAM Identity Center (SSO) and `aws login` profiles, against loopback stand-ins
//! for the portal, SSO-OIDC and the sign-in service, with token caches in a
//! temporary home directory.

use std::path::PathBuf;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::login::dpop;
use super::testing::*;
use super::token_cache::{format_cache_time, login_key, sso_key};
use super::*;

/// A temporary `$HOME`, removed on drop.
struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Home {
        let dir = std::env::temp_dir().join(format!("s3creds-home-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Home(dir)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
    fn put(&self, rel: &str, doc: &Value) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, doc.to_string()).unwrap();
    }
    fn get(&self, rel: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.0.join(rel)).unwrap()).unwrap()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn at(offset_secs: i64) -> String {
    format_cache_time(OffsetDateTime::now_utc() + time::Duration::seconds(offset_secs))
}

const SSO_CONFIG: &str = "\
[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-1
[sso-session my-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-central-1
[profile legacy]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-central-1
sso_account_id = 111122223333
sso_role_name = ReadOnly
[profile incomplete]
sso_account_id = 111122223333
[profile ghost]
sso_session = nope
sso_account_id = 1
sso_role_name = r
[profile clash]
sso_session = my-sso
sso_region = us-west-2
sso_account_id = 1
sso_role_name = r
";

/// The portal and SSO-OIDC in one: GetRoleCredentials answers keys when the bearer
/// token is `good` or `fresh`, 401 otherwise; CreateToken answers `fresh`.
fn identity_center(seen: &Seen) -> (u16, String) {
    if seen.path.starts_with("/federation/credentials") {
        match seen.header("x-amz-sso_bearer_token") {
            Some("good") | Some("fresh") => (
                200,
                json!({"roleCredentials": {"accessKeyId": "ASIASSO", "secretAccessKey": "sso-secret",
                    "sessionToken": "sso-token", "expiration": 1_900_000_000_000u64}})
                .to_string(),
            ),
            _ => (401, json!({"message": "Session token not found or invalid"}).to_string()),
        }
    } else if seen.path == "/token" {
        (
            200,
            json!({"accessToken": "fresh", "tokenType": "Bearer", "expiresIn": 28800,
                "refreshToken": "refresh-2"})
            .to_string(),
        )
    } else {
        (404, "{}".into())
    }
}

fn sso_env(home: &Home, base: &str, profile: &str) -> config::MapEnv {
    env(&[
        ("HOME", home.path()),
        ("AWS_PROFILE", profile),
        ("AWS_ENDPOINT_URL_SSO", base),
        ("AWS_ENDPOINT_URL_SSO_OIDC", base),
    ])
}

fn resolve_sso(
    home: &Home,
    profile: &str,
    calls: usize,
) -> (Result<Credentials, Error>, Vec<Seen>) {
    let (base, server) = serve(calls, identity_center);
    let e = sso_env(home, &base, profile);
    let got = resolve_at(
        &CliAuth::default(),
        &e,
        &files("", SSO_CONFIG),
        profile,
        "http://127.0.0.1:9",
    );
    (got, server.join().unwrap())
}

fn session_cache() -> String {
    format!(".aws/sso/cache/{}.json", sso_key("my-sso"))
}

#[test]
fn sso_session_with_a_valid_token() {
    let home = Home::new("sso-valid");
    home.put(
        &session_cache(),
        &json!({"startUrl": "https://example.awsapps.com/start",
        "region": "eu-central-1", "accessToken": "good", "expiresAt": at(3600)}),
    );
    let (got, seen) = resolve_sso(&home, "dev", 1);
    assert_eq!(
        got.unwrap(),
        keys("ASIASSO", "sso-secret", Some("sso-token"))
    );
    assert_eq!(seen[0].method, "GET");
    assert_eq!(
        seen[0].path,
        "/federation/credentials?account_id=111122223333&role_name=ReadOnly"
    );
    assert_eq!(
        seen[0].header("authorization"),
        None,
        "the portal call is unsigned"
    );
}

#[test]
fn an_expiring_token_is_refreshed_and_written_back() {
    let home = Home::new("sso-refresh");
    home.put(
        &session_cache(),
        &json!({"startUrl": "https://example.awsapps.com/start",
        "region": "eu-central-1", "accessToken": "stale", "expiresAt": at(-60),
        "clientId": "cid", "clientSecret": "csecret", "refreshToken": "refresh-1",
        "registrationExpiresAt": at(86400)}),
    );
    let (got, seen) = resolve_sso(&home, "dev", 2);
    assert_eq!(got.unwrap().access_key_id, "ASIASSO");
    assert_eq!(seen[0].path, "/token");
    let body: Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(
        body,
        json!({"clientId": "cid", "clientSecret": "csecret",
        "grantType": "refresh_token", "refreshToken": "refresh-1"})
    );
    assert_eq!(seen[1].header("x-amz-sso_bearer_token"), Some("fresh"));
    let cached = home.get(&session_cache());
    assert_eq!(cached["accessToken"], "fresh");
    assert_eq!(cached["refreshToken"], "refresh-2");
    assert_eq!(cached["clientSecret"], "csecret");
    let expires = parse_cache_time(cached["expiresAt"].as_str().unwrap()).unwrap();
    let left = (expires - OffsetDateTime::now_utc()).whole_seconds();
    assert!((28700..=28800).contains(&left), "{left}");
}

#[test]
fn an_expired_token_without_a_refresh_token_asks_to_sign_in() {
    let home = Home::new("sso-expired");
    home.put(
        &session_cache(),
        &json!({"startUrl": "https://example.awsapps.com/start",
        "region": "eu-central-1", "accessToken": "stale", "expiresAt": at(-60)}),
    );
    let (got, seen) = resolve_sso(&home, "dev", 0);
    assert_eq!(
        got.unwrap_err().to_string(),
        "The SSO session associated with this profile has expired or is otherwise invalid. \
         Run `aws sso login --profile dev` to sign in."
    );
    assert!(
        seen.is_empty(),
        "no call is made with a token known to be expired"
    );
}

#[test]
fn a_token_the_portal_refuses_asks_to_sign_in() {
    let home = Home::new("sso-refused");
    home.put(
        &format!(
            ".aws/sso/cache/{}.json",
            sso_key("https://example.awsapps.com/start")
        ),
        &json!({"accessToken": "revoked", "expiresAt": at(3600)}),
    );
    let (got, seen) = resolve_sso(&home, "legacy", 1);
    let err = got.unwrap_err().to_string();
    assert!(
        err.starts_with("The SSO session associated with this profile has expired"),
        "{err}"
    );
    assert!(err.contains("aws sso login --profile legacy"), "{err}");
    assert!(!err.contains("revoked"));
    assert_eq!(seen.len(), 1);
}

#[test]
fn sso_configuration_errors() {
    let home = Home::new("sso-errors");
    for (profile, want) in [
        (
            "dev",
            "Error loading SSO Token: Token for my-sso does not exist. Run `aws sso login --profile dev` to sign in.",
        ),
        (
            "incomplete",
            "The profile \"incomplete\" is configured to use SSO but is missing required configuration: sso_role_name, sso_start_url, sso_region",
        ),
        (
            "ghost",
            "The specified sso-session does not exist: \"nope\"",
        ),
        (
            "clash",
            "The value for sso_region is inconsistent between profile (us-west-2) and sso-session (eu-central-1).",
        ),
    ] {
        let (got, _) = resolve_sso(&home, profile, 0);
        assert_eq!(got.unwrap_err().to_string(), want, "{profile}");
    }
}

#[test]
fn an_sso_profile_can_be_a_role_source() {
    let home = Home::new("sso-source");
    home.put(
        &session_cache(),
        &json!({"accessToken": "good", "expiresAt": at(3600)}),
    );
    let config = format!(
        "{SSO_CONFIG}[profile admin]\nrole_arn = arn:aws:iam::1:role/admin\nsource_profile = dev\n"
    );
    let (base, server) = serve(2, |seen| {
        if seen.method == "GET" {
            identity_center(seen)
        } else {
            (200, "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAADMIN</AccessKeyId>\
                   <SecretAccessKey>x</SecretAccessKey><SessionToken>y</SessionToken></Credentials>\
                   </AssumeRoleResult></AssumeRoleResponse>".into())
        }
    });
    let e = sso_env(&home, &base, "admin");
    let got = resolve_at(&CliAuth::default(), &e, &files("", &config), "admin", &base);
    assert_eq!(got.unwrap().access_key_id, "ASIAADMIN");
    let seen = server.join().unwrap();
    assert!(
        seen[1]
            .header("authorization")
            .unwrap()
            .contains("Credential=ASIASSO/")
    );
}

// -- aws login ------------------------------------------------------------

const LOGIN_SESSION: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";

fn login_cache(home: &Home) -> String {
    format!("{}/login/{}.json", home.path(), login_key(LOGIN_SESSION))
}

fn test_key_pem() -> String {
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        crate::aws::md5::base64(pkcs8.as_ref())
    )
}

fn login_token(expires: &str, pem: &str) -> Value {
    json!({"accessToken": {"accessKeyId": "ASIALOGIN", "secretAccessKey": "login-secret",
        "sessionToken": "login-token", "accountId": "012345678901", "expiresAt": expires},
        "clientId": "arn:aws:signin:::devtools/same-device", "refreshToken": "r-1",
        "idToken": "id", "dpopKey": pem})
}

fn resolve_login(home: &Home, base: &str) -> Result<Credentials, Error> {
    let dir = format!("{}/login", home.path());
    let e = env(&[
        ("HOME", home.path()),
        ("AWS_LOGIN_CACHE_DIRECTORY", &dir),
        ("AWS_PROFILE", "signin"),
        ("AWS_ENDPOINT_URL_SIGNIN", base),
    ]);
    let config = format!("[profile signin]\nlogin_session = {LOGIN_SESSION}\n");
    resolve_at(
        &CliAuth::default(),
        &e,
        &files("", &config),
        "signin",
        "http://127.0.0.1:9",
    )
}

#[test]
fn login_cache_is_used_while_fresh() {
    let home = Home::new("login-fresh");
    std::fs::create_dir_all(home.0.join("login")).unwrap();
    std::fs::write(
        login_cache(&home),
        login_token(&at(3600), &test_key_pem()).to_string(),
    )
    .unwrap();
    let got = resolve_login(&home, "http://127.0.0.1:9").unwrap();
    assert_eq!(got, keys("ASIALOGIN", "login-secret", Some("login-token")));
}

#[test]
fn expired_login_is_refreshed_with_a_dpop_proof() {
    let home = Home::new("login-refresh");
    std::fs::create_dir_all(home.0.join("login")).unwrap();
    let pem = test_key_pem();
    std::fs::write(login_cache(&home), login_token(&at(-60), &pem).to_string()).unwrap();
    let (base, server) = serve(1, |_| {
        (
            200,
            json!({"accessToken": {"accessKeyId": "ASIANEW", "secretAccessKey": "new-secret",
            "sessionToken": "new-token"}, "tokenType": "aws_sigv4", "expiresIn": 900,
            "refreshToken": "r-2"})
            .to_string(),
        )
    });
    let got = resolve_login(&home, &base).unwrap();
    assert_eq!(got, keys("ASIANEW", "new-secret", Some("new-token")));
    let seen = server.join().unwrap();
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("POST", "/v1/token")
    );
    let body: Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(
        body,
        json!({"clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": "r-1", "grantType": "refresh_token"})
    );

    // The proof: an ES256 JWT over POST and the URL, signed by the cached key.
    let proof = seen[0].header("dpop").unwrap();
    let parts: Vec<&str> = proof.split('.').collect();
    assert_eq!(parts.len(), 3);
    let decode = |s: &str| {
        let std = s.replace('-', "+").replace('_', "/");
        dpop::base64_decode(&std).unwrap()
    };
    let header: Value = serde_json::from_slice(&decode(parts[0])).unwrap();
    let payload: Value = serde_json::from_slice(&decode(parts[1])).unwrap();
    assert_eq!(header["typ"], "dpop+jwt");
    assert_eq!(header["alg"], "ES256");
    assert_eq!(payload["htm"], "POST");
    assert_eq!(payload["htu"], format!("{base}/v1/token"));
    let key = dpop::Key::from_pem(&pem).unwrap();
    let public = key.public_key();
    assert_eq!(decode(header["jwk"]["x"].as_str().unwrap()), public[1..33]);
    let verifier =
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, public);
    verifier
        .verify(
            format!("{}.{}", parts[0], parts[1]).as_bytes(),
            &decode(parts[2]),
        )
        .expect("the proof verifies with the cached key");

    let cached: Value =
        serde_json::from_str(&std::fs::read_to_string(login_cache(&home)).unwrap()).unwrap();
    assert_eq!(cached["accessToken"]["accessKeyId"], "ASIANEW");
    assert_eq!(cached["accessToken"]["accountId"], "012345678901");
    assert_eq!(cached["refreshToken"], "r-2");
    assert_eq!(cached["dpopKey"], pem.as_str());
}

#[test]
fn login_errors() {
    let home = Home::new("login-errors");
    assert_eq!(
        resolve_login(&home, "http://127.0.0.1:9")
            .unwrap_err()
            .to_string(),
        format!(
            "Error loading login session token: Unable to load a existing login session for \
                 session {LOGIN_SESSION}. Please reauthenticate with 'aws login'."
        )
    );
    std::fs::create_dir_all(home.0.join("login")).unwrap();
    let mut token = login_token(&at(3600), &test_key_pem());
    token.as_object_mut().unwrap().remove("dpopKey");
    token.as_object_mut().unwrap().remove("clientId");
    std::fs::write(login_cache(&home), token.to_string()).unwrap();
    assert_eq!(
        resolve_login(&home, "http://127.0.0.1:9")
            .unwrap_err()
            .to_string(),
        "Error loading login session token: Failed to load access token from token cache, \
         missing required fields: dpopKey, clientId."
    );
    // Expired, and the service says the session is over.
    std::fs::write(
        login_cache(&home),
        login_token(&at(-60), &test_key_pem()).to_string(),
    )
    .unwrap();
    let (base, server) = serve(1, |_| {
        (
            400,
            json!({"error": "TOKEN_EXPIRED", "message": "expired"}).to_string(),
        )
    });
    assert_eq!(
        resolve_login(&home, &base).unwrap_err().to_string(),
        "Your session has expired or credentials have changed. Please reauthenticate using 'aws login'."
    );
    server.join().unwrap();
}
