//! Uploads: a file in one PutObject or in parallel parts, many files over the worker
//! pool, and a stream of unknown length (stdin) in parts buffered a few at a time.
//! Every request carries the body's CRC32 for the server to check; over plain HTTP the
//! body's SHA-256 is signed too. A multipart upload that fails is aborted.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::checksum::{self, Digests};
use super::progress::Progress;
use super::{MAX_OBJECT, MAX_PARTS, Settings, ranges};
use crate::aws::http::Body;
use crate::aws::s3::S3;
use crate::aws::s3::object::{CompletedPart, Payload};
use crate::error::{Error, TransferError};
use crate::pool::{self, Feeder};

/// How long AbortMultipartUpload may take after Ctrl-C.
const ABORT_DEADLINE: Duration = Duration::from_secs(5);

/// Memory a stream upload may hold in buffered parts (plus the part being read).
const STREAM_BUFFER_BUDGET: u64 = 32 * 1024 * 1024;

/// Where to put an object.
#[derive(Clone, Copy)]
pub(crate) struct Target<'a> {
    pub s3: &'a S3<'a>,
    pub bucket: &'a str,
    pub key: &'a str,
    pub content_type: Option<&'a str>,
}

/// One local file to upload.
#[derive(Debug, Clone)]
pub(crate) struct FileJob {
    pub path: PathBuf,
    pub key: String,
    pub size: u64,
}

fn read_error(path: &Path, e: std::io::Error) -> Error {
    Error::io(format!("Could not read {}", path.display()), e)
}

fn file_payload(s3: &S3, path: &Path, offset: u64, len: u64) -> Result<Payload, Error> {
    let Digests { crc32, sha256 } = checksum::of_file_range(path, offset, len, s3.signs_payloads())
        .map_err(|e| read_error(path, e))?;
    Ok(Payload {
        body: Body::File {
            path: path.to_path_buf(),
            offset,
            len,
        },
        crc32,
        sha256,
    })
}

/// Upload one file of `size` bytes.
pub(crate) fn upload_file(
    t: Target,
    settings: &Settings,
    path: &Path,
    size: u64,
    progress: &Progress,
) -> Result<(), Error> {
    if size > MAX_OBJECT {
        return Err(TransferError::FileTooLarge {
            path: path.to_path_buf(),
        }
        .into());
    }
    if size < settings.threshold {
        let payload = file_payload(t.s3, path, 0, size)?;
        t.s3.put_object(t.bucket, t.key, &payload, t.content_type)?;
        progress.add(size);
        return Ok(());
    }
    let part = settings.part_size_for(size);
    multipart(t, |upload_id| {
        let stop = AtomicBool::new(false);
        let results = pool::map(
            settings.workers,
            ranges(size, part).into_iter().enumerate().collect(),
            &stop,
            |(index, (first, last))| {
                let len = last - first + 1;
                let result = file_payload(t.s3, path, first, len).and_then(|payload| {
                    t.s3.upload_part(t.bucket, t.key, upload_id, index as u32 + 1, &payload)
                });
                match &result {
                    Ok(_) => progress.add(len),
                    Err(_) => stop.store(true, Ordering::Relaxed),
                }
                result
            },
        )?;
        collect_parts(results)
    })
}

/// The parts in order, or the first error.
fn collect_parts(
    results: Vec<Option<Result<CompletedPart, Error>>>,
) -> Result<Vec<CompletedPart>, Error> {
    let mut parts = Vec::with_capacity(results.len());
    let mut first_error = None;
    for r in results {
        match r {
            Some(Ok(p)) => parts.push(p),
            Some(Err(e)) => {
                first_error.get_or_insert(e);
            }
            None => {}
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(parts),
    }
}

/// CreateMultipartUpload, the parts `send_parts` uploads, CompleteMultipartUpload;
/// AbortMultipartUpload when anything fails, so no parts are left behind.
fn multipart(
    t: Target,
    send_parts: impl FnOnce(&str) -> Result<Vec<CompletedPart>, Error>,
) -> Result<(), Error> {
    // Ctrl-C lets the creation finish: cut off, the upload could still be made on the
    // server, under an id we would never learn and so could not abort.
    let upload_id = crate::interrupt::finishing(|| {
        t.s3.create_multipart_upload(t.bucket, t.key, t.content_type)
    })?;
    let result = send_parts(&upload_id).and_then(|parts| {
        // Once every part is up, Ctrl-C lets the completion finish: cut off, it could
        // still complete on the server, and the abort after it would fail.
        crate::interrupt::finishing(|| {
            t.s3.complete_multipart_upload(t.bucket, t.key, &upload_id, &parts)
        })
    });
    let Err(error) = result else {
        return Ok(());
    };
    if !crate::interrupt::requested() {
        // Best effort: the upload's own error is the one to report.
        let _ = t.s3.abort_multipart_upload(t.bucket, t.key, &upload_id);
        return Err(error);
    }
    // After Ctrl-C: a few seconds of its own, so that the user is not kept waiting by a
    // server that does not answer; a second Ctrl-C gives up at once. Either way the
    // user learns which upload is still open.
    let aborted = crate::interrupt::cleanup(ABORT_DEADLINE, || {
        t.s3.abort_multipart_upload(t.bucket, t.key, &upload_id)
    });
    let error = match error {
        Error::Interrupted(notes) => Error::Interrupted(notes),
        _ => Error::Interrupted(Vec::new()),
    };
    match aborted {
        Ok(()) => Err(error),
        Err(why) => Err(error.note_if_interrupted(|| {
            let why = match why {
                Error::Interrupted(_) => "interrupted again".to_string(),
                other => other.to_string(),
            };
            format!(
                "Could not abort multipart upload {upload_id} of s3://{}/{} ({why}); its parts \
                 stay on the server, billed, until it is aborted",
                t.bucket, t.key
            )
        })),
    }
}

/// Upload many files as `source` finds them (a directory walk), the small ones spread
/// over the worker pool, then each big one with its parts spread over the pool: each worker
/// takes the next file when it is free, so only the files in flight are held, whatever
/// the number of files. Big files are remembered (a path each, for at least 8 MiB of
/// data) and go after the small ones. Stops at the first failure, of the source or of an
/// upload, and returns the first in the source's order.
pub(crate) fn upload_files_from(
    s3: &S3,
    settings: &Settings,
    bucket: &str,
    source: impl Iterator<Item = Result<FileJob, Error>> + Send,
    progress: &Progress,
) -> Result<(), Error> {
    let stop = AtomicBool::new(false);
    let first_error: Mutex<Option<(usize, Error)>> = Mutex::new(None);
    let big: Mutex<Vec<FileJob>> = Mutex::new(Vec::new());
    let fail = |index: usize, e: Error| {
        stop.store(true, Ordering::Relaxed);
        if let Ok(mut first) = first_error.lock() {
            if first.as_ref().is_none_or(|(i, _)| index < *i) {
                *first = Some((index, e));
            }
        }
    };
    pool::each(settings.workers, source, &stop, |index, job| match job {
        Err(e) => fail(index, e),
        Ok(f) if f.size >= settings.threshold => {
            if let Ok(mut big) = big.lock() {
                big.push(f);
            }
        }
        Ok(f) => {
            let t = Target {
                s3,
                bucket,
                key: &f.key,
                content_type: None,
            };
            if let Err(e) = upload_file(t, settings, &f.path, f.size, progress) {
                fail(index, e);
            }
        }
    })?;
    if let Some((_, e)) = first_error.into_inner().ok().flatten() {
        return Err(e);
    }
    for f in big.into_inner().unwrap_or_default() {
        let t = Target {
            s3,
            bucket,
            key: &f.key,
            content_type: None,
        };
        upload_file(t, settings, &f.path, f.size, progress)?;
    }
    Ok(())
}

/// Read `want` bytes, or fewer if the input ends first. The buffer is allocated once at
/// its final size (read_to_end would grow it to as much as twice that).
fn read_up_to(input: &mut dyn Read, want: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; want as usize];
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

fn stdin_error(e: std::io::Error) -> Error {
    if crate::interrupt::check().is_err() {
        return Error::Interrupted(Vec::new());
    }
    Error::io("Could not read standard input", e)
}

/// Upload a stream of unknown length. Less than the multipart threshold goes in one
/// PutObject; more goes multipart, each part read into memory and handed to a worker,
/// with at most [`STREAM_BUFFER_BUDGET`] bytes of parts waiting or in flight.
pub(crate) fn upload_stream(
    t: Target,
    settings: &Settings,
    input: &mut dyn Read,
    progress: &Progress,
) -> Result<(), Error> {
    let sign = t.s3.signs_payloads();
    let first = read_up_to(input, settings.threshold).map_err(stdin_error)?;
    // Ctrl-C in a pipeline ends the program writing to us too: what looks like the end
    // of the input is then only where it stopped, and must not become an object.
    crate::interrupt::check()?;
    if (first.len() as u64) < settings.threshold {
        let d = checksum::of_bytes(&first, sign);
        let len = first.len() as u64;
        let payload = Payload {
            body: Body::Shared(Arc::new(first)),
            crc32: d.crc32,
            sha256: d.sha256,
        };
        t.s3.put_object(t.bucket, t.key, &payload, t.content_type)?;
        progress.add(len);
        return Ok(());
    }
    multipart(t, |upload_id| {
        let part_size = settings.stream_part_size(0);
        let workers = settings
            .workers
            .min((STREAM_BUFFER_BUDGET / part_size).max(1) as usize);
        // No room between the reader and the workers: the reader waits until a worker
        // takes its part, so at most `workers` parts are in flight plus the one read.
        let stop = AtomicBool::new(false);
        let done: Mutex<Vec<Result<CompletedPart, Error>>> = Mutex::new(Vec::new());
        let read_result = pool::stream(
            workers,
            0,
            &stop,
            // This thread reads stdin and feeds the workers.
            |feeder| feed_parts(settings, input, first, feeder, &stop),
            |(number, bytes): (u32, Vec<u8>)| {
                let d = checksum::of_bytes(&bytes, sign);
                let len = bytes.len() as u64;
                let payload = Payload {
                    body: Body::Shared(Arc::new(bytes)),
                    crc32: d.crc32,
                    sha256: d.sha256,
                };
                let r =
                    t.s3.upload_part(t.bucket, t.key, upload_id, number, &payload);
                match &r {
                    Ok(_) => progress.add(len),
                    Err(_) => stop.store(true, Ordering::Relaxed),
                }
                if let Ok(mut d) = done.lock() {
                    d.push(r);
                }
            },
        )?;
        read_result?;
        crate::interrupt::check()?;
        let mut results = done.into_inner().unwrap_or_default();
        results.sort_by_key(|r| r.as_ref().map_or(0, |p| p.number));
        let mut parts = Vec::with_capacity(results.len());
        for r in results {
            parts.push(r?);
        }
        Ok(parts)
    })
}

fn feed_parts(
    settings: &Settings,
    input: &mut dyn Read,
    first: Vec<u8>,
    feeder: &Feeder<(u32, Vec<u8>)>,
    stop: &AtomicBool,
) -> Result<(), Error> {
    // The first read may hold more than one part (threshold > part size).
    let mut pending = first;
    let mut number: u32 = 0;
    loop {
        while pending.len() as u64 >= settings.stream_part_size(u64::from(number)) {
            let size = settings.stream_part_size(u64::from(number)) as usize;
            let rest = pending.split_off(size);
            number += 1;
            if u64::from(number) > MAX_PARTS {
                return Err(TransferError::StdinTooLarge.into());
            }
            if !feeder.push((number, std::mem::replace(&mut pending, rest)), stop) {
                return Ok(()); // a worker failed (its error is reported) or a signal
            }
        }
        let want = settings.stream_part_size(u64::from(number)) - pending.len() as u64;
        let more = read_up_to(input, want).map_err(stdin_error)?;
        crate::interrupt::check()?;
        let ended = (more.len() as u64) < want;
        pending.extend_from_slice(&more);
        if ended {
            if !pending.is_empty() || number == 0 {
                number += 1;
                if u64::from(number) > MAX_PARTS {
                    return Err(TransferError::StdinTooLarge.into());
                }
                feeder.push((number, std::mem::take(&mut pending)), stop);
            }
            return Ok(());
        }
    }
}
