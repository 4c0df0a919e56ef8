//! s3-credentials: create scoped S3 credentials, move objects and inspect buckets.
//!
//! Data flows one way: arguments (`cli`) -> a [`aws::Context`] -> a service client
//! (`aws::iam`, `aws::sts`, `aws::s3`) -> a signed request (`aws::http`, `aws::sigv4`)
//! -> a typed response -> output (`output`). Commands never build URLs or sign;
//! clients never print.

// Errors are the cold path and carry the AWS error's fields for messages; boxing
// them would add noise at every call site for no measurable gain.
#![allow(clippy::result_large_err)]
// The crate's surface is what main, the integration tests and the fuzz targets use; the
// rest is pub(crate), so that rustc reports what nothing uses (issue 24).
#![warn(unreachable_pub)]

pub(crate) mod assume;
pub mod aws;
pub mod cli;
pub mod error;
// The fuzz targets' wrappers over crate-private parsers (fuzz/), not an API.
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod interrupt;
pub(crate) mod lifecycle;
pub mod localserver;
pub(crate) mod mime;
pub mod output;
pub mod policies;
pub(crate) mod pool;
pub(crate) mod provision;
#[cfg(test)]
mod testutil;
pub(crate) mod transfer;
