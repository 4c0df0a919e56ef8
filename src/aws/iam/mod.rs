//! The IAM client (query protocol, Version 2010-05-08): every call the tool makes,
//! each an action value (users.rs, roles.rs) sent with the session's credentials;
//! listings paged by Marker (paging.rs). Responses come back typed (responses.rs).
//! The user and role listings go to the list printer whole, so their items are JSON
//! shaped and ordered as botocore returns them (policy documents decoded), with the
//! role's name beside it for the commands that read it.

use serde_json::Value;
use time::OffsetDateTime;

use super::operation::QueryOperation;
use super::paginate::{Page, Paginator};
use super::session::Session;
use super::shape::to_value;
use crate::error::Error;

mod paging;
mod responses;
mod roles;
mod users;

use paging::Listing;
pub(crate) use responses::{
    AccessKey, AccessKeyLastUsed, AccessKeyMetadata, AttachedPolicy, ListedRole, Policy,
    PolicyVersion, RolePolicy, UserPolicy,
};
use roles::{
    AttachRolePolicy, CreateRole, GetPolicy, GetPolicyVersion, GetRole, GetRolePolicy,
    ListAttachedRolePolicies, ListRolePolicies, ListRoles, PutRolePolicy, WithServerDate,
};
pub(crate) use users::KeyStatus;
use users::{
    CreateAccessKey, CreateUser, DeleteAccessKey, DeleteUser, DeleteUserPolicy,
    GetAccessKeyLastUsed, GetUser, GetUserPolicy, ListAccessKeys, ListUserPolicies, ListUsers,
    PutUserPolicy, UpdateAccessKey,
};

pub struct Iam<'a> {
    pub(crate) ctx: &'a Session,
}

impl<'a> Iam<'a> {
    fn send<O: QueryOperation>(&self, action: &O) -> Result<O::Output, Error> {
        self.ctx.send(&self.ctx.credentials, action)
    }

    /// A listing's items, each page asked for when the items before it are consumed;
    /// a listing that does not advance ends in one error.
    fn pages<L: Listing + 'a>(
        &self,
        first: L,
    ) -> impl Iterator<Item = Result<L::Item, Error>> + 'a {
        let ctx = self.ctx;
        let listing = format!("{} listing", L::NAME);
        Paginator::new(listing, move |marker: Option<&str>| {
            page(ctx, &first, marker)
        })
        .items()
    }

    /// Every item of a listing.
    fn all<L: Listing + 'a>(&self, first: L) -> Result<Vec<L::Item>, Error> {
        self.pages(first).collect()
    }

    /// GetUser: whether the user exists (`false` on NoSuchEntity).
    pub fn user_exists(&self, user: &str) -> Result<bool, Error> {
        match self.send(&GetUser { user_name: user }) {
            Ok(()) => Ok(true),
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
        self.send(&CreateUser {
            user_name: user,
            permissions_boundary: boundary,
            tags,
        })
    }

    pub fn put_user_policy(&self, user: &str, name: &str, document: &str) -> Result<(), Error> {
        self.send(&PutUserPolicy {
            user_name: user,
            policy_name: name,
            policy_document: document,
        })
    }

    /// CreateAccessKey: the AccessKey structure (it holds the secret).
    pub fn create_access_key(&self, user: &str) -> Result<AccessKey, Error> {
        self.send(&CreateAccessKey { user_name: user })
    }

    /// ListUsers, every page: each user's UserName (empty when a member lacks one).
    pub fn list_user_names(&self) -> Result<Vec<String>, Error> {
        let users = self.all(ListUsers::default())?;
        Ok(users
            .into_iter()
            .map(|u| u.user_name.unwrap_or_default())
            .collect())
    }

    /// ListUsers as a lazily paged iterator of UserNames (empty when a member lacks one).
    pub fn user_names(&self) -> impl Iterator<Item = Result<String, Error>> + 'a {
        self.pages(ListUsers::default())
            .map(|user| user.map(|u| u.user_name.unwrap_or_default()))
    }

    /// ListUsers as a lazily paged iterator of botocore's User shape.
    pub fn users(&self) -> impl Iterator<Item = Result<Value, Error>> + 'a {
        self.pages(ListUsers::default())
            .map(|user| user.map(|u| to_value(&u)))
    }

    /// ListRoles as a lazily paged iterator.
    pub fn roles(&self) -> impl Iterator<Item = Result<ListedRole, Error>> + 'a {
        self.pages(ListRoles::default()).map(|role| {
            role.map(|r| ListedRole {
                json: to_value(&r),
                name: r.role_name.unwrap_or_default(),
            })
        })
    }

    pub fn list_role_policies(&self, role: &str) -> Result<Vec<String>, Error> {
        self.all(ListRolePolicies {
            role_name: role.to_string(),
            marker: None,
        })
    }

    pub fn get_role_policy(&self, role: &str, name: &str) -> Result<RolePolicy, Error> {
        self.send(&GetRolePolicy {
            role_name: role,
            policy_name: name,
        })
    }

    /// GetRole: whether the role exists, and the server's clock then (its `Date`;
    /// `None` when the role does not exist, or the server sent no date).
    pub fn role_exists_at(&self, role: &str) -> Result<(bool, Option<OffsetDateTime>), Error> {
        match self.send(&WithServerDate(GetRole { role_name: role })) {
            Ok((_, date)) => Ok((true, date)),
            Err(e) if e.code() == Some("NoSuchEntity") => Ok((false, None)),
            Err(e) => Err(e),
        }
    }

    /// GetRolePolicy: the inline role policy's document, decoded (`None` when the role
    /// has no policy of that name, or the answer holds no document), and the server's
    /// clock then (as [`Iam::role_exists_at`]).
    pub fn role_policy_at(
        &self,
        role: &str,
        name: &str,
    ) -> Result<(Option<Value>, Option<OffsetDateTime>), Error> {
        let get = GetRolePolicy {
            role_name: role,
            policy_name: name,
        };
        match self.send(&WithServerDate(get)) {
            Ok((policy, date)) => Ok((policy.policy_document.map(|d| d.0), date)),
            Err(e) if e.code() == Some("NoSuchEntity") => Ok((None, None)),
            Err(e) => Err(e),
        }
    }

    /// PutRolePolicy: add the inline role policy, or replace the one of that name.
    pub fn put_role_policy(&self, role: &str, name: &str, document: &str) -> Result<(), Error> {
        self.send(&PutRolePolicy {
            role_name: role,
            policy_name: name,
            policy_document: document,
        })
    }

    pub fn list_attached_role_policies(&self, role: &str) -> Result<Vec<AttachedPolicy>, Error> {
        self.all(ListAttachedRolePolicies {
            role_name: role.to_string(),
            marker: None,
        })
    }

    /// GetPolicy: the Policy structure (`None` when the response lacks it).
    pub fn get_policy(&self, arn: &str) -> Result<Option<Policy>, Error> {
        self.send(&GetPolicy { policy_arn: arn })
    }

    /// GetPolicyVersion: the PolicyVersion structure (`None` when the response lacks it).
    pub fn get_policy_version(
        &self,
        arn: &str,
        version: &str,
    ) -> Result<Option<PolicyVersion>, Error> {
        self.send(&GetPolicyVersion {
            policy_arn: arn,
            version_id: version,
        })
    }

    pub fn list_user_policies(&self, user: &str) -> Result<Vec<String>, Error> {
        self.all(ListUserPolicies {
            user_name: user.to_string(),
            marker: None,
        })
    }

    pub fn get_user_policy(&self, user: &str, name: &str) -> Result<UserPolicy, Error> {
        self.send(&GetUserPolicy {
            user_name: user,
            policy_name: name,
        })
    }

    pub fn list_access_keys(&self, user: &str) -> Result<Vec<AccessKeyMetadata>, Error> {
        self.all(ListAccessKeys {
            user_name: user.to_string(),
            marker: None,
        })
    }

    /// GetAccessKeyLastUsed: the key's AccessKeyLastUsed (`None` when the response
    /// lacks it).
    pub fn get_access_key_last_used(
        &self,
        key_id: &str,
    ) -> Result<Option<AccessKeyLastUsed>, Error> {
        let result = self.send(&GetAccessKeyLastUsed {
            access_key_id: key_id,
        })?;
        Ok(result.access_key_last_used)
    }

    /// UpdateAccessKey: set a key's status.
    pub fn update_access_key(
        &self,
        user: &str,
        key_id: &str,
        status: KeyStatus,
    ) -> Result<(), Error> {
        self.send(&UpdateAccessKey {
            user_name: user,
            access_key_id: key_id,
            status,
        })
    }

    pub fn delete_access_key(&self, user: &str, key_id: &str) -> Result<(), Error> {
        self.send(&DeleteAccessKey {
            user_name: user,
            access_key_id: key_id,
        })
    }

    pub fn delete_user_policy(&self, user: &str, name: &str) -> Result<(), Error> {
        self.send(&DeleteUserPolicy {
            user_name: user,
            policy_name: name,
        })
    }

    pub fn delete_user(&self, user: &str) -> Result<(), Error> {
        self.send(&DeleteUser { user_name: user })
    }

    /// GetRole: the role's ARN, or `Ok(None)` when it does not exist.
    pub fn get_role_arn(&self, role: &str) -> Result<Option<String>, Error> {
        match self.send(&GetRole { role_name: role }) {
            Ok(role) => Ok(role.and_then(|r| r.arn)),
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
        let created = self.send(&CreateRole {
            role_name: role,
            description,
            assume_role_policy_document: trust_policy,
            max_session_duration,
            tags,
        })?;
        Ok(created.and_then(|r| r.arn).unwrap_or_default())
    }

    pub fn attach_role_policy(&self, role: &str, policy_arn: &str) -> Result<(), Error> {
        self.send(&AttachRolePolicy {
            role_name: role,
            policy_arn,
        })
    }
}

/// One page of a listing. Kept out of line: inlined into the iterator adapters around
/// it, each listing's request and parse were copied several times over (measured: ~10 KB
/// of release binary).
#[inline(never)]
fn page<L: Listing>(
    ctx: &Session,
    first: &L,
    marker: Option<&str>,
) -> Result<Page<L::Item>, Error> {
    ctx.send(&ctx.credentials, &first.at(marker))
}

#[cfg(test)]
mod tests;
