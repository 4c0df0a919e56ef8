//! The object commands: put-object, get-object, put-objects, get-objects and
//! delete-objects. Each parses its arguments, plans the transfer as the original does
//! (same keys, same order, same messages), and hands the moving to `transfer`.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use super::args::{Command, Matches, aws_options};
use super::{context, echo, echo_err, stdout_error};
use crate::aws::AwsOptions;
use crate::error::Error;
use crate::output::{format_bytes, py_repr};
use crate::transfer::download::{self, Dest, Source};
use crate::transfer::localfs::Dir;
use crate::transfer::many::DownloadPlan;
use crate::transfer::paths;
use crate::transfer::progress::Progress;
use crate::transfer::upload::{self, FileJob, Target};
use crate::transfer::{MAX_WORKERS, Settings};

/// `--workers`, checked like click's IntRange.
fn workers(m: &Matches) -> Result<Option<usize>, Error> {
    match m.int("workers") {
        Some(n) if (1..=MAX_WORKERS as i64).contains(&n) => Ok(Some(n as usize)),
        Some(n) => Err(m.usage_error(format!(
            "Invalid value for '--workers': {n} is not in the range 1<=x<={MAX_WORKERS}."
        ))),
        None => Ok(None),
    }
}

/// `--workers` or `S3_CREDENTIALS_WORKERS`, and the multipart sizes.
fn settings(workers: Option<usize>) -> Result<Settings, Error> {
    Settings::from_env(workers, &crate::aws::config::ProcessEnv)
}

/// "s" unless there is exactly one.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A text option the original tests for truth (`if prefix:`): empty counts as absent.
fn non_empty(m: &Matches, name: &str) -> Result<Option<String>, Error> {
    Ok(m.text(name)?.filter(|s| !s.is_empty()))
}

/// `put-object BUCKET KEY PATH`: one file, or stdin with `-`.
pub struct PutObject {
    bucket: String,
    key: String,
    /// `-` for stdin; a path need not be UTF-8.
    path: OsString,
    silent: bool,
    content_type: Option<String>,
    workers: Option<usize>,
    aws: AwsOptions,
}

impl Command for PutObject {
    fn from_matches(m: &Matches) -> Result<Self, Error> {
        Ok(PutObject {
            bucket: m.arg("BUCKET")?,
            key: m.arg("KEY")?,
            path: m.arg_os("PATH").into_iter().next().unwrap_or_default(),
            silent: m.flag("silent"),
            content_type: non_empty(m, "content-type")?,
            workers: workers(m)?,
            aws: aws_options(m)?,
        })
    }

    fn run(self) -> Result<(), Error> {
        let PutObject {
            bucket,
            key,
            path,
            silent,
            content_type,
            workers,
            aws,
        } = self;
        let settings = settings(workers)?;
        let ctx = context(&aws)?;
        let s3 = ctx.s3();
        if path == "-" {
            // The original reads all of stdin into memory first; we stream it in parts.
            let t = Target {
                s3: &s3,
                bucket: &bucket,
                key: &key,
                content_type: content_type.as_deref(),
            };
            let progress = Progress::start("Uploading", None, silent);
            // Read on a thread of its own, so that Ctrl-C is seen while stdin is silent.
            let mut stdin = crate::transfer::stdin::Stdin::start();
            let result = upload::upload_stream(t, &settings, &mut stdin, &progress);
            progress.finish();
            return result;
        }
        let path = PathBuf::from(path);
        let guessed = content_type
            .or_else(|| crate::mime::guess_type(&path.to_string_lossy()).map(str::to_string));
        let size = std::fs::metadata(&path)
            .map_err(|e| Error::io(format!("Could not read {}", path.display()), e))?
            .len();
        let t = Target {
            s3: &s3,
            bucket: &bucket,
            key: &key,
            content_type: guessed.as_deref(),
        };
        let progress = Progress::start("Uploading", Some(size), silent);
        let result = upload::upload_file(t, &settings, &path, size, &progress);
        progress.finish();
        result
    }
}

/// `get-object BUCKET KEY [-o FILE]`.
pub struct GetObject {
    bucket: String,
    key: String,
    output: Option<PathBuf>,
    workers: Option<usize>,
    aws: AwsOptions,
}

impl Command for GetObject {
    fn from_matches(m: &Matches) -> Result<Self, Error> {
        Ok(GetObject {
            bucket: m.arg("BUCKET")?,
            key: m.arg("KEY")?,
            output: m.path("output"),
            workers: workers(m)?,
            aws: aws_options(m)?,
        })
    }

    fn run(self) -> Result<(), Error> {
        let GetObject {
            bucket,
            key,
            output,
            workers,
            aws,
        } = self;
        let settings = settings(workers)?;
        let ctx = context(&aws)?;
        let s3 = ctx.s3();
        let src = Source {
            s3: &s3,
            bucket: &bucket,
            key: &key,
        };
        match output {
            None => {
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                download::download_to_writer(src, &mut out)
            }
            Some(dest) => {
                let could_not_write =
                    |e| Error::io(format!("Could not write {}", dest.display()), e);
                // The path is the user's own: links in its directory part are followed;
                // the file itself is replaced, never written through.
                let name = dest
                    .file_name()
                    .ok_or_else(|| could_not_write(std::io::ErrorKind::IsADirectory.into()))?;
                let parent = dest.parent().unwrap_or(std::path::Path::new("."));
                let dir = Dir::open(parent).map_err(could_not_write)?;
                let to = Dest {
                    dir: &dir,
                    name,
                    shown: &dest,
                };
                download::download_to_file(src, &settings, to, None, &Progress::hidden())
            }
        }
    }
}

/// `put-objects BUCKET OBJECTS...`.
pub struct PutObjects {
    bucket: String,
    objects: Vec<OsString>,
    silent: bool,
    dry_run: bool,
    /// `--prefix` ending in `/`, or empty.
    prefix: String,
    workers: Option<usize>,
    aws: AwsOptions,
}

impl Command for PutObjects {
    fn from_matches(m: &Matches) -> Result<Self, Error> {
        Ok(PutObjects {
            bucket: m.arg("BUCKET")?,
            objects: m.arg_os("OBJECTS"),
            silent: m.flag("silent"),
            dry_run: m.flag("dry-run"),
            prefix: match non_empty(m, "prefix")? {
                Some(p) if !p.ends_with('/') => format!("{p}/"),
                Some(p) => p,
                None => String::new(),
            },
            workers: workers(m)?,
            aws: aws_options(m)?,
        })
    }

    fn run(self) -> Result<(), Error> {
        let PutObjects {
            bucket,
            objects,
            silent,
            dry_run,
            prefix,
            workers,
            aws,
        } = self;
        let settings = settings(workers)?;
        let files = paths::collect_uploads(&objects).map_err(Error::msg)?;
        if dry_run {
            for f in &files {
                echo(format!("{} => s3://{bucket}/{prefix}{}", f.shown, f.key))?;
            }
            return Ok(());
        }
        let mut jobs = Vec::with_capacity(files.len());
        for f in files {
            let size = std::fs::metadata(&f.path)
                .map_err(|e| Error::io(format!("Could not read {}", f.shown), e))?
                .len();
            jobs.push(FileJob {
                key: format!("{prefix}{}", f.key),
                path: f.path,
                size,
            });
        }
        let total: u64 = jobs.iter().map(|j| j.size).sum();
        let label = format!(
            "Uploading {} ({} file{})",
            format_bytes(total),
            jobs.len(),
            plural(jobs.len())
        );
        let ctx = context(&aws)?;
        let s3 = ctx.s3();
        let progress = Progress::start(&label, Some(total), silent);
        let result = upload::upload_files(&s3, &settings, &bucket, jobs, &progress);
        progress.finish();
        result
    }
}

/// `get-objects BUCKET [KEYS...]`.
pub struct GetObjects {
    bucket: String,
    keys: Vec<String>,
    patterns: Vec<String>,
    silent: bool,
    output_dir: PathBuf,
    workers: Option<usize>,
    aws: AwsOptions,
}

impl Command for GetObjects {
    fn from_matches(m: &Matches) -> Result<Self, Error> {
        Ok(GetObjects {
            bucket: m.arg("BUCKET")?,
            keys: m.arg_list("KEYS")?,
            patterns: m.texts("pattern")?,
            silent: m.flag("silent"),
            output_dir: m.path("output").unwrap_or_else(|| PathBuf::from(".")),
            workers: workers(m)?,
            aws: aws_options(m)?,
        })
    }

    fn run(self) -> Result<(), Error> {
        let GetObjects {
            bucket,
            keys,
            patterns,
            silent,
            output_dir,
            workers,
            aws,
        } = self;
        let settings = settings(workers)?;
        let ctx = context(&aws)?;
        let s3 = ctx.s3();
        let plan = DownloadPlan::make(&s3, &settings, &bucket, &keys, &patterns, silent)?;
        let could_not_create =
            |e| Error::io(format!("Could not create {}", output_dir.display()), e);
        std::fs::create_dir_all(&output_dir).map_err(could_not_create)?;
        let dir = Dir::open(&output_dir).map_err(could_not_create)?;
        let (total, count) = plan.progress_total();
        let label = format!(
            "Downloading {} ({count} file{})",
            format_bytes(total),
            plural(count)
        );
        let progress = Progress::start(&label, Some(total), silent);
        // On `?` the bar is dropped, which ends it before `Aborted!` is printed.
        let failures = plan.download(&s3, &settings, &bucket, (&dir, &output_dir), &progress)?;
        progress.finish();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(Error::msg(failures.join("\n")))
        }
    }
}

/// `delete-objects BUCKET [KEYS...] [--prefix P]`.
pub struct DeleteObjects {
    bucket: String,
    keys: Vec<String>,
    prefix: Option<String>,
    silent: bool,
    dry_run: bool,
    aws: AwsOptions,
}

impl Command for DeleteObjects {
    fn from_matches(m: &Matches) -> Result<Self, Error> {
        Ok(DeleteObjects {
            bucket: m.arg("BUCKET")?,
            keys: m.arg_list("KEYS")?,
            prefix: non_empty(m, "prefix")?,
            silent: m.flag("silent"),
            dry_run: m.flag("dry-run"),
            aws: aws_options(m)?,
        })
    }

    fn run(self) -> Result<(), Error> {
        let DeleteObjects {
            bucket,
            keys,
            prefix,
            silent,
            dry_run,
            aws,
        } = self;
        if !keys.is_empty() && prefix.is_some() {
            return Err(Error::msg("Cannot pass both keys and --prefix"));
        }
        if keys.is_empty() && prefix.is_none() {
            return Err(Error::msg("Specify one or more keys or use --prefix"));
        }
        let ctx = context(&aws)?;
        let s3 = ctx.s3();
        let keys: Vec<String> = match &prefix {
            Some(p) => s3
                .list_keys(&bucket, Some(p))?
                .into_iter()
                .filter_map(|o| o.key)
                .collect(),
            // The original strips every key ("rogue \r characters"), which can delete a
            // different key than the one named ("a " -> "a"); we remove only line endings
            // left by copying keys from a CRLF file, and never touch listed keys.
            None => keys
                .into_iter()
                .map(|k| k.trim_end_matches(['\r', '\n']).to_string())
                .collect(),
        };
        if !silent {
            echo_err(format!(
                "Deleting {} object{} from {bucket}",
                keys.len(),
                plural(keys.len())
            ));
        }
        if dry_run {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let mut text = String::from("The following keys would be deleted:\n");
            for key in &keys {
                text.push_str(key);
                text.push('\n');
            }
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(stdout_error)?;
            return Ok(());
        }
        // Ctrl-C lets the batch in flight finish (its answer says what it deleted), starts
        // no other, and says how far it got; a second Ctrl-C stops the batch too.
        let mut deleted = 0;
        crate::interrupt::finishing(|| {
            for batch in keys.chunks(1000) {
                crate::interrupt::check()?;
                let errors = s3.delete_objects(&bucket, batch)?;
                deleted += batch.len().saturating_sub(errors.len());
                if !errors.is_empty() {
                    echo_err(format!(
                        "Errors deleting objects: {}",
                        py_repr(&serde_json::Value::Array(errors))
                    ));
                }
            }
            crate::interrupt::check().map_err(Error::from)
        })
        .map_err(|e| {
            e.note_if_interrupted(|| {
                format!(
                    "Deleted {deleted} of {} object{} from {bucket} before the interrupt",
                    keys.len(),
                    plural(keys.len())
                )
            })
        })
    }
}
