//! Failures in botocore's words: connection-level errors and error documents of
//! both protocols, turned into [`AwsError`].

use super::message::{header, request_id};
use super::{Streaming, TransportFailure};
use crate::aws::xml;
use crate::error::AwsError;

/// botocore's wording for connection-level failures.
pub(super) fn describe(e: ureq::Error, url: &str) -> TransportFailure {
    use ureq::Error as E;
    let (message, retryable) = match &e {
        E::Timeout(_) => (format!("Read timeout on endpoint URL: \"{url}\""), true),
        E::HostNotFound | E::ConnectionFailed => (
            format!("Could not connect to the endpoint URL: \"{url}\""),
            true,
        ),
        E::Io(io) if certificate_rejected(io) => {
            (format!("SSL validation failed for {url} {io}"), false)
        }
        E::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => (
                format!("Could not connect to the endpoint URL: \"{url}\""),
                true,
            ),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                (format!("Read timeout on endpoint URL: \"{url}\""), true)
            }
            _ => (
                format!(
                    "Connection was closed before we received a valid response from endpoint URL: \"{url}\" ({io})"
                ),
                true,
            ),
        },
        E::Protocol(p) => (
            format!("Invalid response from endpoint URL: \"{url}\" ({p})"),
            true,
        ),
        E::BodyExceedsLimit(n) => (
            format!("Response from \"{url}\" is larger than {n} bytes"),
            false,
        ),
        E::Tls(t) => (format!("SSL validation failed for {url} {t}"), false),
        other => (format!("Request to \"{url}\" failed: {other}"), true),
    };
    TransportFailure {
        message,
        retryable,
        aws: None,
        cause: Some(Box::new(e)),
    }
}

/// Whether the handshake failed over the server's certificate: rustls reports that as
/// an `io::Error` holding its own error, which says why.
fn certificate_rejected(io: &std::io::Error) -> bool {
    let rustls = io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>());
    matches!(
        rustls,
        Some(
            rustls::Error::InvalidCertificate(_)
                | rustls::Error::NoCertificatesPresented
                | rustls::Error::InvalidCertRevocationList(_)
        )
    )
}

/// An error response, parsed.
pub(super) struct ErrorResponse {
    err: AwsError,
    pub(super) date: Option<String>,
}

impl ErrorResponse {
    pub(super) fn into_aws(self) -> AwsError {
        self.err
    }
}

impl std::ops::Deref for ErrorResponse {
    type Target = AwsError;
    fn deref(&self) -> &AwsError {
        &self.err
    }
}

/// Read an error response: S3's `<Error>` or the query protocol's `<ErrorResponse>`.
/// Without a parseable body, the code is the status number and the message the reason
/// phrase, as botocore reports them.
pub(super) fn read_error(resp: Streaming, operation: &str) -> ErrorResponse {
    let Streaming {
        status,
        headers,
        mut body,
    } = resp;
    let bytes = body
        .with_config()
        .limit(1024 * 1024)
        .read_to_vec()
        .unwrap_or_default();
    let mut err = parse_error_body(status, &bytes, operation);
    if let Some(region) = header(&headers, "x-amz-bucket-region") {
        err.region = Some(region.to_string());
    }
    if err.request_id.is_none() {
        err.request_id = request_id(&headers);
    }
    ErrorResponse {
        err,
        date: header(&headers, "date").map(str::to_string),
    }
}

/// The AwsError an error body (possibly empty or garbage) describes.
pub(crate) fn parse_error_body(status: u16, body: &[u8], operation: &str) -> AwsError {
    let mut err = AwsError {
        code: status.to_string(),
        message: reason_phrase(status).to_string(),
        request_id: None,
        status,
        operation: operation.to_string(),
        region: None,
        retries: 0,
    };
    if let Ok(root) = xml::parse(body) {
        // S3: <Error>; query protocol: <ErrorResponse><Error>; some servers (moto's
        // auth errors, EC2 style): <Response><Errors><Error>.
        let error = if root.name == "Error" {
            Some(&root)
        } else {
            root.child("Error")
                .or_else(|| root.child("Errors").and_then(|e| e.child("Error")))
        };
        if let Some(error) = error {
            if let Some(code) = error.text_of("Code").filter(|c| !c.is_empty()) {
                err.code = code.to_string();
                err.message = match error.text_of("Message") {
                    Some(m) => m.to_string(),
                    // botocore words an S3 <Error> without a Message as "Unknown" (s3s-fs
                    // sends those); the query protocol's parser defaults it to "".
                    None if root.name == "Error" => "Unknown".to_string(),
                    None => String::new(),
                };
            }
        }
        err.request_id = root
            .text_of("RequestId")
            .or_else(|| root.text_of("RequestID"))
            .or_else(|| error.and_then(|e| e.text_of("RequestId")))
            .map(str::to_string);
        err.region = error
            .and_then(|e| e.text_of("Region"))
            .filter(|r| !r.is_empty())
            .map(str::to_string);
    }
    err
}

/// `Not Found` for 404 and so on (botocore's message for body-less errors).
pub(crate) fn reason_phrase(status: u16) -> &'static str {
    match status {
        301 => "Moved Permanently",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        412 => "Precondition Failed",
        416 => "Requested Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}
