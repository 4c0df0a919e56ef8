//! IAM over the query protocol (Version 2010-05-08): every call the tool makes,
//! with Marker/IsTruncated paging. Responses come back typed (responses.rs). The
//! user and role listings go to the list printer whole, so their items are JSON
//! shaped and ordered as botocore returns them (policy documents decoded), with the
//! role's name beside it for the commands that read it.

use serde_json::Value;

use super::config::Service;
use super::session::Session;
use super::xml::{Element, Field, Kind, to_json};
use crate::error::Error;

mod responses;

pub use responses::{
    AccessKey, AccessKeyMetadata, AttachedPolicy, ListedRole, Policy, PolicyVersion, RolePolicy,
    Tag, UserPolicy,
};

const VERSION: &str = "2010-05-08";

const TAG: &[Field] = &[Field("Key", Kind::Str), Field("Value", Kind::Str)];
const TAGS: Kind = Kind::List("member", &Kind::Struct(TAG));
const BOUNDARY: &[Field] = &[
    Field("PermissionsBoundaryType", Kind::Str),
    Field("PermissionsBoundaryArn", Kind::Str),
];

const USER: &[Field] = &[
    Field("Path", Kind::Str),
    Field("UserName", Kind::Str),
    Field("UserId", Kind::Str),
    Field("Arn", Kind::Str),
    Field("CreateDate", Kind::Time),
    Field("PasswordLastUsed", Kind::Time),
    Field("PermissionsBoundary", Kind::Struct(BOUNDARY)),
    Field("Tags", TAGS),
];

const ROLE: &[Field] = &[
    Field("Path", Kind::Str),
    Field("RoleName", Kind::Str),
    Field("RoleId", Kind::Str),
    Field("Arn", Kind::Str),
    Field("CreateDate", Kind::Time),
    Field("AssumeRolePolicyDocument", Kind::Policy),
    Field("Description", Kind::Str),
    Field("MaxSessionDuration", Kind::Int),
    Field("MaxSigninSessionDuration", Kind::Int),
    Field("PermissionsBoundary", Kind::Struct(BOUNDARY)),
    Field("Tags", TAGS),
    Field(
        "RoleLastUsed",
        Kind::Struct(&[
            Field("LastUsedDate", Kind::Time),
            Field("Region", Kind::Str),
        ]),
    ),
    Field(
        "SourceRoleTemplate",
        Kind::Struct(&[
            Field("TemplateArn", Kind::Str),
            Field("TemplateMinorVersion", Kind::Int),
        ]),
    ),
];

pub struct Iam<'a> {
    pub(crate) ctx: &'a Session,
}

impl<'a> Iam<'a> {
    fn call(&self, action: &str, params: &[(&str, &str)]) -> Result<Element, Error> {
        self.ctx.query(Service::Iam, VERSION, action, params)
    }

    /// One page of a Marker-paged list: the `member`s of `list`, and the marker of
    /// the next page (None on the last page, or when the server repeats a marker).
    fn page(
        &self,
        action: &str,
        params: &[(&str, &str)],
        list: &str,
        marker: Option<&str>,
    ) -> Result<(Vec<Element>, Option<String>), Error> {
        let mut all: Vec<(&str, &str)> = params.to_vec();
        if let Some(m) = marker {
            all.push(("Marker", m));
        }
        let result = self.call(action, &all)?;
        let items = result
            .child(list)
            .map(|items| items.children("member").cloned().collect())
            .unwrap_or_default();
        let truncated = result.text_of("IsTruncated") == Some("true");
        let next = result
            .text_of("Marker")
            .filter(|m| truncated && !m.is_empty() && Some(*m) != marker)
            .map(str::to_string);
        Ok((items, next))
    }

    /// Every page of a Marker-paged list: the `member`s of `list` in each result.
    fn paged(
        &self,
        action: &str,
        params: &[(&str, &str)],
        list: &str,
        mut each: impl FnMut(&Element) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut marker: Option<String> = None;
        loop {
            let (items, next) = self.page(action, params, list, marker.as_deref())?;
            for item in &items {
                each(item)?;
            }
            match next {
                Some(next) => marker = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// A Marker-paged list as an iterator that requests each page when the items
    /// before it have been consumed (so output can start with the first page).
    /// After an error it yields nothing more.
    pub fn pages<T>(
        &self,
        action: &'static str,
        params: &[(&str, &str)],
        list: &'static str,
        parse: fn(&Element) -> T,
    ) -> Pages<'a, T> {
        Pages {
            iam: Iam { ctx: self.ctx },
            action,
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
            list,
            parse,
            buffer: std::collections::VecDeque::new(),
            marker: None,
            done: false,
        }
    }

    /// Every page, with each item converted by `parse`.
    fn paged_items<T>(
        &self,
        action: &str,
        params: &[(&str, &str)],
        list: &str,
        parse: impl Fn(&Element) -> T,
    ) -> Result<Vec<T>, Error> {
        let mut out = Vec::new();
        self.paged(action, params, list, |item| {
            out.push(parse(item));
            Ok(())
        })?;
        Ok(out)
    }

    /// Every page of a list of plain names.
    fn paged_names(
        &self,
        action: &str,
        params: &[(&str, &str)],
        list: &str,
    ) -> Result<Vec<String>, Error> {
        self.paged_items(action, params, list, |item| item.text.clone())
    }

    /// GetUser: whether the user exists (`false` on NoSuchEntity).
    pub fn user_exists(&self, user: &str) -> Result<bool, Error> {
        match self.call("GetUser", &[("UserName", user)]) {
            Ok(_) => Ok(true),
            Err(e) if e.code() == Some("NoSuchEntity") => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// CreateUser, with its tags in the same request (IAM then needs iam:TagUser too).
    pub fn create_user(
        &self,
        user: &str,
        boundary: Option<&str>,
        tags: &[(String, String)],
    ) -> Result<(), Error> {
        let mut params = vec![("UserName", user)];
        if let Some(b) = boundary {
            params.push(("PermissionsBoundary", b));
        }
        let tag_params = tag_params(tags);
        params.extend(tag_params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.call("CreateUser", &params).map(drop)
    }

    pub fn put_user_policy(&self, user: &str, name: &str, document: &str) -> Result<(), Error> {
        self.call(
            "PutUserPolicy",
            &[
                ("UserName", user),
                ("PolicyName", name),
                ("PolicyDocument", document),
            ],
        )
        .map(drop)
    }

    /// CreateAccessKey: the AccessKey structure (it holds the secret).
    pub fn create_access_key(&self, user: &str) -> Result<AccessKey, Error> {
        let result = self.call("CreateAccessKey", &[("UserName", user)])?;
        result
            .child("AccessKey")
            .map(AccessKey::from_xml)
            .ok_or_else(|| Error::transport("The CreateAccessKey response holds no AccessKey"))
    }

    /// ListUsers, every page: each user's UserName (empty when a member lacks one).
    pub fn list_user_names(&self) -> Result<Vec<String>, Error> {
        self.paged_items("ListUsers", &[], "Users", |user| {
            user.string("UserName").unwrap_or_default()
        })
    }

    /// ListUsers as a lazily paged iterator of botocore's User shape.
    pub fn users(&self) -> Pages<'a, Value> {
        self.pages("ListUsers", &[], "Users", |user| to_json(user, USER))
    }

    /// ListRoles as a lazily paged iterator.
    pub fn roles(&self) -> Pages<'a, ListedRole> {
        self.pages("ListRoles", &[], "Roles", |role| ListedRole {
            name: role.string("RoleName").unwrap_or_default(),
            json: to_json(role, ROLE),
        })
    }

    pub fn list_role_policies(&self, role: &str) -> Result<Vec<String>, Error> {
        self.paged_names("ListRolePolicies", &[("RoleName", role)], "PolicyNames")
    }

    pub fn get_role_policy(&self, role: &str, name: &str) -> Result<RolePolicy, Error> {
        let result = self.call("GetRolePolicy", &[("RoleName", role), ("PolicyName", name)])?;
        Ok(RolePolicy::from_xml(&result))
    }

    pub fn list_attached_role_policies(&self, role: &str) -> Result<Vec<AttachedPolicy>, Error> {
        self.paged_items(
            "ListAttachedRolePolicies",
            &[("RoleName", role)],
            "AttachedPolicies",
            AttachedPolicy::from_xml,
        )
    }

    /// GetPolicy: the Policy structure (`None` when the response lacks it).
    pub fn get_policy(&self, arn: &str) -> Result<Option<Policy>, Error> {
        let result = self.call("GetPolicy", &[("PolicyArn", arn)])?;
        Ok(result.structure("Policy", Policy::from_xml))
    }

    /// GetPolicyVersion: the PolicyVersion structure (`None` when the response lacks it).
    pub fn get_policy_version(
        &self,
        arn: &str,
        version: &str,
    ) -> Result<Option<PolicyVersion>, Error> {
        let result = self.call(
            "GetPolicyVersion",
            &[("PolicyArn", arn), ("VersionId", version)],
        )?;
        Ok(result.structure("PolicyVersion", PolicyVersion::from_xml))
    }

    pub fn list_user_policies(&self, user: &str) -> Result<Vec<String>, Error> {
        self.paged_names("ListUserPolicies", &[("UserName", user)], "PolicyNames")
    }

    pub fn get_user_policy(&self, user: &str, name: &str) -> Result<UserPolicy, Error> {
        let result = self.call("GetUserPolicy", &[("UserName", user), ("PolicyName", name)])?;
        Ok(UserPolicy::from_xml(&result))
    }

    pub fn list_access_keys(&self, user: &str) -> Result<Vec<AccessKeyMetadata>, Error> {
        self.paged_items(
            "ListAccessKeys",
            &[("UserName", user)],
            "AccessKeyMetadata",
            AccessKeyMetadata::from_xml,
        )
    }

    /// UpdateAccessKey: set a key's status, `Active` or `Inactive`.
    pub fn update_access_key(&self, user: &str, key_id: &str, status: &str) -> Result<(), Error> {
        self.call(
            "UpdateAccessKey",
            &[
                ("UserName", user),
                ("AccessKeyId", key_id),
                ("Status", status),
            ],
        )
        .map(drop)
    }

    pub fn delete_access_key(&self, user: &str, key_id: &str) -> Result<(), Error> {
        self.call(
            "DeleteAccessKey",
            &[("UserName", user), ("AccessKeyId", key_id)],
        )
        .map(drop)
    }

    pub fn delete_user_policy(&self, user: &str, name: &str) -> Result<(), Error> {
        self.call(
            "DeleteUserPolicy",
            &[("UserName", user), ("PolicyName", name)],
        )
        .map(drop)
    }

    pub fn delete_user(&self, user: &str) -> Result<(), Error> {
        self.call("DeleteUser", &[("UserName", user)]).map(drop)
    }

    /// GetRole: the role's ARN, or `Ok(None)` when it does not exist.
    pub fn get_role_arn(&self, role: &str) -> Result<Option<String>, Error> {
        match self.call("GetRole", &[("RoleName", role)]) {
            Ok(result) => Ok(result.path_text(&["Role", "Arn"]).map(str::to_string)),
            Err(e) if e.code() == Some("NoSuchEntity") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// CreateRole, tags included; returns the new role's ARN.
    pub fn create_role(
        &self,
        role: &str,
        description: &str,
        trust_policy: &str,
        max_session_duration: u64,
        tags: &[(String, String)],
    ) -> Result<String, Error> {
        let max = max_session_duration.to_string();
        let mut params = vec![
            ("Description", description),
            ("RoleName", role),
            ("AssumeRolePolicyDocument", trust_policy),
            ("MaxSessionDuration", &max),
        ];
        let tag_params = tag_params(tags);
        params.extend(tag_params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let result = self.call("CreateRole", &params)?;
        Ok(result
            .path_text(&["Role", "Arn"])
            .unwrap_or_default()
            .to_string())
    }

    pub fn attach_role_policy(&self, role: &str, policy_arn: &str) -> Result<(), Error> {
        self.call(
            "AttachRolePolicy",
            &[("RoleName", role), ("PolicyArn", policy_arn)],
        )
        .map(drop)
    }
}

/// `Tags.member.N.Key` / `.Value`: a tag list in the query protocol (N from 1).
fn tag_params(tags: &[(String, String)]) -> Vec<(String, String)> {
    let mut params = Vec::with_capacity(tags.len() * 2);
    for (i, (key, value)) in tags.iter().enumerate() {
        params.push((format!("Tags.member.{}.Key", i + 1), key.clone()));
        params.push((format!("Tags.member.{}.Value", i + 1), value.clone()));
    }
    params
}

/// The items of a Marker-paged list, page by page (see [`Iam::pages`]).
pub struct Pages<'a, T> {
    iam: Iam<'a>,
    action: &'static str,
    params: Vec<(String, String)>,
    list: &'static str,
    parse: fn(&Element) -> T,
    buffer: std::collections::VecDeque<T>,
    marker: Option<String>,
    done: bool,
}

impl<T> Iterator for Pages<'_, T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(Ok(item));
            }
            if self.done {
                return None;
            }
            let params: Vec<(&str, &str)> = self
                .params
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            match self
                .iam
                .page(self.action, &params, self.list, self.marker.as_deref())
            {
                Ok((items, next)) => {
                    self.buffer.extend(items.iter().map(self.parse));
                    self.done = next.is_none();
                    self.marker = next;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}
