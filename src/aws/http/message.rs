//! Requests before signing and responses as read: what the transport takes and gives.

use std::path::PathBuf;

use crate::aws::sigv4;
use crate::aws::xml;
use crate::error::Error;

/// The largest response body read into memory (API documents, not objects).
pub(super) const MAX_BUFFERED: u64 = 256 * 1024 * 1024;

/// What goes in a request body. Bodies are re-sent from the start on retry, so a
/// file body is a path and a range, opened again for each attempt.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Bytes(Vec<u8>),
    /// Bytes shared with the caller (a buffered part of a stream being uploaded), so
    /// that building the request and retrying it copy nothing.
    Shared(std::sync::Arc<Vec<u8>>),
    File {
        path: PathBuf,
        offset: u64,
        len: u64,
    },
}

impl Body {
    pub fn len(&self) -> u64 {
        match self {
            Body::Empty => 0,
            Body::Bytes(b) => b.len() as u64,
            Body::Shared(b) => b.len() as u64,
            Body::File { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A request before signing.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: &'static str,
    /// `scheme://host[:port]`, no path.
    pub base: String,
    /// The path exactly as sent: already URI-encoded, starting with '/'.
    pub path: String,
    /// Query parameters, not yet encoded.
    pub query: Vec<(String, String)>,
    /// Extra headers (lower-case names); host and the signing headers are added here.
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`; computed from the body when None
    /// (file bodies must give it).
    pub payload_hash: Option<String>,
}

impl Request {
    pub fn new(method: &'static str, base: &str, path: impl Into<String>) -> Self {
        Request {
            method,
            base: base.trim_end_matches('/').to_string(),
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            payload_hash: None,
        }
    }

    /// A request for a whole URL, sent as given (the providers' unsigned calls).
    pub(crate) fn to_url(method: &'static str, url: &str) -> Self {
        Request {
            base: url.to_string(),
            path: String::new(),
            ..Request::new(method, "", "")
        }
    }

    pub fn query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_string(), value.into()));
        self
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = Body::Bytes(body);
        self
    }

    /// The URL as sent, for messages.
    pub fn url(&self) -> String {
        let mut url = format!("{}{}", self.base, self.path);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&sigv4::canonical_query(&self.query));
        }
        url
    }

    /// The URL as botocore shows it in messages: a sub-resource without a value is
    /// `?acl`, not `?acl=`.
    pub fn display_url(&self) -> String {
        let url = self.url();
        match url.split_once('?') {
            Some((base, query)) => {
                let parts: Vec<&str> = query
                    .split('&')
                    .map(|p| p.strip_suffix('=').unwrap_or(p))
                    .collect();
                format!("{base}?{}", parts.join("&"))
            }
            None => url,
        }
    }
}

/// A response read in full.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Lower-case names, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The request id the service sent in a header.
    pub(crate) fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }

    /// The body as text (the providers' answers are read as text).
    pub(crate) fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or_default()
    }

    /// The body as an XML tree; a malformed body is a transport error.
    pub fn xml(&self, operation: &str) -> Result<xml::Element, Error> {
        xml::parse(&self.body).map_err(|e| {
            let message = format!("Unable to parse the {operation} response: {e}");
            Error::transport_from(message, e)
        })
    }

    /// The body as an XML tree whose root must be `root`: a 200 from something that
    /// is not the service (a captive portal, a misconfigured proxy) is an error, not
    /// an empty result.
    pub fn xml_root(&self, operation: &str, root: &str) -> Result<xml::Element, Error> {
        let doc = self.xml(operation)?;
        if doc.name == root {
            Ok(doc)
        } else {
            Err(Error::transport(format!(
                "Unable to parse the {operation} response: expected <{root}>, got <{}>",
                doc.name
            )))
        }
    }
}

/// A response whose body is still to be read (downloads).
pub struct Streaming {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: ureq::Body,
}

impl Streaming {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

pub(super) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The request id of a response, from its headers: S3's `x-amz-request-id`, else the
/// `x-amzn-RequestId` of the query and JSON protocols. The one place it is read.
pub(super) fn request_id(headers: &[(String, String)]) -> Option<String> {
    header(headers, "x-amz-request-id")
        .or_else(|| header(headers, "x-amzn-requestid"))
        .map(str::to_string)
}
