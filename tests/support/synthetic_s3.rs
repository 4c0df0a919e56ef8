//! A synthetic S3 for benchmarks: a fast loopback HTTP/1.1 server that checks no
//! signatures and stores nothing. Its bucket (any name) holds `keys` objects named
//! `k0000001`, `k0000002`, ... of `size` bytes each; ListObjectsV2 pages them by 1,000 in
//! ascending order, GetObject/HeadObject answer with a body of `size` bytes, PutObject
//! reads and drops the body, DeleteObjects answers every key deleted (quietly: no
//! errors). Nothing changes: the same listing comes back after a delete, so runs can be
//! repeated. Std only, a thread per connection, keep-alive.
//!
//! Used by `examples/synthetic_s3.rs` (run by bench/bulk.sh).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

/// What the server holds.
#[derive(Clone, Copy, Debug)]
pub struct Synthetic {
    pub keys: u64,
    pub size: u64,
}

const PAGE: u64 = 1000;

fn key(i: u64) -> String {
    format!("k{i:07}")
}

/// The index a listing resumes after: the key in a token or `start-after`.
fn index_of(k: &str) -> u64 {
    k.strip_prefix('k')
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

impl Synthetic {
    /// Bind to a free loopback port and serve on a thread of its own; returns the port.
    pub fn start(self) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let _ = self.serve(conn);
                });
            }
        });
        port
    }

    fn serve(self, conn: TcpStream) -> std::io::Result<()> {
        conn.set_nodelay(true)?;
        let mut out = conn.try_clone()?;
        let mut reader = BufReader::with_capacity(64 * 1024, conn);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or("").to_string();
            let target = parts.next().unwrap_or("/").to_string();
            let (mut length, mut chunked) = (0u64, false);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h)? == 0 {
                    return Ok(());
                }
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((name, value)) = h.split_once(':') {
                    let value = value.trim();
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.parse().unwrap_or(0);
                    } else if name.eq_ignore_ascii_case("transfer-encoding") {
                        chunked = value.eq_ignore_ascii_case("chunked");
                    }
                }
            }
            let body = if chunked {
                read_chunked(&mut reader)?
            } else {
                let mut body = Vec::new();
                (&mut reader).take(length).read_to_end(&mut body)?;
                body
            };
            self.answer(&method, &target, &body, &mut out)?;
        }
    }

    fn answer(
        &self,
        method: &str,
        target: &str,
        body: &[u8],
        out: &mut TcpStream,
    ) -> std::io::Result<()> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let params: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        let param = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let object = path.trim_start_matches('/').split_once('/').map(|(_, k)| k);
        match (method, object) {
            ("GET", None) if param("list-type") == Some("2") => {
                let doc = self.page(
                    param("prefix").unwrap_or(""),
                    param("continuation-token").or(param("start-after")),
                );
                respond(out, 200, "application/xml", doc.as_bytes(), true)
            }
            ("POST", None) if param("delete").is_some() => {
                let _ = body;
                let doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult \
                           xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></DeleteResult>";
                respond(out, 200, "application/xml", doc.as_bytes(), true)
            }
            ("GET", Some(_)) => respond(
                out,
                200,
                "binary/octet-stream",
                &vec![b'x'; self.size as usize],
                true,
            ),
            ("HEAD", Some(_)) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: \"0\"\r\n\
                     Last-Modified: Sat, 28 Nov 2026 22:57:24 GMT\r\n\r\n",
                    self.size
                );
                out.write_all(head.as_bytes())
            }
            ("PUT", Some(_)) => respond(out, 200, "text/plain", b"", true),
            ("HEAD", None) => respond(out, 200, "text/plain", b"", false),
            _ => respond(
                out,
                404,
                "application/xml",
                b"<Error><Code>NoSuchKey</Code></Error>",
                true,
            ),
        }
    }

    /// One ListObjectsV2 page after `after`.
    fn page(&self, prefix: &str, after: Option<&str>) -> String {
        let first = after.map_or(1, |a| index_of(a) + 1);
        let mut doc = String::with_capacity(256 * 1024);
        doc.push_str(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult \
             xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name>",
        );
        let (mut count, mut last) = (0, None);
        let mut i = first;
        let mut entries = String::with_capacity(200 * 1024);
        while i <= self.keys && count < PAGE {
            let k = key(i);
            if k.starts_with(prefix) {
                entries.push_str(&format!(
                    "<Contents><Key>{k}</Key><LastModified>2026-11-28T22:57:24.000Z</LastModified>\
                     <ETag>&quot;0f343b0931126a20f133d67c2b018a3b&quot;</ETag><Size>{}</Size>\
                     <StorageClass>STANDARD</StorageClass></Contents>",
                    self.size
                ));
                count += 1;
                last = Some(k);
            }
            i += 1;
        }
        let truncated = i <= self.keys && count == PAGE;
        doc.push_str(&format!(
            "<Prefix>{prefix}</Prefix><KeyCount>{count}</KeyCount><MaxKeys>1000</MaxKeys>\
             <EncodingType>url</EncodingType><IsTruncated>{truncated}</IsTruncated>"
        ));
        doc.push_str(&entries);
        if let (true, Some(last)) = (truncated, last) {
            doc.push_str(&format!(
                "<NextContinuationToken>{last}</NextContinuationToken>"
            ));
        }
        doc.push_str("</ListBucketResult>");
        doc
    }
}

fn respond(
    out: &mut TcpStream,
    status: u16,
    kind: &str,
    body: &[u8],
    with_length: bool,
) -> std::io::Result<()> {
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nETag: \"0\"\r\n");
    if with_length || body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut all = head.into_bytes();
    all.extend_from_slice(body);
    out.write_all(&all)
}

fn read_chunked(reader: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let n = u64::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
        if n == 0 {
            let mut end = String::new();
            reader.read_line(&mut end)?;
            return Ok(body);
        }
        reader.by_ref().take(n).read_to_end(&mut body)?;
        let mut crlf = String::new();
        reader.read_line(&mut crlf)?;
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => out.push(b),
                    Err(_) => out.extend_from_slice(&bytes[i..i + 3]),
                }
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
