//! How `create`'s plan and run fail on their own account (AWS's and the transport's
//! errors pass through as they are): each a variant whose `Display` is the line
//! printed and whose `source()` is what caused it.

use std::fmt;
use std::time::Duration;

use super::plan::BUCKET_PLACEHOLDER;
use crate::error::{AwsError, Error};
use crate::output::py_repr_str;

#[derive(Debug)]
pub enum ProvisionError {
    /// The `--policy` text is not JSON.
    PolicyNotJson(serde_json::Error),
    /// The `--policy` text stops being JSON once this bucket's name is put in (a name
    /// holding `"` or `\`).
    PolicyBrokenBy {
        bucket: String,
        source: serde_json::Error,
    },
    /// A bucket that does not exist, without `--create-bucket`.
    NoSuchBucket(String),
    /// IAM refused a third access key for the user (its LimitExceeded kept).
    TwoKeys { user: String, refusal: AwsError },
    /// `--wait`: STS still refused the new key when the wait ran out.
    KeyStillRefused {
        access_key_id: String,
        waited: Duration,
        refusal: AwsError,
    },
}

impl fmt::Display for ProvisionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProvisionError::PolicyNotJson(_) => f.write_str("--policy is not valid JSON"),
            ProvisionError::PolicyBrokenBy { bucket, .. } => write!(
                f,
                "--policy is not valid JSON once {BUCKET_PLACEHOLDER} is replaced by {}",
                py_repr_str(bucket)
            ),
            ProvisionError::NoSuchBucket(bucket) => write!(
                f,
                "Bucket does not exist: {bucket} - try --create-bucket to create it"
            ),
            ProvisionError::TwoKeys { user, .. } => write!(
                f,
                "User {user} already has two access keys, the most IAM allows. Inactive keys \
                 count too, so --deactivate-existing-keys cannot help: run again with \
                 --delete-oldest-key to delete the older key first, or delete one yourself \
                 (aws iam delete-access-key)"
            ),
            ProvisionError::KeyStillRefused {
                access_key_id,
                waited,
                refusal,
            } => write!(
                f,
                "The new access key {access_key_id} was still refused after {} ({}); IAM may \
                 accept it later",
                crate::assume::show_delay(*waited),
                refusal.code
            ),
        }
    }
}

impl std::error::Error for ProvisionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProvisionError::PolicyNotJson(e) | ProvisionError::PolicyBrokenBy { source: e, .. } => {
                Some(e)
            }
            ProvisionError::TwoKeys { refusal, .. }
            | ProvisionError::KeyStillRefused { refusal, .. } => Some(refusal),
            ProvisionError::NoSuchBucket(_) => None,
        }
    }
}

impl From<ProvisionError> for Error {
    fn from(e: ProvisionError) -> Self {
        Error::Layer(Box::new(e))
    }
}
