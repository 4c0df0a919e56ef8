//! s3-credentials: create scoped S3 credentials, move objects and inspect buckets.
//!
//! Data flows one way: arguments (`cli`) -> a [`aws::Context`] -> a service client
//! (`aws::iam`, `aws::sts`, `aws::s3`) -> a signed request (`aws::http`, `aws::sigv4`)
//! -> a typed response -> output (`output`). Commands never build URLs or sign;
//! clients never print.

// Errors are the cold path and carry the AWS error's fields for messages; boxing
// them would add noise at every call site for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod assume;
pub mod aws;
pub mod cli;
pub mod error;
pub mod interrupt;
pub mod lifecycle;
pub mod localserver;
pub mod mime;
pub mod output;
pub mod policies;
pub mod provision;
#[cfg(test)]
mod testutil;
pub mod transfer;
