//! Just enough HTTP/1.x for a credentials endpoint: gather one request head (up to a size
//! limit; the deadline is the caller's), write one response with Content-Length, close.

/// The longest request head accepted (request line and headers).
pub(super) const MAX_HEAD: usize = 8 * 1024;

/// One request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The request line as received (for the log), e.g. `GET / HTTP/1.1`.
    pub line: String,
    pub method: String,
    pub target: String,
    pub version: String,
    /// Names lowercased, values trimmed, in the order received.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// Every value of header `name` (lowercase).
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// True when the request says a body follows.
    pub fn has_body(&self) -> bool {
        self.header_values("transfer-encoding").next().is_some()
            || self
                .header_values("content-length")
                .any(|v| v.trim() != "0")
    }
}

/// Why no request could be read.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ReadError {
    /// The client closed or sent nothing before the deadline: nothing to answer.
    Nothing,
    /// Something arrived but it is not a request we can read; the text is the request
    /// line when there is one (for the log).
    Bad(String),
}

/// A request head arriving in pieces (from a non-blocking socket): [`HeadBuffer::push`]
/// what was read until it says the head is complete; at end of stream or at the
/// deadline, [`HeadBuffer::unfinished`] says what to answer.
#[derive(Debug, Default)]
pub(super) struct HeadBuffer {
    buf: Vec<u8>,
}

impl HeadBuffer {
    /// Adds bytes; `Some` once the head is complete (or can no longer be one: too long).
    /// Bytes after the head (a body) are kept out of it.
    pub(super) fn push(&mut self, bytes: &[u8]) -> Option<Result<Request, ReadError>> {
        // Only the new bytes (and the 3 before them) can complete the blank line.
        let from = self.buf.len().saturating_sub(3);
        self.buf.extend_from_slice(bytes);
        if let Some(end) = head_end(&self.buf[from..]) {
            return Some(parse_head(&self.buf[..from + end]));
        }
        if self.buf.len() > MAX_HEAD {
            return Some(Err(ReadError::Bad(first_line(&self.buf))));
        }
        None
    }

    /// The stream ended, or the time ran out, before the head was complete.
    pub(super) fn unfinished(&self) -> ReadError {
        incomplete(&self.buf)
    }
}

/// Bytes left unread from a partial request: nothing at all is not worth a log line.
fn incomplete(buf: &[u8]) -> ReadError {
    if buf.iter().all(u8::is_ascii_whitespace) {
        ReadError::Nothing
    } else {
        ReadError::Bad(first_line(buf))
    }
}

/// Where the head ends (after the blank line); bare `\n` line ends are accepted.
fn head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn first_line(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    let line = String::from_utf8_lossy(&buf[..end.min(MAX_HEAD)]);
    line.trim_end_matches('\r').to_string()
}

/// Parses `METHOD TARGET HTTP/x.y` and the header lines.
pub(super) fn parse_head(head: &[u8]) -> Result<Request, ReadError> {
    let line = first_line(head);
    let bad = || ReadError::Bad(line.clone());
    let text = std::str::from_utf8(head).map_err(|_| bad())?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    if !token(method) || target.is_empty() || !matches!(version, "HTTP/1.0" | "HTTP/1.1") {
        return Err(bad());
    }
    let mut headers = Vec::new();
    for l in lines.take_while(|l| !l.is_empty()) {
        // Obsolete line folding and lines without a colon are refused, as RFC 9112 allows.
        let Some((name, value)) = l.split_once(':') else {
            return Err(bad());
        };
        if !token(name) {
            return Err(bad());
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    Ok(Request {
        line: request_line.to_string(),
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
    })
}

/// One response. Every response is JSON and closes the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
    /// Extra headers (e.g. `Allow`).
    pub headers: Vec<(&'static str, String)>,
}

impl Response {
    pub fn json(status: u16, body: String) -> Self {
        Response {
            status,
            body,
            headers: Vec::new(),
        }
    }

    /// `{"error": "<message>"}`, as the original's `json.dumps({"error": ...})`.
    pub fn error(status: u16, message: &str) -> Self {
        let body = crate::output::dumps(&serde_json::json!({ "error": message }), None);
        Response::json(status, body)
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The bytes on the wire. No CORS headers, ever: browsers must not be able to read
    /// these answers from another origin. `no-store`: credentials must not be cached.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            self.status,
            reason(self.status),
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(self.body.as_bytes());
        bytes
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reader makes of `pieces` arriving one after the other, then end of stream.
    fn read(pieces: &[&[u8]]) -> Result<Request, ReadError> {
        let mut head = HeadBuffer::default();
        for piece in pieces {
            if let Some(done) = head.push(piece) {
                return done;
            }
        }
        Err(head.unfinished())
    }

    #[test]
    fn a_head_split_across_reads() {
        let r = read(&[
            b"GET / HT",
            b"TP/1.1\r\nHost: localhost:8094\r\nX-A:  b \r",
            b"\n\r\n",
        ])
        .unwrap();
        assert_eq!(r.line, "GET / HTTP/1.1");
        assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/"));
        assert_eq!(
            r.headers,
            vec![
                ("host".to_string(), "localhost:8094".to_string()),
                ("x-a".to_string(), "b".to_string())
            ]
        );
    }

    #[test]
    fn bare_newlines_are_accepted() {
        assert_eq!(read(&[b"GET /ecs HTTP/1.0\n\n"]).unwrap().target, "/ecs");
    }

    #[test]
    fn nothing_and_garbage() {
        assert_eq!(read(&[]), Err(ReadError::Nothing));
        assert_eq!(read(&[b"\r\n"]), Err(ReadError::Nothing));
        assert_eq!(
            read(&[b"GET / HTTP/1.1\r\nHost"]),
            Err(ReadError::Bad("GET / HTTP/1.1".into()))
        );
        assert_eq!(
            read(&[b"GET /\r\n\r\n"]),
            Err(ReadError::Bad("GET /".into()))
        );
        assert_eq!(
            read(&[b"GET / HTTP/2.0\r\n\r\n"]),
            Err(ReadError::Bad("GET / HTTP/2.0".into()))
        );
        assert_eq!(
            read(&[b"GET / HTTP/1.1\r\n folded\r\n\r\n"]),
            Err(ReadError::Bad("GET / HTTP/1.1".into()))
        );
        let huge = vec![b'a'; MAX_HEAD + 10];
        assert!(matches!(read(&[&huge]), Err(ReadError::Bad(_))));
    }

    #[test]
    fn bodies_are_noticed() {
        let r = read(&[b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"]).unwrap();
        assert!(r.has_body());
        let r = read(&[b"GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"]).unwrap();
        assert!(!r.has_body());
    }

    #[test]
    fn response_bytes() {
        let r = Response::error(405, "Method not allowed").header("Allow", "GET");
        let text = String::from_utf8(r.to_bytes()).unwrap();
        assert!(text.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
        assert!(text.contains("\r\nContent-Length: 31\r\n"));
        assert!(text.contains("\r\nAllow: GET\r\n"));
        assert!(!text.to_ascii_lowercase().contains("access-control"));
        assert!(text.ends_with("\r\n\r\n{\"error\": \"Method not allowed\"}"));
    }
}
