//! The object commands: put-object, get-object, put-objects, get-objects and
//! delete-objects. Each parses its arguments, plans the transfer as the original does
//! (same keys, same order, same messages), and hands the moving to `transfer`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::args::{Command, Matches, aws_options};
use super::{context, echo, echo_err, stdout_error};
use crate::aws::AwsOptions;
use crate::aws::s3::S3;
use crate::error::Error;
use crate::output::{format_bytes, py_repr};
use crate::transfer::download::{self, Source};
use crate::transfer::fnmatch::Pattern;
use crate::transfer::paths::{self, KeyPath};
use crate::transfer::progress::Progress;
use crate::transfer::upload::{self, FileJob, Target};
use crate::transfer::{MAX_WORKERS, Settings, pool};

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
    Settings::from_env(workers, |name| {
        crate::aws::config::Env::var(&crate::aws::config::ProcessEnv, name)
    })
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
        put_object(self)
    }
}

fn put_object(args: PutObject) -> Result<(), Error> {
    let PutObject {
        bucket,
        key,
        path,
        silent,
        content_type,
        workers,
        aws,
    } = args;
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
        .map_err(|e| {
            Error::msg(format!(
                "Could not read {}: {}",
                path.display(),
                super::args::io_reason(&e)
            ))
        })?
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
        get_object(self)
    }
}

fn get_object(args: GetObject) -> Result<(), Error> {
    let GetObject {
        bucket,
        key,
        output,
        workers,
        aws,
    } = args;
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
        Some(dest) => download::download_to_file(src, &settings, &dest, None, &Progress::hidden()),
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
        put_objects(self)
    }
}

fn put_objects(args: PutObjects) -> Result<(), Error> {
    let PutObjects {
        bucket,
        objects,
        silent,
        dry_run,
        prefix,
        workers,
        aws,
    } = args;
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
            .map_err(|e| {
                Error::msg(format!(
                    "Could not read {}: {}",
                    f.shown,
                    super::args::io_reason(&e)
                ))
            })?
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

/// What happened to one key of get-objects.
enum Outcome {
    Done,
    /// Reported at the end, as the original reports missing keys.
    Failed(String),
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
        get_objects(self)
    }
}

fn get_objects(args: GetObjects) -> Result<(), Error> {
    let GetObjects {
        bucket,
        keys,
        patterns,
        silent,
        output_dir,
        workers,
        aws,
    } = args;
    let settings = settings(workers)?;
    let ctx = context(&aws)?;
    let s3 = ctx.s3();

    // Sizes, as the original collects them for its progress bar: HEAD for named keys
    // (0 when that fails; the failure is reported after the download), the listing for
    // the rest. They also tell small objects (one GET) from big ones (ranges).
    let mut to_download: Vec<String> = keys.clone();
    // The original's key_sizes dict: one entry per key, the last size seen wins.
    let mut sizes: HashMap<String, u64> = HashMap::new();
    let mut known: HashMap<String, u64> = HashMap::new();
    if !keys.is_empty() && !silent {
        let stop = AtomicBool::new(false);
        let heads = pool::map(settings.workers, keys.clone(), &stop, |key| {
            s3.head_object(&bucket, &key).map(|i| i.size)
        })?;
        for (key, head) in keys.iter().zip(heads) {
            match head {
                Some(Ok(size)) => {
                    known.insert(key.clone(), size);
                    sizes.insert(key.clone(), size);
                }
                Some(Err(Error::Aws(_))) | None => {
                    sizes.insert(key.clone(), 0);
                }
                Some(Err(e)) => return Err(e),
            }
        }
    }
    if keys.is_empty() || !patterns.is_empty() {
        let listed = s3.list_keys(&bucket, None)?;
        let listed: Vec<(String, u64)> = listed
            .iter()
            .filter_map(|o| {
                let key = o.get("Key")?.as_str()?.to_string();
                let size = o.get("Size").and_then(|s| s.as_u64()).unwrap_or(0);
                Some((key, size))
            })
            .collect();
        if patterns.is_empty() {
            to_download.extend(listed.iter().map(|(k, _)| k.clone()));
        } else {
            // Each pattern filters the whole listing in turn, as fnmatch.filter does.
            for pattern in &patterns {
                let pattern = Pattern::new(pattern);
                to_download.extend(
                    listed
                        .iter()
                        .filter(|(k, _)| pattern.matches(k))
                        .map(|(k, _)| k.clone()),
                );
            }
        }
        let wanted: std::collections::HashSet<&str> =
            to_download.iter().map(String::as_str).collect();
        for (key, size) in &listed {
            if wanted.contains(key.as_str()) {
                known.insert(key.clone(), *size);
                if !silent {
                    sizes.insert(key.clone(), *size);
                }
            }
        }
    }

    std::fs::create_dir_all(&output_dir).map_err(|e| {
        Error::msg(format!(
            "Could not create {}: {}",
            output_dir.display(),
            super::args::io_reason(&e)
        ))
    })?;

    let total: u64 = sizes.values().sum();
    let label = format!(
        "Downloading {} ({} file{})",
        format_bytes(total),
        sizes.len(),
        plural(sizes.len())
    );
    let progress = Progress::start(&label, Some(total), silent);

    // Each key once (the original fetches a key twice when named twice or matched by
    // two patterns; the result is the same file), small ones over the pool, then the
    // big ones each with its ranges over the pool.
    let mut unique: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for key in &to_download {
        if seen.insert(key.as_str()) {
            unique.push(key);
        }
    }
    let (small, big): (Vec<&str>, Vec<&str>) = unique
        .iter()
        .partition(|k| known.get(**k).is_some_and(|s| *s < settings.threshold));
    let stop = AtomicBool::new(false);
    let fetch = |key: &str| -> Result<Outcome, Error> {
        let r = fetch_into(
            &s3,
            &settings,
            &bucket,
            key,
            &output_dir,
            known.get(key).copied(),
            &progress,
        );
        if r.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        r
    };
    let mut outcomes: HashMap<&str, Outcome> = HashMap::new();
    // On `?` the bar is dropped, which ends it before `Aborted!` is printed.
    let small_results = pool::map(settings.workers, small.clone(), &stop, fetch)?;
    for (key, r) in small.iter().zip(small_results) {
        if let Some(r) = r {
            outcomes.insert(key, r?);
        }
    }
    for key in big {
        outcomes.insert(key, fetch(key)?);
    }
    progress.finish();

    // Failures in the order of the keys, repeated for a key named twice, as the original.
    let errors: Vec<&str> = to_download
        .iter()
        .filter_map(|k| match outcomes.get(k.as_str()) {
            Some(Outcome::Failed(why)) => Some(why.as_str()),
            _ => None,
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::msg(errors.join("\n")))
    }
}

/// Download one key under `dir`. Keys S3 does not have (or will not give us) and keys
/// that are not safe paths are failures to report at the end; connection and disk
/// problems end the command.
fn fetch_into(
    s3: &S3,
    settings: &Settings,
    bucket: &str,
    key: &str,
    dir: &Path,
    size: Option<u64>,
    progress: &Progress,
) -> Result<Outcome, Error> {
    let relative = match paths::key_path(key) {
        Ok(KeyPath::File(p)) => p,
        Ok(KeyPath::Dir(p)) => {
            return Ok(match std::fs::create_dir_all(dir.join(&p)) {
                Ok(()) => Outcome::Done,
                Err(e) => Outcome::Failed(format!(
                    "Could not create {}: {}",
                    dir.join(&p).display(),
                    super::args::io_reason(&e)
                )),
            });
        }
        Err(why) => return Ok(Outcome::Failed(why)),
    };
    let dest = dir.join(&relative);
    if let Some(parent) = dest.parent() {
        if let Err(e) = std::fs::create_dir_all(parent) {
            return Ok(Outcome::Failed(format!(
                "Could not create {}: {}",
                parent.display(),
                super::args::io_reason(&e)
            )));
        }
    }
    let src = Source { s3, bucket, key };
    match download::download_to_file(src, settings, &dest, size, progress) {
        Ok(()) => Ok(Outcome::Done),
        // The original calls every ClientError "Not found"; only a 404 is one. Anything
        // else (access denied, a 503 that outlasted the retries) is said as it is.
        Err(Error::Aws(e)) if e.status == 404 => Ok(Outcome::Failed(format!("Not found: {key}"))),
        Err(Error::Aws(e)) => Ok(Outcome::Failed(format!("Could not download {key}: {e}"))),
        Err(e) => Err(e),
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
        delete_objects(self)
    }
}

fn delete_objects(args: DeleteObjects) -> Result<(), Error> {
    let DeleteObjects {
        bucket,
        keys,
        prefix,
        silent,
        dry_run,
        aws,
    } = args;
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
            .iter()
            .filter_map(|o| o.get("Key")?.as_str().map(str::to_string))
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
