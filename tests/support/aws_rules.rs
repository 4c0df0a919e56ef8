//! What the loopback AWS front ([`super::aws_front`]) answers itself, as AWS does and moto
//! does not: wrong-region S3 requests, and IAM/STS credential scopes for the wrong region.
//! Pure functions over the request, so the rules can be read (and tested) on their own.

use std::collections::HashMap;

use super::aws_front::{Incoming, reason};
use super::http::{Headers, header, percent_decode};

/// Where an S3 request went: the endpoint's region (the global `s3.amazonaws.com` is
/// us-east-1), whether it is the global endpoint, and the virtual-hosted bucket if any.
#[derive(Debug, PartialEq)]
pub struct S3Host {
    pub region: String,
    pub global: bool,
    pub bucket: Option<String>,
}

/// Parse `[bucket.]s3[.region].amazonaws.com`; None for any other host.
pub fn s3_host(host: &str) -> Option<S3Host> {
    let rest = host.strip_suffix(".amazonaws.com")?;
    let labels: Vec<&str> = rest.split('.').collect();
    // The "s3" label nearest the end: buckets may hold dots, regions do not.
    let i = labels.iter().rposition(|l| *l == "s3")?;
    let bucket = (i > 0).then(|| labels[..i].join("."));
    match &labels[i + 1..] {
        [] => Some(S3Host {
            region: "us-east-1".into(),
            global: true,
            bucket,
        }),
        [region] => Some(S3Host {
            region: region.to_string(),
            global: false,
            bucket,
        }),
        _ => None,
    }
}

/// The region and service of the SigV4 credential scope (header or presigned query).
pub fn credential_scope(headers: &Headers, query: &str) -> Option<(String, String)> {
    let credential = match header(headers, "authorization") {
        Some(auth) => auth
            .split([' ', ','])
            .find_map(|p| p.strip_prefix("Credential="))?
            .to_string(),
        None => {
            super::http::parse_pairs(query)
                .into_iter()
                .find(|(k, _)| k == "X-Amz-Credential")?
                .1
        }
    };
    let parts: Vec<&str> = credential.split('/').collect();
    match parts.as_slice() {
        [_, _, region, service, "aws4_request"] => Some((region.to_string(), service.to_string())),
        _ => None,
    }
}

/// The bucket a request addresses: the virtual host's, else the path's first segment.
fn bucket_of(s3: &S3Host, path: &str) -> Option<String> {
    s3.bucket.clone().or_else(|| {
        let first = path.trim_start_matches('/').split('/').next()?;
        (!first.is_empty()).then(|| percent_decode(first, false))
    })
}

/// The status and bytes of the front's own answer, or None to forward to moto.
pub fn refuse(
    host: &str,
    req: &Incoming,
    path: &str,
    scope: Option<&(String, String)>,
    regions: &HashMap<String, String>,
) -> Option<(u16, Vec<u8>)> {
    let scope_region = scope.map(|s| s.0.as_str());
    let head = req.method == "HEAD";
    if let Some(s3) = s3_host(host) {
        let bucket = bucket_of(&s3, path)?;
        let actual = regions.get(&bucket)?;
        if s3.bucket.is_none() && is_location(req) {
            // Path-style GetBucketLocation is how a client finds the region: S3 answers it
            // at any endpoint (botocore sends it path-style for that reason).
            return None;
        }
        let mut extra = vec![("x-amz-bucket-region", actual.clone())];
        if s3.region != *actual && !(s3.global && s3.bucket.is_some()) {
            // Path-style anywhere, or virtual-hosted at a regional endpoint: S3 answers
            // 301 with the bucket's endpoint in the body, and no Location.
            let endpoint = format!("{bucket}.s3.{actual}.amazonaws.com");
            let body = error_xml(
                "PermanentRedirect",
                "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
                &[("Endpoint", &endpoint), ("Bucket", &bucket)],
            );
            return Some(reply(301, &extra, if head { "" } else { &body }));
        }
        // The global virtual host resolves to the bucket's region, which checks the scope.
        if scope_region.is_some_and(|r| r != actual) {
            let message = format!(
                "The authorization header is malformed; the region '{}' is wrong; expecting '{actual}'",
                scope_region.unwrap_or_default()
            );
            if !head {
                // S3 names the region in the body of this one, not in a header.
                extra.clear();
            }
            let body = error_xml(
                "AuthorizationHeaderMalformed",
                &message,
                &[("Region", actual)],
            );
            return Some(reply(400, &extra, if head { "" } else { &body }));
        }
        return None;
    }
    let expected = match host {
        "iam.amazonaws.com" => ("us-east-1", "iam"),
        "sts.amazonaws.com" => ("us-east-1", "sts"),
        h => (
            h.strip_prefix("sts.")?.strip_suffix(".amazonaws.com")?,
            "sts",
        ),
    };
    match scope {
        Some((region, service)) if (region.as_str(), service.as_str()) == expected => None,
        _ => {
            let body = "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>Credential should be scoped to a valid region.</Message></Error><RequestId>loopback-front</RequestId></ErrorResponse>";
            Some(reply(403, &[], body))
        }
    }
}

/// GetBucketLocation: `GET ?location`.
pub fn is_location(req: &Incoming) -> bool {
    let (_, query) = req.target.split_once('?').unwrap_or(("", ""));
    req.method == "GET"
        && query
            .split('&')
            .any(|p| p == "location" || p == "location=")
}

/// A CreateBucket (`PUT /bucket` or `PUT /` on a virtual host, no query): the bucket and
/// the region its LocationConstraint names (us-east-1 without one).
pub fn created_bucket(host: &str, req: &Incoming, path: &str) -> Option<(String, String)> {
    let s3 = s3_host(host)?;
    let (_, query) = req.target.split_once('?').unwrap_or(("", ""));
    let key = match &s3.bucket {
        Some(_) => path.trim_start_matches('/'),
        None => path
            .trim_start_matches('/')
            .split_once('/')
            .map_or("", |(_, k)| k),
    };
    if req.method != "PUT" || !query.is_empty() || !key.is_empty() {
        return None;
    }
    let body = String::from_utf8_lossy(&req.body);
    let region = body
        .split_once("<LocationConstraint>")
        .and_then(|(_, rest)| rest.split_once("</LocationConstraint>"))
        .map_or("us-east-1".to_string(), |(r, _)| r.trim().to_string());
    Some((bucket_of(&s3, path)?, region))
}

fn error_xml(code: &str, message: &str, extra: &[(&str, &str)]) -> String {
    let mut body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>"
    );
    for (name, value) in extra {
        body.push_str(&format!("<{name}>{value}</{name}>"));
    }
    body.push_str("<RequestId>LOOPBACKFRONT</RequestId><HostId>loopback</HostId></Error>");
    body
}

fn reply(status: u16, headers: &[(&str, String)], body: &str) -> (u16, Vec<u8>) {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        out.push_str("content-type: application/xml\r\n");
    }
    out.push_str("x-amz-request-id: LOOPBACKFRONT\r\n");
    out.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    (status, out.into_bytes())
}
