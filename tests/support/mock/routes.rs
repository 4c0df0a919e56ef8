//! Routes for the mock server: which requests ([`Matcher`]) get what ([`Reply`]).

use super::Recorded;
use std::sync::Arc;
use std::time::Duration;

type Predicate = Arc<dyn Fn(&Recorded) -> bool + Send + Sync>;

/// Which requests a route answers: every condition must hold.
#[derive(Clone, Default)]
pub struct Matcher {
    conditions: Vec<Predicate>,
    pub(super) times: Option<usize>,
}

impl Matcher {
    pub fn any() -> Matcher {
        Matcher::default()
    }

    /// IAM/STS query protocol: the `Action` parameter (form body or query string) equals `name`.
    pub fn action(name: &str) -> Matcher {
        Matcher::any().param("Action", name)
    }

    /// `method` and the exact decoded `path`.
    pub fn request(method: &str, path: &str) -> Matcher {
        Matcher::any().method(method).path(path)
    }

    pub fn get(path: &str) -> Matcher {
        Matcher::request("GET", path)
    }

    pub fn put(path: &str) -> Matcher {
        Matcher::request("PUT", path)
    }

    pub fn post(path: &str) -> Matcher {
        Matcher::request("POST", path)
    }

    pub fn delete(path: &str) -> Matcher {
        Matcher::request("DELETE", path)
    }

    pub fn head(path: &str) -> Matcher {
        Matcher::request("HEAD", path)
    }

    /// Any request for which `f` is true.
    pub fn when(mut self, f: impl Fn(&Recorded) -> bool + Send + Sync + 'static) -> Matcher {
        self.conditions.push(Arc::new(f));
        self
    }

    pub fn method(self, method: &str) -> Matcher {
        let method = method.to_string();
        self.when(move |r| r.method == method)
    }

    /// Decoded path equals `path`.
    pub fn path(self, path: &str) -> Matcher {
        let path = path.to_string();
        self.when(move |r| r.path == path)
    }

    /// Decoded path starts with `prefix`.
    pub fn path_prefix(self, prefix: &str) -> Matcher {
        let prefix = prefix.to_string();
        self.when(move |r| r.path.starts_with(&prefix))
    }

    /// Query parameter `name` equals `value` (a bare `?uploads` has the value "").
    pub fn query(self, name: &str, value: &str) -> Matcher {
        let (name, value) = (name.to_string(), value.to_string());
        self.when(move |r| r.query.iter().any(|(k, v)| *k == name && *v == value))
    }

    /// Form-body parameter `name` equals `value`.
    pub fn form(self, name: &str, value: &str) -> Matcher {
        let (name, value) = (name.to_string(), value.to_string());
        self.when(move |r| r.form().iter().any(|(k, v)| *k == name && *v == value))
    }

    /// Parameter `name` (query, else form; see [`Recorded::param`]) equals `value`.
    pub fn param(self, name: &str, value: &str) -> Matcher {
        let (name, value) = (name.to_string(), value.to_string());
        self.when(move |r| r.param(&name).as_deref() == Some(value.as_str()))
    }

    /// Header `name` is present.
    pub fn header(self, name: &str) -> Matcher {
        let name = name.to_ascii_lowercase();
        self.when(move |r| r.header(&name).is_some())
    }

    /// Header `name` is present with exactly `value`.
    pub fn header_eq(self, name: &str, value: &str) -> Matcher {
        let (name, value) = (name.to_ascii_lowercase(), value.to_string());
        self.when(move |r| r.header(&name) == Some(value.as_str()))
    }

    /// The route answers only its first `n` matches; after that it is skipped.
    pub fn times(mut self, n: usize) -> Matcher {
        self.times = Some(n);
        self
    }

    pub(super) fn matches(&self, r: &Recorded) -> bool {
        self.conditions.iter().all(|c| c(r))
    }
}

type Compute = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

#[derive(Clone)]
pub(super) enum Action {
    Respond,
    /// Close the connection without a response (FIN).
    Close,
    /// Reset the connection (RST) without a response.
    Reset,
    Compute(Compute),
}

/// What a route answers: a response, or a fault.
#[derive(Clone)]
pub struct Reply {
    pub(super) action: Action,
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Arc<[u8]>,
    pub(super) delay: Option<Duration>,
    pub(super) truncate_after: Option<usize>,
    /// With `truncate_after`: end with a reset (RST) instead of a close (FIN).
    pub(super) reset_after_truncate: bool,
    /// With `truncate_after`: hold the connection open, sending nothing more.
    pub(super) stall_after_truncate: bool,
    pub(super) chunked: bool,
}

impl Reply {
    /// `code` with an empty body.
    pub fn status(code: u16) -> Reply {
        Reply {
            action: Action::Respond,
            status: code,
            headers: Vec::new(),
            body: Arc::from(Vec::new()),
            delay: None,
            truncate_after: None,
            reset_after_truncate: false,
            stall_after_truncate: false,
            chunked: false,
        }
    }

    /// 200 with `body`.
    pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200).body(body)
    }

    /// `status` with an XML `body`.
    pub fn xml(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(status)
            .header("Content-Type", "text/xml")
            .body(body)
    }

    /// 200 with the contents of `fixtures/<rel>`; Content-Type from the extension. Reads the
    /// file now, so a missing fixture fails the test where the route is set up.
    pub fn fixture(rel: &str) -> Reply {
        use super::super::cassette;
        Reply::status(200)
            .header("Content-Type", cassette::content_type(rel))
            .body(cassette::fixture(rel))
    }

    /// An S3-style error document (`<Error><Code>..`). With status 200 it is the "error inside
    /// a success" that S3 can send for CopyObject and CompleteMultipartUpload.
    pub fn s3_error(status: u16, code: &str, message: &str) -> Reply {
        Reply::xml(
            status,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>{message}</Message><RequestId>MOCKREQUESTID</RequestId></Error>"
            ),
        )
    }

    /// An IAM/STS query-protocol error document (`<ErrorResponse><Error>..`).
    pub fn query_error(status: u16, code: &str, message: &str) -> Reply {
        let kind = if status >= 500 { "Receiver" } else { "Sender" };
        Reply::xml(
            status,
            format!(
                "<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code>\
                 <Message>{message}</Message></Error><RequestId>MOCKREQUESTID</RequestId></ErrorResponse>"
            ),
        )
    }

    /// A reply built from the request when it arrives (echo, a small object store, ...).
    pub fn compute(f: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Reply {
        Reply {
            action: Action::Compute(Arc::new(f)),
            ..Reply::status(0)
        }
    }

    /// Fault: read the request, then close the connection without answering.
    pub fn close() -> Reply {
        Reply {
            action: Action::Close,
            ..Reply::status(0)
        }
    }

    /// Fault: read the request, then reset the connection (SO_LINGER 0, close).
    pub fn reset() -> Reply {
        Reply {
            action: Action::Reset,
            ..Reply::status(0)
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = Arc::from(body.into());
        self
    }

    pub fn with_status(mut self, status: u16) -> Reply {
        self.status = status;
        self
    }

    /// Stall: wait `d` before answering (or before the fault). Dropping the server ends it.
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = Some(d);
        self
    }

    /// Fault: announce the whole body in Content-Length, send only its first `n` bytes, close.
    pub fn truncate_after(mut self, n: usize) -> Reply {
        self.truncate_after = Some(n);
        self
    }

    /// Fault: send the head and the first `n` bytes of the body, then reset the connection.
    pub fn reset_after(mut self, n: usize) -> Reply {
        self.truncate_after = Some(n);
        self.reset_after_truncate = true;
        self
    }

    /// Fault: send the head and the first `n` bytes of the body, then nothing more while
    /// holding the connection open (a server stuck mid-body).
    pub fn stall_after(mut self, n: usize) -> Reply {
        self.truncate_after = Some(n);
        self.stall_after_truncate = true;
        self
    }

    /// Send the body with Transfer-Encoding: chunked instead of Content-Length.
    pub fn chunked(mut self) -> Reply {
        self.chunked = true;
        self
    }
}
