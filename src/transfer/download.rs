//! Downloads: to a writer (stdout) as one stream, or to a file through a temporary
//! file in the target directory that is renamed into place only once every byte has
//! arrived and checked out. Big objects come as parallel ranged GETs written in place;
//! a connection that breaks mid-body is resumed from the last byte received (a Range
//! request with If-Match, so a changed object is never stitched together).

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::checksum::{BUF, Verifier};
use super::progress::Progress;
use super::{Settings, pool, ranges};
use crate::aws::s3::S3;
use crate::aws::s3::object::ObjectInfo;
use crate::error::Error;

/// The object to fetch.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub s3: &'a S3<'a>,
    pub bucket: &'a str,
    pub key: &'a str,
}

impl Source<'_> {
    fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// Where downloaded bytes go: each piece with its offset in the object.
type Sink<'a> = dyn FnMut(u64, &[u8]) -> Result<(), Error> + 'a;

/// Why copying a body stopped.
enum CopyError {
    /// The connection failed: worth resuming.
    Network(std::io::Error),
    /// Writing locally failed: not worth retrying.
    Local(Error),
}

thread_local! {
    /// One read buffer per worker thread, reused for every object it fetches (a fresh
    /// 256 KiB buffer per small object costs more than the object).
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Run `f` with this thread's read buffer.
fn with_buffer<T>(f: impl FnOnce(&mut [u8]) -> T) -> T {
    BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            if buf.len() < BUF {
                buf.resize(BUF, 0);
            }
            f(&mut buf)
        }
        // Already in use further up this thread's stack: use a buffer of its own.
        Err(_) => f(&mut vec![0u8; BUF]),
    })
}

/// Read `body` to its end, handing each piece to `sink` with its object offset;
/// `offset` moves past every byte delivered, also when the connection then breaks.
fn copy_body(
    body: &mut dyn Read,
    offset: &mut u64,
    skip: &mut u64,
    sink: &mut Sink,
    progress: &Progress,
) -> Result<(), CopyError> {
    with_buffer(|buf| copy_body_with(body, offset, skip, sink, progress, buf))
}

fn copy_body_with(
    body: &mut dyn Read,
    offset: &mut u64,
    skip: &mut u64,
    sink: &mut Sink,
    progress: &Progress,
    buf: &mut [u8],
) -> Result<(), CopyError> {
    loop {
        let n = match body.read(buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Network(e)),
        };
        let mut piece = &buf[..n];
        // A server that ignored our Range resends bytes we already have.
        let dropped = (*skip).min(piece.len() as u64);
        *skip -= dropped;
        piece = &piece[dropped as usize..];
        if piece.is_empty() {
            continue;
        }
        sink(*offset, piece).map_err(CopyError::Local)?;
        progress.add(piece.len() as u64);
        *offset += piece.len() as u64;
    }
}

/// The first byte a `Content-Range: bytes first-last/total` response starts at.
fn range_start(resp: &crate::aws::http::Streaming) -> Option<u64> {
    let value = resp.header("content-range")?;
    let spec = value.trim().strip_prefix("bytes ")?;
    spec.split('-').next()?.trim().parse().ok()
}

/// Fetch bytes `first..=last` of the object (the whole object when `last` is None and
/// `first` is 0), resuming after broken connections up to the retry limit. Returns what
/// the first response said about the object.
fn fetch_span(
    src: Source,
    first: u64,
    last: Option<u64>,
    etag: Option<&str>,
    sink: &mut Sink,
    progress: &Progress,
) -> Result<ObjectInfo, Error> {
    let max_failures = src.s3.ctx.http.max_attempts();
    let mut failures = 0;
    let mut pos = first;
    let mut info: Option<ObjectInfo> = None;
    let mut etag = etag.map(str::to_string);
    let whole = first == 0 && last.is_none();
    loop {
        // The first request of a whole-object fetch has no Range (so the server can send
        // the object's checksum); every other asks for what is still missing, and only
        // of the same object (If-Match).
        let range = if whole && info.is_none() {
            None
        } else {
            let end = last.or_else(|| info.as_ref().and_then(|i| i.size.checked_sub(1)));
            match end {
                Some(end) if pos <= end => Some((pos, end)),
                _ => break,
            }
        };
        let mut resp = src
            .s3
            .get_object(src.bucket, src.key, range, etag.as_deref())?;
        let mut skip = 0;
        if range.is_some() {
            match (resp.status, range_start(&resp)) {
                (206, Some(start)) if start == pos => {}
                (200, _) => skip = pos, // the whole object again: drop what we have
                _ => {
                    return Err(Error::transport(format!(
                        "Unexpected answer to a ranged GET of {}: status {}, Content-Range {:?}",
                        src.url(),
                        resp.status,
                        resp.header("content-range")
                    )));
                }
            }
        }
        if info.is_none() {
            let got = src.s3.object_info(&resp);
            etag = etag.or(got.etag.clone());
            info = Some(got);
        }
        let expected_end = match (range, &info) {
            (Some((_, end)), _) => end + 1,
            (None, Some(i)) => i.size,
            (None, None) => 0,
        };
        let mut reader = resp.body.as_reader();
        let broken = match copy_body(&mut reader, &mut pos, &mut skip, sink, progress) {
            Ok(()) => None,
            Err(CopyError::Local(e)) => return Err(e),
            Err(CopyError::Network(e)) => {
                // The transport stops a read when Ctrl-C comes: not a network failure.
                crate::interrupt::check()?;
                Some(e.to_string())
            }
        };
        // ureq stops at Content-Length; fewer bytes means the connection broke.
        if broken.is_none() && pos >= expected_end {
            break;
        }
        failures += 1;
        if failures >= max_failures {
            let why = broken.unwrap_or_else(|| "the connection closed early".to_string());
            return Err(Error::transport(format!(
                "Download of {} failed after {failures} attempts at byte {pos} of {expected_end}: {why}",
                src.url()
            )));
        }
    }
    Ok(info.unwrap_or_default())
}

/// Stream the whole object to `out` (stdout). The object is looked up first (as the
/// original does), so a missing key fails before anything is written.
pub fn download_to_writer(src: Source, out: &mut dyn Write) -> Result<(), Error> {
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
    let got = fetch_span(src, 0, None, head.etag.as_deref(), &mut sink, &hidden)?;
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
        Err(Error::msg(format!(
            "Checksum mismatch downloading {}: the server says {alg} {want}, the bytes received give {got}",
            src.url()
        )))
    }
}

/// A temporary file beside the destination, removed unless it is renamed into place
/// (also when Ctrl-C unwinds the download: the error drops it).
struct TempFile {
    path: PathBuf,
    file: File,
    keep: bool,
}

impl TempFile {
    fn beside(dest: &Path) -> Result<TempFile, Error> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let path = dir.join(format!(".s3-credentials-{}-{n}.part", std::process::id()));
        let file = File::options()
            .write(true)
            .read(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| write_error(dest, e))?;
        Ok(TempFile {
            path,
            file,
            keep: false,
        })
    }

    fn persist(mut self, dest: &Path) -> Result<(), Error> {
        std::fs::rename(&self.path, dest).map_err(|e| write_error(dest, e))?;
        self.keep = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn write_error(dest: &Path, e: std::io::Error) -> Error {
    Error::io(format!("Could not write {}", dest.display()), e)
}

/// Download the object to `dest`. `size` is the object's size when a listing already
/// said it; otherwise (and for big objects, to learn their checksum) it is looked up.
pub fn download_to_file(
    src: Source,
    settings: &Settings,
    dest: &Path,
    size: Option<u64>,
    progress: &Progress,
) -> Result<(), Error> {
    let head = match size {
        Some(s) if s < settings.threshold => None,
        _ => Some(src.s3.head_object(src.bucket, src.key)?),
    };
    let temp = TempFile::beside(dest)?;
    match head {
        Some(info) if info.size >= settings.threshold => {
            download_ranges(src, settings, &info, &temp.file, dest, progress)?;
            verify_file(src, &info, &temp.file, dest)?;
        }
        head => {
            let mut verifier = head
                .as_ref()
                .and_then(|h| h.checksum.as_ref())
                .and_then(|(alg, _)| Verifier::new(alg));
            let file = &temp.file;
            let mut sink = |offset: u64, bytes: &[u8]| -> Result<(), Error> {
                file.write_all_at(bytes, offset)
                    .map_err(|e| write_error(dest, e))?;
                if let Some(v) = &mut verifier {
                    v.update(bytes);
                }
                Ok(())
            };
            let etag = head.as_ref().and_then(|h| h.etag.clone());
            // Without a HEAD, the GET's own checksum header is the one to check; it is
            // known only once the response arrives, so the (small) file is hashed after.
            let got = fetch_span(src, 0, None, etag.as_deref(), &mut sink, progress)?;
            match head.as_ref().and_then(|h| h.checksum.as_ref()) {
                Some(expected) => check(src, Some(expected), verifier)?,
                None => verify_file(src, &got, &temp.file, dest)?,
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
            let r = fetch_span(
                src,
                first,
                Some(last),
                info.etag.as_deref(),
                &mut sink,
                progress,
            );
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
