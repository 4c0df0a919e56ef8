//! Bucket configuration calls: ACL, location, public access block, website, CORS
//! and policy, read, and CORS and public access settings written (PutBucketPolicy is
//! `create.rs`'s).
//!
//! Each reader returns the operation's output typed (bucket_outputs.rs), parsed as
//! botocore parses it, because the commands print those documents as they are.

use serde_json::{Map, Value};

pub use super::bucket_outputs::{
    BucketAcl, BucketCors, BucketCorsRule, BucketPolicyStatus, BucketWebsite, PublicAccessBlock,
};
use super::{S3, with_md5_body};
use crate::aws::http::Response;
use crate::aws::xml::{Element, S3_XMLNS as XMLNS, escape};
use crate::error::Error;

/// One CORS rule to write, as the original builds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsRule {
    pub id: String,
    pub allowed_origins: Vec<String>,
    pub allowed_headers: Vec<String>,
    pub allowed_methods: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age_seconds: Option<i64>,
}

impl CorsRule {
    /// The PutBucketCors document for this one rule. botocore writes the members in
    /// the order the original's dict has them (ID, origins, headers, methods, expose
    /// headers, max age); an empty list writes nothing.
    pub fn to_xml(&self) -> String {
        let mut xml = format!(
            "<CORSConfiguration xmlns=\"{XMLNS}\"><CORSRule><ID>{}</ID>",
            escape(&self.id)
        );
        for (tag, values) in [
            ("AllowedOrigin", &self.allowed_origins),
            ("AllowedHeader", &self.allowed_headers),
            ("AllowedMethod", &self.allowed_methods),
            ("ExposeHeader", &self.expose_headers),
        ] {
            for v in values {
                xml.push_str(&format!("<{tag}>{}</{tag}>", escape(v)));
            }
        }
        if let Some(max) = self.max_age_seconds {
            xml.push_str(&format!("<MaxAgeSeconds>{max}</MaxAgeSeconds>"));
        }
        xml.push_str("</CORSRule></CORSConfiguration>");
        xml
    }
}

/// Public access block settings to write; unset ones are left out of the document
/// (S3 then treats them as false), as the original sends only what it was given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublicAccessSettings {
    pub block_public_acls: Option<bool>,
    pub ignore_public_acls: Option<bool>,
    pub block_public_policy: Option<bool>,
    pub restrict_public_buckets: Option<bool>,
}

impl PublicAccessSettings {
    /// Every setting false: full public access.
    pub const ALL_OFF: PublicAccessSettings = PublicAccessSettings {
        block_public_acls: Some(false),
        ignore_public_acls: Some(false),
        block_public_policy: Some(false),
        restrict_public_buckets: Some(false),
    };

    /// The settings given, by botocore member name, in the shape's order.
    pub fn given(&self) -> Vec<(&'static str, bool)> {
        [
            ("BlockPublicAcls", self.block_public_acls),
            ("IgnorePublicAcls", self.ignore_public_acls),
            ("BlockPublicPolicy", self.block_public_policy),
            ("RestrictPublicBuckets", self.restrict_public_buckets),
        ]
        .into_iter()
        .filter_map(|(name, v)| v.map(|v| (name, v)))
        .collect()
    }

    /// The settings as the original's dict (for its message).
    pub fn to_json(&self) -> Value {
        let map: Map<String, Value> = self
            .given()
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::Bool(v)))
            .collect();
        Value::Object(map)
    }

    /// The PutPublicAccessBlock document.
    pub fn to_xml(&self) -> String {
        let mut xml = format!("<PublicAccessBlockConfiguration xmlns=\"{XMLNS}\">");
        for (name, v) in self.given() {
            xml.push_str(&format!("<{name}>{v}</{name}>"));
        }
        xml.push_str("</PublicAccessBlockConfiguration>");
        xml
    }
}

/// The root element of a response document; an empty body is an empty structure,
/// as botocore parses it.
fn body_root(resp: &Response, operation: &str) -> Result<Element, Error> {
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Element::default());
    }
    resp.xml(operation)
}

impl S3<'_> {
    /// A GET of one bucket subresource (`?acl`, `?cors`...).
    fn get_subresource(
        &self,
        bucket: &str,
        subresource: &'static str,
        operation: &str,
    ) -> Result<Response, Error> {
        self.call("GET", Some(bucket), None, operation, |r| {
            r.query(subresource, "")
        })
    }

    pub fn get_bucket_acl(&self, bucket: &str) -> Result<BucketAcl, Error> {
        let resp = self.get_subresource(bucket, "acl", "GetBucketAcl")?;
        Ok(BucketAcl::from_xml(&body_root(&resp, "GetBucketAcl")?))
    }

    /// GetBucketLocation: the LocationConstraint, `None` for us-east-1 (S3 sends an
    /// empty element there).
    pub fn get_bucket_location(&self, bucket: &str) -> Result<Option<String>, Error> {
        let resp = self.get_subresource(bucket, "location", "GetBucketLocation")?;
        // botocore reads the root element's text, whatever the element is called.
        let root = body_root(&resp, "GetBucketLocation")?;
        Ok(Some(root.text).filter(|t| !t.is_empty()))
    }

    pub fn get_public_access_block(&self, bucket: &str) -> Result<PublicAccessBlock, Error> {
        let resp = self.get_subresource(bucket, "publicAccessBlock", "GetPublicAccessBlock")?;
        Ok(PublicAccessBlock::from_xml(&body_root(
            &resp,
            "GetPublicAccessBlock",
        )?))
    }

    pub fn get_bucket_policy_status(&self, bucket: &str) -> Result<BucketPolicyStatus, Error> {
        let resp = self.get_subresource(bucket, "policyStatus", "GetBucketPolicyStatus")?;
        Ok(BucketPolicyStatus::from_xml(&body_root(
            &resp,
            "GetBucketPolicyStatus",
        )?))
    }

    pub fn get_bucket_website(&self, bucket: &str) -> Result<BucketWebsite, Error> {
        let resp = self.get_subresource(bucket, "website", "GetBucketWebsite")?;
        Ok(BucketWebsite::from_xml(&body_root(
            &resp,
            "GetBucketWebsite",
        )?))
    }

    pub fn get_bucket_cors(&self, bucket: &str) -> Result<BucketCors, Error> {
        let resp = self.get_subresource(bucket, "cors", "GetBucketCors")?;
        Ok(BucketCors::from_xml(&body_root(&resp, "GetBucketCors")?))
    }

    /// GetBucketPolicy: the policy document exactly as stored.
    pub fn get_bucket_policy(&self, bucket: &str) -> Result<String, Error> {
        let resp = self.get_subresource(bucket, "policy", "GetBucketPolicy")?;
        Ok(String::from_utf8_lossy(&resp.body).into_owned())
    }

    /// PutBucketCors with one rule.
    pub fn put_bucket_cors(&self, bucket: &str, rule: &CorsRule) -> Result<(), Error> {
        let body = rule.to_xml();
        self.call("PUT", Some(bucket), None, "PutBucketCors", |r| {
            with_md5_body(r.query("cors", ""), body.as_bytes())
        })
        .map(drop)
    }

    /// PutPublicAccessBlock with only the settings given.
    pub fn put_public_access_settings(
        &self,
        bucket: &str,
        settings: &PublicAccessSettings,
    ) -> Result<(), Error> {
        let body = settings.to_xml();
        self.call("PUT", Some(bucket), None, "PutPublicAccessBlock", |r| {
            with_md5_body(r.query("publicAccessBlock", ""), body.as_bytes())
        })
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_documents_as_botocore_writes_them() {
        // Expected bytes: botocore 1.44's serialisation of the original's default rule.
        let rule = CorsRule {
            id: "set-by-s3-credentials".into(),
            allowed_origins: vec!["*".into()],
            allowed_methods: vec!["GET".into()],
            max_age_seconds: Some(60),
            ..CorsRule::default()
        };
        assert_eq!(
            rule.to_xml(),
            "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule>\
             <ID>set-by-s3-credentials</ID><AllowedOrigin>*</AllowedOrigin>\
             <AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>60</MaxAgeSeconds>\
             </CORSRule></CORSConfiguration>"
        );
    }

    #[test]
    fn public_access_documents_keep_only_given_settings() {
        let settings = PublicAccessSettings {
            block_public_acls: Some(true),
            restrict_public_buckets: Some(false),
            ..PublicAccessSettings::default()
        };
        // Expected bytes: botocore 1.44's serialisation of the same dict.
        assert_eq!(
            settings.to_xml(),
            "<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <BlockPublicAcls>true</BlockPublicAcls><RestrictPublicBuckets>false</RestrictPublicBuckets>\
             </PublicAccessBlockConfiguration>"
        );
        assert_eq!(
            crate::output::py_repr(&settings.to_json()),
            "{'BlockPublicAcls': True, 'RestrictPublicBuckets': False}"
        );
        assert!(PublicAccessSettings::default().given().is_empty());
    }
}
