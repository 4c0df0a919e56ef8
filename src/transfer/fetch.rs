//! The bytes of one span of an object over as many GETs as it takes: each response is
//! held to the size known before the GET (the listing's `Size`, HEAD's
//! `Content-Length`), a body that stops short is resumed from its last byte (a Range
//! with If-Match, so a changed object is never stitched together), and one that runs
//! past the size starts over. Every such failure counts as an attempt; when they run
//! out the download fails, so a short or long body is never taken for the object.

use std::io::Read;

use super::checksum::BUF;
use super::progress::Progress;
use crate::aws::http::Streaming;
use crate::aws::s3::S3;
use crate::aws::s3::object::ObjectInfo;
use crate::error::Error;

/// The object to fetch.
#[derive(Clone, Copy)]
pub(crate) struct Source<'a> {
    pub s3: &'a S3<'a>,
    pub bucket: &'a str,
    pub key: &'a str,
}

impl Source<'_> {
    pub(crate) fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// Which bytes to fetch: `first..end` of an object of `size` bytes. A `whole` span
/// starts with a GET without Range, so that the server can send the object's checksum.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub first: u64,
    pub end: u64,
    pub size: u64,
    pub whole: bool,
}

impl Span {
    pub(crate) fn whole(size: u64) -> Span {
        Span {
            first: 0,
            end: size,
            size,
            whole: true,
        }
    }

    /// Bytes `first..=last` of an object of `size` bytes.
    pub(crate) fn part(first: u64, last: u64, size: u64) -> Span {
        Span {
            first,
            end: last + 1,
            size,
            whole: false,
        }
    }
}

/// Where downloaded bytes go: each piece with its offset in the object.
pub(crate) type Sink<'a> = dyn FnMut(u64, &[u8]) -> Result<(), Error> + 'a;

/// Why copying a body stopped.
enum CopyError {
    /// The connection failed: worth resuming.
    Network(std::io::Error),
    /// The body went on past the bytes it should have: worth starting over.
    TooLong,
    /// Writing locally failed: not worth retrying.
    Local(Error),
}

thread_local! {
    /// One read buffer per worker thread, reused for every object it fetches (a fresh
    /// 256 KiB buffer per small object costs more than the object).
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Run `f` with this thread's read buffer.
pub(crate) fn with_buffer<T>(f: impl FnOnce(&mut [u8]) -> T) -> T {
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

/// Where one response's body goes: bytes up to `end` are delivered; past it, a body
/// that legitimately goes on (`beyond_is_fine`: a whole object sent to a ranged
/// request) is left unread, any other is too long.
struct Copy<'s, 'a> {
    offset: u64,
    skip: u64,
    end: u64,
    beyond_is_fine: bool,
    sink: &'s mut Sink<'a>,
}

/// Read `body` to its end (or to `copy.end`), handing each piece to the sink with its
/// object offset; `copy.offset` moves past every byte delivered, also when the
/// connection then breaks.
fn copy_body(
    body: &mut dyn Read,
    copy: &mut Copy,
    progress: &Progress,
    buf: &mut [u8],
) -> Result<(), CopyError> {
    loop {
        if copy.beyond_is_fine && copy.offset >= copy.end {
            return Ok(());
        }
        let n = match body.read(buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Network(e)),
        };
        let mut piece = &buf[..n];
        // A server that ignored our Range resends bytes we already have.
        let dropped = copy.skip.min(piece.len() as u64);
        copy.skip -= dropped;
        piece = &piece[dropped as usize..];
        if piece.is_empty() {
            continue;
        }
        let room = copy.end.saturating_sub(copy.offset);
        let too_long = piece.len() as u64 > room;
        if too_long {
            piece = &piece[..room as usize];
        }
        if !piece.is_empty() {
            (copy.sink)(copy.offset, piece).map_err(CopyError::Local)?;
            progress.add(piece.len() as u64);
            copy.offset += piece.len() as u64;
        }
        if too_long && !copy.beyond_is_fine {
            return Err(CopyError::TooLong);
        }
    }
}

/// A header's value as a number of bytes.
fn number(resp: &Streaming, name: &str) -> Option<u64> {
    resp.header(name)?.trim().parse().ok()
}

/// `Content-Range: bytes first-last/total` (total None for `*`).
fn content_range(resp: &Streaming) -> Option<(u64, u64, Option<u64>)> {
    let spec = resp
        .header("content-range")?
        .trim()
        .strip_prefix("bytes ")?;
    let (span, total) = spec.split_once('/')?;
    let (first, last) = span.split_once('-')?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    Some((first.trim().parse().ok()?, last.trim().parse().ok()?, total))
}

/// What a response promises, checked against what we asked and know.
enum Answer {
    /// Its body starts `skip` bytes before what we need and may go on past the span.
    Body { skip: u64, beyond_is_fine: bool },
    /// It contradicts the size we know: another attempt may do better.
    Wrong(String),
}

fn check_answer(
    src: Source,
    span: &Span,
    range: Option<(u64, u64)>,
    resp: &Streaming,
) -> Result<Answer, Error> {
    let length = number(resp, "content-length");
    let whole_object = |skip: u64| match length {
        Some(n) if n != span.size => Answer::Wrong(format!(
            "the response has {n} bytes, the object {}",
            span.size
        )),
        _ => Answer::Body {
            skip,
            beyond_is_fine: !span.whole,
        },
    };
    Ok(match (range, resp.status) {
        (None, 200) => whole_object(0),
        // The whole object again (a server that ignores Range): drop what we have.
        (Some((pos, _)), 200) => whole_object(pos),
        (Some((pos, last)), 206) => match content_range(resp) {
            Some((first, got_last, total)) if first == pos => {
                if total.is_some_and(|t| t != span.size) {
                    Answer::Wrong(format!(
                        "the response says the object has {} bytes, not {}",
                        total.unwrap_or_default(),
                        span.size
                    ))
                } else if got_last != last || length.is_some_and(|n| n != last - pos + 1) {
                    Answer::Wrong(format!(
                        "asked for bytes {pos}-{last}, the response has bytes {first}-{got_last} in {} bytes",
                        length.map_or("an unknown number of".to_string(), |n| n.to_string())
                    ))
                } else {
                    Answer::Body {
                        skip: 0,
                        beyond_is_fine: false,
                    }
                }
            }
            _ => return Err(unexpected(src, resp)),
        },
        _ => return Err(unexpected(src, resp)),
    })
}

fn unexpected(src: Source, resp: &Streaming) -> Error {
    Error::transport(format!(
        "Unexpected answer to a GET of {}: status {}, Content-Range {:?}",
        src.url(),
        resp.status,
        resp.header("content-range")
    ))
}

/// Fetch `span` of the object, resuming after broken connections and starting over
/// after bodies that run long (only when `can_restart`: bytes already handed to a
/// stream cannot be taken back), up to the retry limit. Returns what the first
/// accepted response said about the object.
pub(crate) fn fetch_span(
    src: Source,
    span: Span,
    etag: Option<&str>,
    can_restart: bool,
    sink: &mut Sink,
    progress: &Progress,
) -> Result<ObjectInfo, Error> {
    let max_failures = src.s3.max_attempts();
    let mut failures = 0;
    let mut pos = span.first;
    let mut info: Option<ObjectInfo> = None;
    let mut etag = etag.map(str::to_string);
    loop {
        // The first request of a whole-object fetch has no Range (so the server can send
        // the object's checksum); every other asks for what is still missing, and only
        // of the same object (If-Match).
        let range = if span.whole && info.is_none() {
            None
        } else if pos < span.end {
            Some((pos, span.end - 1))
        } else {
            break;
        };
        let mut resp = src
            .s3
            .get_object(src.bucket, src.key, range, etag.as_deref())?;
        let why = match check_answer(src, &span, range, &resp)? {
            Answer::Wrong(why) => why,
            Answer::Body {
                skip,
                beyond_is_fine,
            } => {
                if info.is_none() {
                    let got = src.s3.object_info(&resp);
                    etag = etag.or(got.etag.clone());
                    info = Some(got);
                }
                let mut copy = Copy {
                    offset: pos,
                    skip,
                    end: span.end,
                    beyond_is_fine,
                    sink,
                };
                let mut reader = resp.body.as_reader();
                let copied = with_buffer(|buf| copy_body(&mut reader, &mut copy, progress, buf));
                pos = copy.offset;
                match copied {
                    Err(CopyError::Local(e)) => return Err(e),
                    // Every byte is here (the size is known independently): a connection
                    // that breaks after the last one loses nothing.
                    Ok(()) | Err(CopyError::Network(_)) if pos >= span.end => break,
                    Ok(()) => "the body ended early".to_string(),
                    Err(CopyError::Network(e)) => {
                        // The transport stops a read when Ctrl-C comes: not a network failure.
                        crate::interrupt::check()?;
                        e.to_string()
                    }
                    Err(CopyError::TooLong) => {
                        let why = format!("the body runs past the object's {} bytes", span.size);
                        if !can_restart {
                            return Err(Error::transport(format!(
                                "Download of {} failed: {why}",
                                src.url()
                            )));
                        }
                        pos = span.first;
                        why
                    }
                }
            }
        };
        failures += 1;
        if failures >= max_failures {
            return Err(Error::transport(format!(
                "Download of {} failed after {failures} attempts at byte {pos} of {}: {why}",
                src.url(),
                span.end
            )));
        }
    }
    Ok(info.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_all(
        chunks: &[&[u8]],
        offset: u64,
        skip: u64,
        end: u64,
        beyond_is_fine: bool,
    ) -> (Vec<u8>, u64, Result<(), &'static str>) {
        let data: Vec<u8> = chunks.concat();
        let mut got = Vec::new();
        let mut sink = |_: u64, b: &[u8]| -> Result<(), Error> {
            got.extend_from_slice(b);
            Ok(())
        };
        let mut copy = Copy {
            offset,
            skip,
            end,
            beyond_is_fine,
            sink: &mut sink,
        };
        let mut buf = [0u8; 4];
        let r = copy_body(&mut &data[..], &mut copy, &Progress::hidden(), &mut buf);
        let r = r.map_err(|e| match e {
            CopyError::TooLong => "too long",
            CopyError::Network(_) => "network",
            CopyError::Local(_) => "local",
        });
        let offset = copy.offset;
        (got, offset, r)
    }

    #[test]
    fn bodies_stop_at_the_known_size() {
        // Exactly the size.
        assert_eq!(
            copy_all(&[b"abcdef"], 0, 0, 6, false),
            (b"abcdef".to_vec(), 6, Ok(()))
        );
        // Longer than the size: the extra bytes are never delivered.
        assert_eq!(
            copy_all(&[b"abcdefgh"], 0, 0, 6, false),
            (b"abcdef".to_vec(), 6, Err("too long"))
        );
        // A whole object sent for a part: skip what we have, stop at the part's end.
        assert_eq!(
            copy_all(&[b"abcdefgh"], 2, 2, 5, true),
            (b"cde".to_vec(), 5, Ok(()))
        );
        // Shorter: delivered as far as it goes; the caller sees the offset.
        assert_eq!(
            copy_all(&[b"abc"], 0, 0, 6, false),
            (b"abc".to_vec(), 3, Ok(()))
        );
    }
}
