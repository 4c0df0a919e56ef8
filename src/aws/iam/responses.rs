//! IAM's response shapes that commands read or print, each declared once with
//! [`shape!`]: its reading from the XML and the JSON botocore returns (members in
//! botocore's order, absent ones left out) both come from the declaration. Timestamps
//! are kept as sent and printed as `str(datetime)`; policy documents are decoded.

use serde_json::Value;

use crate::aws::query::Secret;
use crate::aws::shape::{PolicyDocument, Timestamp, shape, to_value};

shape! {
    /// A tag on an IAM resource.
    #[derive(Eq)]
    pub(crate) struct Tag {
        key: Option<String> = "Key" <- member("Key"),
        value: Option<String> = "Value" <- member("Value"),
    }
}

shape! {
    /// A user's or role's permissions boundary.
    #[derive(Eq)]
    pub(super) struct PermissionsBoundary {
        permissions_boundary_type: Option<String> = "PermissionsBoundaryType" <- member("PermissionsBoundaryType"),
        permissions_boundary_arn: Option<String> = "PermissionsBoundaryArn" <- member("PermissionsBoundaryArn"),
    }
}

shape! {
    /// botocore's User shape, as `list-users` prints it.
    pub(super) struct User {
        path: Option<String> = "Path" <- member("Path"),
        user_name: Option<String> = "UserName" <- member("UserName"),
        user_id: Option<String> = "UserId" <- member("UserId"),
        arn: Option<String> = "Arn" <- member("Arn"),
        create_date: Option<Timestamp> = "CreateDate" <- member("CreateDate"),
        password_last_used: Option<Timestamp> = "PasswordLastUsed" <- member("PasswordLastUsed"),
        permissions_boundary: Option<PermissionsBoundary> = "PermissionsBoundary" <- member("PermissionsBoundary"),
        tags: Option<Vec<Tag>> = "Tags" <- list("Tags", "member"),
    }
}

shape! {
    /// botocore's Role shape, as `list-roles` prints it.
    pub(super) struct Role {
        path: Option<String> = "Path" <- member("Path"),
        role_name: Option<String> = "RoleName" <- member("RoleName"),
        role_id: Option<String> = "RoleId" <- member("RoleId"),
        arn: Option<String> = "Arn" <- member("Arn"),
        create_date: Option<Timestamp> = "CreateDate" <- member("CreateDate"),
        assume_role_policy_document: Option<PolicyDocument> = "AssumeRolePolicyDocument" <- member("AssumeRolePolicyDocument"),
        description: Option<String> = "Description" <- member("Description"),
        max_session_duration: Option<i64> = "MaxSessionDuration" <- member("MaxSessionDuration"),
        max_signin_session_duration: Option<i64> = "MaxSigninSessionDuration" <- member("MaxSigninSessionDuration"),
        permissions_boundary: Option<PermissionsBoundary> = "PermissionsBoundary" <- member("PermissionsBoundary"),
        tags: Option<Vec<Tag>> = "Tags" <- list("Tags", "member"),
        role_last_used: Option<RoleLastUsed> = "RoleLastUsed" <- member("RoleLastUsed"),
        source_role_template: Option<SourceRoleTemplate> = "SourceRoleTemplate" <- member("SourceRoleTemplate"),
    }
}

shape! {
    pub(super) struct RoleLastUsed {
        last_used_date: Option<Timestamp> = "LastUsedDate" <- member("LastUsedDate"),
        region: Option<String> = "Region" <- member("Region"),
    }
}

shape! {
    pub(super) struct SourceRoleTemplate {
        template_arn: Option<String> = "TemplateArn" <- member("TemplateArn"),
        template_minor_version: Option<i64> = "TemplateMinorVersion" <- member("TemplateMinorVersion"),
    }
}

/// A ListRoles item: botocore's Role shape as JSON, printed whole, and its name.
pub struct ListedRole {
    pub name: String,
    pub json: Value,
}

shape! {
    /// CreateAccessKey's AccessKey: the new key, secret included (`create` prints it;
    /// `Debug` does not show it).
    pub struct AccessKey {
        user_name: Option<String> = "UserName" <- member("UserName"),
        access_key_id: Option<String> = "AccessKeyId" <- member("AccessKeyId"),
        status: Option<String> = "Status" <- member("Status"),
        secret_access_key: Option<Secret> = "SecretAccessKey" <- member("SecretAccessKey"),
        create_date: Option<Timestamp> = "CreateDate" <- member("CreateDate"),
    }
}

impl AccessKey {
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

shape! {
    /// One item of ListAccessKeys.
    pub struct AccessKeyMetadata {
        user_name: Option<String> = "UserName" <- member("UserName"),
        access_key_id: Option<String> = "AccessKeyId" <- member("AccessKeyId"),
        status: Option<String> = "Status" <- member("Status"),
        create_date: Option<Timestamp> = "CreateDate" <- member("CreateDate"),
    }
}

shape! {
    /// GetRolePolicy's output (`list-roles --details` prints it).
    pub struct RolePolicy {
        role_name: Option<String> = "RoleName" <- member("RoleName"),
        policy_name: Option<String> = "PolicyName" <- member("PolicyName"),
        policy_document: Option<PolicyDocument> = "PolicyDocument" <- member("PolicyDocument"),
    }
}

impl RolePolicy {
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

shape! {
    /// GetUserPolicy's output.
    pub struct UserPolicy {
        user_name: Option<String> = "UserName" <- member("UserName"),
        policy_name: Option<String> = "PolicyName" <- member("PolicyName"),
        policy_document: Option<PolicyDocument> = "PolicyDocument" <- member("PolicyDocument"),
    }
}

impl UserPolicy {
    /// What `list-user-policies` prints: the document alone, `null` when there is none.
    pub fn document_json(&self) -> Value {
        self.policy_document
            .as_ref()
            .map_or(Value::Null, |d| d.0.clone())
    }
}

shape! {
    /// One item of ListAttachedRolePolicies.
    pub struct AttachedPolicy {
        policy_name: Option<String> = "PolicyName" <- member("PolicyName"),
        policy_arn: Option<String> = "PolicyArn" <- member("PolicyArn"),
    }
}

shape! {
    /// GetPolicy's Policy: a managed policy (`list-roles --details` prints it).
    pub struct Policy {
        policy_name: Option<String> = "PolicyName" <- member("PolicyName"),
        policy_id: Option<String> = "PolicyId" <- member("PolicyId"),
        arn: Option<String> = "Arn" <- member("Arn"),
        path: Option<String> = "Path" <- member("Path"),
        default_version_id: Option<String> = "DefaultVersionId" <- member("DefaultVersionId"),
        attachment_count: Option<i64> = "AttachmentCount" <- member("AttachmentCount"),
        permissions_boundary_usage_count: Option<i64> = "PermissionsBoundaryUsageCount" <- member("PermissionsBoundaryUsageCount"),
        is_attachable: Option<bool> = "IsAttachable" <- member("IsAttachable"),
        description: Option<String> = "Description" <- member("Description"),
        create_date: Option<Timestamp> = "CreateDate" <- member("CreateDate"),
        update_date: Option<Timestamp> = "UpdateDate" <- member("UpdateDate"),
        tags: Option<Vec<Tag>> = "Tags" <- list("Tags", "member"),
    }
}

impl Policy {
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

shape! {
    /// GetPolicyVersion's PolicyVersion, document decoded.
    pub struct PolicyVersion {
        document: Option<PolicyDocument> = "Document" <- member("Document"),
        version_id: Option<String> = "VersionId" <- member("VersionId"),
        is_default_version: Option<bool> = "IsDefaultVersion" <- member("IsDefaultVersion"),
        create_date: Option<Timestamp> = "CreateDate" <- member("CreateDate"),
    }
}

impl PolicyVersion {
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

shape! {
    /// GetAccessKeyLastUsed's result: the key's user and its AccessKeyLastUsed
    /// (`list-credentials` reads them).
    pub(super) struct KeyLastUsed {
        user_name: Option<String> = "UserName" <- member("UserName"),
        access_key_last_used: Option<AccessKeyLastUsed> = "AccessKeyLastUsed" <- member("AccessKeyLastUsed"),
    }
}

shape! {
    /// When and where a key was last used: LastUsedDate is absent, and ServiceName and
    /// Region are `N/A`, when it never was.
    pub struct AccessKeyLastUsed {
        last_used_date: Option<Timestamp> = "LastUsedDate" <- member("LastUsedDate"),
        service_name: Option<String> = "ServiceName" <- member("ServiceName"),
        region: Option<String> = "Region" <- member("Region"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::shape::FromXml;
    use crate::output::dumps;

    fn read<T: FromXml>(doc: &str) -> T {
        T::from_xml(&crate::aws::xml::parse(doc.as_bytes()).unwrap()).unwrap()
    }

    #[test]
    fn policy_as_moto_answers_it() {
        // From fixtures/iam/cassettes/list-roles-details.json.
        let policy: Policy = read(
            "<Policy><PolicyName>AmazonS3FullAccess</PolicyName><PolicyId>AVACOOFTSQE5I8EFKF5X7</PolicyId>\
             <Arn>arn:aws:iam::aws:policy/AmazonS3FullAccess</Arn><Path>/</Path>\
             <DefaultVersionId>v2</DefaultVersionId><AttachmentCount>1</AttachmentCount>\
             <IsAttachable>true</IsAttachable><CreateDate>2015-02-06T18:40:58Z</CreateDate>\
             <UpdateDate>2021-09-27T20:16:37Z</UpdateDate><Tags/></Policy>",
        );
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
    fn members_in_shape_order_whatever_the_document_order() {
        let policy: Policy = read(
            "<Policy><Tags><member><Value>v</Value><Key>k</Key></member></Tags>\
             <Description>d</Description></Policy>",
        );
        assert_eq!(
            dumps(&policy.to_json(), None),
            r#"{"Description": "d", "Tags": [{"Key": "k", "Value": "v"}]}"#
        );
    }

    #[test]
    fn policy_version_document_decoded() {
        // Moto sends this document as JSON text; AWS URL-encodes it. Both decode.
        let version: PolicyVersion = read(
            "<PolicyVersion>\
             <Document>{\"Statement\": [{\"Action\": [\"s3:*\"], \"Effect\": \"Allow\"}], \"Version\": \"2012-10-17\"}</Document>\
             <VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion>\
             <CreateDate>2021-09-27T20:16:37Z</CreateDate></PolicyVersion>",
        );
        assert_eq!(version.is_default_version, Some(true));
        assert_eq!(
            dumps(&version.to_json(), None),
            r#"{"Document": {"Statement": [{"Action": ["s3:*"], "Effect": "Allow"}], "Version": "2012-10-17"}, "VersionId": "v2", "IsDefaultVersion": true, "CreateDate": "2021-09-27 20:16:37+00:00"}"#
        );
        let encoded: PolicyVersion = read("<V><Document>%7B%22a%22%3A%201%7D</Document></V>");
        assert_eq!(
            encoded.document,
            Some(PolicyDocument(serde_json::json!({"a": 1})))
        );
    }

    #[test]
    fn user_policy_document_alone_or_null() {
        let policy: UserPolicy = read(
            "<R><UserName>u</UserName><PolicyName>p</PolicyName>\
             <PolicyDocument>not%20json</PolicyDocument></R>",
        );
        assert_eq!(policy.policy_name.as_deref(), Some("p"));
        // Text that is not JSON stays a string, as botocore keeps it.
        assert_eq!(policy.document_json(), Value::String("not json".into()));
        let empty: UserPolicy = read("<R/>");
        assert_eq!(empty.document_json(), Value::Null);
    }

    #[test]
    fn access_key_in_shape_order_secret_not_in_debug() {
        let key: AccessKey = read(
            "<AccessKey><CreateDate>2026-11-28T22:57:20.370918Z</CreateDate>\
             <SecretAccessKey>s3cr3t</SecretAccessKey><Status>Active</Status>\
             <AccessKeyId>AKIA1</AccessKeyId><UserName>alice</UserName></AccessKey>",
        );
        assert_eq!(
            key.secret_access_key.as_ref().map(Secret::as_str),
            Some("s3cr3t")
        );
        assert_eq!(
            dumps(&key.to_json(), None),
            r#"{"UserName": "alice", "AccessKeyId": "AKIA1", "Status": "Active", "SecretAccessKey": "s3cr3t", "CreateDate": "2026-11-28 22:57:20.370918+00:00"}"#
        );
        assert!(!format!("{key:?}").contains("s3cr3t"));
    }

    #[test]
    fn role_with_every_member_in_botocore_order() {
        let role: Role = read(
            "<member><SourceRoleTemplate><TemplateMinorVersion>2</TemplateMinorVersion>\
             <TemplateArn>t</TemplateArn></SourceRoleTemplate>\
             <RoleLastUsed><Region>eu-west-1</Region><LastUsedDate>2026-01-02T03:04:05Z</LastUsedDate></RoleLastUsed>\
             <Tags><member><Key>k</Key><Value>v</Value></member></Tags>\
             <PermissionsBoundary><PermissionsBoundaryArn>b</PermissionsBoundaryArn>\
             <PermissionsBoundaryType>Policy</PermissionsBoundaryType></PermissionsBoundary>\
             <MaxSessionDuration>43200</MaxSessionDuration><Description>d</Description>\
             <AssumeRolePolicyDocument>%7B%22V%22%3A%201%7D</AssumeRolePolicyDocument>\
             <CreateDate>2026-11-28T22:57:21.355176Z</CreateDate><Arn>a</Arn><RoleId>i</RoleId>\
             <RoleName>n</RoleName><Path>/</Path></member>",
        );
        assert_eq!(
            dumps(&to_value(&role), None),
            r#"{"Path": "/", "RoleName": "n", "RoleId": "i", "Arn": "a", "CreateDate": "2026-11-28 22:57:21.355176+00:00", "AssumeRolePolicyDocument": {"V": 1}, "Description": "d", "MaxSessionDuration": 43200, "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "b"}, "Tags": [{"Key": "k", "Value": "v"}], "RoleLastUsed": {"LastUsedDate": "2026-01-02 03:04:05+00:00", "Region": "eu-west-1"}, "SourceRoleTemplate": {"TemplateArn": "t", "TemplateMinorVersion": 2}}"#
        );
    }
}
