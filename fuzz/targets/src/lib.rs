//! The fuzz targets, as plain functions over bytes.
//!
//! Each function feeds one input to one of the tool's parsers and checks properties that
//! must hold for every input, panicking when one does not. The same functions are driven by
//! cargo-fuzz (`fuzz/fuzz_targets/*.rs`, libFuzzer, nightly) and by the stable-Rust runner
//! (`src/bin/stable-fuzz.rs`), and the inputs that once broke them are replayed by this
//! crate's tests (`tests/regressions.rs`).
//!
//! Targets never touch the network, and never read files or standard input on purpose: the
//! CLI target replaces `-` (stdin) and keeps policy values to literal JSON.

use s3_credentials::aws::config::{self, MapEnv, Service, SharedFiles};
use s3_credentials::aws::sigv4::{self, Mode, Signer};
use s3_credentials::cli::{args, spec};
// The crate-private parsers, through the crate's thin facade for these targets.
use s3_credentials::fuzzing as internal;
use s3_credentials::output;
use serde_json::Value;
use std::ffi::OsString;
use std::path::Path;

/// Every target by name, for the runners.
/// A fuzz target: one input, panics on a broken property.
pub type Target = fn(&[u8]);

pub const TARGETS: &[(&str, Target)] = &[
    ("xml", xml_response),
    ("ini", ini_and_credentials),
    ("params", params),
    ("sigv4", sigv4_canonical),
    ("cli", cli_args),
    ("endpoint", endpoint_url),
    ("json", json_output),
];

pub fn target(name: &str) -> Option<fn(&[u8])> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// XML responses: the element tree, botocore-shaped JSON from it (read through a
/// `shape!` type with every value kind and every way of finding a member, S3's listing
/// shapes among them), the printed forms of that JSON, and the error-document reader.
pub fn xml_response(data: &[u8]) {
    if let Some(root) = internal::xml_parse(data) {
        // Walk it as the clients do: nested lookups and every member kind.
        let _ = root.path_text(&["ListUsersResult", "Users", "member", "UserName"]);
        let value = internal::xml_to_json(&root);
        for child in &root.children {
            let _ = internal::xml_to_json(child);
        }
        let printed = output::dumps(&value, Some(4));
        let back: Value = serde_json::from_str(&printed).expect("dumps printed invalid JSON");
        assert_eq!(back, value, "dumps changed the document");
        let _ = output::py_repr(&value);
    }
    // Any status, any body: a one-line error with a code, never a panic.
    let status = data.first().map_or(500, |b| 400 + u16::from(*b % 200));
    let err = internal::parse_error_body(status, data, "GetObject");
    assert!(!err.code.is_empty(), "empty error code");
    let line = err.to_string();
    assert!(line.starts_with("An error occurred ("), "{line}");
    let _ = internal::decode_policy(&String::from_utf8_lossy(data));
    let _ = internal::unquote_plus(&String::from_utf8_lossy(data));
}

/// INI text: the parser, the shared-files view botocore has of it (region, retries,
/// endpoints), and `--auth` content. No error message may run over more than one line,
/// nor quote the value of a secret-holding key (`aws_secret_access_key`,
/// `aws_session_token`, `SecretAccessKey`, `SessionToken`).
pub fn ini_and_credentials(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let messages = config_errors(text);
    for m in &messages {
        assert!(!m.contains('\n'), "a message over two lines: {m:?}");
    }
    // A message quotes a secret when it holds the value, and stops holding it once that
    // value is changed in the input (text a message holds anyway is not a quote).
    for secret in secret_values(text) {
        if text.matches(secret.as_str()).count() != 1
            || !messages.iter().any(|m| m.contains(secret.as_str()))
        {
            continue;
        }
        let changed = text.replace(secret.as_str(), &"Q".repeat(secret.len()));
        let after = config_errors(&changed);
        assert!(
            after.iter().any(|m| m.contains(secret.as_str())),
            "an error message quotes the secret {secret:?}: {messages:?}"
        );
    }
}

/// Every error message the INI text can give: parsing, the shared-files settings
/// (region, retries, endpoints for two profiles), and `--auth` content.
fn config_errors(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    match internal::ini_parse(text) {
        Ok(doc) => {
            let sections: Vec<String> = doc.sections().map(str::to_string).collect();
            for s in &sections {
                assert!(doc.has_section(s));
                for key in doc.keys(s) {
                    let _ = doc.get(s, key);
                    let _ = doc.nested(s, key);
                }
            }
        }
        Err(e) => out.push(e.to_string()),
    }
    let path = Path::new("/nonexistent");
    match SharedFiles::from_text(text, text, path, path) {
        Ok(files) => {
            let env = MapEnv::from_pairs(&[]);
            for profile in ["default", "work"] {
                let region = config::region(&env, &files, profile);
                if let Err(e) = config::retry_config(&env, &files, profile) {
                    out.push(e.to_string());
                }
                for service in [Service::S3, Service::Iam, Service::Sts] {
                    if let Err(e) = config::endpoint(service, None, &env, &files, profile, &region)
                    {
                        out.push(e.to_string());
                    }
                }
            }
        }
        Err(e) => out.push(e.to_string()),
    }
    if let Err(e) = internal::parse_auth_content(text) {
        out.push(e.to_string());
    }
    out
}

/// The values (16 characters or more, so that no ordinary word of a message matches by
/// chance) that secret-holding keys have anywhere in `text`, as INI lines or JSON members.
fn secret_values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // JSON members count only in JSON content (as `--auth` reads it); in an INI file the
    // same text is just part of some other key's value.
    let json = text.trim().starts_with('{');
    for needle in ["\"SecretAccessKey\"", "\"SessionToken\""]
        .into_iter()
        .filter(|_| json)
    {
        for (at, _) in text.match_indices(needle) {
            let rest = text[at + needle.len()..].trim_start();
            let Some(rest) = rest.strip_prefix(':') else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix('"') else {
                continue;
            };
            let value = rest.split('"').next().unwrap_or_default();
            if value.len() >= 16 {
                out.push(value.to_string());
            }
        }
    }
    for line in text.lines() {
        let Some((key, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        let key = key
            .trim()
            .trim_matches(['"', '{', ',', ' '])
            .to_ascii_lowercase();
        if [
            "aws_secret_access_key",
            "aws_session_token",
            "secretaccesskey",
            "sessiontoken",
        ]
        .contains(&key.as_str())
        {
            let value = value.trim().trim_matches(['"', ',', '}', ' ']);
            if value.len() >= 16 {
                out.push(value.to_string());
            }
        }
    }
    out
}

/// The option converters: durations (checked against an independent reading of the
/// original's rule), statements, booleans and the difflib matcher behind "Did you mean".
pub fn params(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match args::parse_duration(&text) {
        Ok(seconds) => {
            assert!((900..=43200).contains(&seconds), "{text:?} -> {seconds}");
            assert_eq!(reference_duration(&text), Some(seconds), "{text:?}");
        }
        Err(_) => assert_eq!(reference_duration(&text), None, "{text:?}"),
    }
    if let Ok(v) = args::parse_statement(&text) {
        let obj = v.as_object().expect("a statement is an object");
        for key in ["Effect", "Action", "Resource"] {
            assert!(obj.contains_key(key), "{key} missing from {text:?}");
        }
    }
    let _ = args::parse_bool(&text);
    // Option names are short; the matcher is cubic, so bound what it is given.
    if text.len() <= 64 {
        let options = ["--format".to_string(), "--read-only".to_string()];
        let close = args::close_matches(&text, &options);
        assert!(close.len() <= 2);
    }
}

/// The original's `DurationParam`, written from its source independently of
/// `args::parse_duration`: `^(\d+)(m|h|s)?$`, then 15 minutes to 12 hours.
fn reference_duration(s: &str) -> Option<u64> {
    // Python's `$` matches at the end and just before a final newline.
    let s = s.strip_suffix('\n').unwrap_or(s);
    let (number, multiplier) = if let Some(n) = s.strip_suffix('h') {
        (n, 3600u128)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1)
    } else {
        (s, 1)
    };
    // Python's \d also matches non-ASCII digits, but int() of those would be the same
    // number; the port accepts ASCII only, and so does this reference.
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = number.trim_start_matches('0');
    if digits.len() > 30 {
        return None;
    }
    let n: u128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let seconds = n * multiplier;
    (900..=43200)
        .contains(&seconds)
        .then(|| u64::try_from(seconds).ok())?
}

/// Splits fuzz bytes into fields at 0xFF bytes (never valid UTF-8, so any text survives).
fn fields(data: &[u8]) -> Vec<String> {
    data.split(|b| *b == 0xff)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

/// The SigV4 canonicaliser: path normalisation, URI encoding, the canonical query and
/// headers, and a full header signature and presigned query over arbitrary input.
pub fn sigv4_canonical(data: &[u8]) {
    let f = fields(data);
    let get = |i: usize| f.get(i).map_or("", String::as_str);
    let (method, path, secret) = (get(0), get(1), get(2));

    let normal = sigv4::normalize_path(path);
    assert!(normal.starts_with('/'), "{path:?} -> {normal:?}");
    assert!(!normal.contains("//"), "{path:?} -> {normal:?}");
    assert_eq!(
        sigv4::normalize_path(&normal),
        normal,
        "normalising twice changed {path:?}"
    );

    for encode_slash in [true, false] {
        let enc = sigv4::uri_encode(path, encode_slash);
        assert!(
            enc.bytes().all(|b| b.is_ascii_alphanumeric()
                || b"-_.~%".contains(&b)
                || (b == b'/' && !encode_slash)),
            "{enc:?}"
        );
        assert_eq!(
            internal::percent_decode(&enc),
            *path,
            "encoding does not round-trip"
        );
    }

    let query: Vec<(String, String)> = f
        .iter()
        .skip(3)
        .take(8)
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.clone(), String::new()),
        })
        .collect();
    let canonical = sigv4::canonical_query(&query);
    let pairs: Vec<&str> = canonical.split('&').filter(|p| !p.is_empty()).collect();
    assert_eq!(pairs.len(), query.len(), "{canonical:?}");
    // Sorted by encoded name, then value (encoded names hold no '=': it becomes %3D).
    let split: Vec<(&str, &str)> = pairs
        .iter()
        .map(|p| p.split_once('=').expect("every pair has '='"))
        .collect();
    assert!(split.windows(2).all(|w| w[0] <= w[1]), "{canonical:?}");

    let headers: Vec<(String, String)> = f
        .iter()
        .skip(11)
        .take(8)
        .filter_map(|h| h.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain(std::iter::once((
            "host".to_string(),
            "example.com".to_string(),
        )))
        .collect();
    let when = time::OffsetDateTime::from_unix_timestamp(i64::from(u32::from_le_bytes(
        data.get(..4)
            .and_then(|b| b.try_into().ok())
            .unwrap_or([0; 4]),
    )))
    .expect("a u32 of seconds is a valid time");
    let signer = Signer {
        access_key: "AKIDEXAMPLE",
        secret_key: secret,
        session_token: (!get(19).is_empty()).then(|| get(19)),
        region: "us-east-1",
        service: "s3",
        time: when,
    };
    for mode in [Mode::S3, Mode::Generic] {
        let (text, signed) =
            sigv4::canonical_request(method, path, &query, &headers, sigv4::EMPTY_SHA256, mode);
        assert!(text.starts_with(method), "{text:?}");
        assert!(signed.split(';').any(|h| h == "host"), "{signed:?}");
        let mut out = headers.clone();
        signer.sign_headers(method, path, &query, &mut out, sigv4::EMPTY_SHA256, mode);
        let auth = &out.last().expect("authorization added").1;
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
        // The secret shows only through the signature: signing with another secret
        // changes nothing else in the headers.
        let other = Signer {
            secret_key: "another-secret",
            ..signer
        };
        let mut again = headers.clone();
        other.sign_headers(method, path, &query, &mut again, sigv4::EMPTY_SHA256, mode);
        let unsigned = |h: &[(String, String)]| -> Vec<String> {
            h.iter()
                .map(|(k, v)| format!("{k}: {}", v.split("Signature=").next().unwrap_or(v)))
                .collect()
        };
        assert_eq!(
            unsigned(&out),
            unsigned(&again),
            "the secret changed more than the signature"
        );
        let sig = auth.rsplit("Signature=").next().unwrap_or_default();
        assert_eq!(sig.len(), 64, "{auth:?}");
        let presigned = signer.presign_query(method, path, &query, &headers, 3600, mode);
        assert!(presigned.contains("X-Amz-Signature="), "{presigned:?}");
    }
}

/// The whole click-compatible parser, for every command, over arbitrary argument lists.
pub fn cli_args(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let spec = spec::COMMANDS[usize::from(pick) % spec::COMMANDS.len()];
    let argv: Vec<OsString> = rest
        .split(|b| *b == 0)
        .map(|a| {
            use std::os::unix::ffi::OsStringExt;
            // `-` would read standard input, and a policy path a file: keep to literals.
            if a == b"-" || a.starts_with(b"/") || a.starts_with(b".") {
                OsString::from("x")
            } else {
                OsString::from_vec(a.to_vec())
            }
        })
        .take(32)
        .collect();
    // Bound what reaches the difflib matcher (cubic in the option's length).
    if argv.iter().any(|a| a.len() > 256) {
        return;
    }
    match args::parse(spec, &argv) {
        Ok(args::Parsed::Run(parsed)) => {
            let _ = parsed.aws.options();
        }
        Ok(args::Parsed::Help) => {}
        Err(e) => {
            let code = e.exit_code();
            assert!(code == 1 || code == 2, "exit code {code} for {e}");
            assert!(!e.to_string().is_empty());
        }
    }
}

/// `--endpoint-url` / `AWS_ENDPOINT_URL`: what is accepted is a bare `scheme://host[:port]`.
pub fn endpoint_url(data: &[u8]) {
    let url = String::from_utf8_lossy(data);
    let env = MapEnv::from_pairs(&[]);
    let files = SharedFiles::default();
    match config::endpoint(
        Service::S3,
        Some(&url),
        &env,
        &files,
        "default",
        "us-east-1",
    ) {
        Ok(ep) => {
            let rest = ep
                .url
                .strip_prefix("http://")
                .or_else(|| ep.url.strip_prefix("https://"))
                .unwrap_or_else(|| panic!("no scheme in {:?} from {url:?}", ep.url));
            assert!(!rest.is_empty(), "{url:?}");
            assert!(!rest.contains(['/', '?', '#', '@', ' ']), "{:?}", ep.url);
            assert_eq!(internal::authority(&ep.url), rest);
        }
        Err(e) => assert!(e.to_string().starts_with("Invalid endpoint URL"), "{e}"),
    }
}

/// Python-compatible JSON and repr, and the timestamp readers, over arbitrary JSON.
pub fn json_output(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = output::parse_aws_timestamp(&text);
    let _ = internal::parse_http_date(&text);
    let Ok(value) = serde_json::from_str::<Value>(&text) else {
        return;
    };
    for indent in [None, Some(2), Some(4)] {
        let printed = output::dumps(&value, indent);
        assert!(
            printed.is_ascii(),
            "dumps must escape non-ASCII: {printed:?}"
        );
        let back: Value = serde_json::from_str(&printed)
            .unwrap_or_else(|e| panic!("dumps printed invalid JSON {printed:?}: {e}"));
        assert!(same_json(&back, &value), "{printed:?} is not {text:?}");
    }
    let _ = output::py_repr(&value);
    if let Value::Array(items) = &value {
        for format in [
            output::Format::Json,
            output::Format::Nl,
            output::Format::Csv,
            output::Format::Tsv,
        ] {
            let mut out = Vec::new();
            let _ = output::write_list(&mut out, items.iter().cloned(), &["Key", "Size"], format);
        }
    }
}

/// Equal, where numbers compare by value (Python prints 1.0 and 1e5 its own way).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            _ if x == y => true,
            (Some(p), Some(q)) => p == q,
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && same_json(v1, v2))
        }
        _ => a == b,
    }
}

/// Tokens the stable runner splices into inputs (libFuzzer finds these on its own).
pub fn dictionary(name: &str) -> &'static [&'static [u8]] {
    match name {
        "xml" => &[
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            b"<Error>",
            b"</Error>",
            b"<Code>",
            b"</Code>",
            b"<ErrorResponse>",
            b"<RequestId>",
            b"<Contents>",
            b"<Key>",
            b"<Size>",
            b"<Buckets><Bucket><Name>",
            b"<CreateDate>",
            b"2026-11-28T22:57:20.370918Z",
            b"<![CDATA[",
            b"]]>",
            b"&amp;",
            b"&#x1F600;",
            b"&#13;",
            b"&#0;",
            b"&bogus;",
            b"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
            b"xsi:type=\"x\"",
            b"<!-- -->",
            b"<a>",
            b"</a>",
            b"%7B%22a%22%3A1%7D",
        ],
        "ini" => &[
            b"[default]\n",
            b"[profile work]\n",
            b"[services s]\n",
            b"[DEFAULT]\n",
            b"aws_access_key_id = AKID\n",
            b"aws_secret_access_key = SECRETMARKSECRETMARK\n",
            b"aws_session_token = SECRETMARKSECRETMARK\n",
            b"region = eu-west-3\n",
            b"endpoint_url = http://127.0.0.1:9000\n",
            b"services = s\n",
            b"s3 =\n  endpoint_url = http://localhost:1\n",
            b"max_attempts = 0\n",
            b"retry_mode = adaptive\n",
            b"\n    ",
            b"{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"SECRETMARKSECRETMARK\"}",
            b"# c\n",
            b"; c\n",
            b"=",
            b":",
        ],
        "params" => &[
            b"15m",
            b"12h",
            b"3600s",
            b"900",
            b"43200",
            b"{\"Effect\": \"Allow\"",
            b"\"Action\": [\"s3:*\"]",
            b"\"Resource\": \"*\"}",
            b"true",
            b"--read-only",
            b"0",
            b"9",
        ],
        "sigv4" => &[
            b"/",
            b"/..",
            b"/.",
            b"//",
            b"%2F",
            b"%",
            b"\xff",
            b"=",
            b"host:",
            b"x-amz-date:",
            b"content-type: a  b ",
            b"GET",
            b"PUT",
            b"\xc3\xa9",
            b"+",
            b"~",
        ],
        "cli" => &[
            b"\0--duration\0",
            b"\x0015m\0",
            b"\0--policy\0",
            b"\0{\"Version\": 1}\0",
            b"\0--statement\0",
            b"\0--auth\0",
            b"\0--format\0",
            b"\0json\0",
            b"\0--help\0",
            b"\0--\0",
            b"\0-d\0",
            b"\0-cs\0",
            b"\0--port\0",
            b"\x0065536\0",
            b"\0--endpoint-url=",
            b"\0--read-only\0",
            b"\0--write-only\0",
            b"\0bucket\0",
            b"\0--csv\0",
        ],
        "endpoint" => &[
            b"http://",
            b"https://",
            b"127.0.0.1",
            b":9000",
            b"[::1]",
            b"%eth0",
            b"/",
            b"?",
            b"#",
            b"@",
            b":0",
            b":65536",
            b"localhost",
            b"HTTP://",
        ],
        "json" => &[
            b"{\"Key\": ",
            b"\"Size\": ",
            b"1e400",
            b"-0.0",
            b"1.5e-7",
            b"\"\\ud83d\\ude00\"",
            b"\"\\u0000\"",
            b"[",
            b"]",
            b"{",
            b"}",
            b"null",
            b"12345678901234567890",
            b"Sat, 28 Nov 2026 22:57:41 GMT",
            b"2026-11-28T22:57:20.370918Z",
            b"1700000000.5",
        ],
        _ => &[],
    }
}
