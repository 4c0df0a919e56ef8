//! What the bucket configuration reads return, one type per operation's output and
//! one per structure in it, each declared once with `shape!`: members named as AWS names
//! them, in botocore's member order, read from the response XML and printed as the JSON
//! botocore returns (absent members left out), since the commands print these outputs.

use serde_json::Value;

use super::bucket::PublicAccessSettings;
use crate::aws::shape::{FromXml, shape, to_value};
use crate::aws::xml::Element;

shape! {
    /// GetBucketAcl's output. botocore's Grants member is the AccessControlList element,
    /// its items Grant.
    pub struct BucketAcl {
        owner: Option<Owner> = "Owner" <- member("Owner"),
        grants: Option<Vec<Grant>> = "Grants" <- list("AccessControlList", "Grant"),
    }
}

shape! {
    /// botocore's Owner (of a bucket, an ACL, a listed object).
    pub(crate) struct Owner {
        display_name: Option<String> = "DisplayName" <- member("DisplayName"),
        id: Option<String> = "ID" <- member("ID"),
    }
}

shape! {
    pub(crate) struct Grant {
        grantee: Option<Grantee> = "Grantee" <- member("Grantee"),
        permission: Option<String> = "Permission" <- member("Permission"),
    }
}

shape! {
    pub(crate) struct Grantee {
        display_name: Option<String> = "DisplayName" <- member("DisplayName"),
        email_address: Option<String> = "EmailAddress" <- member("EmailAddress"),
        id: Option<String> = "ID" <- member("ID"),
        /// `xsi:type="CanonicalUser"`: an attribute of the Grantee element.
        r#type: Option<String> = "Type" <- attr("type"),
        uri: Option<String> = "URI" <- member("URI"),
    }
}

impl BucketAcl {
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

shape! {
    /// GetPublicAccessBlock's output: the document is its one member (botocore's
    /// `payload`), so it is there even when S3 sends an empty body.
    pub struct PublicAccessBlock {
        public_access_block_configuration: PublicAccessSettings =
            "PublicAccessBlockConfiguration" <- whole(),
    }
}

impl PublicAccessBlock {
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

shape! {
    /// GetBucketPolicyStatus's output, the document its one member as above.
    #[derive(Copy, Eq)]
    pub struct BucketPolicyStatus {
        policy_status: PolicyStatus = "PolicyStatus" <- whole(),
    }
}

shape! {
    #[derive(Copy, Eq)]
    pub(crate) struct PolicyStatus {
        is_public: Option<bool> = "IsPublic" <- member("IsPublic"),
    }
}

impl BucketPolicyStatus {
    pub fn to_json(self) -> Value {
        to_value(&self)
    }
}

shape! {
    /// GetBucketWebsite's output.
    pub struct BucketWebsite {
        redirect_all_requests_to: Option<RedirectAllRequestsTo> =
            "RedirectAllRequestsTo" <- member("RedirectAllRequestsTo"),
        index_document: Option<IndexDocument> = "IndexDocument" <- member("IndexDocument"),
        error_document: Option<ErrorDocument> = "ErrorDocument" <- member("ErrorDocument"),
        routing_rules: Option<Vec<RoutingRule>> =
            "RoutingRules" <- list("RoutingRules", "RoutingRule"),
    }
}

shape! {
    pub(crate) struct RedirectAllRequestsTo {
        host_name: Option<String> = "HostName" <- member("HostName"),
        protocol: Option<String> = "Protocol" <- member("Protocol"),
    }
}

shape! {
    pub(crate) struct IndexDocument {
        suffix: Option<String> = "Suffix" <- member("Suffix"),
    }
}

shape! {
    pub(crate) struct ErrorDocument {
        key: Option<String> = "Key" <- member("Key"),
    }
}

shape! {
    pub(crate) struct RoutingRule {
        condition: Option<Condition> = "Condition" <- member("Condition"),
        redirect: Option<Redirect> = "Redirect" <- member("Redirect"),
    }
}

shape! {
    pub(crate) struct Condition {
        http_error_code_returned_equals: Option<String> =
            "HttpErrorCodeReturnedEquals" <- member("HttpErrorCodeReturnedEquals"),
        key_prefix_equals: Option<String> = "KeyPrefixEquals" <- member("KeyPrefixEquals"),
    }
}

shape! {
    pub(crate) struct Redirect {
        host_name: Option<String> = "HostName" <- member("HostName"),
        /// A string in botocore's model, not a number.
        http_redirect_code: Option<String> = "HttpRedirectCode" <- member("HttpRedirectCode"),
        protocol: Option<String> = "Protocol" <- member("Protocol"),
        replace_key_prefix_with: Option<String> =
            "ReplaceKeyPrefixWith" <- member("ReplaceKeyPrefixWith"),
        replace_key_with: Option<String> = "ReplaceKeyWith" <- member("ReplaceKeyWith"),
    }
}

impl BucketWebsite {
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

shape! {
    /// GetBucketCors's output; no CORSRules member when there are no rules.
    pub struct BucketCors {
        cors_rules: Option<Vec<BucketCorsRule>> = "CORSRules" <- flat("CORSRule"),
    }
}

shape! {
    /// A CORS rule as S3 returns it. Not [`super::bucket::CorsRule`], the one we write:
    /// here every member may be absent. The lists are flattened into the rule element
    /// (`<AllowedMethod>` repeats), and a list without items is no member at all.
    pub(crate) struct BucketCorsRule {
        id: Option<String> = "ID" <- member("ID"),
        allowed_headers: Option<Vec<String>> = "AllowedHeaders" <- flat("AllowedHeader"),
        allowed_methods: Option<Vec<String>> = "AllowedMethods" <- flat("AllowedMethod"),
        allowed_origins: Option<Vec<String>> = "AllowedOrigins" <- flat("AllowedOrigin"),
        expose_headers: Option<Vec<String>> = "ExposeHeaders" <- flat("ExposeHeader"),
        max_age_seconds: Option<i64> = "MaxAgeSeconds" <- member("MaxAgeSeconds"),
    }
}

impl BucketCors {
    /// What `get-cors-policy` prints: the CORSRules list, `None` when it is absent.
    pub fn rules_json(&self) -> Option<Value> {
        self.cors_rules.as_ref().map(to_value)
    }
}

/// An output read from a response's root element; an empty document gives an empty
/// output (botocore parses an empty body as an empty structure).
pub(super) fn read<T: FromXml + Default>(root: &Element) -> T {
    crate::aws::shape::read::whole(root)
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
        let acl = read::<BucketAcl>(&fixture("GetBucketAcl.xml"));
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
        assert_eq!(dumps(&read::<BucketAcl>(&empty).to_json(), None), "{}");
        assert_eq!(dumps(&read::<BucketWebsite>(&empty).to_json(), None), "{}");
        assert_eq!(read::<BucketCors>(&empty).rules_json(), None);
        assert_eq!(
            dumps(&read::<PublicAccessBlock>(&empty).to_json(), None),
            r#"{"PublicAccessBlockConfiguration": {}}"#
        );
        assert_eq!(
            dumps(&read::<BucketPolicyStatus>(&empty).to_json(), None),
            r#"{"PolicyStatus": {}}"#
        );
    }

    #[test]
    fn public_access_block_from_the_recorded_response() {
        let out = read::<PublicAccessBlock>(&fixture("GetPublicAccessBlock.xml"));
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
            dumps(&read::<PublicAccessBlock>(&partial).to_json(), None),
            r#"{"PublicAccessBlockConfiguration": {"BlockPublicAcls": false, "RestrictPublicBuckets": true}}"#
        );
    }

    #[test]
    fn policy_status_from_the_recorded_response() {
        let out = read::<BucketPolicyStatus>(&fixture("GetBucketPolicyStatus.xml"));
        assert_eq!(out.policy_status.is_public, Some(false));
        assert_eq!(
            dumps(&out.to_json(), None),
            r#"{"PolicyStatus": {"IsPublic": false}}"#
        );
    }

    #[test]
    fn website_from_the_recorded_response() {
        let out = read::<BucketWebsite>(&fixture("GetBucketWebsite.xml"));
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
            dumps(&read::<BucketWebsite>(&redirect).to_json(), None),
            r#"{"RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}}"#
        );
    }

    #[test]
    fn cors_from_the_recorded_response() {
        let out = read::<BucketCors>(&fixture("GetBucketCors.xml"));
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
            dumps(&read::<BucketCors>(&root).rules_json().unwrap(), None),
            r#"[{"ID": "x", "AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["https://a.example/"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 60}]"#
        );
    }
}
