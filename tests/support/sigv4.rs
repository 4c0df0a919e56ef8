//! A minimal SigV4 client so tests can seed and probe moto and s3s-fs independently of the
//! signer under test. Region us-east-1; signs host, x-amz-date, x-amz-content-sha256 and
//! whatever headers the caller passes.

use super::http::{self, Response};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io;

const REGION: &str = "us-east-1";

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length works");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Sends a signed request. `path` is already URI-encoded (S3 style: encoded once); `query`
/// pairs are raw and get encoded and sorted here.
#[allow(clippy::too_many_arguments)]
pub fn send_signed(
    url: &str,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
    body: &[u8],
    service: &str,
    (key, secret): (&str, &str),
) -> io::Result<Response> {
    let now = time::OffsetDateTime::now_utc();
    let amz_date = now
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap();
    let date = &amz_date[..8];
    let payload_hash = sha256_hex(body);

    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| {
            (
                http::percent_encode(k, false),
                http::percent_encode(v, false),
            )
        })
        .collect();
    pairs.sort();
    let canonical_query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");

    let mut signed: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    signed.push(("host".into(), http::authority(url).to_string()));
    signed.push(("x-amz-date".into(), amz_date.clone()));
    signed.push(("x-amz-content-sha256".into(), payload_hash.clone()));
    signed.sort();
    let mut canonical_headers = String::new();
    for (n, v) in &signed {
        let _ = writeln!(canonical_headers, "{n}:{v}");
    }
    let signed_names = signed
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");

    let canonical_request = format!(
        "{method}\n{path}\n{canonical_query}\n{canonical_headers}\n{signed_names}\n{payload_hash}"
    );
    let scope = format!("{date}/{REGION}/{service}/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let mut k = hmac(format!("AWS4{secret}").as_bytes(), date);
    for part in [REGION, service, "aws4_request"] {
        k = hmac(&k, part);
    }
    let signature = hex::encode(hmac(&k, &string_to_sign));
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders={signed_names}, Signature={signature}"
    );

    // Host goes out from http::send; everything else we signed is sent as signed.
    let mut out: Vec<(&str, &str)> = signed
        .iter()
        .filter(|(n, _)| n != "host")
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    out.push(("authorization", &authorization));
    let target = if canonical_query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{canonical_query}")
    };
    http::send(url, method, &target, &out, body)
}

/// A signed IAM/STS query-protocol call: POST / with the form `params` (Action etc.).
pub fn query_call(
    url: &str,
    service: &str,
    params: &[(&str, &str)],
    creds: (&str, &str),
) -> io::Result<Response> {
    let body = params
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                http::percent_encode(k, false),
                http::percent_encode(v, false)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let content_type = [(
        "content-type",
        "application/x-www-form-urlencoded; charset=utf-8",
    )];
    send_signed(
        url,
        "POST",
        "/",
        &[],
        &content_type,
        body.as_bytes(),
        service,
        creds,
    )
}

/// A signed S3 call. `path_and_query` is raw, like `/bucket/my key?list-type=2`.
pub fn s3_call(
    url: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    creds: (&str, &str),
) -> io::Result<Response> {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let pairs = http::parse_pairs(query);
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    send_signed(
        url,
        method,
        &http::percent_encode(path, true),
        &pairs,
        &[],
        body,
        "s3",
        creds,
    )
}
