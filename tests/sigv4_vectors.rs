//! The signer against AWS's own vectors: every case of the SigV4 test suite in
//! `fixtures/sigv4` (from awslabs/aws-c-auth, Apache-2.0, see LICENSE and NOTICE there), both
//! header signing and presigned URLs, plus the five S3 examples from the S3 API reference
//! listed in `fixtures/sigv4/README.md`.
//!
//! How the suite's cases map onto the signer:
//! - The path in `request.txt` is the path before any encoding. With `normalize: true` that
//!   is what Mode::Generic expects (it normalises and then encodes). With
//!   `normalize: false` the suite encodes the path once and does nothing else, which is
//!   Mode::S3's rule once the path has been encoded by the caller, as the S3 client does; but
//!   Mode::S3 also adds x-amz-content-sha256, which these cases do not sign, so for header
//!   signing they are checked through the building blocks (`canonical_request` with
//!   Mode::S3, then `Signer::authorization`) instead of `Signer::sign_headers`.
//! - `sign_body: true` adds a signed x-amz-content-sha256 header to a generic request; the
//!   test adds it to the headers before signing, as a caller would.
//! - `omit_session_token: true` means the token is sent but added after signing, outside the
//!   signature; the test signs without a token and then adds it, as the case describes.
//! - Query parameters in `request.txt` are percent-decoded into raw pairs, which is what the
//!   signer takes.
//!
//! Skipped cases: none. SKIPPED lists any case the test must leave out, with the reason; a
//! case listed there that no longer exists, or a case that is neither run nor listed, fails
//! the test.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use s3_credentials::aws::sigv4::{
    self, EMPTY_SHA256, Mode, Signer, canonical_request, sha256_hex, signature, signing_key,
    string_to_sign, uri_encode,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Cases deliberately not run, each with the reason. Empty: every case passes.
const SKIPPED: &[(&str, &str)] = &[];

/// How many case folders the suite has; guards against a test that silently finds nothing.
const EXPECTED_CASES: usize = 38;

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sigv4")
}

fn read(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// What `context.json` says about a case.
struct Context {
    access_key: String,
    secret_key: String,
    token: Option<String>,
    region: String,
    service: String,
    time: OffsetDateTime,
    expires: u64,
    normalize: bool,
    sign_body: bool,
    omit_session_token: bool,
}

fn context(dir: &Path) -> Context {
    let json: serde_json::Value =
        serde_json::from_str(&read(dir, "context.json")).expect("context.json is JSON");
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    let flag = |name: &str| json[name].as_bool().unwrap_or(false);
    Context {
        access_key: text(&json["credentials"]["access_key_id"]).expect("access_key_id"),
        secret_key: text(&json["credentials"]["secret_access_key"]).expect("secret"),
        token: text(&json["credentials"]["token"]),
        region: text(&json["region"]).expect("region"),
        service: text(&json["service"]).expect("service"),
        time: OffsetDateTime::parse(json["timestamp"].as_str().expect("timestamp"), &Rfc3339)
            .expect("timestamp is RFC 3339"),
        expires: json["expiration_in_seconds"].as_u64().expect("expiration"),
        normalize: flag("normalize"),
        sign_body: flag("sign_body"),
        omit_session_token: flag("omit_session_token"),
    }
}

/// A request as written in the suite's `.txt` files.
struct Request {
    method: String,
    path: String,
    /// The query string exactly as written (may be partly percent-encoded).
    raw_query: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// Parses `METHOD target HTTP/1.1`, header lines (a line starting with whitespace continues
/// the previous value, joined with a space as RFC 9112 says of obs-fold), a blank line, body.
/// The target can contain spaces, so it is everything between the first and the last space.
fn parse_request(text: &str) -> Request {
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().expect("request line");
    let (method, rest) = first.split_once(' ').expect("method");
    let (target, _version) = rest.rsplit_once(' ').expect("HTTP version");
    let (path, raw_query) = target.split_once('?').unwrap_or((target, ""));

    let mut headers: Vec<(String, String)> = Vec::new();
    let mut body_lines = Vec::new();
    let mut in_body = false;
    for line in lines {
        if in_body {
            body_lines.push(line);
        } else if line.is_empty() {
            in_body = true;
        } else if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().expect("continuation after a header");
            last.1.push(' ');
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("header line");
            headers.push((name.to_string(), value.to_string()));
        }
    }
    Request {
        method: method.to_string(),
        path: path.to_string(),
        raw_query: raw_query.to_string(),
        headers,
        body: body_lines.join("\n"),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii");
            out.push(u8::from_str_radix(hex, 16).expect("percent escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("query is UTF-8")
}

/// Raw (decoded) name/value pairs of a query string.
fn query_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// Query parameters as written, order ignored (the suite's signed URLs are not sorted).
fn param_set(raw: &str) -> BTreeSet<String> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Headers with lowercased names, order ignored, values as written (continuations are
/// compared through the canonical request, not here).
fn header_set(headers: &[(String, String)]) -> BTreeSet<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Collects mismatches so that one run reports every failing check of every case.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, case: &str, what: &str, got: &str, expected: &str) {
        if got != expected {
            self.0.push(format!(
                "{case}: {what}\n--- got\n{got}\n--- expected\n{expected}\n"
            ));
        }
    }
}

fn signer(ctx: &Context, with_token: bool) -> Signer<'_> {
    Signer {
        access_key: &ctx.access_key,
        secret_key: &ctx.secret_key,
        session_token: if with_token {
            ctx.token.as_deref()
        } else {
            None
        },
        region: &ctx.region,
        service: &ctx.service,
        time: ctx.time,
    }
}

/// The path to hand to the signer, and the mode, for a case (see the module comment).
fn path_and_mode(ctx: &Context, req: &Request) -> (String, Mode) {
    if ctx.normalize {
        (req.path.clone(), Mode::Generic)
    } else {
        (uri_encode(&req.path, false), Mode::S3)
    }
}

fn check_header_signing(case: &str, dir: &Path, f: &mut Failures) {
    let ctx = context(dir);
    let req = parse_request(&read(dir, "request.txt"));
    let query = query_pairs(&req.raw_query);
    let payload_hash = sha256_hex(req.body.as_bytes());
    let (path, mode) = path_and_mode(&ctx, &req);
    let sign_token = !ctx.omit_session_token;
    let s = signer(&ctx, sign_token);

    let mut headers = req.headers.clone();
    if ctx.sign_body {
        headers.push(("x-amz-content-sha256".into(), payload_hash.clone()));
    }
    let authorization = match mode {
        Mode::Generic => {
            s.sign_headers(
                &req.method,
                &path,
                &query,
                &mut headers,
                &payload_hash,
                mode,
            );
            header(&headers, "authorization").unwrap_or("").to_string()
        }
        Mode::S3 => {
            // The suite's unnormalised cases do not sign x-amz-content-sha256, which
            // sign_headers would add in Mode::S3: build the same steps by hand.
            headers.push(("x-amz-date".into(), sigv4::amz_date(ctx.time)));
            let (canonical, signed) =
                canonical_request(&req.method, &path, &query, &headers, &payload_hash, mode);
            let value = s.authorization(&canonical, &signed);
            headers.push(("authorization".into(), value.clone()));
            value
        }
    };

    // The building blocks, on the headers as signed (everything but authorization).
    let signed_headers: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("authorization"))
        .cloned()
        .collect();
    let (canonical, _) = canonical_request(
        &req.method,
        &path,
        &query,
        &signed_headers,
        &payload_hash,
        mode,
    );
    f.check(
        case,
        "header canonical request",
        &canonical,
        &read(dir, "header-canonical-request.txt"),
    );
    let to_sign = string_to_sign(ctx.time, &ctx.region, &ctx.service, &canonical);
    f.check(
        case,
        "header string to sign",
        &to_sign,
        &read(dir, "header-string-to-sign.txt"),
    );
    let key = signing_key(
        &ctx.secret_key,
        &sigv4::date_stamp(ctx.time),
        &ctx.region,
        &ctx.service,
    );
    f.check(
        case,
        "header signature",
        &signature(&key, &to_sign),
        read(dir, "header-signature.txt").trim(),
    );

    // The signed request: the Authorization header and the full set of headers sent.
    if let (false, Some(token)) = (sign_token, &ctx.token) {
        // Added after signing, as the case says.
        headers.push(("X-Amz-Security-Token".into(), token.clone()));
    }
    let expected = parse_request(&read(dir, "header-signed-request.txt"));
    f.check(
        case,
        "Authorization header",
        &authorization,
        header(&expected.headers, "authorization").unwrap_or("<none>"),
    );
    let (got, want) = (header_set(&headers), header_set(&expected.headers));
    if got != want {
        f.0.push(format!(
            "{case}: signed headers differ\n--- got\n{got:#?}\n--- expected\n{want:#?}\n"
        ));
    }
}

fn check_query_signing(case: &str, dir: &Path, f: &mut Failures) {
    let ctx = context(dir);
    let req = parse_request(&read(dir, "request.txt"));
    let query = query_pairs(&req.raw_query);
    let payload_hash = sha256_hex(req.body.as_bytes());
    let (path, mode) = path_and_mode(&ctx, &req);
    let sign_token = !ctx.omit_session_token;
    let s = signer(&ctx, sign_token);

    let presigned = s.presign_query_with_payload_hash(
        &req.method,
        &path,
        &query,
        &req.headers,
        ctx.expires,
        &payload_hash,
        mode,
    );
    if payload_hash == EMPTY_SHA256 && mode == Mode::Generic {
        // presign_query is the same thing with the empty-payload hash.
        let plain = s.presign_query(&req.method, &path, &query, &req.headers, ctx.expires, mode);
        f.check(case, "presign_query", &plain, &presigned);
    }

    // The building blocks, on the query as signed (everything but the signature).
    let (unsigned, got_signature) = presigned
        .rsplit_once("&X-Amz-Signature=")
        .unwrap_or((presigned.as_str(), ""));
    let (canonical, _) = canonical_request(
        &req.method,
        &path,
        &query_pairs(unsigned),
        &req.headers,
        &payload_hash,
        mode,
    );
    f.check(
        case,
        "query canonical request",
        &canonical,
        &read(dir, "query-canonical-request.txt"),
    );
    let to_sign = string_to_sign(ctx.time, &ctx.region, &ctx.service, &canonical);
    f.check(
        case,
        "query string to sign",
        &to_sign,
        &read(dir, "query-string-to-sign.txt"),
    );
    let expected_signature = read(dir, "query-signature.txt");
    f.check(
        case,
        "query signature",
        got_signature,
        expected_signature.trim(),
    );

    // The URL as sent: the same parameters as the suite's, in whatever order.
    let mut sent = presigned.clone();
    if let (false, Some(token)) = (sign_token, &ctx.token) {
        sent.push_str("&X-Amz-Security-Token=");
        sent.push_str(&uri_encode(token, true));
    }
    let expected = parse_request(&read(dir, "query-signed-request.txt"));
    let (got, want) = (param_set(&sent), param_set(&expected.raw_query));
    // The request's own parameters are written in the suite as they appear in request.txt
    // (for example raw UTF-8); compare them decoded and re-encoded.
    let normalise = |set: BTreeSet<String>| -> BTreeSet<String> {
        set.iter()
            .map(|p| {
                let (n, v) = p.split_once('=').unwrap_or((p, ""));
                format!(
                    "{}={}",
                    uri_encode(&percent_decode(n), true),
                    uri_encode(&percent_decode(v), true)
                )
            })
            .collect()
    };
    let (got, want) = (normalise(got), normalise(want));
    if got != want {
        f.0.push(format!(
            "{case}: presigned query parameters differ\n--- got\n{got:#?}\n--- expected\n{want:#?}\n"
        ));
    }
}

#[test]
fn every_case_of_the_suite() {
    let mut cases: Vec<String> = fs::read_dir(suite_dir())
        .expect("fixtures/sigv4 exists")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            entry
                .file_type()
                .ok()?
                .is_dir()
                .then(|| entry.file_name().to_string_lossy().into_owned())
        })
        .collect();
    cases.sort();
    assert_eq!(cases.len(), EXPECTED_CASES, "case folders found: {cases:?}");
    for (name, _) in SKIPPED {
        assert!(
            cases.iter().any(|c| c == name),
            "skipped case {name} not in the suite"
        );
    }

    let mut failures = Failures::default();
    let mut run = 0;
    for case in &cases {
        if SKIPPED.iter().any(|(name, _)| name == case) {
            continue;
        }
        let dir = suite_dir().join(case);
        let has = |file: &str| dir.join(file).exists();
        assert!(
            has("header-canonical-request.txt"),
            "{case}: no header vectors"
        );
        check_header_signing(case, &dir, &mut failures);
        // Every case of this suite has the query variant; if one did not, it would simply
        // have only its header half checked.
        if has("query-canonical-request.txt") {
            check_query_signing(case, &dir, &mut failures);
        }
        run += 1;
    }
    assert_eq!(run + SKIPPED.len(), cases.len());
    assert!(
        failures.0.is_empty(),
        "{} mismatches across {} cases:\n{}",
        failures.0.len(),
        run,
        failures.0.join("\n")
    );
}

// ---- The S3 examples from the Amazon S3 API reference (see fixtures/sigv4/README.md). ----

const S3_ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const S3_SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const S3_HOST: &str = "examplebucket.s3.amazonaws.com";

fn s3_signer() -> Signer<'static> {
    Signer {
        access_key: S3_ACCESS_KEY,
        secret_key: S3_SECRET_KEY,
        session_token: None,
        region: "us-east-1",
        service: "s3",
        time: time::macros::datetime!(2013-05-24 00:00:00 UTC),
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// Signs with sign_headers in Mode::S3 and returns the Authorization header.
fn s3_authorization(
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    extra_headers: &[(&str, &str)],
    payload_hash: &str,
) -> String {
    let mut headers = pairs(&[("Host", S3_HOST)]);
    headers.extend(pairs(extra_headers));
    s3_signer().sign_headers(
        method,
        path,
        &pairs(query),
        &mut headers,
        payload_hash,
        Mode::S3,
    );
    assert_eq!(header(&headers, "x-amz-date"), Some("20130524T000000Z"));
    assert_eq!(header(&headers, "x-amz-content-sha256"), Some(payload_hash));
    header(&headers, "authorization")
        .expect("authorization added")
        .to_string()
}

fn expected_authorization(signed_headers: &str, signature: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={S3_ACCESS_KEY}/20130524/us-east-1/s3/aws4_request, \
         SignedHeaders={signed_headers}, Signature={signature}"
    )
}

#[test]
fn s3_get_object_with_range() {
    // The canonical request as printed in the S3 API reference.
    let headers = pairs(&[
        ("Host", S3_HOST),
        ("Range", "bytes=0-9"),
        ("x-amz-content-sha256", EMPTY_SHA256),
        ("x-amz-date", "20130524T000000Z"),
    ]);
    let (canonical, _) =
        canonical_request("GET", "/test.txt", &[], &headers, EMPTY_SHA256, Mode::S3);
    assert_eq!(
        canonical,
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n\
         x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
         x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        s3_authorization(
            "GET",
            "/test.txt",
            &[],
            &[("Range", "bytes=0-9")],
            EMPTY_SHA256
        ),
        expected_authorization(
            "host;range;x-amz-content-sha256;x-amz-date",
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    );
}

#[test]
fn s3_put_object_with_encoded_key() {
    let body = "Welcome to Amazon S3.";
    // The S3 client encodes the key once; Mode::S3 signs the path as given.
    let path = uri_encode("/test$file.text", false);
    assert_eq!(path, "/test%24file.text");
    assert_eq!(
        s3_authorization(
            "PUT",
            &path,
            &[],
            &[
                ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ],
            &sha256_hex(body.as_bytes()),
        ),
        expected_authorization(
            "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        )
    );
}

#[test]
fn s3_get_bucket_lifecycle() {
    assert_eq!(
        s3_authorization("GET", "/", &[("lifecycle", "")], &[], EMPTY_SHA256),
        expected_authorization(
            "host;x-amz-content-sha256;x-amz-date",
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        )
    );
}

#[test]
fn s3_list_objects() {
    assert_eq!(
        s3_authorization(
            "GET",
            "/",
            &[("max-keys", "2"), ("prefix", "J")],
            &[],
            EMPTY_SHA256
        ),
        expected_authorization(
            "host;x-amz-content-sha256;x-amz-date",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        )
    );
}

#[test]
fn s3_presigned_get_object() {
    let query = s3_signer().presign_query(
        "GET",
        "/test.txt",
        &[],
        &pairs(&[("Host", S3_HOST)]),
        86400,
        Mode::S3,
    );
    assert_eq!(
        query,
        "X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );
}
