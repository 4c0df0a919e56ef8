//! The IAM and identity commands: whoami, list-users, list-roles,
//! list-user-policies, delete-user.

use serde_json::Value;

use super::Failure;
use super::args::Args;
use super::{context, echo, print_list};
use crate::aws::iam::Iam;
use crate::error::Error;
use crate::output::dumps;

/// The CSV/TSV columns of `list-users`, as the original lists them.
const USER_HEADERS: &[&str] = &[
    "UserName",
    "UserId",
    "Arn",
    "Path",
    "CreateDate",
    "PasswordLastUsed",
    "PermissionsBoundary",
    "Tags",
];

/// The CSV/TSV columns of `list-roles`; `--details` adds two more.
const ROLE_HEADERS: &[&str] = &[
    "Path",
    "RoleName",
    "RoleId",
    "Arn",
    "CreateDate",
    "AssumeRolePolicyDocument",
    "Description",
    "MaxSessionDuration",
    "PermissionsBoundary",
    "Tags",
    "RoleLastUsed",
];
const ROLE_DETAIL_HEADERS: &[&str] = &["inline_policies", "attached_policies"];

/// `whoami`: GetCallerIdentity, printed as the original prints it.
pub(super) fn whoami(args: Args) -> Result<(), Failure> {
    let ctx = context(&args.aws.options())?;
    Ok(echo(dumps(
        &ctx.sts().get_caller_identity()?.to_json(),
        Some(4),
    ))?)
}

/// `list-users`: every user, through every page.
pub(super) fn list_users(args: Args) -> Result<(), Failure> {
    let ctx = context(&args.aws.options())?;
    print_list(ctx.iam().users(), USER_HEADERS, args.list_format())
}

/// `list-roles [ROLE_NAMES...] [--details]`.
pub(super) fn list_roles(args: Args) -> Result<(), Failure> {
    let format = args.list_format();
    let Args {
        role_names: names,
        details,
        aws,
        ..
    } = args;
    let ctx = context(&aws.options())?;
    let iam = ctx.iam();
    let mut headers = ROLE_HEADERS.to_vec();
    if details {
        headers.extend_from_slice(ROLE_DETAIL_HEADERS);
    }
    let roles = iam.roles().filter_map(|role| {
        let role = match role {
            Ok(role) => role,
            Err(e) => return Some(Err(e)),
        };
        if !names.is_empty() && !names.contains(&role.name) {
            return None;
        }
        if !details {
            return Some(Ok(role.json));
        }
        Some(add_details(&iam, role.json, &role.name))
    });
    print_list(roles, &headers, format)
}

/// `--details`: the role's inline policies (with documents) and its attached
/// managed policies, each with its default version (with its document).
fn add_details(iam: &Iam<'_>, mut role: Value, name: &str) -> Result<Value, Error> {
    let mut inline = Vec::new();
    for policy_name in iam.list_role_policies(name)? {
        inline.push(iam.get_role_policy(name, &policy_name)?.to_json());
    }
    let mut attached = Vec::new();
    for entry in iam.list_attached_role_policies(name)? {
        let arn = entry.policy_arn.as_deref().unwrap_or_default();
        let policy = iam.get_policy(arn)?;
        let version_id = policy
            .as_ref()
            .and_then(|p| p.default_version_id.as_deref())
            .unwrap_or_default();
        let version = iam.get_policy_version(arn, version_id)?;
        // The original adds the version to botocore's Policy dict, after its members
        // (a response without a Policy is printed as null, as the original's None).
        let policy = match policy.map(|p| p.to_json()) {
            Some(Value::Object(mut object)) => {
                let version = version.map_or(Value::Null, |v| v.to_json());
                object.insert("PolicyVersion".to_string(), version);
                Value::Object(object)
            }
            _ => Value::Null,
        };
        attached.push(policy);
    }
    if let Some(object) = role.as_object_mut() {
        object.insert("inline_policies".to_string(), Value::Array(inline));
        object.insert("attached_policies".to_string(), Value::Array(attached));
    }
    Ok(role)
}

/// `list-user-policies [USERNAMES...]`: each user's inline policies, documents
/// decoded; every user when none is named.
pub(super) fn list_user_policies(args: Args) -> Result<(), Failure> {
    let Args {
        mut usernames, aws, ..
    } = args;
    let ctx = context(&aws.options())?;
    let iam = ctx.iam();
    if usernames.is_empty() {
        usernames = iam.list_user_names()?;
    }
    for username in &usernames {
        echo(format!("User: {username}"))?;
        for policy_name in iam.list_user_policies(username)? {
            echo(format!("PolicyName: {policy_name}"))?;
            let policy = iam.get_user_policy(username, &policy_name)?;
            echo(dumps(&policy.document_json(), Some(4)))?;
        }
    }
    Ok(())
}

/// `delete-user USERNAMES...`: inline policies, then access keys, then the user.
/// The original stops with a traceback at the first failure (a missing user
/// fails ListUserPolicies); this stops there too, with one `Error:` line.
pub(super) fn delete_user(args: Args) -> Result<(), Failure> {
    let ctx = context(&args.aws.options())?;
    let iam = ctx.iam();
    for username in &args.usernames {
        echo(format!("User: {username}"))?;
        for policy_name in iam.list_user_policies(username)? {
            iam.delete_user_policy(username, &policy_name)?;
            echo(format!("  Deleted policy: {policy_name}"))?;
        }
        let keys = iam.list_access_keys(username)?;
        for key in &keys {
            let id = key.access_key_id.as_deref().unwrap_or_default();
            iam.delete_access_key(username, id)?;
            echo(format!("  Deleted access key: {id}"))?;
        }
        iam.delete_user(username)?;
        echo("  Deleted user")?;
    }
    Ok(())
}
