//! Why a bucket could not be checked: HeadBucket failed with 400 or 403, and the
//! follow-up listing named (or did not name) the cause. Built by `aws::s3::check`;
//! here, below it, so that `Error` can hold it.

use std::fmt;

use super::AwsError;

/// A HeadBucket that failed with 400 or 403, explained. `head` (the HeadBucket error)
/// is the source; `code` is what the follow-up ListObjectsV2 said, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketCheckError {
    /// The credentials themselves are the problem: `what` says how (expired, unknown).
    Credentials {
        bucket: String,
        head: AwsError,
        code: String,
        what: &'static str,
    },
    /// A bare 400: for HeadBucket, expired or invalid credentials.
    BadRequest {
        bucket: String,
        head: AwsError,
        code: Option<String>,
    },
    /// A 403: no s3:ListBucket on it, or another account's bucket.
    Denied {
        bucket: String,
        head: AwsError,
        code: Option<String>,
    },
}

impl fmt::Display for BucketCheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BucketCheckError::Credentials {
                bucket, code, what, ..
            } => {
                let advice = if what.contains("expired") {
                    "; get new ones and try again"
                } else {
                    ""
                };
                write!(f, "Cannot check bucket {bucket}: {what} ({code}){advice}")
            }
            BucketCheckError::BadRequest { bucket, head, code } => write!(
                f,
                "Cannot check bucket {bucket}: S3 answered 400 {}{}, which for HeadBucket \
                 means the credentials have expired or are invalid",
                head.message,
                code.as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            ),
            BucketCheckError::Denied { bucket, code, .. } => {
                let named = match code.as_deref() {
                    Some(c) if c != "AccessDenied" => c,
                    _ => "403 Forbidden",
                };
                write!(
                    f,
                    "Cannot check bucket {bucket}: access denied ({named}); the credentials \
                     may lack s3:ListBucket on it, or the bucket belongs to another account"
                )
            }
        }
    }
}

impl std::error::Error for BucketCheckError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BucketCheckError::Credentials { head, .. }
            | BucketCheckError::BadRequest { head, .. }
            | BucketCheckError::Denied { head, .. } => Some(head),
        }
    }
}
