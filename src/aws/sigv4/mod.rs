//! AWS Signature Version 4, as pure functions: no I/O, no clock (the time is a parameter).
//!
//! The pieces follow the order of the algorithm, each testable on its own against AWS's
//! vectors: [`canonical_request`] -> [`string_to_sign`] -> [`signing_key`] -> [`signature`].
//! [`Signer`] puts them together for the two ways a request is authenticated: the
//! `Authorization` header ([`Signer::sign_headers`]) and a presigned URL
//! ([`Signer::presign_query`]).
//!
//! Paths: S3 signs the path exactly as it goes on the wire (the caller has URI-encoded it
//! once; S3 keys may legitimately contain `//` or `..`), every other service normalises the
//! path and encodes it a second time. [`Mode`] says which.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use time::{OffsetDateTime, UtcOffset};

/// Hex SHA-256 of the empty string: the payload hash of a request without a body.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The payload hash S3 accepts in place of a real one (presigned URLs, checksummed uploads).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The algorithm name that starts the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// How the path is turned into its canonical form, and whether S3's body-hash header is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// S3: path used exactly as given (already URI-encoded once by the caller, no dot-segment
    /// or slash normalisation), and the x-amz-content-sha256 header is added and signed.
    S3,
    /// Every other service (IAM, STS): path normalised (remove dot segments, collapse
    /// duplicate slashes) and URI-encoded a second time, per the generic rules.
    Generic,
}

/// Everything needed to sign one request. Borrowed so that signing never copies a secret.
///
/// `Debug` shows neither the secret key nor the session token.
pub struct Signer<'a> {
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub session_token: Option<&'a str>,
    pub region: &'a str,
    pub service: &'a str,
    /// When the request is signed; should be UTC (any other offset is converted).
    pub time: OffsetDateTime,
}

impl fmt::Debug for Signer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("session_token", &self.session_token.map(|_| "<redacted>"))
            .field("region", &self.region)
            .field("service", &self.service)
            .field("time", &self.time)
            .finish()
    }
}

/// Lowercase hex SHA-256 of `data`: the payload hash for x-amz-content-sha256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The time in UTC. An offset that cannot be converted only happens at the very edge of the
/// representable range (years around +-9999); the time is then used as given.
fn utc(time: OffsetDateTime) -> OffsetDateTime {
    time.checked_to_offset(UtcOffset::UTC).unwrap_or(time)
}

/// `YYYYMMDD'T'HHMMSS'Z'`, the X-Amz-Date format.
pub fn amz_date(time: OffsetDateTime) -> String {
    let t = utc(time);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `YYYYMMDD`, the date in the credential scope.
pub fn date_stamp(time: OffsetDateTime) -> String {
    let t = utc(time);
    format!("{:04}{:02}{:02}", t.year(), u8::from(t.month()), t.day())
}

/// `date/region/service/aws4_request`.
pub fn credential_scope(date: &str, region: &str, service: &str) -> String {
    format!("{date}/{region}/{service}/aws4_request")
}

/// RFC 3986 encoding as SigV4 wants it: unreserved chars A-Z a-z 0-9 - _ . ~ kept, everything
/// else %XX uppercase; '/' kept when encode_slash is false.
pub fn uri_encode(s: &str, encode_slash: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b'/' if !encode_slash => out.push('/'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
        }
    }
    out
}

/// The generic path normalisation: an absolute path with `.` and `..` segments resolved and
/// runs of slashes collapsed. A trailing slash survives (`/a/b/` stays `/a/b/`, and `/a/b/..`
/// becomes `/a/`, as RFC 3986 section 5.2.4 has it).
pub fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            name => segments.push(name),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    let trailing_slash = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    if out.is_empty() || trailing_slash {
        out.push('/');
    }
    out
}

fn canonical_path(path: &str, mode: Mode) -> String {
    match mode {
        Mode::S3 if path.is_empty() => "/".to_string(),
        Mode::S3 => path.to_string(),
        Mode::Generic => uri_encode(&normalize_path(path), false),
    }
}

/// The canonical query string: pairs (raw, not yet encoded) each uri_encode'd (slash
/// encoded), sorted by encoded name then value, joined with & and =. The same string is used
/// on the wire.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(name, value)| (uri_encode(name, true), uri_encode(value, true)))
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// A header value as it is signed: trimmed, and each run of inner spaces reduced to one.
fn canonical_header_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut previous_space = false;
    for c in value.trim().chars() {
        if c == ' ' {
            if !previous_space {
                out.push(' ');
            }
            previous_space = true;
        } else {
            out.push(c);
            previous_space = false;
        }
    }
    out
}

/// The canonical headers block (each `name:value\n`, sorted by name, duplicates joined with
/// ',' in the order given) and the signed-headers list (`a;b;c`).
fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut lowered: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), canonical_header_value(value)))
        .collect();
    // Stable, so that the values of a repeated header keep their order.
    lowered.sort_by(|a, b| a.0.cmp(&b.0));

    let mut block = String::new();
    let mut signed = String::new();
    let mut previous: Option<&str> = None;
    for (name, value) in &lowered {
        if previous == Some(name.as_str()) {
            block.push(',');
        } else {
            if previous.is_some() {
                block.push('\n');
                signed.push(';');
            }
            block.push_str(name);
            block.push(':');
            signed.push_str(name);
        }
        block.push_str(value);
        previous = Some(name);
    }
    if previous.is_some() {
        block.push('\n');
    }
    (block, signed)
}

/// Canonical request text plus the signed-headers list. headers: (name, value) pairs
/// including "host"; names are lowercased, values trimmed and inner runs of spaces collapsed,
/// duplicate names joined with ','.
///
/// Every header given is signed; pass only those that must be (host, content-type,
/// content-md5, x-amz-*), not ones a proxy may rewrite.
pub fn canonical_request(
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    payload_hash: &str,
    mode: Mode,
) -> (String, String) {
    let (block, signed) = canonical_headers(headers);
    let text = format!(
        "{method}\n{}\n{}\n{block}\n{signed}\n{payload_hash}",
        canonical_path(path, mode),
        canonical_query(query),
    );
    (text, signed)
}

/// The string to sign: algorithm, timestamp, credential scope and the hash of the canonical
/// request, one per line.
pub fn string_to_sign(
    time: OffsetDateTime,
    region: &str,
    service: &str,
    canonical_request: &str,
) -> String {
    format!(
        "{ALGORITHM}\n{}\n{}\n{}",
        amz_date(time),
        credential_scope(&date_stamp(time), region, service),
        sha256_hex(canonical_request.as_bytes())
    )
}

/// kSecret -> kDate -> kRegion -> kService -> kSigning.
///
/// The key depends only on the day, region and service, so a caller signing many requests
/// may keep it for the day.
pub fn signing_key(secret_key: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    // kSecret: the secret access key prefixed with "AWS4".
    let k_secret = format!("AWS4{secret_key}");
    // kDate: the date (YYYYMMDD) signed with kSecret, so the key is only good for one day.
    let k_date = hmac_sha256(k_secret.as_bytes(), date.as_bytes());
    // kRegion: the region signed with kDate, narrowing the key to one region.
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    // kService: the service name signed with kRegion, narrowing it to one service.
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    // kSigning: the fixed terminator "aws4_request" signed with kService; this is the key
    // that signs the string to sign.
    hmac_sha256(&k_service, b"aws4_request")
}

/// The request signature: HMAC-SHA256 of the string to sign under the signing key, as
/// lowercase hex.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(signing_key, string_to_sign.as_bytes()))
}

fn pair(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_string(), value.into())
}

impl Signer<'_> {
    /// `date/region/service/aws4_request` for this signer's time, region and service.
    pub fn credential_scope(&self) -> String {
        credential_scope(&date_stamp(self.time), self.region, self.service)
    }

    /// The signature of an already-built canonical request (see [`canonical_request`]).
    pub fn sign_canonical_request(&self, canonical_request: &str) -> String {
        let to_sign = string_to_sign(self.time, self.region, self.service, canonical_request);
        let key = signing_key(
            self.secret_key,
            &date_stamp(self.time),
            self.region,
            self.service,
        );
        signature(&key, &to_sign)
    }

    /// The `Authorization` header value for an already-built canonical request and its
    /// signed-headers list, as [`canonical_request`] returns them.
    pub fn authorization(&self, canonical_request: &str, signed_headers: &str) -> String {
        format!(
            "{ALGORITHM} Credential={}/{}, SignedHeaders={signed_headers}, Signature={}",
            self.access_key,
            self.credential_scope(),
            self.sign_canonical_request(canonical_request)
        )
    }

    /// Header signing. `headers` must contain "host" (as it will be sent, with :port when
    /// non-default). Adds, in this order, x-amz-date, then x-amz-content-sha256 (Mode::S3
    /// only, value payload_hash), then x-amz-security-token (when a session token), all
    /// signed, then "authorization". Returns nothing; mutates headers.
    ///
    /// Headers this adds are first removed if already present (any case), so a request can
    /// be signed again, for example after learning the bucket's region.
    pub fn sign_headers(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        headers: &mut Vec<(String, String)>,
        payload_hash: &str,
        mode: Mode,
    ) {
        headers.retain(|(name, _)| {
            let replaced = name.eq_ignore_ascii_case("authorization")
                || name.eq_ignore_ascii_case("x-amz-date")
                || (mode == Mode::S3 && name.eq_ignore_ascii_case("x-amz-content-sha256"))
                || (self.session_token.is_some()
                    && name.eq_ignore_ascii_case("x-amz-security-token"));
            !replaced
        });
        headers.push(pair("x-amz-date", amz_date(self.time)));
        if mode == Mode::S3 {
            headers.push(pair("x-amz-content-sha256", payload_hash));
        }
        if let Some(token) = self.session_token {
            headers.push(pair("x-amz-security-token", token));
        }
        let (canonical, signed) =
            canonical_request(method, path, query, headers, payload_hash, mode);
        let authorization = self.authorization(&canonical, &signed);
        headers.push(pair("authorization", authorization));
    }

    /// Presigned URL query (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
    /// X-Amz-SignedHeaders, X-Amz-Security-Token when a token, X-Amz-Signature), returned as
    /// the full query string to append after '?', given the request's own query pairs and
    /// headers (host at least). S3 presigning uses payload hash UNSIGNED-PAYLOAD.
    ///
    /// Mode::Generic signs the hash of an empty payload. `expires_secs` is not checked here
    /// (S3 accepts 1 to 604800).
    pub fn presign_query(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        expires_secs: u64,
        mode: Mode,
    ) -> String {
        let payload_hash = match mode {
            Mode::S3 => UNSIGNED_PAYLOAD,
            Mode::Generic => EMPTY_SHA256,
        };
        self.presign_query_with_payload_hash(
            method,
            path,
            query,
            headers,
            expires_secs,
            payload_hash,
            mode,
        )
    }

    /// [`Signer::presign_query`] with the payload hash chosen by the caller, for a presigned
    /// request whose body is fixed in advance. No x-amz-content-sha256 is added in any mode.
    #[allow(clippy::too_many_arguments)]
    pub fn presign_query_with_payload_hash(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        expires_secs: u64,
        payload_hash: &str,
        mode: Mode,
    ) -> String {
        let (_, signed_headers) = canonical_headers(headers);
        let mut params = query.to_vec();
        params.push(pair("X-Amz-Algorithm", ALGORITHM));
        params.push(pair(
            "X-Amz-Credential",
            format!("{}/{}", self.access_key, self.credential_scope()),
        ));
        params.push(pair("X-Amz-Date", amz_date(self.time)));
        params.push(pair("X-Amz-Expires", expires_secs.to_string()));
        if let Some(token) = self.session_token {
            params.push(pair("X-Amz-Security-Token", token));
        }
        params.push(pair("X-Amz-SignedHeaders", signed_headers));
        let (canonical, _) = canonical_request(method, path, &params, headers, payload_hash, mode);
        let signature = self.sign_canonical_request(&canonical);
        format!("{}&X-Amz-Signature={signature}", canonical_query(&params))
    }
}

#[cfg(test)]
mod tests;
