//! How a command ends when it does not succeed, as the command line shows it.
//!
//! The library fails with [`crate::error::Error`]; the command line adds its own
//! outcomes: click's usage errors (exit 2), an exit code chosen after the output is
//! written, and the commands' own refusals ([`CommandError`]). `cli::run` prints a
//! [`Failure`] and returns its [`Failure::exit_code`].

use std::fmt;

use time::OffsetDateTime;

use crate::error::{AwsError, Error};

/// Everything that can end a command.
#[derive(Debug)]
pub enum Failure {
    /// Bad command line: printed in click's usage format and exits 2.
    /// `command` is the subcommand name (None for the top level).
    Usage {
        command: Option<&'static str>,
        message: String,
    },
    /// A usage error click reports before it knows the command's usage line
    /// (`Option '-f' requires an argument.`): only `Error: ...`, exit 2.
    UsageBare(String),
    /// Exit with this code without printing anything more (output already written).
    Exit(i32),
    /// The command refused its input, or what it found: `Error: ...`, exit 1.
    Command(CommandError),
    /// The library failed: `Error: ...` (or the interrupt's lines), exit 1.
    Error(Error),
}

impl Failure {
    /// A usage error of this command (`Error: <message>` under its usage lines).
    pub fn usage(command: &'static str, message: impl Into<String>) -> Self {
        Failure::Usage {
            command: Some(command),
            message: message.into(),
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Usage { .. } | Failure::UsageBare(_) => 2,
            Failure::Exit(code) => *code,
            Failure::Command(_) | Failure::Error(_) => 1,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage { message, .. } | Failure::UsageBare(message) => f.write_str(message),
            Failure::Exit(code) => write!(f, "exit {code}"),
            Failure::Command(e) => write!(f, "{e}"),
            Failure::Error(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Failure::Command(e) => Some(e),
            Failure::Error(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

impl From<CommandError> for Failure {
    fn from(e: CommandError) -> Self {
        Failure::Command(e)
    }
}

impl From<AwsError> for Failure {
    fn from(e: AwsError) -> Self {
        Failure::Error(Error::Aws(e))
    }
}

impl From<crate::interrupt::Interrupted> for Failure {
    fn from(e: crate::interrupt::Interrupted) -> Self {
        Failure::Error(e.into())
    }
}

/// A command's own refusal, in the original's words (or ours where it crashes).
#[derive(Debug)]
pub enum CommandError {
    /// `create`, `localserver`: both permission flags.
    ReadOnlyAndWriteOnly,
    /// `create --duration` with an option that only applies to an access key.
    KeyOptionWithDuration(&'static str),
    /// `delete-objects` with keys and `--prefix`.
    KeysAndPrefix,
    /// `delete-objects` with neither.
    NoKeysNorPrefix,
    /// `delete-bucket` without `--force` on a bucket that is not empty, and what it holds.
    BucketNotEmpty {
        bucket: String,
        contents: crate::lifecycle::delete_plan::Contents,
    },
    /// `delete-bucket --force` when this many objects could not be deleted: the bucket
    /// is left.
    BucketNotDeleted { bucket: String, failed: usize },
    /// `list-credentials` with usernames and `--all`.
    UsernamesAndAll,
    /// `policy --public-bucket` for several buckets.
    PublicBucketNotSingle,
    /// `policy --public-bucket --expires`: the expiry is for a user's policy.
    ExpiresWithPublicBucket,
    /// A bucket command's AWS error as click shows botocore's exception: without the
    /// request id.
    Service(AwsError),
    /// `get-cors-policy`: a configuration without rules (the original's KeyError).
    CorsWithoutRules(String),
    /// `set-cors-policy` on a bucket that is not there (the original's words, typo kept).
    CorsBucketMissing(String),
    /// `get-bucket-policy`: S3 returned a policy that is not JSON.
    BucketPolicyNotJson(serde_json::Error),
    /// `set-bucket-policy` with both ways of giving the policy.
    AllowAllGetAndPolicyFile,
    /// `set-bucket-policy` with neither.
    NoPolicyGiven,
    /// `set-bucket-policy --policy-file` holding something that is not JSON.
    PolicyFileNotJson(serde_json::Error),
    /// `set-public-access-block` without a setting to change.
    NoPublicAccessSetting,
    /// `presign` with credentials that have already expired.
    CredentialsExpired(OffsetDateTime),
    /// `revoke-sessions` when the role does not exist: no session to revoke.
    NoRoleToRevoke(&'static str),
    /// `localserver` for a bucket that is not there.
    LocalserverBucketMissing(String),
    /// `localserver`: `$S3_CREDENTIALS_TOKEN` breaks the token rule (its name and rule).
    BadTokenEnv {
        var: &'static str,
        rule: &'static str,
    },
    /// `localserver` could not listen: the reason as Python's http.server says it.
    ServerStart {
        reason: String,
        source: Option<std::io::Error>,
    },
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CommandError::*;
        match self {
            ReadOnlyAndWriteOnly => {
                f.write_str("Cannot use --read-only and --write-only at the same time")
            }
            KeyOptionWithDuration(option) => write!(
                f,
                "Cannot use --{option} with --duration: it makes no access key"
            ),
            KeysAndPrefix => f.write_str("Cannot pass both keys and --prefix"),
            NoKeysNorPrefix => f.write_str("Specify one or more keys or use --prefix"),
            BucketNotEmpty { bucket, contents } => {
                f.write_str(&crate::lifecycle::delete_plan::not_empty(bucket, contents))
            }
            BucketNotDeleted { bucket, failed } => {
                f.write_str(&crate::lifecycle::delete_plan::not_deleted(bucket, *failed))
            }
            UsernamesAndAll => f.write_str("Cannot pass both usernames and --all"),
            PublicBucketNotSingle => {
                f.write_str("--public-bucket policy can only be generated for a single bucket")
            }
            ExpiresWithPublicBucket => f.write_str(
                "Cannot use --expires with --public-bucket: a bucket policy is not the user's policy",
            ),
            Service(aws) => write!(f, "{aws}"),
            CorsWithoutRules(bucket) => {
                write!(f, "Bucket {bucket} has a CORS configuration without rules")
            }
            CorsBucketMissing(bucket) => write!(f, "Bucket {bucket} does not exists"),
            BucketPolicyNotJson(e) => write!(f, "The bucket policy is not valid JSON: {e}"),
            AllowAllGetAndPolicyFile => {
                f.write_str("Cannot pass both --allow-all-get and --policy-file")
            }
            NoPolicyGiven => f.write_str("Pass --policy-file or --allow-all-get"),
            PolicyFileNotJson(e) => write!(f, "The policy file is not valid JSON: {e}"),
            NoPublicAccessSetting => {
                f.write_str("No valid options provided. Use --help to see available options.")
            }
            CredentialsExpired(at) => write!(
                f,
                "the credentials expired at {}; a URL signed with them would not work",
                crate::output::py_datetime(*at)
            ),
            NoRoleToRevoke(role) => write!(
                f,
                "Role {role} does not exist: there are no sessions to revoke"
            ),
            LocalserverBucketMissing(bucket) => write!(f, "Bucket does not exist: {bucket}"),
            BadTokenEnv { var, rule } => write!(f, "{var}: {rule}"),
            ServerStart { reason, .. } => write!(f, "Failed to start server: {reason}"),
        }
    }
}

impl std::error::Error for CommandError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CommandError::Service(aws) => Some(aws),
            CommandError::BucketPolicyNotJson(e) | CommandError::PolicyFileNotJson(e) => Some(e),
            CommandError::ServerStart {
                source: Some(io), ..
            } => Some(io),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn exit_codes_follow_click() {
        assert_eq!(Failure::usage("policy", "x").exit_code(), 2);
        assert_eq!(Failure::UsageBare("x".into()).exit_code(), 2);
        assert_eq!(Failure::Exit(3).exit_code(), 3);
        assert_eq!(Failure::from(CommandError::KeysAndPrefix).exit_code(), 1);
        assert_eq!(Failure::from(Error::OutputClosed).exit_code(), 1);
    }

    #[test]
    fn service_errors_show_without_the_request_id_and_keep_the_cause() {
        let aws = AwsError {
            code: "NoSuchBucket".into(),
            message: "gone".into(),
            request_id: Some("R1".into()),
            status: 404,
            operation: "GetBucketCors".into(),
            ..AwsError::default()
        };
        let e = CommandError::Service(aws.clone());
        assert_eq!(
            e.to_string(),
            "An error occurred (NoSuchBucket) when calling the GetBucketCors operation: gone"
        );
        let cause = e.source().and_then(|s| s.downcast_ref::<AwsError>());
        assert_eq!(cause, Some(&aws));
        // The library's own Display adds the request id: the two differ on purpose.
        assert!(Error::Aws(aws).to_string().ends_with("(request id: R1)"));
    }

    #[test]
    fn server_start_keeps_the_io_error() {
        let io = std::io::Error::from_raw_os_error(98);
        let e = CommandError::ServerStart {
            reason: "[Errno 98] Address already in use".into(),
            source: Some(io),
        };
        assert_eq!(
            e.to_string(),
            "Failed to start server: [Errno 98] Address already in use"
        );
        let cause = e.source().and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(cause.and_then(std::io::Error::raw_os_error), Some(98));
    }
}
