//! IAM's responses that commands read or print, one type per structure, members named
//! as AWS names them. Every member is an `Option`: botocore's parser leaves out what a
//! document lacks, whatever the model requires, and the JSON printed does the same.
//! Timestamps are kept as sent and printed as `str(datetime)`; policy documents are
//! decoded into the JSON they hold.

use serde_json::Value;

use crate::aws::xml::{Element, Members};

/// A tag on an IAM resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tag {
    pub key: Option<String>,
    pub value: Option<String>,
}

impl Tag {
    fn from_xml(el: &Element) -> Self {
        Tag {
            key: el.string("Key"),
            value: el.string("Value"),
        }
    }

    fn to_json(&self) -> Value {
        Members::new()
            .str("Key", &self.key)
            .str("Value", &self.value)
            .done()
    }
}

/// CreateAccessKey's AccessKey: the new key, secret included (`create` prints it).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AccessKey {
    pub user_name: Option<String>,
    pub access_key_id: Option<String>,
    pub status: Option<String>,
    pub secret_access_key: Option<String>,
    pub create_date: Option<String>,
}

/// Never shows the secret.
impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("user_name", &self.user_name)
            .field("access_key_id", &self.access_key_id)
            .field("status", &self.status)
            .field("create_date", &self.create_date)
            .finish_non_exhaustive()
    }
}

impl AccessKey {
    pub(super) fn from_xml(el: &Element) -> Self {
        AccessKey {
            user_name: el.string("UserName"),
            access_key_id: el.string("AccessKeyId"),
            status: el.string("Status"),
            secret_access_key: el.string("SecretAccessKey"),
            create_date: el.string("CreateDate"),
        }
    }

    pub fn to_json(&self) -> Value {
        Members::new()
            .str("UserName", &self.user_name)
            .str("AccessKeyId", &self.access_key_id)
            .str("Status", &self.status)
            .str("SecretAccessKey", &self.secret_access_key)
            .time("CreateDate", &self.create_date)
            .done()
    }
}

/// One item of ListAccessKeys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessKeyMetadata {
    pub user_name: Option<String>,
    pub access_key_id: Option<String>,
    pub status: Option<String>,
    pub create_date: Option<String>,
}

impl AccessKeyMetadata {
    pub(super) fn from_xml(el: &Element) -> Self {
        AccessKeyMetadata {
            user_name: el.string("UserName"),
            access_key_id: el.string("AccessKeyId"),
            status: el.string("Status"),
            create_date: el.string("CreateDate"),
        }
    }
}

/// GetRolePolicy's output (`list-roles --details` prints it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RolePolicy {
    pub role_name: Option<String>,
    pub policy_name: Option<String>,
    pub policy_document: Option<Value>,
}

impl RolePolicy {
    pub(super) fn from_xml(result: &Element) -> Self {
        RolePolicy {
            role_name: result.string("RoleName"),
            policy_name: result.string("PolicyName"),
            policy_document: result.policy("PolicyDocument"),
        }
    }

    pub fn to_json(&self) -> Value {
        Members::new()
            .str("RoleName", &self.role_name)
            .str("PolicyName", &self.policy_name)
            .value("PolicyDocument", self.policy_document.clone())
            .done()
    }
}

/// GetUserPolicy's output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserPolicy {
    pub user_name: Option<String>,
    pub policy_name: Option<String>,
    pub policy_document: Option<Value>,
}

impl UserPolicy {
    pub(super) fn from_xml(result: &Element) -> Self {
        UserPolicy {
            user_name: result.string("UserName"),
            policy_name: result.string("PolicyName"),
            policy_document: result.policy("PolicyDocument"),
        }
    }

    /// What `list-user-policies` prints: the document alone, `null` when there is none.
    pub fn document_json(&self) -> Value {
        self.policy_document.clone().unwrap_or(Value::Null)
    }
}

/// One item of ListAttachedRolePolicies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttachedPolicy {
    pub policy_name: Option<String>,
    pub policy_arn: Option<String>,
}

impl AttachedPolicy {
    pub(super) fn from_xml(el: &Element) -> Self {
        AttachedPolicy {
            policy_name: el.string("PolicyName"),
            policy_arn: el.string("PolicyArn"),
        }
    }
}

/// GetPolicy's Policy: a managed policy (`list-roles --details` prints it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    pub policy_name: Option<String>,
    pub policy_id: Option<String>,
    pub arn: Option<String>,
    pub path: Option<String>,
    pub default_version_id: Option<String>,
    pub attachment_count: Option<i64>,
    pub permissions_boundary_usage_count: Option<i64>,
    pub is_attachable: Option<bool>,
    pub description: Option<String>,
    pub create_date: Option<String>,
    pub update_date: Option<String>,
    pub tags: Option<Vec<Tag>>,
}

impl Policy {
    pub(super) fn from_xml(el: &Element) -> Self {
        Policy {
            policy_name: el.string("PolicyName"),
            policy_id: el.string("PolicyId"),
            arn: el.string("Arn"),
            path: el.string("Path"),
            default_version_id: el.string("DefaultVersionId"),
            attachment_count: el.integer("AttachmentCount"),
            permissions_boundary_usage_count: el.integer("PermissionsBoundaryUsageCount"),
            is_attachable: el.boolean("IsAttachable"),
            description: el.string("Description"),
            create_date: el.string("CreateDate"),
            update_date: el.string("UpdateDate"),
            tags: el.list("Tags", "member", Tag::from_xml),
        }
    }

    pub fn to_json(&self) -> Value {
        Members::new()
            .str("PolicyName", &self.policy_name)
            .str("PolicyId", &self.policy_id)
            .str("Arn", &self.arn)
            .str("Path", &self.path)
            .str("DefaultVersionId", &self.default_version_id)
            .int("AttachmentCount", self.attachment_count)
            .int(
                "PermissionsBoundaryUsageCount",
                self.permissions_boundary_usage_count,
            )
            .bool("IsAttachable", self.is_attachable)
            .str("Description", &self.description)
            .time("CreateDate", &self.create_date)
            .time("UpdateDate", &self.update_date)
            .list("Tags", &self.tags, Tag::to_json)
            .done()
    }
}

/// GetPolicyVersion's PolicyVersion, document decoded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyVersion {
    pub document: Option<Value>,
    pub version_id: Option<String>,
    pub is_default_version: Option<bool>,
    pub create_date: Option<String>,
}

impl PolicyVersion {
    pub(super) fn from_xml(el: &Element) -> Self {
        PolicyVersion {
            document: el.policy("Document"),
            version_id: el.string("VersionId"),
            is_default_version: el.boolean("IsDefaultVersion"),
            create_date: el.string("CreateDate"),
        }
    }

    pub fn to_json(&self) -> Value {
        Members::new()
            .value("Document", self.document.clone())
            .str("VersionId", &self.version_id)
            .bool("IsDefaultVersion", self.is_default_version)
            .time("CreateDate", &self.create_date)
            .done()
    }
}

/// A ListRoles item: botocore's Role shape as JSON, printed whole, and its name.
pub struct ListedRole {
    pub name: String,
    pub json: Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::xml::parse;
    use crate::output::dumps;

    /// The Result element of a recorded IAM response.
    fn result(doc: &str) -> Element {
        let root = parse(doc.as_bytes()).unwrap();
        root.children
            .iter()
            .find(|c| c.name.ends_with("Result"))
            .unwrap()
            .clone()
    }

    #[test]
    fn get_policy_as_moto_answers_it() {
        // From fixtures/iam/cassettes/list-roles-details.json.
        let r = result(
            "<GetPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetPolicyResult>\
             <Policy><PolicyName>AmazonS3FullAccess</PolicyName><PolicyId>AVACOOFTSQE5I8EFKF5X7</PolicyId>\
             <Arn>arn:aws:iam::aws:policy/AmazonS3FullAccess</Arn><Path>/</Path>\
             <DefaultVersionId>v2</DefaultVersionId><AttachmentCount>1</AttachmentCount>\
             <IsAttachable>true</IsAttachable><CreateDate>2015-02-06T18:40:58Z</CreateDate>\
             <UpdateDate>2021-09-27T20:16:37Z</UpdateDate><Tags/></Policy></GetPolicyResult>\
             </GetPolicyResponse>",
        );
        let policy = Policy::from_xml(r.child("Policy").unwrap());
        assert_eq!(policy.default_version_id.as_deref(), Some("v2"));
        assert_eq!(policy.attachment_count, Some(1));
        assert_eq!(policy.permissions_boundary_usage_count, None);
        assert_eq!(policy.tags, Some(vec![]));
        assert_eq!(
            dumps(&policy.to_json(), None),
            r#"{"PolicyName": "AmazonS3FullAccess", "PolicyId": "AVACOOFTSQE5I8EFKF5X7", "Arn": "arn:aws:iam::aws:policy/AmazonS3FullAccess", "Path": "/", "DefaultVersionId": "v2", "AttachmentCount": 1, "IsAttachable": true, "CreateDate": "2015-02-06 18:40:58+00:00", "UpdateDate": "2021-09-27 20:16:37+00:00", "Tags": []}"#
        );
    }

    #[test]
    fn policy_tags_in_shape_order() {
        let el = parse(
            b"<Policy><Tags><member><Value>v</Value><Key>k</Key></member></Tags>\
              <Description>d</Description></Policy>",
        )
        .unwrap();
        assert_eq!(
            dumps(&Policy::from_xml(&el).to_json(), None),
            r#"{"Description": "d", "Tags": [{"Key": "k", "Value": "v"}]}"#
        );
    }

    #[test]
    fn policy_version_document_decoded() {
        // Moto sends this document as JSON text; AWS URL-encodes it. Both decode.
        let r = result(
            "<GetPolicyVersionResponse><GetPolicyVersionResult><PolicyVersion>\
             <Document>{\"Statement\": [{\"Action\": [\"s3:*\"], \"Effect\": \"Allow\"}], \"Version\": \"2012-10-17\"}</Document>\
             <VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion>\
             <CreateDate>2021-09-27T20:16:37Z</CreateDate></PolicyVersion>\
             </GetPolicyVersionResult></GetPolicyVersionResponse>",
        );
        let version = PolicyVersion::from_xml(r.child("PolicyVersion").unwrap());
        assert_eq!(version.is_default_version, Some(true));
        assert_eq!(
            dumps(&version.to_json(), None),
            r#"{"Document": {"Statement": [{"Action": ["s3:*"], "Effect": "Allow"}], "Version": "2012-10-17"}, "VersionId": "v2", "IsDefaultVersion": true, "CreateDate": "2021-09-27 20:16:37+00:00"}"#
        );
        let encoded = parse(b"<V><Document>%7B%22a%22%3A%201%7D</Document></V>").unwrap();
        assert_eq!(
            PolicyVersion::from_xml(&encoded).document,
            Some(serde_json::json!({"a": 1}))
        );
    }

    #[test]
    fn role_policy_from_a_recorded_response() {
        let r = result(
            "<GetRolePolicyResponse><GetRolePolicyResult><RoleName>plain-role</RoleName>\
             <PolicyName>no-delete</PolicyName><PolicyDocument>%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%5B%7B%22Effect%22%3A%20%22Deny%22%2C%20%22Action%22%3A%20%22s3%3ADeleteBucket%22%2C%20%22Resource%22%3A%20%22%2A%22%7D%5D%7D</PolicyDocument>\
             </GetRolePolicyResult></GetRolePolicyResponse>",
        );
        assert_eq!(
            dumps(&RolePolicy::from_xml(&r).to_json(), None),
            r#"{"RoleName": "plain-role", "PolicyName": "no-delete", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}}"#
        );
    }

    #[test]
    fn user_policy_document_alone_or_null() {
        let r = parse(
            b"<R><UserName>u</UserName><PolicyName>p</PolicyName>\
              <PolicyDocument>not%20json</PolicyDocument></R>",
        )
        .unwrap();
        let policy = UserPolicy::from_xml(&r);
        assert_eq!(policy.policy_name.as_deref(), Some("p"));
        // Text that is not JSON stays a string, as botocore keeps it.
        assert_eq!(policy.document_json(), Value::String("not json".into()));
        let empty = UserPolicy::from_xml(&parse(b"<R/>").unwrap());
        assert_eq!(empty.document_json(), Value::Null);
    }

    #[test]
    fn access_key_in_shape_order_secret_not_in_debug() {
        let el = parse(
            b"<AccessKey><CreateDate>2026-11-28T22:57:20.370918Z</CreateDate>\
              <SecretAccessKey>s3cr3t</SecretAccessKey><Status>Active</Status>\
              <AccessKeyId>AKIA1</AccessKeyId><UserName>alice</UserName></AccessKey>",
        )
        .unwrap();
        let key = AccessKey::from_xml(&el);
        assert_eq!(key.secret_access_key.as_deref(), Some("s3cr3t"));
        assert_eq!(
            dumps(&key.to_json(), None),
            r#"{"UserName": "alice", "AccessKeyId": "AKIA1", "Status": "Active", "SecretAccessKey": "s3cr3t", "CreateDate": "2026-11-28 22:57:20.370918+00:00"}"#
        );
        assert!(!format!("{key:?}").contains("s3cr3t"));
    }

    #[test]
    fn list_items() {
        let meta = AccessKeyMetadata::from_xml(
            &parse(b"<member><AccessKeyId>AKIA2</AccessKeyId><Status>Inactive</Status></member>")
                .unwrap(),
        );
        assert_eq!(meta.access_key_id.as_deref(), Some("AKIA2"));
        assert_eq!(meta.status.as_deref(), Some("Inactive"));
        assert_eq!(meta.create_date, None);
        let attached = AttachedPolicy::from_xml(
            &parse(b"<member><PolicyName>n</PolicyName><PolicyArn>arn:x</PolicyArn></member>")
                .unwrap(),
        );
        assert_eq!(attached.policy_arn.as_deref(), Some("arn:x"));
    }
}
