//! The IAM and identity commands' tables.

use super::*;

pub(super) const DELETE_USER: CommandSpec = CommandSpec {
    name: "delete-user",
    run: crate::cli::iam::delete_user,
    summary: "Delete users with their access keys and policies",
    help: "  Delete users together with their access keys and inline policies

      s3-credentials delete-user username1 username2",
    args: &[many("USERNAMES", true, |a| &mut a.usernames)],
    opts: &[AWS],
};

pub(super) const LIST_CREDENTIALS: CommandSpec = CommandSpec {
    name: "list-credentials",
    run: crate::cli::lifecycle_inventory::list_credentials,
    summary: "List access keys with their last use and expiry",
    help: "  List the access keys of the users create makes (s3.read-write.*,
  s3.read-only.*, s3.write-only.*, s3.custom.*), with when each was last used, the
  buckets and permission its user's policies grant, and when it expires

      s3-credentials list-credentials

  Named users only, or every user in the account:

      s3-credentials list-credentials s3.read-only.my-bucket
      s3-credentials list-credentials --all

  As CSV (or TSV with --tsv):

      s3-credentials list-credentials --csv",
    args: &[many("USERNAMES", false, |a| &mut a.usernames)],
    opts: &[
        &[flag(
            "all",
            "List every user's keys, not only those of users create makes",
            |a| &mut a.all,
        )],
        OUTPUT,
        AWS,
    ],
};

pub(super) const LIST_ROLES: CommandSpec = CommandSpec {
    name: "list-roles",
    run: crate::cli::iam::list_roles,
    summary: "List roles",
    help: "  List roles

  Every role in the account:

      s3-credentials list-roles

  As CSV (or TSV with --tsv):

      s3-credentials list-roles --csv

  With each role's policies (slower):

      s3-credentials list-roles --details",
    args: &[many("ROLE_NAMES", false, |a| &mut a.role_names)],
    opts: &[
        &[details("Add inline and attached policies (slower)")],
        OUTPUT,
        AWS,
    ],
};

pub(super) const LIST_USER_POLICIES: CommandSpec = CommandSpec {
    name: "list-user-policies",
    run: crate::cli::iam::list_user_policies,
    summary: "Print the inline policies of users",
    help: "  Print the inline policies of users

      s3-credentials list-user-policies username

  With no usernames, every user's policies are printed.",
    args: &[many("USERNAMES", false, |a| &mut a.usernames)],
    opts: &[AWS],
};

pub(super) const LIST_USERS: CommandSpec = CommandSpec {
    name: "list-users",
    run: crate::cli::iam::list_users,
    summary: "List the account's users",
    help: "  List the account's users

      s3-credentials list-users

  As CSV (or TSV with --tsv):

      s3-credentials list-users --csv",
    args: &[],
    opts: &[OUTPUT, AWS],
};

pub(super) const WHOAMI: CommandSpec = CommandSpec {
    name: "whoami",
    run: crate::cli::iam::whoami,
    summary: "Show who the credentials belong to",
    help: "  Show which user or role the credentials belong to",
    args: &[],
    opts: &[AWS],
};

/// Not in the original (issue 25).
pub(super) const REVOKE_SESSIONS: CommandSpec = CommandSpec {
    name: "revoke-sessions",
    run: crate::cli::lifecycle_revoke::run,
    summary: "Revoke the temporary credentials issued so far",
    help: "  Revoke the temporary credentials that create --duration and localserver have
  issued so far, as the IAM console's \"Revoke active sessions\" does: the role
  s3-credentials.AmazonS3FullAccess gets an inline policy denying everything to
  sessions issued before now. Credentials issued afterwards work.

      s3-credentials revoke-sessions

  Print the policy without changing anything:

      s3-credentials revoke-sessions --dry-run",
    args: &[],
    opts: &[
        &[with_short(
            dry_run("Print the policy that would be put on the role, change nothing"),
            'd',
        )],
        AWS,
    ],
};
