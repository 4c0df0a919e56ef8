//! `create`: credentials scoped to S3 buckets, either a new access key for an IAM
//! user with one inline policy per bucket (the permanent path), or temporary
//! credentials from AssumeRole with a session policy (`--duration`). `--dry-run`
//! prints the steps and sends nothing.

use serde_json::Value;

use std::ffi::OsString;

use super::args::{Command, CommandSpec, Matches, aws_options};
use super::create_keys::{self, KeyOptions};
use super::{context, echo, echo_err, print};
use crate::assume;
use crate::aws::s3::bucket::PublicAccessSettings;
use crate::aws::{AwsOptions, Context};
use crate::error::Error;
use crate::output::dumps;
use crate::policies::{self, Permission};

/// Replaced by each bucket's name in a `--policy` document.
const BUCKET_PLACEHOLDER: &str = "$!BUCKET_NAME!$";
const INDEX_DOCUMENT: &str = "index.html";
const ERROR_DOCUMENT: &str = "error.html";
const BOUNDARY_READ_ONLY: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const BOUNDARY_FULL: &str = "arn:aws:iam::aws:policy/AmazonS3FullAccess";

/// Everything the command line asked for, checked, with every policy document
/// built before any request is sent (a bad `--policy` leaves nothing half-made).
struct Plan {
    buckets: Vec<String>,
    ini: bool,
    duration: Option<u64>,
    username: String,
    create_bucket: bool,
    public: bool,
    website: bool,
    bucket_region: Option<String>,
    silent: bool,
    /// The permissions boundary for a new user; None for `none`.
    boundary: Option<String>,
    /// `s3.<word>.<bucket>`: the permission, or `custom` with --policy/--statement.
    name_word: &'static str,
    /// (policy name, document) of each bucket's inline user policy.
    user_policies: Vec<(String, Value)>,
    /// The session policy for AssumeRole, covering every bucket.
    session_policy: Value,
    /// `--tag`s for what this run creates: the user, the role, the buckets.
    tags: Vec<(String, String)>,
    keys: KeyOptions,
}

impl Plan {
    fn from_matches(m: &Matches) -> Result<Plan, Error> {
        let read_only = m.flag("read-only");
        let write_only = m.flag("write-only");
        if read_only && write_only {
            return Err(Error::msg(
                "Cannot use --read-only and --write-only at the same time",
            ));
        }
        let permission = Permission::from_flags(read_only, write_only);
        let buckets = m.arg_list("BUCKETS")?;
        let policy = m.policy_text("policy");
        let statements = m.statements("statement");
        let custom = policy.is_some() || !statements.is_empty();
        let name_word = if custom {
            "custom"
        } else {
            permission.as_str()
        };
        let prefixes = m.texts("prefix")?;

        let mut user_policies = Vec::with_capacity(buckets.len());
        for bucket in &buckets {
            let document = match &policy {
                Some(text) => substitute(text, bucket)?,
                None => policies::bucket_policy(permission, bucket, &prefixes, &statements),
            };
            user_policies.push((format!("s3.{name_word}.{bucket}"), document));
        }
        let session_policy = match &policy {
            Some(text) => session_policy_from(text, &buckets, &user_policies)?,
            None => policies::buckets_policy(permission, &buckets, &prefixes, &statements),
        };

        // --policy and --statement grant more than S3 access, so a default boundary
        // would undo them: they imply `none` unless a boundary is given.
        let boundary = match m
            .text("user-permissions-boundary")?
            .filter(|b| !b.is_empty())
        {
            Some(b) if b == "none" => None,
            Some(b) => Some(b),
            None if custom => None,
            None if read_only => Some(BOUNDARY_READ_ONLY.to_string()),
            // Writing needs full access (write-only included).
            None => Some(BOUNDARY_FULL.to_string()),
        };
        let username = m
            .text("username")?
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| format!("s3.{name_word}.{}", buckets.join(",")));
        let website = m.flag("website");
        let tags = super::tags::from_matches(m)?;
        let keys = KeyOptions {
            deactivate_existing: m.flag("deactivate-existing-keys"),
            delete_oldest: m.flag("delete-oldest-key"),
            wait: m.flag("wait"),
        };
        let duration = m.seconds("duration");
        // Temporary credentials are no access key: these would silently do nothing.
        if duration.is_some() {
            for option in ["deactivate-existing-keys", "delete-oldest-key", "wait"] {
                if m.flag(option) {
                    return Err(Error::msg(format!(
                        "Cannot use --{option} with --duration: it makes no access key"
                    )));
                }
            }
        }
        Ok(Plan {
            ini: m.text("format")?.as_deref() == Some("ini"),
            duration,
            username,
            create_bucket: m.flag("create-bucket"),
            public: m.flag("public") || website,
            website,
            bucket_region: m.text("bucket-region")?.filter(|r| !r.is_empty()),
            silent: m.flag("silent"),
            boundary,
            name_word,
            user_policies,
            session_policy,
            buckets,
            tags,
            keys,
        })
    }

    fn log(&self, message: &str) {
        if !self.silent {
            echo_err(message);
        }
    }

    /// `user: 'NAME' with permissions boundary: 'ARN'`, after "Created " / "Would create".
    fn user_info(&self) -> String {
        let mut info = format!(" user: '{}'", self.username);
        if let Some(b) = &self.boundary {
            info.push_str(&format!(" with permissions boundary: '{b}'"));
        }
        info
    }

    /// The tags as shown in progress lines and `--dry-run`: `{"key": "value"}`.
    fn tags_json(&self) -> String {
        dumps(&super::tags::to_json(&self.tags), None)
    }

    fn session_name(&self) -> String {
        assume::session_name(&format!("s3.{}.{}", self.name_word, self.buckets.join(",")))
    }
}

/// The `--policy` text with the placeholder replaced, parsed. The text was valid
/// JSON, but a bucket name with `"` or `\` in it can break it.
fn substitute(text: &str, bucket: &str) -> Result<Value, Error> {
    serde_json::from_str(&text.replace(BUCKET_PLACEHOLDER, bucket)).map_err(|_| {
        Error::msg(format!(
            "--policy is not valid JSON once {BUCKET_PLACEHOLDER} is replaced by {}",
            super::args::py_str(bucket)
        ))
    })
}

/// The session policy for `--policy`. The original substitutes only the last
/// bucket, so temporary credentials for several buckets could reach only one of
/// them. Here, when the placeholder is used with several buckets, the statements of
/// every bucket's document are combined into one (duplicates dropped). A document
/// without a `Statement` cannot be combined and is used for the last bucket, as the
/// original does.
fn session_policy_from(
    text: &str,
    buckets: &[String],
    per_bucket: &[(String, Value)],
) -> Result<Value, Error> {
    let last = || match buckets.last() {
        Some(bucket) => substitute(text, bucket),
        None => serde_json::from_str(text).map_err(|_| Error::msg("--policy is not valid JSON")),
    };
    if buckets.len() < 2 || !text.contains(BUCKET_PLACEHOLDER) {
        return last();
    }
    let mut statements: Vec<Value> = Vec::new();
    for (_, document) in per_bucket {
        let items = match document.get("Statement") {
            Some(Value::Array(items)) => items.clone(),
            Some(one @ Value::Object(_)) => vec![one.clone()],
            _ => return last(),
        };
        for item in items {
            if !statements.contains(&item) {
                statements.push(item);
            }
        }
    }
    let mut combined = per_bucket[0].1.clone();
    if let Some(object) = combined.as_object_mut() {
        object.insert("Statement".to_string(), Value::Array(statements));
    }
    Ok(combined)
}

/// `create BUCKETS...`: the checked plan and what to do with it.
pub struct Create {
    plan: Plan,
    dry_run: bool,
    /// The names as given, checked as bucket names only when the plan is carried out
    /// (`--dry-run` prints any name, as the original does).
    bucket_names: Vec<OsString>,
    spec: &'static CommandSpec,
    aws: AwsOptions,
}

impl Command for Create {
    fn from_matches(m: &Matches) -> Result<Self, Error> {
        Ok(Create {
            plan: Plan::from_matches(m)?,
            dry_run: m.flag("dry-run"),
            bucket_names: m.arg_os("BUCKETS"),
            spec: m.spec,
            aws: aws_options(m)?,
        })
    }

    fn run(self) -> Result<(), Error> {
        create(self)
    }
}

fn create(args: Create) -> Result<(), Error> {
    let plan = args.plan;
    if args.dry_run {
        return print(dry_run(&plan));
    }
    // Names S3 cannot take are refused before anything is created (the original
    // fails on the first request with a ParamValidationError traceback).
    for bucket in &args.bucket_names {
        super::args::check_bucket(args.spec, "BUCKETS", bucket)?;
    }
    let ctx = context(&args.aws)?;
    let mut run = Run {
        plan: &plan,
        ctx: &ctx,
        created: Vec::new(),
    };
    // Ctrl-C lets the request in flight finish, so that what it made is known and
    // listed below; no later step starts.
    let result = crate::interrupt::finishing(|| run.execute());
    if let Err(Error::Interrupted(_)) = &result {
        return result.map_err(|e| interrupted_after(e, &run.created));
    }
    if result.is_err() && !run.created.is_empty() {
        // The original leaves whatever it made and prints a traceback; say what is
        // left so that it can be used or cleaned up.
        echo_err(format!(
            "Made before the error and still in place: {}",
            run.created.join(", ")
        ));
    }
    result
}

/// An interrupt, saying (before `Aborted!`) what was made before it.
fn interrupted_after(e: Error, created: &[String]) -> Error {
    if created.is_empty() {
        return e;
    }
    e.note_if_interrupted(|| {
        format!(
            "Made before the interrupt and still in place: {}",
            created.join(", ")
        )
    })
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

/// A real run: the requests, in the original's order.
struct Run<'a> {
    plan: &'a Plan,
    ctx: &'a Context,
    /// What has been made so far, for the report when a later step fails.
    created: Vec<String>,
}

impl Run<'_> {
    fn execute(&mut self) -> Result<(), Error> {
        self.ensure_buckets()?;
        match self.plan.duration {
            Some(duration) => self.temporary(duration),
            None => self.permanent(),
        }
    }

    /// Check each bucket; create (and configure) the missing ones with `-c`.
    fn ensure_buckets(&mut self) -> Result<(), Error> {
        let plan = self.plan;
        let s3 = self.ctx.s3();
        for bucket in &plan.buckets {
            // Unlike the original, only a 404 means "missing": expired or invalid
            // credentials and access denied are errors that say so.
            if s3.check_bucket(bucket)? {
                continue;
            }
            if !plan.create_bucket {
                return Err(Error::msg(format!(
                    "Bucket does not exist: {bucket} - try --create-bucket to create it"
                )));
            }
            // Without --bucket-region, the client's region (the profile's): the original
            // sends no LocationConstraint, which S3 refuses outside us-east-1.
            let implicit = Some(self.ctx.region.as_str()).filter(|r| *r != "us-east-1");
            s3.create_bucket(bucket, plan.bucket_region.as_deref().or(implicit))?;
            self.created.push(format!("bucket {bucket}"));
            let mut info = format!("Created bucket: {bucket}");
            if let Some(region) = &plan.bucket_region {
                info.push_str(&format!(" in region: {region}"));
            }
            plan.log(&info);
            if plan.public {
                s3.put_public_access_settings(bucket, &PublicAccessSettings::ALL_OFF)?;
                self.created
                    .push(format!("public access block of bucket {bucket}"));
                plan.log("Set public access block configuration");
                let policy = dumps(&policies::bucket_policy_allow_all_get(bucket), None);
                s3.put_bucket_policy(bucket, &policy)?;
                self.created
                    .push(format!("bucket policy of bucket {bucket}"));
                plan.log("Attached bucket policy allowing public access");
            }
            if plan.website {
                s3.put_bucket_website(bucket, INDEX_DOCUMENT, ERROR_DOCUMENT)?;
                self.created
                    .push(format!("website configuration of bucket {bucket}"));
                plan.log("Configured website: IndexDocument=index.html, ErrorDocument=error.html");
            }
            if !plan.tags.is_empty() {
                s3.put_bucket_tagging(bucket, &plan.tags)?;
                self.created.push(format!("tags of bucket {bucket}"));
                plan.log(&format!(
                    "Tagged bucket {bucket} with: {}",
                    plan.tags_json()
                ));
            }
        }
        Ok(())
    }

    /// `--duration`: AssumeRole on the s3-credentials role with the session policy.
    fn temporary(&mut self, duration: u64) -> Result<(), Error> {
        let plan = self.plan;
        let created = &mut self.created;
        let (role_arn, is_new) =
            assume::ensure_role_noting(self.ctx, &plan.tags, &mut |c| created.push(c))?;
        plan.log(&format!("Assume role against {role_arn} for {duration}s"));
        // The wait notice is shown even with --silent: a minute of silence would look
        // like a hang.
        let role = assume::assume(
            self.ctx,
            &role_arn,
            &plan.session_name(),
            &dumps(&plan.session_policy, None),
            duration,
            is_new,
            &mut |message| echo_err(message),
        )?;
        if plan.ini {
            echo(format!(
                "[default]\naws_access_key_id={}\naws_secret_access_key={}\naws_session_token={}",
                text(&role.access_key_id),
                text(&role.secret_access_key),
                text(&role.session_token),
            ))
        } else {
            echo(dumps(&role.to_json(), Some(4)))
        }
    }

    /// No duration: an IAM user (created when missing), one inline policy per
    /// bucket, and a new access key.
    fn permanent(&mut self) -> Result<(), Error> {
        let plan = self.plan;
        let iam = self.ctx.iam();
        if !iam.user_exists(&plan.username)? {
            iam.create_user(&plan.username, plan.boundary.as_deref(), &plan.tags)?;
            self.created.push(format!("user {}", plan.username));
            // The original's double space: "Created" + " user: ...".
            plan.log(&format!("Created {}", plan.user_info()));
            if !plan.tags.is_empty() {
                plan.log(&format!("... tagged with: {}", plan.tags_json()));
            }
        }
        for (name, document) in &plan.user_policies {
            iam.put_user_policy(&plan.username, name, &dumps(document, None))?;
            self.created
                .push(format!("inline policy {name} of user {}", plan.username));
            plan.log(&format!("Attached policy {name} to user {}", plan.username));
        }
        let log = |line: &str| plan.log(line);
        let key =
            create_keys::create_key(self.ctx, &plan.username, plan.keys, &log, &mut self.created)?;
        plan.log(&format!("Created access key for user: {}", plan.username));
        // Before printing: whoever reads the key may use it at once. Printed even if
        // the wait fails (a key whose secret is lost is of no use to anyone).
        let waited = if plan.keys.wait {
            create_keys::wait_until_usable(self.ctx, &key, &|line| echo_err(line))
        } else {
            Ok(0)
        };
        if plan.ini {
            echo(format!(
                "[default]\naws_access_key_id={}\naws_secret_access_key={}",
                text(&key.access_key_id),
                text(&key.secret_access_key),
            ))?;
        } else {
            echo(dumps(&key.to_json(), Some(4)))?;
        }
        waited?;
        if plan.keys.deactivate_existing {
            // After the new key is printed, so that a failure here cannot lose it.
            create_keys::deactivate_others(
                self.ctx,
                &plan.username,
                text(&key.access_key_id),
                &log,
            )?;
        }
        Ok(())
    }
}

/// A string member of a response (empty when absent), for the INI lines.
fn text(member: &Option<String>) -> &str {
    member.as_deref().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn docs(text: &str, buckets: &[&str]) -> (Vec<String>, Vec<(String, Value)>) {
        let buckets: Vec<String> = buckets.iter().map(|b| b.to_string()).collect();
        let per = buckets
            .iter()
            .map(|b| (format!("s3.custom.{b}"), substitute(text, b).unwrap()))
            .collect();
        (buckets, per)
    }

    #[test]
    fn placeholder_is_replaced_per_bucket() {
        let text = r#"{"Statement": [{"Resource": "arn:aws:s3:::$!BUCKET_NAME!$/*"}]}"#;
        let (_, per) = docs(text, &["a", "b"]);
        assert_eq!(per[0].1["Statement"][0]["Resource"], "arn:aws:s3:::a/*");
        assert_eq!(per[1].1["Statement"][0]["Resource"], "arn:aws:s3:::b/*");
    }

    #[test]
    fn session_policy_covers_every_bucket() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::$!BUCKET_NAME!$/*"},
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}"#;
        let (buckets, per) = docs(text, &["a", "b"]);
        let session = session_policy_from(text, &buckets, &per).unwrap();
        assert_eq!(
            session,
            json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"},
                {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})
        );
        // Key order of the first document is kept.
        let keys: Vec<&String> = session.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Version", "Statement"]);
    }

    #[test]
    fn session_policy_for_one_bucket_or_no_placeholder_is_the_document() {
        let text = r#"{"Statement": {"Resource": "$!BUCKET_NAME!$"}}"#;
        let (buckets, per) = docs(text, &["only"]);
        assert_eq!(
            session_policy_from(text, &buckets, &per).unwrap(),
            json!({"Statement": {"Resource": "only"}})
        );
        let fixed = r#"{"Statement": [{"Resource": "*"}]}"#;
        let (buckets, per) = docs(fixed, &["a", "b"]);
        assert_eq!(
            session_policy_from(fixed, &buckets, &per).unwrap(),
            json!({"Statement": [{"Resource": "*"}]})
        );
        // A single statement object is combined too.
        let (buckets, per) = docs(text, &["a", "b"]);
        assert_eq!(
            session_policy_from(text, &buckets, &per).unwrap(),
            json!({"Statement": [{"Resource": "a"}, {"Resource": "b"}]})
        );
    }

    #[test]
    fn documents_without_statements_fall_back_to_the_last_bucket() {
        let text = r#"["$!BUCKET_NAME!$"]"#;
        let (buckets, per) = docs(text, &["a", "b"]);
        assert_eq!(
            session_policy_from(text, &buckets, &per).unwrap(),
            json!(["b"])
        );
    }

    #[test]
    fn a_bucket_name_that_breaks_the_json_is_an_error() {
        let err = substitute(r#"{"R": "$!BUCKET_NAME!$"}"#, "a\"b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "--policy is not valid JSON once $!BUCKET_NAME!$ is replaced by 'a\"b'"
        );
    }
}
