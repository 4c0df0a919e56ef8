//! `aws login` sessions (botocore's `LoginProvider`): the profile's `login_session`
//! names a sign-in session whose keys the AWS CLI caches in
//! `~/.aws/login/cache/<sha256>.json` (or `AWS_LOGIN_CACHE_DIRECTORY`). Cached keys
//! are used while they have more than 15 minutes left; then they are refreshed with
//! the sign-in service's `CreateOAuth2Token`, authenticated by a DPoP proof (an
//! ES256-signed JWT, RFC 9449) made with the key in the cache, and the cache is
//! written back. A failed refresh is tolerated until 10 minutes before expiry, as
//! botocore's advisory and mandatory refresh windows allow.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::Chain;
use super::error::CredentialsError;
use super::json_api::{self, JsonCall, missing, required};
use super::shapes::{self, CamelKeys, LoginKeys, TokenAnswer};
use super::token_cache::{self, format_cache_time, parse_cache_time};
use crate::aws::Credentials;
use crate::aws::config::{self, Service};
use crate::error::Error;

const ADVISORY_SECS: i64 = 15 * 60;
const MANDATORY_SECS: i64 = 10 * 60;
const REQUIRED: [&str; 4] = ["accessToken", "refreshToken", "dpopKey", "clientId"];

fn load_error(why: &str) -> Error {
    CredentialsError::LoginToken(why.to_string()).into()
}

/// The credentials of an `aws login` profile, or `None` when the profile is not one.
pub(super) fn load(chain: &Chain<'_>, profile: &str) -> Result<Option<Credentials>, Error> {
    let Some(session) = chain.files.config_value(profile, "login_session") else {
        return Ok(None);
    };
    let dir = token_cache::login_dir(chain.env);
    let key = token_cache::login_key(&session);
    let Some(token) = token_cache::read(&dir, &key) else {
        return Err(load_error(&format!(
            "Unable to load a existing login session for session {session}. Please \
             reauthenticate with 'aws login'."
        )));
    };
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|k| !token.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        return Err(load_error(&format!(
            "Failed to load access token from token cache, missing required fields: {}.",
            missing.join(", ")
        )));
    }
    let (cached, expires) = credentials_of(&token)?;
    let remaining = (expires - OffsetDateTime::now_utc()).whole_seconds();
    if remaining > ADVISORY_SECS {
        return Ok(Some(cached));
    }
    match refresh(chain, profile, token) {
        Ok(fresh) => {
            let (creds, _) = credentials_of(&fresh)?;
            token_cache::write(&dir, &key, &fresh)?;
            Ok(Some(creds))
        }
        Err(_) if remaining > MANDATORY_SECS => Ok(Some(cached)),
        Err(e) => Err(e),
    }
}

/// The keys in a cached token and when they expire.
fn credentials_of(token: &Map<String, Value>) -> Result<(Credentials, OffsetDateTime), Error> {
    let access = match token.get("accessToken") {
        Some(v @ Value::Object(_)) => serde_json::from_value::<LoginKeys>(v.clone()).ok(),
        _ => None,
    }
    .ok_or_else(|| load_error("the cached accessToken is not an object."))?;
    let field = |value: &Option<String>, k: &str| {
        value
            .clone()
            .ok_or_else(|| load_error(&format!("the cached accessToken has no {k}.")))
    };
    let expires = parse_cache_time(&field(&access.expires_at, "expiresAt")?)
        .ok_or_else(|| load_error("the cached accessToken has an unreadable expiresAt."))?;
    let creds = Credentials {
        access_key_id: field(&access.access_key_id, "accessKeyId")?,
        secret_access_key: field(&access.secret_access_key, "secretAccessKey")?,
        session_token: Some(field(&access.session_token, "sessionToken")?),
    };
    Ok((creds, expires))
}

/// A string member of the cached document.
fn text<'a>(doc: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    doc.get(key).and_then(Value::as_str)
}

/// `CreateOAuth2Token` with the refresh token; the cache document with the new keys.
fn refresh(
    chain: &Chain<'_>,
    profile: &str,
    mut token: Map<String, Value>,
) -> Result<Map<String, Value>, Error> {
    const OP: &str = "CreateOAuth2Token";
    let refresh_token = text(&token, "refreshToken").unwrap_or_default().to_string();
    crate::error::register_secret(&refresh_token);
    let key = dpop::Key::from_pem(text(&token, "dpopKey").unwrap_or_default())?;
    let region = chain.net.region;
    let endpoint = config::endpoint(
        Service::Signin,
        None,
        chain.env,
        chain.files,
        profile,
        region,
    )?;
    let url = format!("{}/v1/token", endpoint.url);
    let body = json!({
        "clientId": text(&token, "clientId").unwrap_or_default(),
        "refreshToken": refresh_token,
        "grantType": "refresh_token",
    });
    let call = JsonCall {
        method: "POST",
        url: url.clone(),
        headers: vec![("DPoP", key.proof("POST", &url)?)],
        body: Some(body.to_string()),
        operation: OP,
    };
    let answer = json_api::call(chain.env, chain.files, profile, &call).map_err(|e| match &e {
        Error::Aws(aws)
            if aws.code == "TOKEN_EXPIRED" || aws.code == "USER_CREDENTIALS_CHANGED" =>
        {
            CredentialsError::LoginExpired.into()
        }
        Error::Aws(aws) if aws.code == "INSUFFICIENT_PERMISSIONS" => {
            CredentialsError::LoginPermissions.into()
        }
        _ => e,
    })?;
    // Any object reads as the shape (its members are all lenient).
    let answer: TokenAnswer = shapes::read(answer).ok_or_else(|| missing(OP, "accessToken"))?;
    let access = answer
        .access_token
        .object::<CamelKeys>()
        .ok_or_else(|| missing(OP, "accessToken"))?;
    let expires_in = answer
        .expires_in
        .i64()
        .ok_or_else(|| missing(OP, "expiresIn"))?;
    let account = token
        .get("accessToken")
        .and_then(|a| a.get("accountId"))
        .cloned()
        .unwrap_or(Value::Null);
    let expires =
        format_cache_time(OffsetDateTime::now_utc() + time::Duration::seconds(expires_in));
    let keys = LoginKeys {
        access_key_id: Some(required(&access.access_key_id, OP, "accessKeyId")?),
        secret_access_key: Some(required(&access.secret_access_key, OP, "secretAccessKey")?),
        session_token: Some(required(&access.session_token, OP, "sessionToken")?),
        account_id: account,
        expires_at: Some(expires),
    };
    let keys = serde_json::to_value(keys).unwrap_or(Value::Null);
    token.insert("accessToken".into(), keys);
    let new_refresh = required(&answer.refresh_token, OP, "refreshToken")?;
    crate::error::register_secret(&new_refresh);
    token.insert("refreshToken".into(), Value::String(new_refresh));
    Ok(token)
}

/// DPoP proofs: an ES256 JWT over the method and URL, with the public key as a JWK.
pub(super) mod dpop {
    use ring::rand::{SecureRandom, SystemRandom};
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
    use serde_json::json;

    use crate::error::Error;

    pub(crate) struct Key {
        pair: EcdsaKeyPair,
        rng: SystemRandom,
    }

    fn bad_key() -> Error {
        super::load_error("Unable to load private key from cached token.")
    }

    impl Key {
        /// A P-256 key as PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or SEC1
        /// (`BEGIN EC PRIVATE KEY`), as the AWS CLI versions write it.
        pub(crate) fn from_pem(pem: &str) -> Result<Key, Error> {
            let body: String = pem
                .lines()
                .filter(|l| !l.starts_with("-----BEGIN") && !l.starts_with("-----END"))
                .collect::<String>()
                .trim()
                .to_string();
            let der = base64_decode(&body).ok_or_else(bad_key)?;
            let rng = SystemRandom::new();
            let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
                .or_else(|_| {
                    EcdsaKeyPair::from_pkcs8(
                        &ECDSA_P256_SHA256_FIXED_SIGNING,
                        &sec1_to_pkcs8(&der),
                        &rng,
                    )
                })
                .map_err(|_| bad_key())?;
            Ok(Key { pair, rng })
        }

        /// The `DPoP` header value for one request.
        pub(crate) fn proof(&self, method: &str, url: &str) -> Result<String, Error> {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let mut id = [0u8; 16];
            self.rng.fill(&mut id).map_err(|_| bad_key())?;
            self.proof_at(method, url, now, &uuid4(id))
        }

        pub(crate) fn proof_at(
            &self,
            method: &str,
            url: &str,
            iat: u64,
            jti: &str,
        ) -> Result<String, Error> {
            // Uncompressed point: 0x04 || x || y.
            let public = self.pair.public_key().as_ref();
            let (x, y) = (&public[1..33], &public[33..65]);
            // Member order and compact separators as botocore's json.dumps makes them.
            let header = json!({
                "typ": "dpop+jwt",
                "alg": "ES256",
                "jwk": {"kty": "EC", "x": b64url(x), "y": b64url(y), "crv": "P-256"},
            });
            let payload = json!({"htm": method, "htu": url, "iat": iat, "jti": jti});
            let input = format!(
                "{}.{}",
                b64url(header.to_string().as_bytes()),
                b64url(payload.to_string().as_bytes())
            );
            let signature = self
                .pair
                .sign(&self.rng, input.as_bytes())
                .map_err(|_| bad_key())?;
            Ok(format!("{input}.{}", b64url(signature.as_ref())))
        }

        #[cfg(test)]
        pub(crate) fn public_key(&self) -> &[u8] {
            self.pair.public_key().as_ref()
        }
    }

    /// Wrap a SEC1 `ECPrivateKey` for P-256 in a PKCS#8 `PrivateKeyInfo`: the fixed
    /// algorithm identifier (id-ecPublicKey, prime256v1) and the key as an octet string.
    fn sec1_to_pkcs8(sec1: &[u8]) -> Vec<u8> {
        const ALGORITHM: [u8; 21] = [
            0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
            0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
        ];
        let mut inner = vec![0x02, 0x01, 0x00];
        inner.extend_from_slice(&ALGORITHM);
        inner.push(0x04);
        push_len(&mut inner, sec1.len());
        inner.extend_from_slice(sec1);
        let mut out = vec![0x30];
        push_len(&mut out, inner.len());
        out.extend_from_slice(&inner);
        out
    }

    fn push_len(out: &mut Vec<u8>, len: usize) {
        match len {
            0..=0x7f => out.push(len as u8),
            0x80..=0xff => out.extend_from_slice(&[0x81, len as u8]),
            _ => out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]),
        }
    }

    fn uuid4(mut b: [u8; 16]) -> String {
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex::encode(b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }

    pub(crate) use crate::aws::base64::{decode as base64_decode, encode_url as b64url};
}
