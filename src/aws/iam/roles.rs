//! IAM's role and managed-policy actions: the s3-credentials role, and what
//! `list-roles --details` reads. Each is a struct of its parameters, with its
//! [`Operation`] (name, output, parse) and its [`QueryOperation`] (the form parameters).

use super::paging::{Listing, marker_page};
use super::responses::{AttachedPolicy, Policy, PolicyVersion, Role, RolePolicy};
use crate::aws::config::Service;
use time::OffsetDateTime;

use crate::aws::http::{Response, parse_http_date};
use crate::aws::operation::{Operation, QueryOperation};
use crate::aws::paginate::Page;
use crate::aws::query::{Params, no_output, result, result_element};
use crate::aws::shape::read;
use crate::error::Error;

/// GetRole: the role (`None` when the answer holds none).
pub(super) struct GetRole<'a> {
    pub role_name: &'a str,
}

impl Operation for GetRole<'_> {
    const NAME: &'static str = "GetRole";
    type Output = Option<Role>;

    fn parse(&self, resp: Response) -> Result<Option<Role>, Error> {
        Ok(read::member(&result_element(&resp, Self::NAME)?, "Role"))
    }
}

impl QueryOperation for GetRole<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new().add("RoleName", self.role_name)
    }
}

/// CreateRole, tags included.
pub(super) struct CreateRole<'a> {
    pub role_name: &'a str,
    pub description: &'a str,
    /// The trust policy, JSON text.
    pub assume_role_policy_document: &'a str,
    pub max_session_duration: u64,
    pub tags: &'a [(String, String)],
}

impl Operation for CreateRole<'_> {
    const NAME: &'static str = "CreateRole";
    type Output = Option<Role>;

    fn parse(&self, resp: Response) -> Result<Option<Role>, Error> {
        Ok(read::member(&result_element(&resp, Self::NAME)?, "Role"))
    }
}

impl QueryOperation for CreateRole<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        // The original's keyword order, which botocore keeps.
        Params::new()
            .add("Description", self.description)
            .add("RoleName", self.role_name)
            .add("AssumeRolePolicyDocument", self.assume_role_policy_document)
            .add("MaxSessionDuration", self.max_session_duration.to_string())
            .add_pairs("Tags", self.tags)
    }
}

pub(super) struct AttachRolePolicy<'a> {
    pub role_name: &'a str,
    pub policy_arn: &'a str,
}

impl Operation for AttachRolePolicy<'_> {
    const NAME: &'static str = "AttachRolePolicy";
    type Output = ();

    fn parse(&self, resp: Response) -> Result<(), Error> {
        no_output(&resp, Self::NAME)
    }
}

impl QueryOperation for AttachRolePolicy<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("RoleName", self.role_name)
            .add("PolicyArn", self.policy_arn)
    }
}

/// ListRoles, one page.
#[derive(Clone, Default)]
pub(super) struct ListRoles {
    pub marker: Option<String>,
}

impl Operation for ListRoles {
    const NAME: &'static str = "ListRoles";
    type Output = Page<Role>;

    fn parse(&self, resp: Response) -> Result<Page<Role>, Error> {
        let result = result_element(&resp, Self::NAME)?;
        Ok(marker_page(&result, read::list(&result, "Roles", "member")))
    }
}

impl QueryOperation for ListRoles {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new().add_opt("Marker", self.marker.as_deref())
    }
}

impl Listing for ListRoles {
    type Item = Role;
    fn marker(&mut self) -> &mut Option<String> {
        &mut self.marker
    }
}

/// ListRolePolicies, one page of inline policy names.
#[derive(Clone)]
pub(super) struct ListRolePolicies {
    pub role_name: String,
    pub marker: Option<String>,
}

impl Operation for ListRolePolicies {
    const NAME: &'static str = "ListRolePolicies";
    type Output = Page<String>;

    fn parse(&self, resp: Response) -> Result<Page<String>, Error> {
        let result = result_element(&resp, Self::NAME)?;
        Ok(marker_page(
            &result,
            read::list(&result, "PolicyNames", "member"),
        ))
    }
}

impl QueryOperation for ListRolePolicies {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("RoleName", self.role_name.as_str())
            .add_opt("Marker", self.marker.as_deref())
    }
}

impl Listing for ListRolePolicies {
    type Item = String;
    fn marker(&mut self) -> &mut Option<String> {
        &mut self.marker
    }
}

pub(super) struct GetRolePolicy<'a> {
    pub role_name: &'a str,
    pub policy_name: &'a str,
}

impl Operation for GetRolePolicy<'_> {
    const NAME: &'static str = "GetRolePolicy";
    type Output = RolePolicy;

    fn parse(&self, resp: Response) -> Result<RolePolicy, Error> {
        result(&resp, Self::NAME)
    }
}

impl QueryOperation for GetRolePolicy<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("RoleName", self.role_name)
            .add("PolicyName", self.policy_name)
    }
}

/// PutRolePolicy: adds or replaces an inline role policy (revoke-sessions'
/// `AWSRevokeOlderSessions`).
pub(super) struct PutRolePolicy<'a> {
    pub role_name: &'a str,
    pub policy_name: &'a str,
    /// JSON text.
    pub policy_document: &'a str,
}

impl Operation for PutRolePolicy<'_> {
    const NAME: &'static str = "PutRolePolicy";
    type Output = ();

    fn parse(&self, resp: Response) -> Result<(), Error> {
        no_output(&resp, Self::NAME)
    }
}

impl QueryOperation for PutRolePolicy<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("RoleName", self.role_name)
            .add("PolicyName", self.policy_name)
            .add("PolicyDocument", self.policy_document)
    }
}

/// Any action, read together with the server's clock: the `Date` header of its answer
/// (`None` when there is none, or it is not an HTTP date). revoke-sessions dates its
/// revocation by AWS's clock, the one AWS compares sessions' issue times with.
pub(super) struct WithServerDate<O>(pub O);

impl<O: Operation> Operation for WithServerDate<O> {
    const NAME: &'static str = O::NAME;
    type Output = (O::Output, Option<OffsetDateTime>);

    fn parse(&self, resp: Response) -> Result<Self::Output, Error> {
        let date = resp.header("date").and_then(parse_http_date);
        Ok((self.0.parse(resp)?, date))
    }
}

impl<O: QueryOperation> QueryOperation for WithServerDate<O> {
    const SERVICE: Service = O::SERVICE;

    fn params(&self) -> Params {
        self.0.params()
    }
}

/// ListAttachedRolePolicies, one page.
#[derive(Clone)]
pub(super) struct ListAttachedRolePolicies {
    pub role_name: String,
    pub marker: Option<String>,
}

impl Operation for ListAttachedRolePolicies {
    const NAME: &'static str = "ListAttachedRolePolicies";
    type Output = Page<AttachedPolicy>;

    fn parse(&self, resp: Response) -> Result<Page<AttachedPolicy>, Error> {
        let result = result_element(&resp, Self::NAME)?;
        Ok(marker_page(
            &result,
            read::list(&result, "AttachedPolicies", "member"),
        ))
    }
}

impl QueryOperation for ListAttachedRolePolicies {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("RoleName", self.role_name.as_str())
            .add_opt("Marker", self.marker.as_deref())
    }
}

impl Listing for ListAttachedRolePolicies {
    type Item = AttachedPolicy;
    fn marker(&mut self) -> &mut Option<String> {
        &mut self.marker
    }
}

/// GetPolicy: the Policy structure (`None` when the answer lacks it).
pub(super) struct GetPolicy<'a> {
    pub policy_arn: &'a str,
}

impl Operation for GetPolicy<'_> {
    const NAME: &'static str = "GetPolicy";
    type Output = Option<Policy>;

    fn parse(&self, resp: Response) -> Result<Option<Policy>, Error> {
        Ok(read::member(&result_element(&resp, Self::NAME)?, "Policy"))
    }
}

impl QueryOperation for GetPolicy<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new().add("PolicyArn", self.policy_arn)
    }
}

/// GetPolicyVersion: the PolicyVersion structure (`None` when the answer lacks it).
pub(super) struct GetPolicyVersion<'a> {
    pub policy_arn: &'a str,
    pub version_id: &'a str,
}

impl Operation for GetPolicyVersion<'_> {
    const NAME: &'static str = "GetPolicyVersion";
    type Output = Option<PolicyVersion>;

    fn parse(&self, resp: Response) -> Result<Option<PolicyVersion>, Error> {
        Ok(read::member(
            &result_element(&resp, Self::NAME)?,
            "PolicyVersion",
        ))
    }
}

impl QueryOperation for GetPolicyVersion<'_> {
    const SERVICE: Service = Service::Iam;

    fn params(&self) -> Params {
        Params::new()
            .add("PolicyArn", self.policy_arn)
            .add("VersionId", self.version_id)
    }
}
