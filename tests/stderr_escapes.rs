//! Nothing from outside drives the terminal: control characters in keys and in a
//! server's messages reach stderr escaped as Python's `repr()` writes them (`\x1b`,
//! `\r`, `\x07`), one line per message, while ordinary keys print as the original prints
//! them. stdout is the contract and is not escaped.

use crate::support;

use support::{Matcher, MockServer, Reply, TempDir, run};

/// The binary, keyed for the mock, one attempt.
fn cmd(server: &MockServer, args: &[&str]) -> std::process::Command {
    let mut c = support::s3_mock::mock_cmd(server, args);
    c.env("AWS_MAX_ATTEMPTS", "1");
    c
}

/// No control character but the line ends, and no C1 control either.
fn assert_no_raw_controls(stderr: &str) {
    for c in stderr.chars() {
        assert!(
            c == '\n' || !(c.is_control()),
            "raw {c:?} on stderr: {stderr:?}"
        );
    }
}

/// A listing (`encoding-type=url`) of one key per entry, sizes of one byte.
fn listing(keys: &[&str]) -> String {
    let contents: String = keys
        .iter()
        .map(|k| {
            format!(
                "<Contents><Key>{k}</Key><LastModified>2026-11-28T22:57:24.000Z</LastModified>\
                 <ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>1</Size>\
                 <StorageClass>STANDARD</StorageClass></Contents>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult \
         xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name><Prefix></Prefix>\
         <KeyCount>{}</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType>\
         <IsTruncated>false</IsTruncated>{contents}</ListBucketResult>",
        keys.len()
    )
}

#[test]
fn listed_keys_with_terminal_escapes_print_escaped_when_their_download_fails() {
    let server = MockServer::start();
    // ESC ] 0 ; title BEL retitles the terminal, CR goes back over the line, CSI 2J
    // clears the screen (C1 CSI, U+009B, as well), DEL; an ordinary non-ASCII key beside.
    server.on(
        Matcher::get("/bucket").query("list-type", "2"),
        Reply::xml(
            200,
            listing(&[
                "evil%1B%5D0%3Bpwned%07%0Dname.txt",
                "clear%1B%5B2J%C2%9B2J%7F.txt",
                "caf%C3%A9+%E6%97%A5%E6%9C%AC.txt",
            ]),
        ),
    );
    // The first 404s, the second is refused with a server message full of escapes.
    server.on(
        Matcher::get("/bucket/clear\x1b[2J\u{9b}2J\x7f.txt"),
        Reply::s3_error(403, "AccessDenied", "no\x1b[2J\x07 way"),
    );
    server.on(Matcher::get("/bucket/café 日本.txt"), Reply::status(404));
    let dir = TempDir::new();
    let out_dir = dir.path().join("out");
    let out = run(
        &mut cmd(
            &server,
            &["get-objects", "bucket", "-o", out_dir.to_str().unwrap()],
        ),
        None,
    );
    assert_eq!(out.code, 1);
    assert_no_raw_controls(&out.stderr);
    assert_eq!(
        out.stderr,
        "Downloading 3.0 bytes (3 files)\n\
         Error: Not found: evil\\x1b]0;pwned\\x07\\rname.txt\n\
         Could not download clear\\x1b[2J\\x9b2J\\x7f.txt: An error occurred (AccessDenied) \
         when calling the GetObject operation: no\\x1b[2J\\x07 way\n\
         Not found: café 日本.txt\n"
    );
}

#[test]
fn keys_given_on_the_command_line_print_escaped_too() {
    let server = MockServer::start();
    let key = "a\x1b]0;x\x07\rb\n\tc";
    let out = run(&mut cmd(&server, &["get-objects", "bucket", key]), None);
    assert_eq!(out.code, 1);
    assert_no_raw_controls(&out.stderr);
    assert!(
        out.stderr
            .ends_with("Error: Not found: a\\x1b]0;x\\x07\\rb\\n\\tc\n"),
        "{:?}",
        out.stderr
    );
}

#[test]
fn a_server_message_with_control_characters_is_one_escaped_line() {
    let server = MockServer::start();
    // Raw control bytes, and the same as XML character references.
    server.on(
        Matcher::action("GetCallerIdentity"),
        Reply::query_error(
            403,
            "InvalidClientTokenId",
            "bad\x1b]0;pwned\x07 token&#13;&#10;Error: a fake line&#x1b;[31m",
        ),
    );
    let out = run(&mut cmd(&server, &["whoami"]), None);
    assert_eq!(out.code, 1);
    assert_no_raw_controls(&out.stderr);
    assert_eq!(
        out.stderr,
        "Error: An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity \
         operation: bad\\x1b]0;pwned\\x07 token\\r\\nError: a fake line\\x1b[31m \
         (request id: MOCKREQUESTID)\n"
    );
}

#[test]
fn delete_errors_with_control_characters_stay_escaped() {
    let server = MockServer::start();
    server.on(
        Matcher::post("/bucket").query("delete", ""),
        Reply::xml(
            200,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult \
             xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Error><Key>k\x1b[2J\x07</Key>\
             <Code>AccessDenied</Code><Message>Access\x1b]0;x\x07 Denied</Message></Error>\
             </DeleteResult>",
        ),
    );
    let out = run(
        &mut cmd(&server, &["delete-objects", "bucket", "k\x1b[2J\x07"]),
        None,
    );
    assert_eq!(out.code, 0);
    assert_no_raw_controls(&out.stderr);
    assert_eq!(
        out.stderr,
        "Deleting 1 object from bucket\n\
         Errors deleting objects: [{'Key': 'k\\x1b[2J\\x07', 'Code': 'AccessDenied', \
         'Message': 'Access\\x1b]0;x\\x07 Denied'}]\n"
    );
}

#[test]
fn stdout_is_not_escaped() {
    // The contract: list-bucket prints the key as the original's json.dumps does
    // (`\u001b`, `\u007f`), untouched by the stderr escaping.
    let server = MockServer::start();
    server.on(
        Matcher::get("/bucket").query("list-type", "2"),
        Reply::xml(200, listing(&["a%1Bb%7F"])),
    );
    let out = run(&mut cmd(&server, &["list-bucket", "bucket", "--nl"]), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("{\"Key\": \"a\\u001bb\\u007f\", "),
        "{stdout:?}"
    );
}
