//! `delete-bucket BUCKETS... [--force] [-s] [-d]` (issue 25; upstream issue 50): delete
//! empty buckets; with `--force`, everything in them first. notes/lifecycle.md §2 has
//! the design; the words and the batching are `lifecycle::delete_plan`'s.
//!
//! A bucket is emptied as delete-objects empties a prefix (`transfer::delete`): the
//! listing is counted first (the total is printed before anything goes), kept when
//! small and listed again otherwise, and deleted in batches of 1,000, one in flight.
//! A bucket that was never versioned is listed with ListObjectsV2 and its keys deleted
//! without version ids (delete-objects' requests and permissions); a versioned one
//! (Enabled or Suspended) with ListObjectVersions, every version and delete marker
//! named (past the 10,000 entries kept, in rounds each listed afresh: see `drain`).
//! Open multipart uploads are aborted before. DeleteBucket is sent only when
//! the emptying went through whole: never after a listing error, a key S3 would not
//! delete, or an interrupt.

use std::io::Write;

use serde_json::Value;

use super::args::Args;
use super::{CommandError, Failure, context, echo_err, stdout_error};
use crate::aws::s3::S3;
use crate::aws::s3::emptying::{ListedUpload, ListedVersion, Markers};
use crate::aws::s3::object::ObjectVersion;
use crate::error::Error;
use crate::lifecycle::delete_plan::{self, Contents, Entry, Upload};
use crate::output::py_repr;
use crate::transfer::delete;
use crate::transfer::listing::{self, Kept};

/// `delete-bucket BUCKETS...`: the buckets in order, the first failure stops.
pub(super) fn delete_bucket(args: Args) -> Result<(), Failure> {
    let Args {
        buckets,
        force,
        silent,
        dry_run,
        aws,
        ..
    } = args;
    let ctx = context(&aws.options())?;
    let s3 = ctx.s3();
    for name in &buckets {
        let bucket = Bucket {
            s3: &s3,
            name,
            silent,
        };
        match (dry_run, force) {
            (true, _) => bucket.dry_run(force)?,
            (false, true) => bucket.force()?,
            (false, false) => bucket.delete_if_empty()?,
        }
    }
    Ok(())
}

/// What a bucket holds, counted: its entries (kept when few, else listed again) and
/// its open uploads.
struct Survey {
    versioned: bool,
    contents: Contents,
    entries: Kept<Entry>,
    uploads: Kept<Upload>,
}

fn entry(v: ListedVersion) -> Entry {
    if v.delete_marker {
        Entry::delete_marker(&v.key, &v.version_id)
    } else {
        Entry::version(&v.key, &v.version_id, v.is_latest)
    }
}

/// A key of a never-versioned bucket: its one version, deleted without naming it.
fn unversioned(key: &str) -> Entry {
    Entry::version(key, "null", true)
}

fn upload(u: ListedUpload) -> Upload {
    Upload {
        key: u.key,
        upload_id: u.upload_id,
    }
}

/// S3's answer to what a server does not do.
fn not_implemented(e: &Error) -> bool {
    e.code() == Some("NotImplemented")
}

/// The pages of open uploads; none where the server cannot list them (it may still
/// hold some: DeleteBucket then says so).
fn uploads<'s>(
    s3: &'s S3<'s>,
    bucket: &'s str,
) -> impl Iterator<Item = Result<Vec<ListedUpload>, Error>> + 's {
    s3.upload_pages(bucket)
        .filter(|page| !page.as_ref().is_err_and(not_implemented))
}

/// What DeleteObjects names for an entry: its version on a versioned bucket.
fn object(e: Entry, versioned: bool) -> ObjectVersion {
    ObjectVersion {
        version_id: versioned.then_some(e.version_id),
        key: e.key,
    }
}

/// A text member of a DeleteObjects error (botocore's shape, as JSON).
fn member(error: &Value, name: &str) -> String {
    error[name].as_str().unwrap_or_default().to_string()
}

struct Bucket<'a> {
    s3: &'a S3<'a>,
    name: &'a str,
    silent: bool,
}

impl Bucket<'_> {
    /// A progress line on stderr, unless `--silent`.
    fn say(&self, line: Option<String>) {
        if let Some(line) = line.filter(|_| !self.silent) {
            echo_err(line);
        }
    }

    /// Without `--force`: DeleteBucket, and when S3 says the bucket is not empty, what
    /// it holds.
    fn delete_if_empty(&self) -> Result<(), Failure> {
        match self.s3.delete_bucket(self.name) {
            Ok(()) => {
                self.say(Some(delete_plan::deleted_bucket(self.name)));
                Ok(())
            }
            Err(e) if e.code() == Some("BucketNotEmpty") => {
                let survey = self.survey(false)?;
                Err(self.not_empty(&survey).into())
            }
            Err(e) => Err(e.into()),
        }
    }

    fn not_empty(&self, survey: &Survey) -> CommandError {
        CommandError::BucketNotEmpty {
            bucket: self.name.to_string(),
            contents: survey.contents,
        }
    }

    /// Count what the bucket holds: GetBucketVersioning, then its listing (ListObjectsV2
    /// or ListObjectVersions) and ListMultipartUploads. `keep`: keep the entries when
    /// few, for the pass that acts on them.
    fn survey(&self, keep: bool) -> Result<Survey, Error> {
        let (s3, bucket) = (self.s3, self.name);
        let versioned = match s3.get_bucket_versioning(bucket) {
            Ok(status) => status.is_some(),
            // A server without versioning (s3s-fs) holds no versions.
            Err(e) if not_implemented(&e) => false,
            Err(e) => return Err(e),
        };
        let mut contents = Contents::default();
        let mut count = |e: Entry| {
            contents.add(&e);
            keep.then_some(e)
        };
        let entries = if versioned {
            listing::count_pages(s3.version_pages(bucket), |v| count(entry(v)))?
        } else {
            listing::count_pass(s3, bucket, None, |k| count(unversioned(&k.key)))?
        };
        let uploads = listing::count_pages(uploads(s3, bucket), |u| {
            contents.uploads += 1;
            keep.then(|| upload(u))
        })?;
        Ok(Survey {
            versioned,
            contents,
            entries,
            uploads,
        })
    }

    /// The surveyed entries again, in listing order, for `consume`.
    fn with_entries<R>(
        &self,
        survey: &Survey,
        consume: impl FnOnce(&mut dyn Iterator<Item = Result<Entry, Error>>) -> R,
    ) -> R {
        let (s3, bucket) = (self.s3, self.name);
        if survey.versioned {
            let pages = || s3.version_pages(bucket);
            survey
                .entries
                .replay_pages(pages, |v| Some(entry(v)), consume)
        } else {
            let wanted = |k: crate::aws::s3::list::ListedKey| Some(unversioned(&k.key));
            survey.entries.replay(s3, bucket, None, wanted, consume)
        }
    }

    /// The surveyed uploads again, for `consume`.
    fn with_uploads<R>(
        &self,
        survey: &Survey,
        consume: impl FnOnce(&mut dyn Iterator<Item = Result<Upload, Error>>) -> R,
    ) -> R {
        let (s3, bucket) = (self.s3, self.name);
        let pages = || uploads(s3, bucket);
        survey
            .uploads
            .replay_pages(pages, |u| Some(upload(u)), consume)
    }

    /// `--force`: abort the uploads, delete every entry in batches, then the bucket.
    fn force(&self) -> Result<(), Failure> {
        let (s3, bucket) = (self.s3, self.name);
        let survey = self.survey(true)?;
        let versioned = survey.versioned;
        let (mut deleted, mut failed) = (0, 0);
        // Ctrl-C lets the request in flight finish (a batch's answer says what it
        // deleted), starts no other, and says how far it got; the bucket stays.
        crate::interrupt::finishing(|| {
            self.say(delete_plan::aborting(bucket, survey.contents.uploads));
            self.with_uploads(&survey, |uploads| {
                for upload in uploads {
                    let upload = upload?;
                    crate::interrupt::check()?;
                    match s3.abort_multipart_upload(bucket, &upload.key, &upload.upload_id) {
                        // Gone already: another client completed or aborted it.
                        Err(e) if e.code() == Some("NoSuchUpload") => {}
                        other => other?,
                    }
                }
                Ok::<(), Error>(())
            })?;
            self.say(delete_plan::deleting(bucket, &survey.contents));
            let mut report = |errors: Vec<Value>| {
                failed += errors.len();
                let shown = format!(
                    "Errors deleting objects: {}",
                    py_repr(&Value::Array(errors))
                );
                echo_err(shown);
            };
            if versioned && !survey.entries.is_kept() {
                return self.drain(survey.contents.entries(), &mut deleted, &mut report);
            }
            self.with_entries(&survey, |entries| {
                // A never-versioned bucket's keys go without a version id, as
                // delete-objects sends them (no s3:DeleteObjectVersion needed).
                let mut objects = entries.map(|e| e.map(|e| object(e, versioned)));
                delete::in_batches(s3, bucket, &mut objects, &mut deleted, &mut report)
            })
        })
        .map_err(|e| {
            e.note_if_interrupted(|| delete_plan::interrupted(bucket, deleted, &survey.contents))
        })?;
        if failed > 0 {
            return Err(CommandError::BucketNotDeleted {
                bucket: bucket.to_string(),
                failed,
            }
            .into());
        }
        s3.delete_bucket(bucket)?;
        self.say(Some(delete_plan::deleted_bucket(bucket)));
        Ok(())
    }

    /// Delete the versions of a bucket too big to keep its listing: each round lists
    /// afresh from the start (what earlier rounds deleted is gone) and deletes that
    /// page. A version listing continues from the version it was last given, and a
    /// listing running ahead of the deletions would give it one already deleted (moto
    /// then lists nothing more). Versions S3 would not delete stay: later rounds start
    /// after the last of them. At most `total` entries (what was counted): a server
    /// that keeps listing what it says it deleted cannot keep this going.
    fn drain(
        &self,
        total: usize,
        deleted: &mut usize,
        report: &mut dyn FnMut(Vec<Value>),
    ) -> Result<(), Error> {
        let (s3, bucket) = (self.s3, self.name);
        let (mut seen, mut resume) = (0, None);
        while seen < total {
            let Some(page) = s3.first_version_page(bucket, resume.clone())? else {
                break;
            };
            let page: Vec<Entry> = page.into_iter().take(total - seen).map(entry).collect();
            seen += page.len();
            let mut refused = Vec::new();
            let mut objects = page.iter().map(|e| Ok(object(e.clone(), true)));
            delete::in_batches(s3, bucket, &mut objects, deleted, |errors| {
                refused.extend(
                    errors
                        .iter()
                        .map(|e| (member(e, "Key"), member(e, "VersionId"))),
                );
                report(errors)
            })?;
            // The last version of the page that is still there, in listing order.
            if let Some(last) = page
                .iter()
                .rev()
                .find(|e| refused.contains(&(e.key.clone(), e.version_id.clone())))
            {
                resume = Some(Markers {
                    key: last.key.clone(),
                    id: last.version_id.clone(),
                });
            }
        }
        Ok(())
    }

    /// `--dry-run`: what would go, on stdout; nothing is deleted. Without `--force`, a
    /// bucket that is not empty is refused as a real run refuses it.
    fn dry_run(&self, force: bool) -> Result<(), Failure> {
        let bucket = self.name;
        let survey = self.survey(true)?;
        if !force && !survey.contents.is_empty() {
            return Err(self.not_empty(&survey).into());
        }
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let mut line = |text: String| -> Result<(), Error> {
            out.write_all(text.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .map_err(stdout_error)
        };
        line(delete_plan::dry_run_header(bucket))?;
        self.with_entries(&survey, |entries| {
            for e in entries {
                line(e?.dry_run_line())?;
            }
            Ok::<(), Error>(())
        })?;
        if force {
            self.with_uploads(&survey, |uploads| {
                for u in uploads {
                    line(u?.dry_run_line())?;
                }
                Ok::<(), Error>(())
            })?;
        }
        line(delete_plan::dry_run_footer(bucket))?;
        Ok(out.flush().map_err(stdout_error)?)
    }
}
