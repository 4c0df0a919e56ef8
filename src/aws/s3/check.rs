//! Does a bucket exist? The original's `bucket_exists` counts every HeadBucket
//! error as "missing", so expired or wrong credentials read as "Bucket does not
//! exist" (upstream issue 65). Here a 404 is "missing", and a 400 or 403 becomes
//! one message saying which: expired or invalid credentials, or access denied.
//!
//! HEAD answers carry no body, hence no error code. Only when HeadBucket has already
//! failed with 400 or 403 is one ListObjectsV2 with `max-keys=0` sent, which needs the
//! same permission (s3:ListBucket) and does carry the code; a successful check costs
//! nothing more than before.

use super::S3;
use super::list::{ListObjectsV2, ListedKey};
use crate::error::{AwsError, BucketCheckError, Error};

/// Codes that mean the credentials themselves are the problem, with what to say.
const CREDENTIAL_CODES: &[(&str, &str)] = &[
    ("ExpiredToken", "the credentials have expired"),
    ("TokenRefreshRequired", "the credentials have expired"),
    ("InvalidToken", "the session token is invalid"),
    ("InvalidAccessKeyId", "the access key ID is not known"),
    ("InvalidClientTokenId", "the access key ID is not known"),
    (
        "SignatureDoesNotMatch",
        "the secret key does not belong to the access key ID",
    ),
];

impl S3<'_> {
    /// HeadBucket: `Ok(true)` when the bucket exists, `Ok(false)` when S3 says it
    /// does not (404). A 400 or 403 is an [`Error::BucketCheck`] naming the cause;
    /// anything else (5xx after the retries, ...) is the error as S3 gave it.
    pub fn check_bucket(&self, bucket: &str) -> Result<bool, Error> {
        match self.head_bucket(bucket) {
            Err(Error::Aws(e)) if matches!(e.status, 400 | 403) => {
                let code = self.error_code(bucket);
                if code.as_deref() == Some("NoSuchBucket") {
                    return Ok(false);
                }
                Err(Error::BucketCheck(explain(bucket, e, code)))
            }
            other => other,
        }
    }

    /// The error code S3 gives for listing the bucket, when it gives one.
    fn error_code(&self, bucket: &str) -> Option<String> {
        let listed = self.send(&ListObjectsV2::<ListedKey> {
            max_keys: Some(0),
            url_encoded: false,
            ..ListObjectsV2::page(bucket, None, None)
        });
        match listed {
            // A body-less answer has the status as its code: nothing learnt.
            Err(Error::Aws(e)) if !e.code.bytes().all(|b| b.is_ascii_digit()) => Some(e.code),
            _ => None,
        }
    }
}

/// The failure for a HeadBucket that failed with 400 or 403 (`code`: what the
/// follow-up listing said, if anything).
pub(crate) fn explain(bucket: &str, head: AwsError, code: Option<String>) -> BucketCheckError {
    let bucket = bucket.to_string();
    if let Some((code, what)) = code
        .as_deref()
        .and_then(|c| CREDENTIAL_CODES.iter().find(|(k, _)| *k == c))
    {
        return BucketCheckError::Credentials {
            bucket,
            head,
            code: code.to_string(),
            what,
        };
    }
    if head.status == 400 {
        // S3 answers an expired or malformed session token on HEAD with a bare 400.
        BucketCheckError::BadRequest { bucket, head, code }
    } else {
        BucketCheckError::Denied { bucket, head, code }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(status: u16, message: &str) -> AwsError {
        AwsError {
            code: status.to_string(),
            message: message.into(),
            status,
            operation: "HeadBucket".into(),
            ..AwsError::default()
        }
    }

    #[test]
    fn each_case_is_named() {
        let forbidden = head(403, "Forbidden");
        let bad = head(400, "Bad Request");
        assert_eq!(
            explain("b", bad.clone(), Some("ExpiredToken".into())).to_string(),
            "Cannot check bucket b: the credentials have expired (ExpiredToken); get new ones and try again"
        );
        assert_eq!(
            explain("b", forbidden.clone(), Some("InvalidAccessKeyId".into())).to_string(),
            "Cannot check bucket b: the access key ID is not known (InvalidAccessKeyId)"
        );
        assert_eq!(
            explain("b", forbidden.clone(), Some("SignatureDoesNotMatch".into())).to_string(),
            "Cannot check bucket b: the secret key does not belong to the access key ID (SignatureDoesNotMatch)"
        );
        let denied = "Cannot check bucket b: access denied (403 Forbidden); the credentials may lack s3:ListBucket on it, or the bucket belongs to another account";
        assert_eq!(
            explain("b", forbidden.clone(), Some("AccessDenied".into())).to_string(),
            denied
        );
        assert_eq!(explain("b", forbidden.clone(), None).to_string(), denied);
        assert_eq!(
            explain("b", forbidden.clone(), Some("AllAccessDisabled".into())).to_string(),
            "Cannot check bucket b: access denied (AllAccessDisabled); the credentials may lack s3:ListBucket on it, or the bucket belongs to another account"
        );
        assert_eq!(
            explain("b", bad.clone(), None).to_string(),
            "Cannot check bucket b: S3 answered 400 Bad Request, which for HeadBucket means the credentials have expired or are invalid"
        );
    }
}
