//! The IAM and identity commands: whoami, list-users, list-roles,
//! list-user-policies, delete-user.

use super::args::{Matches, context};
use super::echo;
use crate::error::Error;
use crate::output::dumps;

/// `whoami`: GetCallerIdentity, printed as the original prints it.
pub fn whoami(m: &Matches) -> Result<(), Error> {
    let ctx = context(m)?;
    echo(dumps(&ctx.sts().get_caller_identity()?, Some(4)))
}
