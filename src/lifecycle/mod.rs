//! Issue 25, the life of what the tool hands out, as pure functions: no network, no
//! printing. The commands (`create --expires`, `list-credentials`, `revoke-sessions`,
//! `delete-bucket`) call these and do the I/O; notes/lifecycle.md has their design.
//!
//! - [`expires`]: `--expires WHEN` parsed against a given now, the Deny statement it adds
//!   to a user's policy, and reading that statement back.
//! - [`inventory`]: `list-credentials`' items: what a user's inline policies grant, a
//!   key's derived state, which users the tool makes.
//! - [`revoke`]: `revoke-sessions`' role policy, and how it replaces an earlier one.
//! - [`delete_plan`]: `delete-bucket --force`'s batches of versions and its wording.
//!
//! Every time here is UTC and comes in as an argument, so the tests pin "now".

pub(crate) mod delete_plan;
pub(crate) mod expires;
pub(crate) mod inventory;
pub(crate) mod revoke;
mod time_text;
