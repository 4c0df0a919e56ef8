//! What the bucket configuration reads return, one type per operation's output and
//! one per structure in it, members named as AWS names them. Every member is an
//! `Option` (or a list that may be absent): botocore's parser leaves out what a
//! document lacks, and the commands print these outputs as botocore returns them, so
//! each `to_json` writes the members present, in botocore's member order.

use serde_json::Value;

use super::bucket::PublicAccessSettings;
use crate::aws::xml::{Element, Members};

/// GetBucketAcl's output. botocore's Grants member is the AccessControlList element,
/// its items Grant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketAcl {
    pub owner: Option<Owner>,
    pub grants: Option<Vec<Grant>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owner {
    pub display_name: Option<String>,
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grant {
    pub grantee: Option<Grantee>,
    pub permission: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grantee {
    pub display_name: Option<String>,
    pub email_address: Option<String>,
    pub id: Option<String>,
    /// `xsi:type="CanonicalUser"`: an attribute of the Grantee element.
    pub r#type: Option<String>,
    pub uri: Option<String>,
}

impl BucketAcl {
    pub(super) fn from_xml(root: &Element) -> Self {
        BucketAcl {
            owner: root.structure("Owner", |o| Owner {
                display_name: o.string("DisplayName"),
                id: o.string("ID"),
            }),
            grants: root.list("AccessControlList", "Grant", |g| Grant {
                grantee: g.structure("Grantee", |e| Grantee {
                    display_name: e.string("DisplayName"),
                    email_address: e.string("EmailAddress"),
                    id: e.string("ID"),
                    r#type: e.attr("type").map(str::to_string),
                    uri: e.string("URI"),
                }),
                permission: g.string("Permission"),
            }),
        }
    }

    pub fn to_json(&self) -> Value {
        let owner = |o: &Owner| {
            Members::new()
                .str("DisplayName", &o.display_name)
                .str("ID", &o.id)
                .done()
        };
        let grantee = |e: &Grantee| {
            Members::new()
                .str("DisplayName", &e.display_name)
                .str("EmailAddress", &e.email_address)
                .str("ID", &e.id)
                .str("Type", &e.r#type)
                .str("URI", &e.uri)
                .done()
        };
        let grant = |g: &Grant| {
            Members::new()
                .value("Grantee", g.grantee.as_ref().map(grantee))
                .str("Permission", &g.permission)
                .done()
        };
        Members::new()
            .value("Owner", self.owner.as_ref().map(owner))
            .list("Grants", &self.grants, grant)
            .done()
    }
}

impl PublicAccessSettings {
    /// A PublicAccessBlockConfiguration as S3 returns it: the settings it holds.
    pub(super) fn from_xml(el: &Element) -> Self {
        PublicAccessSettings {
            block_public_acls: el.boolean("BlockPublicAcls"),
            ignore_public_acls: el.boolean("IgnorePublicAcls"),
            block_public_policy: el.boolean("BlockPublicPolicy"),
            restrict_public_buckets: el.boolean("RestrictPublicBuckets"),
        }
    }
}

/// GetPublicAccessBlock's output: the document is its one member (botocore's
/// `payload`), so it is there even when S3 sends an empty body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicAccessBlock {
    pub public_access_block_configuration: PublicAccessSettings,
}

impl PublicAccessBlock {
    pub(super) fn from_xml(root: &Element) -> Self {
        PublicAccessBlock {
            public_access_block_configuration: PublicAccessSettings::from_xml(root),
        }
    }

    pub fn to_json(&self) -> Value {
        Members::new()
            .value(
                "PublicAccessBlockConfiguration",
                Some(self.public_access_block_configuration.to_json()),
            )
            .done()
    }
}

/// GetBucketPolicyStatus's output, the document its one member as above.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BucketPolicyStatus {
    pub policy_status: PolicyStatus,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyStatus {
    pub is_public: Option<bool>,
}

impl BucketPolicyStatus {
    pub(super) fn from_xml(root: &Element) -> Self {
        BucketPolicyStatus {
            policy_status: PolicyStatus {
                is_public: root.boolean("IsPublic"),
            },
        }
    }

    pub fn to_json(&self) -> Value {
        let status = Members::new()
            .bool("IsPublic", self.policy_status.is_public)
            .done();
        Members::new().value("PolicyStatus", Some(status)).done()
    }
}

/// GetBucketWebsite's output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketWebsite {
    pub redirect_all_requests_to: Option<RedirectAllRequestsTo>,
    pub index_document: Option<IndexDocument>,
    pub error_document: Option<ErrorDocument>,
    pub routing_rules: Option<Vec<RoutingRule>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedirectAllRequestsTo {
    pub host_name: Option<String>,
    pub protocol: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexDocument {
    pub suffix: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorDocument {
    pub key: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutingRule {
    pub condition: Option<Condition>,
    pub redirect: Option<Redirect>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Condition {
    pub http_error_code_returned_equals: Option<String>,
    pub key_prefix_equals: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redirect {
    pub host_name: Option<String>,
    /// A string in botocore's model, not a number.
    pub http_redirect_code: Option<String>,
    pub protocol: Option<String>,
    pub replace_key_prefix_with: Option<String>,
    pub replace_key_with: Option<String>,
}

impl BucketWebsite {
    pub(super) fn from_xml(root: &Element) -> Self {
        let rule = |r: &Element| RoutingRule {
            condition: r.structure("Condition", |c| Condition {
                http_error_code_returned_equals: c.string("HttpErrorCodeReturnedEquals"),
                key_prefix_equals: c.string("KeyPrefixEquals"),
            }),
            redirect: r.structure("Redirect", |d| Redirect {
                host_name: d.string("HostName"),
                http_redirect_code: d.string("HttpRedirectCode"),
                protocol: d.string("Protocol"),
                replace_key_prefix_with: d.string("ReplaceKeyPrefixWith"),
                replace_key_with: d.string("ReplaceKeyWith"),
            }),
        };
        BucketWebsite {
            redirect_all_requests_to: root.structure("RedirectAllRequestsTo", |r| {
                RedirectAllRequestsTo {
                    host_name: r.string("HostName"),
                    protocol: r.string("Protocol"),
                }
            }),
            index_document: root.structure("IndexDocument", |i| IndexDocument {
                suffix: i.string("Suffix"),
            }),
            error_document: root.structure("ErrorDocument", |e| ErrorDocument {
                key: e.string("Key"),
            }),
            routing_rules: root.list("RoutingRules", "RoutingRule", rule),
        }
    }

    pub fn to_json(&self) -> Value {
        let rule = |r: &RoutingRule| {
            let condition = r.condition.as_ref().map(|c| {
                Members::new()
                    .str(
                        "HttpErrorCodeReturnedEquals",
                        &c.http_error_code_returned_equals,
                    )
                    .str("KeyPrefixEquals", &c.key_prefix_equals)
                    .done()
            });
            let redirect = r.redirect.as_ref().map(|d| {
                Members::new()
                    .str("HostName", &d.host_name)
                    .str("HttpRedirectCode", &d.http_redirect_code)
                    .str("Protocol", &d.protocol)
                    .str("ReplaceKeyPrefixWith", &d.replace_key_prefix_with)
                    .str("ReplaceKeyWith", &d.replace_key_with)
                    .done()
            });
            Members::new()
                .value("Condition", condition)
                .value("Redirect", redirect)
                .done()
        };
        let redirect_all = self.redirect_all_requests_to.as_ref().map(|r| {
            Members::new()
                .str("HostName", &r.host_name)
                .str("Protocol", &r.protocol)
                .done()
        });
        let index = self
            .index_document
            .as_ref()
            .map(|i| Members::new().str("Suffix", &i.suffix).done());
        let error = self
            .error_document
            .as_ref()
            .map(|e| Members::new().str("Key", &e.key).done());
        Members::new()
            .value("RedirectAllRequestsTo", redirect_all)
            .value("IndexDocument", index)
            .value("ErrorDocument", error)
            .list("RoutingRules", &self.routing_rules, rule)
            .done()
    }
}

/// GetBucketCors's output; no CORSRules member when there are no rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketCors {
    pub cors_rules: Option<Vec<BucketCorsRule>>,
}

/// A CORS rule as S3 returns it. Not [`super::bucket::CorsRule`], the one we write:
/// here every member may be absent. The lists are flattened into the rule element
/// (`<AllowedMethod>` repeats), and a list without items is no member at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketCorsRule {
    pub id: Option<String>,
    pub allowed_headers: Option<Vec<String>>,
    pub allowed_methods: Option<Vec<String>>,
    pub allowed_origins: Option<Vec<String>>,
    pub expose_headers: Option<Vec<String>>,
    pub max_age_seconds: Option<i64>,
}

impl BucketCors {
    pub(super) fn from_xml(root: &Element) -> Self {
        let text = |e: &Element| e.text.clone();
        BucketCors {
            cors_rules: root.flat_list("CORSRule", |r| BucketCorsRule {
                id: r.string("ID"),
                allowed_headers: r.flat_list("AllowedHeader", text),
                allowed_methods: r.flat_list("AllowedMethod", text),
                allowed_origins: r.flat_list("AllowedOrigin", text),
                expose_headers: r.flat_list("ExposeHeader", text),
                max_age_seconds: r.integer("MaxAgeSeconds"),
            }),
        }
    }
}

impl BucketCors {
    /// What `get-cors-policy` prints: the CORSRules list, `None` when it is absent.
    pub fn rules_json(&self) -> Option<Value> {
        let rules = self.cors_rules.as_ref()?;
        Some(Value::Array(
            rules.iter().map(BucketCorsRule::to_json).collect(),
        ))
    }
}

impl BucketCorsRule {
    /// In botocore's CORSRule member order.
    pub fn to_json(&self) -> Value {
        let text = |s: &String| Value::String(s.clone());
        Members::new()
            .str("ID", &self.id)
            .list("AllowedHeaders", &self.allowed_headers, text)
            .list("AllowedMethods", &self.allowed_methods, text)
            .list("AllowedOrigins", &self.allowed_origins, text)
            .list("ExposeHeaders", &self.expose_headers, text)
            .int("MaxAgeSeconds", self.max_age_seconds)
            .done()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::xml::parse;
    use crate::output::dumps;

    /// A recorded response's root element (fixtures/s3, from moto).
    fn fixture(name: &str) -> Element {
        let path = format!("{}/fixtures/s3/{name}", env!("CARGO_MANIFEST_DIR"));
        parse(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn acl_from_the_recorded_response() {
        let acl = BucketAcl::from_xml(&fixture("GetBucketAcl.xml"));
        let grants = acl.grants.as_deref().unwrap();
        assert_eq!(grants.len(), 1);
        let grantee = grants[0].grantee.as_ref().unwrap();
        assert_eq!(grantee.r#type.as_deref(), Some("CanonicalUser"));
        assert_eq!(grants[0].permission.as_deref(), Some("FULL_CONTROL"));
        let id = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
        assert_eq!(
            dumps(&acl.to_json(), None),
            format!(
                r#"{{"Owner": {{"DisplayName": "webfile", "ID": "{id}"}}, "Grants": [{{"Grantee": {{"ID": "{id}", "Type": "CanonicalUser"}}, "Permission": "FULL_CONTROL"}}]}}"#
            )
        );
    }

    #[test]
    fn empty_documents_give_empty_outputs() {
        // An empty body parses as an empty structure (bucket.rs's body_root).
        let empty = Element::default();
        assert_eq!(dumps(&BucketAcl::from_xml(&empty).to_json(), None), "{}");
        assert_eq!(
            dumps(&BucketWebsite::from_xml(&empty).to_json(), None),
            "{}"
        );
        assert_eq!(BucketCors::from_xml(&empty).rules_json(), None);
        assert_eq!(
            dumps(&PublicAccessBlock::from_xml(&empty).to_json(), None),
            r#"{"PublicAccessBlockConfiguration": {}}"#
        );
        assert_eq!(
            dumps(&BucketPolicyStatus::from_xml(&empty).to_json(), None),
            r#"{"PolicyStatus": {}}"#
        );
    }

    #[test]
    fn public_access_block_from_the_recorded_response() {
        let out = PublicAccessBlock::from_xml(&fixture("GetPublicAccessBlock.xml"));
        assert_eq!(
            out.public_access_block_configuration.block_public_acls,
            Some(true)
        );
        assert_eq!(
            dumps(&out.to_json(), None),
            r#"{"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": false, "BlockPublicPolicy": false, "RestrictPublicBuckets": false}}"#
        );
        // Members in the shape's order, whatever the document's.
        let partial = parse(
            b"<PublicAccessBlockConfiguration><RestrictPublicBuckets>TRUE</RestrictPublicBuckets>\
              <BlockPublicAcls>false</BlockPublicAcls></PublicAccessBlockConfiguration>",
        )
        .unwrap();
        assert_eq!(
            dumps(&PublicAccessBlock::from_xml(&partial).to_json(), None),
            r#"{"PublicAccessBlockConfiguration": {"BlockPublicAcls": false, "RestrictPublicBuckets": true}}"#
        );
    }

    #[test]
    fn policy_status_from_the_recorded_response() {
        let out = BucketPolicyStatus::from_xml(&fixture("GetBucketPolicyStatus.xml"));
        assert_eq!(out.policy_status.is_public, Some(false));
        assert_eq!(
            dumps(&out.to_json(), None),
            r#"{"PolicyStatus": {"IsPublic": false}}"#
        );
    }

    #[test]
    fn website_from_the_recorded_response() {
        let out = BucketWebsite::from_xml(&fixture("GetBucketWebsite.xml"));
        let rules = out.routing_rules.as_deref().unwrap();
        assert_eq!(
            rules[0]
                .redirect
                .as_ref()
                .unwrap()
                .http_redirect_code
                .as_deref(),
            Some("301")
        );
        assert_eq!(
            dumps(&out.to_json(), None),
            r#"{"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}, "RoutingRules": [{"Condition": {"KeyPrefixEquals": "docs/"}, "Redirect": {"HttpRedirectCode": "301", "ReplaceKeyPrefixWith": "documents/"}}]}"#
        );
        let redirect = parse(
            b"<WebsiteConfiguration><RedirectAllRequestsTo><Protocol>https</Protocol>\
              <HostName>example.com</HostName></RedirectAllRequestsTo></WebsiteConfiguration>",
        )
        .unwrap();
        assert_eq!(
            dumps(&BucketWebsite::from_xml(&redirect).to_json(), None),
            r#"{"RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}}"#
        );
    }

    #[test]
    fn cors_from_the_recorded_response() {
        let out = BucketCors::from_xml(&fixture("GetBucketCors.xml"));
        let rules = out.cors_rules.as_deref().unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].max_age_seconds, Some(60));
        assert_eq!(rules[1].id, None);
        assert_eq!(
            dumps(&out.rules_json().unwrap(), None),
            r#"[{"ID": "set-by-s3-credentials", "AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["https://www.example.com/"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 60}, {"AllowedHeaders": ["Authorization", "*"], "AllowedMethods": ["HEAD"], "AllowedOrigins": ["*"]}]"#
        );
    }

    #[test]
    fn cors_rule_members_in_shape_order() {
        let root = parse(
            b"<CORSConfiguration><CORSRule><MaxAgeSeconds>60</MaxAgeSeconds>\
              <AllowedOrigin>https://a.example/</AllowedOrigin><AllowedMethod>GET</AllowedMethod>\
              <AllowedMethod>PUT</AllowedMethod><ExposeHeader>ETag</ExposeHeader><ID>x</ID>\
              </CORSRule></CORSConfiguration>",
        )
        .unwrap();
        assert_eq!(
            dumps(&BucketCors::from_xml(&root).rules_json().unwrap(), None),
            r#"[{"ID": "x", "AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["https://a.example/"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 60}]"#
        );
    }
}
