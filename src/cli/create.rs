//! `create`: credentials scoped to S3 buckets, either a new access key for an IAM
//! user with one inline policy per bucket (the permanent path), or temporary
//! credentials from AssumeRole with a session policy (`--duration`). `--dry-run`
//! prints the steps and sends nothing. The work itself is `crate::provision`; this
//! file reads the command line and prints.

use super::args::{Args, check_bucket};
use super::{CommandError, Failure};
use super::{context, echo, echo_err, print};
use crate::assume;
use crate::error::Error;
use crate::output::dumps;
use crate::policies::{self, Permission};
use crate::provision::{self, Issued, KeyOptions, Plan, Reporter, Request};

/// `create BUCKETS...`: check everything, then carry out the plan (or print it).
pub(super) fn run(args: Args) -> Result<(), Failure> {
    if args.read_only && args.write_only {
        return Err(CommandError::ReadOnlyAndWriteOnly.into());
    }
    let tags = super::tags::checked("create", &args.tags)?;
    // Temporary credentials are no access key: these would silently do nothing.
    if args.duration.is_some() {
        let key_options = [
            ("deactivate-existing-keys", args.deactivate_existing_keys),
            ("delete-oldest-key", args.delete_oldest_key),
            ("wait", args.wait),
            ("expires", args.expires.is_some()),
        ];
        if let Some((option, _)) = key_options.iter().find(|(_, given)| *given) {
            return Err(CommandError::KeyOptionWithDuration(option).into());
        }
    }
    let request = Request {
        // The names as given, checked as bucket names only when the plan is carried
        // out (`--dry-run` prints any name, as the original does).
        buckets: args.buckets.clone(),
        permission: Permission::from_flags(args.read_only, args.write_only),
        policy: args.policy,
        statements: args.statements,
        prefixes: args.prefixes,
        boundary: args.user_permissions_boundary,
        username: args.username,
        duration: args.duration,
        create_bucket: args.create_bucket,
        public: args.public,
        website: args.website,
        bucket_region: args.bucket_region,
        tags,
        expires: args.expires,
        keys: KeyOptions {
            deactivate_existing: args.deactivate_existing_keys,
            delete_oldest: args.delete_oldest_key,
            wait: args.wait,
        },
    };
    let plan = Plan::new(request)?;
    if args.dry_run {
        return Ok(print(dry_run(&plan))?);
    }
    // Names S3 cannot take are refused before anything is created (the original
    // fails on the first request with a ParamValidationError traceback).
    for bucket in &args.buckets {
        check_bucket("create", "BUCKETS", bucket.as_ref())?;
    }
    let ctx = context(&args.aws.options())?;
    let printer = Printer {
        ini: args.format.as_deref() == Some("ini"),
        silent: args.silent,
    };
    Ok(provision::carry_out(&plan, &ctx, &printer).map_err(left_in_place)?)
}

/// The run's words on the terminal: progress on stderr (unless `--silent`), the
/// credentials on stdout as JSON or INI.
struct Printer {
    ini: bool,
    silent: bool,
}

impl Reporter for Printer {
    fn progress(&self, line: &str) {
        if !self.silent {
            echo_err(line);
        }
    }

    fn notice(&self, line: &str) {
        echo_err(line);
    }

    fn issued(&self, credentials: Issued<'_>) -> Result<(), Error> {
        match (credentials, self.ini) {
            (Issued::Temporary(role), true) => echo(format!(
                "[default]\naws_access_key_id={}\naws_secret_access_key={}\naws_session_token={}",
                text(&role.access_key_id),
                text(&role.secret_access_key),
                text(&role.session_token),
            )),
            (Issued::Temporary(role), false) => echo(dumps(&role.to_json(), Some(4))),
            (Issued::AccessKey(key), true) => echo(format!(
                "[default]\naws_access_key_id={}\naws_secret_access_key={}",
                text(&key.access_key_id),
                text(&key.secret_access_key),
            )),
            (Issued::AccessKey(key), false) => echo(dumps(&key.to_json(), Some(4))),
        }
    }
}

/// A string member of a response (empty when absent), for the INI lines.
fn text(member: &Option<impl AsRef<str>>) -> &str {
    member.as_ref().map_or("", AsRef::as_ref)
}

/// The run's error, saying what it made before and left in place (the original
/// leaves it too, with a traceback): before `Aborted!` for an interrupt, as a line of
/// its own otherwise, so that it can be used or cleaned up.
fn left_in_place(provision::Failure { error, created }: provision::Failure) -> Error {
    if created.is_empty() {
        return error;
    }
    let made = created.join(", ");
    if let Error::Interrupted(_) = &error {
        return error.note_if_interrupted(|| {
            format!("Made before the interrupt and still in place: {made}")
        });
    }
    echo_err(format!("Made before the error and still in place: {made}"));
    error
}

/// What `--dry-run` prints, exactly as the original words it.
fn dry_run(plan: &Plan) -> String {
    let mut out = String::new();
    let mut line = |text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    for bucket in &plan.buckets {
        let args = match &plan.bucket_region {
            Some(region) => format!(
                " with args {}",
                dumps(
                    &serde_json::json!({
                        "CreateBucketConfiguration": {"LocationConstraint": region}
                    }),
                    Some(4)
                )
            ),
            None => String::new(),
        };
        line(&format!("Would create bucket: '{bucket}'{args}"));
        if plan.public {
            line("... then add this public access block configuration:");
            line(&dumps(&policies::public_access_block_all_off(), None));
            line("... then attach the following bucket policy to it:");
            line(&dumps(
                &policies::bucket_policy_allow_all_get(bucket),
                Some(4),
            ));
        }
        if plan.website {
            line("... then configure index.html and error.html website settings");
        }
        if !plan.tags.is_empty() {
            line(&format!("... then tag it with: {}", plan.tags_json()));
        }
    }
    if let Some(duration) = plan.duration {
        line(&format!("Would ensure role: '{}'", assume::ROLE_NAME));
        if !plan.tags.is_empty() {
            line(&format!(
                "... tagged, if it has to be created, with: {}",
                plan.tags_json()
            ));
        }
        line(&format!(
            "Would assume role using following policy for {duration} seconds:"
        ));
        line(&dumps(&plan.session_policy, Some(4)));
        return out;
    }
    line(&format!("Would create{}", plan.user_info()));
    if !plan.tags.is_empty() {
        line(&format!(
            "... tagged, if it has to be created, with: {}",
            plan.tags_json()
        ));
    }
    for (name, document) in &plan.user_policies {
        line(&format!(
            "Would attach policy called '{name}' to user '{}', details:\n{}",
            plan.username,
            dumps(document, Some(4))
        ));
    }
    if plan.keys.delete_oldest {
        line(&format!(
            "... deleting the oldest access key of user '{}' first if it already has two",
            plan.username
        ));
    }
    line(&format!(
        "Would call create access key for user '{}'",
        plan.username
    ));
    if plan.keys.wait {
        line("... then wait until the new access key works");
    }
    if plan.keys.deactivate_existing {
        line(&format!(
            "... then deactivate the other access keys of user '{}'",
            plan.username
        ));
    }
    out
}
