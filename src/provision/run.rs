//! Carrying out a [`Plan`]: the requests, in the original's order, with a note of
//! everything made so far, so that a failure (or Ctrl-C) can say what was left behind.

use super::error::ProvisionError;
use super::keys;
use super::plan::Plan;
use crate::assume;
use crate::aws::Context;
use crate::aws::iam::AccessKey;
use crate::aws::s3::bucket::PublicAccessSettings;
use crate::aws::sts::AssumedRole;
use crate::error::Error;
use crate::output::dumps;
use crate::policies;

const INDEX_DOCUMENT: &str = "index.html";
const ERROR_DOCUMENT: &str = "error.html";

/// Where a run's words go; the command decides how they look.
pub(crate) trait Reporter {
    /// A step done (`Created bucket: NAME`); `--silent` drops these.
    fn progress(&self, line: &str);
    /// A wait, shown even with `--silent`: a silent minute would look like a hang.
    fn notice(&self, line: &str);
    /// The new credentials, as soon as they exist: whoever reads them may use them at
    /// once, and a later step that fails must not lose them.
    fn issued(&self, credentials: Issued<'_>) -> Result<(), Error>;
}

/// What a run hands out.
pub(crate) enum Issued<'a> {
    /// `--duration`: AssumeRole's credentials.
    Temporary(&'a AssumedRole),
    /// The user's new access key.
    AccessKey(&'a AccessKey),
}

/// A run that stopped: the error, and what it made before (`bucket NAME`, `user
/// NAME`, ...), still in place.
pub(crate) struct Failure {
    pub error: Error,
    pub created: Vec<String>,
}

/// Every step of `plan`. Ctrl-C lets the request in flight finish, so that what it
/// made is known and listed in the [`Failure`]; no later step starts.
pub(crate) fn carry_out(
    plan: &Plan,
    ctx: &Context,
    reporter: &dyn Reporter,
) -> Result<(), Failure> {
    let mut run = Run {
        plan,
        ctx,
        reporter,
        created: Vec::new(),
    };
    let result = crate::interrupt::finishing(|| run.execute());
    result.map_err(|error| Failure {
        error,
        created: run.created,
    })
}

struct Run<'a> {
    plan: &'a Plan,
    ctx: &'a Context,
    reporter: &'a dyn Reporter,
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

    fn progress(&self, line: &str) {
        self.reporter.progress(line);
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
                return Err(ProvisionError::NoSuchBucket(bucket.clone()).into());
            }
            // Without --bucket-region, the client's region (the profile's): the original
            // sends no LocationConstraint, which S3 refuses outside us-east-1.
            let implicit = Some(self.ctx.session().region.as_str()).filter(|r| *r != "us-east-1");
            s3.create_bucket(bucket, plan.bucket_region.as_deref().or(implicit))?;
            self.created.push(format!("bucket {bucket}"));
            let mut info = format!("Created bucket: {bucket}");
            if let Some(region) = &plan.bucket_region {
                info.push_str(&format!(" in region: {region}"));
            }
            self.progress(&info);
            if plan.public {
                s3.put_public_access_settings(bucket, &PublicAccessSettings::ALL_OFF)?;
                self.created
                    .push(format!("public access block of bucket {bucket}"));
                self.progress("Set public access block configuration");
                let policy = dumps(&policies::bucket_policy_allow_all_get(bucket), None);
                s3.put_bucket_policy(bucket, &policy)?;
                self.created
                    .push(format!("bucket policy of bucket {bucket}"));
                self.progress("Attached bucket policy allowing public access");
            }
            if plan.website {
                s3.put_bucket_website(bucket, INDEX_DOCUMENT, ERROR_DOCUMENT)?;
                self.created
                    .push(format!("website configuration of bucket {bucket}"));
                self.progress(
                    "Configured website: IndexDocument=index.html, ErrorDocument=error.html",
                );
            }
            if !plan.tags.is_empty() {
                s3.put_bucket_tagging(bucket, &plan.tags)?;
                self.created.push(format!("tags of bucket {bucket}"));
                self.progress(&format!(
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
        self.progress(&format!("Assume role against {role_arn} for {duration}s"));
        let role = assume::assume(
            self.ctx,
            &role_arn,
            &plan.session_name(),
            &dumps(&plan.session_policy, None),
            duration,
            is_new,
            &mut |message| self.reporter.notice(message),
        )?;
        self.reporter.issued(Issued::Temporary(&role))
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
            self.progress(&format!("Created {}", plan.user_info()));
            if !plan.tags.is_empty() {
                self.progress(&format!("... tagged with: {}", plan.tags_json()));
            }
        }
        for (name, document) in &plan.user_policies {
            iam.put_user_policy(&plan.username, name, &dumps(document, None))?;
            self.created
                .push(format!("inline policy {name} of user {}", plan.username));
            self.progress(&format!("Attached policy {name} to user {}", plan.username));
        }
        let reporter = self.reporter;
        let progress = |line: &str| reporter.progress(line);
        let key = keys::create_key(
            self.ctx,
            &plan.username,
            plan.keys,
            &progress,
            &mut self.created,
        )?;
        self.progress(&format!("Created access key for user: {}", plan.username));
        // Before handing the key out: whoever reads it may use it at once. Handed out
        // even if the wait fails (a key whose secret is lost is of no use to anyone).
        let waited = if plan.keys.wait {
            keys::wait_until_usable(self.ctx, &key, &|line| reporter.notice(line))
        } else {
            Ok(0)
        };
        reporter.issued(Issued::AccessKey(&key))?;
        waited?;
        if plan.keys.deactivate_existing {
            // After the new key is out, so that a failure here cannot lose it.
            let keep = key.access_key_id.as_deref().unwrap_or_default();
            keys::deactivate_others(self.ctx, &plan.username, keep, &progress)?;
        }
        Ok(())
    }
}
