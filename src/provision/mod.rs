//! `create`'s work, apart from its command line and its printing: the [`Plan`] (every
//! policy document built and checked before any request, so a bad `--policy` leaves
//! nothing half-made) and [`carry_out`], which makes the buckets, the user and its
//! policies, and the access key or the temporary credentials, in the original's order.
//! What it has to say goes to a [`Reporter`]; `cli/create.rs` decides how it looks.

mod error;
mod keys;
mod plan;
mod run;

pub(crate) use keys::KeyOptions;
pub(crate) use plan::{Plan, Request};
pub(crate) use run::{Failure, Issued, Reporter, carry_out};

#[cfg(test)]
mod tests;
