//! Just enough HTTP/1.1 for the mock server (reading requests) and for tests that talk to the
//! mock, moto or s3s-fs directly (one request per connection, or by hand on a kept stream).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// Header names lowercased, in the order received.
pub type Headers = Vec<(String, String)>;

/// The first value of header `name` (give it lowercase).
pub fn header<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn read_line(r: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<usize> {
    line.clear();
    let n = r.take(64 * 1024).read_until(b'\n', line)?;
    if n > 0 && !line.ends_with(b"\n") {
        return Err(bad("line too long or truncated"));
    }
    Ok(n)
}

/// Reads a start line and the headers after it. `Ok(None)` means the peer closed the
/// connection cleanly between messages (the normal end of a keep-alive connection).
pub fn read_head(r: &mut impl BufRead) -> io::Result<Option<(String, Headers)>> {
    let mut line = Vec::new();
    // Empty lines before a message are allowed (RFC 9112 §2.2).
    let start = loop {
        if read_line(r, &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        if !text.is_empty() {
            break text;
        }
    };
    let mut headers = Headers::new();
    loop {
        if read_line(r, &mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            return Ok(Some((start, headers)));
        }
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| bad(format!("bad header: {text}")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        if headers.len() > 1000 {
            return Err(bad("too many headers"));
        }
    }
}

/// Reads a message body framed by `headers`: chunked, Content-Length, or (when `to_eof`, for
/// responses) everything until the peer closes.
pub fn read_body(r: &mut impl BufRead, headers: &Headers, to_eof: bool) -> io::Result<Vec<u8>> {
    let chunked = header(headers, "transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    if chunked {
        return read_chunked(r);
    }
    let mut body = Vec::new();
    if let Some(len) = header(headers, "content-length") {
        let len: u64 = len
            .parse()
            .map_err(|_| bad(format!("bad content-length: {len}")))?;
        body.reserve(len.min(1 << 30) as usize);
        r.take(len).read_to_end(&mut body)?;
        if (body.len() as u64) < len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("body ended after {} of {len} bytes", body.len()),
            ));
        }
    } else if to_eof {
        r.read_to_end(&mut body)?;
    }
    Ok(body)
}

fn read_chunked(r: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = Vec::new();
    loop {
        if read_line(r, &mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let text = String::from_utf8_lossy(&line);
        // Chunk extensions (";name=value") are allowed and ignored.
        let size = text.split(';').next().unwrap_or("").trim();
        let size =
            u64::from_str_radix(size, 16).map_err(|_| bad(format!("bad chunk size: {text:?}")))?;
        if size == 0 {
            // Trailer fields, then an empty line.
            while read_line(r, &mut line)? > 0 && line != b"\r\n" && line != b"\n" {}
            return Ok(body);
        }
        let before = body.len() as u64;
        r.take(size).read_to_end(&mut body)?;
        if body.len() as u64 - before < size {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        read_line(r, &mut line)?; // the CRLF after the chunk data
    }
}

/// Decodes %XX escapes (and `+` as space when `plus` is set); invalid UTF-8 is replaced.
pub fn percent_decode(s: &str, plus: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes `a=1&b=x+y&flag` (a query string or an x-www-form-urlencoded body) into ordered
/// pairs; a name without `=` gets an empty value.
pub fn parse_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// Percent-encodes everything but the unreserved characters (and `/` when `keep_slash`), as
/// SigV4 wants it.
pub fn percent_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// An HTTP response as a test client saw it.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one response. Interim (1xx) responses are returned as they are, so a caller testing
/// `Expect: 100-continue` can see them. `head` says the request was HEAD (no body follows).
pub fn read_response(r: &mut impl BufRead, head: bool) -> io::Result<Response> {
    let (start, headers) = read_head(r)?.ok_or(io::ErrorKind::UnexpectedEof)?;
    let status = start
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(format!("bad status line: {start}")))?;
    let bodiless = head || status / 100 == 1 || status == 204 || status == 304;
    let body = if bodiless {
        Vec::new()
    } else {
        read_body(r, &headers, true)?
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// `host:port` from `http://host:port[/...]`.
pub fn authority(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    rest.split('/').next().unwrap_or(rest)
}

/// Sends one request on a new connection (`Connection: close`) and reads the response.
/// Host and Content-Length are added; `target` is the path and query, sent as given.
pub fn send(
    url: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Response> {
    let host = authority(url);
    let stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    let mut head = format!("{method} {target} HTTP/1.1\r\n");
    // A caller may send its own Host (moto routes by it); otherwise it is the address.
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("host: {host}\r\n"));
    }
    head.push_str("connection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut writer = &stream;
    writer.write_all(head.as_bytes())?;
    writer.write_all(body)?;
    read_response(&mut BufReader::new(&stream), method == "HEAD")
}
