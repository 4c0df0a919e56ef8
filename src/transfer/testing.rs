//! A small S3 for the transfer unit tests, answering in the same process: objects (PUT,
//! HEAD, GET with Range), multipart uploads (create, parts, complete, abort), and the
//! faults the tests ask for (a part refused, a hook run as a part arrives, a GET body
//! cut short or sent with a wrong checksum). It records what it was sent, so a test
//! asserts on the requests themselves: part sizes, the Complete body's order, the abort.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use crate::aws::http::testing::{self, CannedResponse, InMemory, RecordedRequest};
use crate::aws::s3::object::crc32_base64;
use crate::aws::session::Session;

type Req = RecordedRequest;
type Resp = CannedResponse;

/// The key, from a path-style `/bucket/key`.
fn key_of(req: &Req) -> String {
    let rest = req.path().trim_start_matches('/');
    rest.split_once('/').map_or("", |(_, k)| k).to_string()
}

fn xml(body: String) -> Resp {
    Resp::ok(body).header("content-type", "application/xml")
}

/// What a GET answer does wrong, once each, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GetFault {
    /// The body stops after this many bytes.
    Cut(usize),
    /// The whole-object checksum header does not match the bytes.
    WrongChecksum,
    /// A ranged answer says the object has one byte more (it changed since HEAD).
    OtherSize,
}

/// An upload in progress.
#[derive(Debug, Default)]
struct Upload {
    key: String,
    /// Part number -> its bytes.
    parts: BTreeMap<u32, Vec<u8>>,
}

/// Everything the fake holds and has seen.
#[derive(Default)]
pub(super) struct State {
    pub objects: HashMap<String, Vec<u8>>,
    uploads: HashMap<String, Upload>,
    next_upload: u32,
    /// Refuse this part number with 403 AccessDenied (not retried).
    pub refuse_part: Option<u32>,
    /// Answer this part number with 503 this many times first (retried).
    pub flaky_part: Option<(u32, usize)>,
    /// Faults for the next GET answers.
    pub get_faults: VecDeque<GetFault>,
}

impl State {
    /// Uploads created and neither completed nor aborted.
    pub(super) fn open_uploads(&self) -> usize {
        self.uploads.len()
    }
}

/// The fake server; `on_part` runs as each part arrives (a test raises a signal there).
#[derive(Default)]
pub(super) struct FakeS3 {
    pub state: Mutex<State>,
    #[allow(clippy::type_complexity)]
    pub on_part: Option<Box<dyn Fn(u32) + Send + Sync>>,
}

impl FakeS3 {
    /// A fake that raises a signal on `signals` when part `number` arrives (the part
    /// itself is then answered as usual: it was in flight).
    pub(super) fn signalling_at_part(signals: &crate::interrupt::Handle, number: u32) -> FakeS3 {
        let signals = signals.clone();
        FakeS3 {
            on_part: Some(Box::new(move |n| {
                if n == number {
                    signals.raise();
                }
            })),
            ..FakeS3::default()
        }
    }

    pub(super) fn with_object(self, key: &str, data: Vec<u8>) -> FakeS3 {
        self.state().objects.insert(key.into(), data);
        self
    }

    pub(super) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// The in-process server answering as this fake, and a session over it
    /// (path-style, so the key is the path after the bucket; `pairs` add settings).
    pub(super) fn serve(self, pairs: &[(&str, &str)]) -> (Arc<FakeS3>, InMemory, Session) {
        let fake = Arc::new(self);
        let server = InMemory::new({
            let fake = fake.clone();
            move |req| fake.answer(req)
        });
        let mut vars = vec![("AWS_ENDPOINT_URL", "http://s3.test")];
        vars.extend_from_slice(pairs);
        let session = testing::session(&server, &vars);
        (fake, server, session)
    }

    pub(super) fn answer(&self, req: &Req) -> Resp {
        let key = key_of(req);
        match (req.method.as_str(), req.query("uploadId")) {
            ("POST", None) if req.query("uploads").is_some() => self.create(&key),
            ("PUT", Some(id)) => self.part(req, id),
            ("POST", Some(id)) => self.complete(req, id, &key),
            ("DELETE", Some(id)) => match self.state().uploads.remove(id) {
                Some(_) => Resp::status(204),
                None => Resp::s3_error(404, "NoSuchUpload", "no such upload"),
            },
            ("PUT", None) => {
                self.state().objects.insert(key, req.body.clone());
                Resp::status(200).header("etag", "\"put\"")
            }
            ("HEAD", None) => match self.state().objects.get(&key) {
                Some(data) => object_headers(Resp::status(200), data)
                    .header("content-length", data.len().to_string()),
                None => Resp::status(404),
            },
            ("GET", None) => self.get(req, &key),
            _ => Resp::s3_error(400, "NotImplemented", "not in the fake"),
        }
    }

    fn create(&self, key: &str) -> Resp {
        let mut s = self.state();
        s.next_upload += 1;
        let id = format!("upload-{}", s.next_upload);
        s.uploads.insert(
            id.clone(),
            Upload {
                key: key.to_string(),
                ..Upload::default()
            },
        );
        xml(format!(
            "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>{key}</Key>\
             <UploadId>{id}</UploadId></InitiateMultipartUploadResult>"
        ))
    }

    fn part(&self, req: &Req, id: &str) -> Resp {
        let number: u32 = req
            .query("partNumber")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if let Some(hook) = &self.on_part {
            hook(number);
        }
        let mut s = self.state();
        if s.refuse_part == Some(number) {
            return Resp::s3_error(403, "AccessDenied", "refused");
        }
        if let Some((n, left)) = &mut s.flaky_part {
            if *n == number && *left > 0 {
                *left -= 1;
                return Resp::s3_error(503, "SlowDown", "again");
            }
        }
        let sent = req.header("x-amz-checksum-crc32").map(str::to_string);
        if let Some(sent) = &sent {
            if *sent != crc32_base64(crc32fast::hash(&req.body)) {
                return Resp::s3_error(400, "BadDigest", "checksum");
            }
        }
        match s.uploads.get_mut(id) {
            Some(upload) => {
                upload.parts.insert(number, req.body.clone());
                Resp::status(200).header("etag", format!("\"etag-{number}\""))
            }
            None => Resp::s3_error(404, "NoSuchUpload", "no such upload"),
        }
    }

    fn complete(&self, req: &Req, id: &str, key: &str) -> Resp {
        let listed = complete_body(&String::from_utf8_lossy(&req.body));
        let mut s = self.state();
        let Some(upload) = s.uploads.remove(id) else {
            return Resp::s3_error(404, "NoSuchUpload", "no such upload");
        };
        let mut data = Vec::new();
        for (number, _) in &listed {
            match upload.parts.get(number) {
                Some(bytes) => data.extend_from_slice(bytes),
                None => return Resp::s3_error(400, "InvalidPart", "no such part"),
            }
        }
        s.objects.insert(upload.key.clone(), data);
        xml(format!(
            "<CompleteMultipartUploadResult><Key>{key}</Key></CompleteMultipartUploadResult>"
        ))
    }

    fn get(&self, req: &Req, key: &str) -> Resp {
        let mut s = self.state();
        let Some(data) = s.objects.get(key).cloned() else {
            return Resp::s3_error(404, "NoSuchKey", "no such key");
        };
        let fault = s.get_faults.pop_front();
        drop(s);
        let (r, body) = match req.header("range").and_then(parse_range) {
            Some((first, last)) => {
                let last = last.min(data.len() as u64 - 1);
                let total = data.len() + usize::from(fault == Some(GetFault::OtherSize));
                let range = format!("bytes {first}-{last}/{total}");
                let r = Resp::status(206).header("content-range", range);
                (r, data[first as usize..=last as usize].to_vec())
            }
            None => {
                let crc = match fault {
                    Some(GetFault::WrongChecksum) => crc32_base64(0xdead_beef),
                    _ => crc32_base64(crc32fast::hash(&data)),
                };
                let r = Resp::status(200)
                    .header("x-amz-checksum-crc32", crc)
                    .header("x-amz-checksum-type", "FULL_OBJECT");
                (r, data)
            }
        };
        let r = r.header("etag", "\"object\"").body(body);
        match fault {
            Some(GetFault::Cut(n)) => r.truncated(n),
            _ => r,
        }
    }
}

/// The whole object's checksum and ETag, as S3 answers a HEAD.
fn object_headers(r: Resp, data: &[u8]) -> Resp {
    r.header("etag", "\"object\"")
        .header("x-amz-checksum-crc32", crc32_base64(crc32fast::hash(data)))
        .header("x-amz-checksum-type", "FULL_OBJECT")
}

/// `bytes=first-last`.
fn parse_range(range: &str) -> Option<(u64, u64)> {
    let (first, last) = range.strip_prefix("bytes=")?.split_once('-')?;
    Some((first.parse().ok()?, last.parse().ok()?))
}

/// The part numbers and checksums of a CompleteMultipartUpload body, in its order.
fn complete_body(xml: &str) -> Vec<(u32, Option<String>)> {
    let between = |s: &str, open: &str, close: &str| -> Option<String> {
        let start = s.find(open)? + open.len();
        let end = s[start..].find(close)? + start;
        Some(s[start..end].to_string())
    };
    xml.split("<Part>")
        .skip(1)
        .filter_map(|part| {
            let number = between(part, "<PartNumber>", "</PartNumber>")?
                .parse()
                .ok()?;
            Some((number, between(part, "<ChecksumCRC32>", "</ChecksumCRC32>")))
        })
        .collect()
}
