//! The object commands: put-object, get-object, put-objects, get-objects and
//! delete-objects. Each parses its arguments, plans the transfer as the original does
//! (same keys, same order, same messages), and hands the moving to `transfer`.

use std::io::Write;
use std::path::PathBuf;

use super::args::Args;
use super::{CommandError, Failure};
use super::{context, echo_err, stdout_error};
use crate::error::Error;
use crate::output::{format_bytes, py_repr};
use crate::transfer::delete;
use crate::transfer::download::{self, Dest, Source};
use crate::transfer::localfs::Dir;
use crate::transfer::many::DownloadPlan;
use crate::transfer::paths::LocalFile;
use crate::transfer::progress::Progress;
use crate::transfer::upload::{self, FileJob, Target};
use crate::transfer::walk;
use crate::transfer::{MAX_WORKERS, Settings};

/// `command`'s `--workers`, checked like click's IntRange.
fn workers(command: &'static str, given: Option<i64>) -> Result<Option<usize>, Failure> {
    match given {
        Some(n) if (1..=MAX_WORKERS as i64).contains(&n) => Ok(Some(n as usize)),
        Some(n) => Err(Failure::usage(
            command,
            format!("Invalid value for '--workers': {n} is not in the range 1<=x<={MAX_WORKERS}."),
        )),
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

/// `put-object BUCKET KEY PATH`: one file, or stdin with `-`.
pub(super) fn put_object(args: Args) -> Result<(), Failure> {
    let workers = workers("put-object", args.workers)?;
    let Args {
        bucket,
        key,
        path,
        silent,
        content_type,
        aws,
        ..
    } = args;
    let aws = aws.options();
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
        return Ok(result?);
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
    Ok(result?)
}

/// `get-object BUCKET KEY [-o FILE]`.
pub(super) fn get_object(args: Args) -> Result<(), Failure> {
    let workers = workers("get-object", args.workers)?;
    let Args {
        bucket,
        key,
        output,
        aws,
        ..
    } = args;
    let aws = aws.options();
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
            Ok(download::download_to_writer(src, &mut out)?)
        }
        Some(dest) => {
            let could_not_write = |e| Error::io(format!("Could not write {}", dest.display()), e);
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
            Ok(download::download_to_file(
                src,
                &settings,
                to,
                None,
                &Progress::hidden(),
            )?)
        }
    }
}

/// `put-objects BUCKET OBJECTS...`.
pub(super) fn put_objects(args: Args) -> Result<(), Failure> {
    let workers = workers("put-objects", args.workers)?;
    let Args {
        bucket,
        objects,
        silent,
        dry_run,
        aws,
        ..
    } = args;
    let aws = aws.options();
    // `--prefix` ending in `/`, or empty.
    let prefix = match args.prefix {
        Some(p) if !p.ends_with('/') => format!("{p}/"),
        Some(p) => p,
        None => String::new(),
    };
    let settings = settings(workers)?;
    // The tree is walked twice, never held: first to check every name and add up the
    // sizes for the progress bar (failing before any upload, as the original does),
    // then to upload as the files are found.
    let stat = |f: LocalFile| -> Result<FileJob, Error> {
        let size = std::fs::metadata(&f.path)
            .map_err(|e| Error::io(format!("Could not read {}", f.shown), e))?
            .len();
        Ok(FileJob {
            key: format!("{prefix}{}", f.key),
            path: f.path,
            size,
        })
    };
    if dry_run {
        for f in walk::uploads(&objects) {
            f?;
        }
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        for f in walk::uploads(&objects) {
            let f = f?;
            writeln!(out, "{} => s3://{bucket}/{prefix}{}", f.shown, f.key)
                .map_err(stdout_error)?;
        }
        return Ok(out.flush().map_err(stdout_error)?);
    }
    let (mut total, mut count) = (0u64, 0usize);
    for f in walk::uploads(&objects) {
        total += stat(f?)?.size;
        count += 1;
    }
    let label = format!(
        "Uploading {} ({count} file{})",
        format_bytes(total),
        plural(count)
    );
    let ctx = context(&aws)?;
    let s3 = ctx.s3();
    let progress = Progress::start(&label, Some(total), silent);
    let files = walk::uploads(&objects).map(|f| f.and_then(stat));
    let result = upload::upload_files_from(&s3, &settings, &bucket, files, &progress);
    progress.finish();
    Ok(result?)
}

/// `get-objects BUCKET [KEYS...]`.
pub(super) fn get_objects(args: Args) -> Result<(), Failure> {
    let workers = workers("get-objects", args.workers)?;
    let Args {
        bucket,
        keys,
        patterns,
        silent,
        aws,
        ..
    } = args;
    let aws = aws.options();
    let output_dir = args.output.unwrap_or_else(|| PathBuf::from("."));
    let settings = settings(workers)?;
    let ctx = context(&aws)?;
    let s3 = ctx.s3();
    let plan = DownloadPlan::make(&s3, &settings, &bucket, &keys, &patterns, silent)?;
    let could_not_create = |e| Error::io(format!("Could not create {}", output_dir.display()), e);
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
        Err(Error::Failures(failures).into())
    }
}

/// `delete-objects BUCKET [KEYS...] [--prefix P]`.
pub(super) fn delete_objects(args: Args) -> Result<(), Failure> {
    let Args {
        bucket,
        keys,
        prefix,
        silent,
        dry_run,
        aws,
        ..
    } = args;
    let aws = aws.options();
    if !keys.is_empty() && prefix.is_some() {
        return Err(CommandError::KeysAndPrefix.into());
    }
    if keys.is_empty() && prefix.is_none() {
        return Err(CommandError::NoKeysNorPrefix.into());
    }
    let ctx = context(&aws)?;
    let s3 = ctx.s3();
    // A prefix's keys are counted first and listed again as they go (unless there were
    // few), so memory stays flat however many there are.
    let (total, mut keys) = match &prefix {
        Some(p) => {
            let counted = delete::count(&s3, &bucket, p)?;
            (counted.count, counted.kept)
        }
        // The original strips every key ("rogue \r characters"), which can delete a
        // different key than the one named ("a " -> "a"); we remove only line endings
        // left by copying keys from a CRLF file, and never touch listed keys.
        None => {
            let keys: Vec<String> = keys
                .into_iter()
                .map(|k| k.trim_end_matches(['\r', '\n']).to_string())
                .collect();
            (keys.len(), Some(keys))
        }
    };
    if !silent {
        echo_err(format!(
            "Deleting {total} object{} from {bucket}",
            plural(total)
        ));
    }
    // The keys in hand, or those listed again under the prefix.
    let mut with_keys =
        |consume: &mut dyn FnMut(delete::Keys) -> Result<(), Error>| match (keys.take(), &prefix) {
            (Some(kept), _) => consume(&mut kept.into_iter().map(Ok)),
            (None, Some(p)) if total > 0 => delete::with_listing(&s3, &bucket, p, consume),
            (None, _) => Ok(()),
        };
    if dry_run {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        out.write_all(b"The following keys would be deleted:\n")
            .map_err(stdout_error)?;
        with_keys(&mut |keys| {
            for key in keys {
                let key = key?;
                out.write_all(key.as_bytes())
                    .and_then(|()| out.write_all(b"\n"))
                    .map_err(stdout_error)?;
            }
            Ok(())
        })?;
        return Ok(out.flush().map_err(stdout_error)?);
    }
    // Ctrl-C lets the batch in flight finish (its answer says what it deleted), starts
    // no other, and says how far it got; a second Ctrl-C stops the batch too.
    let mut deleted = 0;
    crate::interrupt::finishing(|| {
        with_keys(&mut |keys| {
            delete::in_batches(&s3, &bucket, keys, &mut deleted, |errors| {
                echo_err(format!(
                    "Errors deleting objects: {}",
                    py_repr(&serde_json::Value::Array(errors))
                ))
            })
        })
    })
    .map_err(|e| {
        e.note_if_interrupted(|| {
            format!(
                "Deleted {deleted} of {total} object{} from {bucket} before the interrupt",
                plural(total)
            )
        })
        .into()
    })
}
