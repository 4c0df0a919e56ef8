//! Downloads: to a writer (stdout) as one stream, or to a file through a temporary
//! file in the target directory that is renamed into place only once every byte has
//! arrived and checked out. Big objects come as parallel ranged GETs written in place;
//! a connection that breaks mid-body is resumed from the last byte received (a Range
//! request with If-Match, so a changed object is never stitched together).
//!
//! The object's size is always known before its GET (the listing's `Size` or HEAD's
//! `Content-Length`), and every response is held to it: a `Content-Length` or
//! `Content-Range` that says otherwise, a body that ends early (also a chunked one that
//! ends cleanly) or one that runs long is a failed attempt, retried like a dropped
//! connection and reported when the attempts run out; never a complete download.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::checksum::Verifier;
pub(crate) use super::fetch::Source;
use super::fetch::{Span, fetch_span, with_buffer};
use super::localfs::Dir;
use super::progress::Progress;
use super::{Settings, ranges};
use crate::aws::s3::object::ObjectInfo;
use crate::error::{Error, TransferError};
use crate::pool;

/// Stream the whole object to `out` (stdout). The object is looked up first (as the
/// original does), so a missing key fails before anything is written, and its size is
/// what every response is held to. A body that breaks off is resumed from the bytes
/// already written; one that runs long fails at once (what is written stays written).
pub(crate) fn download_to_writer(src: Source, out: &mut dyn Write) -> Result<(), Error> {
    let head = src.s3.head_object(src.bucket, src.key)?;
    let mut verifier = head
        .checksum
        .as_ref()
        .and_then(|(alg, _)| Verifier::new(alg));
    let mut sink = |_offset: u64, bytes: &[u8]| -> Result<(), Error> {
        out.write_all(bytes).map_err(crate::error::stdout_error)?;
        if let Some(v) = &mut verifier {
            v.update(bytes);
        }
        Ok(())
    };
    let hidden = Progress::hidden();
    let span = Span::whole(head.size);
    let got = fetch_span(src, span, head.etag.as_deref(), false, &mut sink, &hidden)?;
    out.flush().map_err(crate::error::stdout_error)?;
    // The checksum the GET itself returned wins: it describes the bytes we read.
    check(
        src,
        got.checksum.as_ref().or(head.checksum.as_ref()),
        verifier,
    )
}

fn check(
    src: Source,
    expected: Option<&(String, String)>,
    verifier: Option<Verifier>,
) -> Result<(), Error> {
    let (Some((alg, want)), Some(v)) = (expected, verifier) else {
        return Ok(());
    };
    let got = v.finish();
    if &got == want {
        Ok(())
    } else {
        Err(TransferError::ChecksumMismatch {
            url: src.url(),
            algorithm: alg.clone(),
            expected: want.clone(),
            got,
        }
        .into())
    }
}

/// Where a file download goes: `name` in the open directory `dir`; `shown` is how
/// messages name it.
#[derive(Clone, Copy)]
pub(crate) struct Dest<'a> {
    pub dir: &'a Dir,
    pub name: &'a OsStr,
    pub shown: &'a Path,
}

/// A temporary file beside the destination, removed unless it is renamed into place
/// (also when Ctrl-C unwinds the download: the error drops it).
struct TempFile<'a> {
    dir: &'a Dir,
    name: OsString,
    file: File,
    keep: bool,
}

impl<'a> TempFile<'a> {
    fn beside(dest: Dest<'a>) -> Result<TempFile<'a>, Error> {
        let (name, file) = dest
            .dir
            .create_temp()
            .map_err(|e| write_error(dest.shown, e))?;
        Ok(TempFile {
            dir: dest.dir,
            name,
            file,
            keep: false,
        })
    }

    fn persist(mut self, dest: Dest) -> Result<(), Error> {
        self.dir
            .publish(&self.file, &self.name, dest.name)
            .map_err(|e| write_error(dest.shown, e))?;
        self.keep = true;
        Ok(())
    }
}

impl Drop for TempFile<'_> {
    fn drop(&mut self) {
        if !self.keep {
            let _ = self.dir.remove(&self.name);
        }
    }
}

fn write_error(dest: &Path, e: std::io::Error) -> Error {
    Error::io(format!("Could not write {}", dest.display()), e)
}

/// Download the object to `dest`. `size` is the object's size when a listing already
/// said it; otherwise (and for big objects, to learn their checksum) it is looked up.
pub(crate) fn download_to_file(
    src: Source,
    settings: &Settings,
    dest: Dest,
    size: Option<u64>,
    progress: &Progress,
) -> Result<(), Error> {
    let head = match size {
        Some(s) if s < settings.threshold => None,
        _ => Some(src.s3.head_object(src.bucket, src.key)?),
    };
    if let (Some(listed), Some(h)) = (size, &head) {
        if listed != h.size {
            return Err(Error::transport(format!(
                "Download of {} failed: the listing says {listed} bytes, HEAD says {}",
                src.url(),
                h.size
            )));
        }
    }
    let temp = TempFile::beside(dest)?;
    match head {
        Some(info) if info.size >= settings.threshold => {
            download_ranges(src, settings, &info, &temp.file, dest.shown, progress)?;
            verify_file(src, &info, &temp.file, dest.shown)?;
        }
        head => {
            let size = head.as_ref().map_or(size.unwrap_or_default(), |h| h.size);
            let alg = head
                .as_ref()
                .and_then(|h| h.checksum.as_ref())
                .map(|(alg, _)| alg.as_str());
            let mut verifier = alg.and_then(Verifier::new);
            let file = &temp.file;
            let mut sink = |offset: u64, bytes: &[u8]| -> Result<(), Error> {
                file.write_all_at(bytes, offset)
                    .map_err(|e| write_error(dest.shown, e))?;
                // A body that ran long starts over at 0: so does its checksum.
                if offset == 0 {
                    verifier = alg.and_then(Verifier::new);
                }
                if let Some(v) = &mut verifier {
                    v.update(bytes);
                }
                Ok(())
            };
            let etag = head.as_ref().and_then(|h| h.etag.clone());
            // Without a HEAD, the GET's own checksum header is the one to check; it is
            // known only once the response arrives, so the (small) file is hashed after.
            let span = Span::whole(size);
            let got = fetch_span(src, span, etag.as_deref(), true, &mut sink, progress)?;
            match head.as_ref().and_then(|h| h.checksum.as_ref()) {
                Some(expected) => check(src, Some(expected), verifier)?,
                None => verify_file(src, &got, &temp.file, dest.shown)?,
            }
        }
    }
    temp.persist(dest)
}

/// Fetch a big object as parallel ranges written into `file` at their offsets.
fn download_ranges(
    src: Source,
    settings: &Settings,
    info: &ObjectInfo,
    file: &File,
    dest: &Path,
    progress: &Progress,
) -> Result<(), Error> {
    file.set_len(info.size).map_err(|e| write_error(dest, e))?;
    let part = settings.part_size_for(info.size);
    let stop = AtomicBool::new(false);
    let results = pool::map(
        settings.workers,
        ranges(info.size, part),
        &stop,
        |(first, last)| {
            let mut sink = |offset: u64, bytes: &[u8]| -> Result<(), Error> {
                file.write_all_at(bytes, offset)
                    .map_err(|e| write_error(dest, e))
            };
            let span = Span::part(first, last, info.size);
            let r = fetch_span(src, span, info.etag.as_deref(), true, &mut sink, progress);
            if r.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            r
        },
    )?;
    for r in results.into_iter().flatten() {
        r?;
    }
    Ok(())
}

/// Check a downloaded file against the object's whole-object checksum, if the server
/// gave one we can compute.
fn verify_file(src: Source, info: &ObjectInfo, file: &File, dest: &Path) -> Result<(), Error> {
    let Some((alg, _)) = &info.checksum else {
        return Ok(());
    };
    let Some(mut v) = Verifier::new(alg) else {
        return Ok(());
    };
    let mut offset = 0u64;
    with_buffer(|buf| {
        loop {
            let n = file
                .read_at(buf, offset)
                .map_err(|e| write_error(dest, e))?;
            if n == 0 {
                return Ok::<(), Error>(());
            }
            v.update(&buf[..n]);
            offset += n as u64;
        }
    })?;
    check(src, info.checksum.as_ref(), Some(v))
}
