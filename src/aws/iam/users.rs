//! IAM's user actions: users, their inline policies and their access keys. Each is a
//! struct of its parameters, with its [`Operation`] (name, output, parse) and its
//! [`QueryOperation`] (the form parameters).

use super::paging::{Listing, marker_page};
use super::responses::{AccessKey, AccessKeyMetadata, KeyLastUsed, User, UserPolicy};
use crate::aws::config::Service;
use crate::aws::http::Response;
use crate::aws::operation::{Operation, QueryOperation};
use crate::aws::paginate::Page;
use crate::aws::query::{Params, no_output, result, result_element};
use crate::aws::shape::read;
use crate::error::Error;

/// GetUser, for whether the user exists (its User is not read).
pub(super) struct GetUser<'a> {
    pub user_name: &'a str,
}

impl Operation for GetUser<'_> {
    const NAME: &'static str = "GetUser";
    type Output = ();

    fn parse(&self, resp: Response) -> Result<(), Error> {
        no_output(&resp, Self::NAME)
    }
}

impl QueryOperation for GetUser<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new().add("UserName", self.user_name)
    }
}

/// CreateUser, with its tags in the same request (IAM then needs iam:TagUser too).
pub(super) struct CreateUser<'a> {
    pub user_name: &'a str,
    pub permissions_boundary: Option<&'a str>,
    pub tags: &'a [(String, String)],
}

impl Operation for CreateUser<'_> {
    const NAME: &'static str = "CreateUser";
    type Output = ();

    fn parse(&self, resp: Response) -> Result<(), Error> {
        no_output(&resp, Self::NAME)
    }
}

impl QueryOperation for CreateUser<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("UserName", self.user_name)
            .add_opt("PermissionsBoundary", self.permissions_boundary)
            .add_pairs("Tags", self.tags)
    }
}

pub(super) struct DeleteUser<'a> {
    pub user_name: &'a str,
}

impl Operation for DeleteUser<'_> {
    const NAME: &'static str = "DeleteUser";
    type Output = ();

    fn parse(&self, resp: Response) -> Result<(), Error> {
        no_output(&resp, Self::NAME)
    }
}

impl QueryOperation for DeleteUser<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new().add("UserName", self.user_name)
    }
}

/// ListUsers, one page.
#[derive(Clone, Default)]
pub(super) struct ListUsers {
    pub marker: Option<String>,
}

impl Operation for ListUsers {
    const NAME: &'static str = "ListUsers";
    type Output = Page<User>;

    fn parse(&self, resp: Response) -> Result<Page<User>, Error> {
        let result = result_element(&resp, Self::NAME)?;
        Ok(marker_page(&result, read::list(&result, "Users", "member")))
    }
}

impl QueryOperation for ListUsers {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new().add_opt("Marker", self.marker.as_deref())
    }
}

impl Listing for ListUsers {
    type Item = User;
    fn marker(&mut self) -> &mut Option<String> {
        &mut self.marker
    }
}

pub(super) struct PutUserPolicy<'a> {
    pub user_name: &'a str,
    pub policy_name: &'a str,
    /// JSON text.
    pub policy_document: &'a str,
}

impl Operation for PutUserPolicy<'_> {
    const NAME: &'static str = "PutUserPolicy";
    type Output = ();

    fn parse(&self, resp: Response) -> Result<(), Error> {
        no_output(&resp, Self::NAME)
    }
}

impl QueryOperation for PutUserPolicy<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("UserName", self.user_name)
            .add("PolicyName", self.policy_name)
            .add("PolicyDocument", self.policy_document)
    }
}

pub(super) struct GetUserPolicy<'a> {
    pub user_name: &'a str,
    pub policy_name: &'a str,
}

impl Operation for GetUserPolicy<'_> {
    const NAME: &'static str = "GetUserPolicy";
    type Output = UserPolicy;

    fn parse(&self, resp: Response) -> Result<UserPolicy, Error> {
        result(&resp, Self::NAME)
    }
}

impl QueryOperation for GetUserPolicy<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("UserName", self.user_name)
            .add("PolicyName", self.policy_name)
    }
}

/// ListUserPolicies, one page of inline policy names.
#[derive(Clone)]
pub(super) struct ListUserPolicies {
    pub user_name: String,
    pub marker: Option<String>,
}

impl Operation for ListUserPolicies {
    const NAME: &'static str = "ListUserPolicies";
    type Output = Page<String>;

    fn parse(&self, resp: Response) -> Result<Page<String>, Error> {
        let result = result_element(&resp, Self::NAME)?;
        Ok(marker_page(
            &result,
            read::list(&result, "PolicyNames", "member"),
        ))
    }
}

impl QueryOperation for ListUserPolicies {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("UserName", self.user_name.as_str())
            .add_opt("Marker", self.marker.as_deref())
    }
}

impl Listing for ListUserPolicies {
    type Item = String;
    fn marker(&mut self) -> &mut Option<String> {
        &mut self.marker
    }
}

pub(super) struct DeleteUserPolicy<'a> {
    pub user_name: &'a str,
    pub policy_name: &'a str,
}

impl Operation for DeleteUserPolicy<'_> {
    const NAME: &'static str = "DeleteUserPolicy";
    type Output = ();

    fn parse(&self, resp: Response) -> Result<(), Error> {
        no_output(&resp, Self::NAME)
    }
}

impl QueryOperation for DeleteUserPolicy<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("UserName", self.user_name)
            .add("PolicyName", self.policy_name)
    }
}

/// CreateAccessKey: the AccessKey structure (it holds the secret).
pub(super) struct CreateAccessKey<'a> {
    pub user_name: &'a str,
}

impl Operation for CreateAccessKey<'_> {
    const NAME: &'static str = "CreateAccessKey";
    type Output = AccessKey;

    fn parse(&self, resp: Response) -> Result<AccessKey, Error> {
        read::member(&result_element(&resp, Self::NAME)?, "AccessKey")
            .ok_or_else(|| Error::transport("The CreateAccessKey response holds no AccessKey"))
    }
}

impl QueryOperation for CreateAccessKey<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new().add("UserName", self.user_name)
    }
}

/// ListAccessKeys, one page.
#[derive(Clone)]
pub(super) struct ListAccessKeys {
    pub user_name: String,
    pub marker: Option<String>,
}

impl Operation for ListAccessKeys {
    const NAME: &'static str = "ListAccessKeys";
    type Output = Page<AccessKeyMetadata>;

    fn parse(&self, resp: Response) -> Result<Page<AccessKeyMetadata>, Error> {
        let result = result_element(&resp, Self::NAME)?;
        Ok(marker_page(
            &result,
            read::list(&result, "AccessKeyMetadata", "member"),
        ))
    }
}

impl QueryOperation for ListAccessKeys {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("UserName", self.user_name.as_str())
            .add_opt("Marker", self.marker.as_deref())
    }
}

impl Listing for ListAccessKeys {
    type Item = AccessKeyMetadata;
    fn marker(&mut self) -> &mut Option<String> {
        &mut self.marker
    }
}

/// A key's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    Active,
    Inactive,
}

impl KeyStatus {
    fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Inactive => "Inactive",
        }
    }
}

/// UpdateAccessKey: set a key's status.
pub(super) struct UpdateAccessKey<'a> {
    pub user_name: &'a str,
    pub access_key_id: &'a str,
    pub status: KeyStatus,
}

impl Operation for UpdateAccessKey<'_> {
    const NAME: &'static str = "UpdateAccessKey";
    type Output = ();

    fn parse(&self, resp: Response) -> Result<(), Error> {
        no_output(&resp, Self::NAME)
    }
}

impl QueryOperation for UpdateAccessKey<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("UserName", self.user_name)
            .add("AccessKeyId", self.access_key_id)
            .add("Status", self.status.as_str())
    }
}

pub(super) struct DeleteAccessKey<'a> {
    pub user_name: &'a str,
    pub access_key_id: &'a str,
}

impl Operation for DeleteAccessKey<'_> {
    const NAME: &'static str = "DeleteAccessKey";
    type Output = ();

    fn parse(&self, resp: Response) -> Result<(), Error> {
        no_output(&resp, Self::NAME)
    }
}

impl QueryOperation for DeleteAccessKey<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("UserName", self.user_name)
            .add("AccessKeyId", self.access_key_id)
    }
}

/// GetAccessKeyLastUsed: when, for which service and in which region a key was last
/// used (it names no secret).
pub(super) struct GetAccessKeyLastUsed<'a> {
    pub access_key_id: &'a str,
}

impl Operation for GetAccessKeyLastUsed<'_> {
    const NAME: &'static str = "GetAccessKeyLastUsed";
    type Output = KeyLastUsed;

    fn parse(&self, resp: Response) -> Result<KeyLastUsed, Error> {
        result(&resp, Self::NAME)
    }
}

impl QueryOperation for GetAccessKeyLastUsed<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new().add("AccessKeyId", self.access_key_id)
    }
}
