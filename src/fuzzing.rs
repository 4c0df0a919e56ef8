//! The fuzz targets' way in (`fuzz/targets`): thin wrappers over the crate-private
//! parsers they feed, and nothing else. Not an API: hidden from the docs, and free to
//! change with the targets. Everything else the targets use is public already
//! (`aws::config`, `aws::sigv4`, `cli`, `output`).

use crate::aws::s3::list::{Bucket, Object};
use crate::aws::shape::{PolicyDocument, Timestamp, read, shape, to_value};
use crate::aws::{credentials, http, ini, s3, shape as shapes, xml};
use crate::error::{AwsError, Error};
use serde_json::Value;

pub use crate::aws::ini::IniError;
pub use crate::aws::xml::Element;

/// `xml::parse`: the element tree of a document, or `None` for a malformed one.
pub fn xml_parse(bytes: &[u8]) -> Option<Element> {
    xml::parse(bytes).ok()
}

shape! {
    /// A member of every value kind `shape!` reads.
    pub(crate) struct Item {
        name: Option<String> = "Name" <- member("Name"),
        size: Option<i64> = "Size" <- member("Size"),
        is_truncated: Option<bool> = "IsTruncated" <- member("IsTruncated"),
        create_date: Option<Timestamp> = "CreateDate" <- member("CreateDate"),
        policy_document: Option<PolicyDocument> = "PolicyDocument" <- member("PolicyDocument"),
        kind: Option<String> = "Type" <- attr("type"),
    }
}

shape! {
    /// A response with every way `shape!` finds a member, and S3's listing shapes.
    pub(crate) struct Response {
        owner: Option<Item> = "Owner" <- member("Owner"),
        users: Option<Vec<Item>> = "Users" <- list("Users", "member"),
        contents: Option<Vec<Object>> = "Contents" <- flat("Contents"),
        buckets: Option<Vec<Bucket>> = "Buckets" <- list("Buckets", "Bucket"),
        marker: Option<String> = "Marker" <- member("Marker"),
        next_token: Option<String> = "NextToken" <- attr("token"),
        whole: Item = "Whole" <- whole(),
    }
}

/// An element read as [`Response`] and printed as botocore's JSON, as every response
/// shape is.
pub fn xml_to_json(el: &Element) -> Value {
    to_value(&read::whole::<Response>(el))
}

/// `http::parse_error_body`: an error document (any status, any body) as an AWS error.
pub fn parse_error_body(status: u16, body: &[u8], operation: &str) -> AwsError {
    http::parse_error_body(status, body, operation)
}

/// `shape::decode_policy`: a URL-encoded policy document.
pub fn decode_policy(text: &str) -> Value {
    shapes::decode_policy(text)
}

/// `shape::percent_decode`: Python's `urllib.parse.unquote`.
pub fn percent_decode(text: &str) -> String {
    shapes::percent_decode(text)
}

/// `s3::list::unquote_plus`: a key from a URL-encoded listing.
pub fn unquote_plus(text: &str) -> String {
    s3::list::unquote_plus(text)
}

/// `ini::parse`, the document behind a read-only view.
pub fn ini_parse(text: &str) -> Result<IniDoc, IniError> {
    ini::parse(text).map(IniDoc)
}

/// A parsed INI document (`ini::Ini`), its lookups passed through.
pub struct IniDoc(ini::Ini);

impl IniDoc {
    pub fn sections(&self) -> impl Iterator<Item = &str> {
        self.0.sections()
    }
    pub fn has_section(&self, section: &str) -> bool {
        self.0.has_section(section)
    }
    pub fn keys(&self, section: &str) -> Vec<&str> {
        self.0.keys(section)
    }
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.0.get(section, key)
    }
    pub fn nested(&self, section: &str, key: &str) -> Option<Vec<(String, String)>> {
        self.0.nested(section, key)
    }
}

/// What `--auth` content gives: (access key, secret key, session token).
pub type AuthKeys = (Option<String>, Option<String>, Option<String>);

/// `credentials::parse_auth_content`: `--auth` text as its keys.
pub fn parse_auth_content(text: &str) -> Result<AuthKeys, Error> {
    credentials::parse_auth_content(text)
}

/// `http::authority`: the `host[:port]` of a base URL.
pub fn authority(base: &str) -> &str {
    http::authority(base)
}

/// `http::parse_http_date`: an HTTP date header.
pub fn parse_http_date(text: &str) -> Option<time::OffsetDateTime> {
    http::parse_http_date(text)
}
