//! The parser against configparser's behaviour (each expectation checked with
//! Python 3.11's `RawConfigParser` and botocore 1.44's `raw_config_parse`).

use super::*;

#[test]
fn sections_keys_and_separators() {
    let ini = parse(
        "[default]\nAWS_Access_Key_ID = AKID\nregion=eu-west-1\noutput: json\n\
         url = http://host:9000/x\n\n[profile dev]\nregion = us-west-2\n",
    )
    .unwrap();
    assert_eq!(
        ini.sections().collect::<Vec<_>>(),
        ["default", "profile dev"]
    );
    assert_eq!(ini.get("default", "aws_access_key_id"), Some("AKID"));
    assert_eq!(ini.get("default", "AWS_ACCESS_KEY_ID"), Some("AKID"));
    assert_eq!(ini.get("default", "region"), Some("eu-west-1"));
    assert_eq!(ini.get("default", "output"), Some("json"));
    // The first separator splits; later ones belong to the value.
    assert_eq!(ini.get("default", "url"), Some("http://host:9000/x"));
    assert_eq!(ini.get("profile dev", "region"), Some("us-west-2"));
    assert_eq!(ini.get("profile dev", "output"), None);
    assert_eq!(ini.get("missing", "region"), None);
}

#[test]
fn comments_and_blank_lines() {
    let ini = parse(
        "# leading comment\n; another\n[a]\n  # indented comment\nk = v # not a comment\n\n;x = y\n",
    )
    .unwrap();
    assert_eq!(ini.get("a", "k"), Some("v # not a comment"));
    assert_eq!(ini.keys("a"), ["k"]);
}

#[test]
fn continuation_lines_and_nested_blocks() {
    let ini = parse(
        "[profile x]\nregion = us-east-1\ns3 =\n    addressing_style = path\n\n    \
         Signature_Version = s3v4\n# comment inside\n    addressing_style = virtual\nmax_attempts = 4\n",
    )
    .unwrap();
    assert_eq!(ini.get("profile x", "region"), Some("us-east-1"));
    assert_eq!(
        ini.get("profile x", "s3"),
        Some("\naddressing_style = path\n\nSignature_Version = s3v4\naddressing_style = virtual")
    );
    // A later key in a block wins, as in botocore's dict.
    assert_eq!(
        ini.nested("profile x", "s3").unwrap(),
        [
            ("addressing_style".to_string(), "virtual".to_string()),
            ("Signature_Version".to_string(), "s3v4".to_string()),
        ]
    );
    assert_eq!(ini.nested("profile x", "region"), None);
    assert_eq!(ini.get("profile x", "max_attempts"), Some("4"));
    assert!(ini.nested_blocks_ok());
}

#[test]
fn a_block_line_without_equals_is_refused_in_any_section() {
    // botocore's _parse_nested raises ValueError -> ConfigParseError, even when the
    // block is in a profile that is never used, or inherited from [DEFAULT].
    let ini = parse("[used]\nk = 1\n[unused]\ns3 =\n    bad line\n").unwrap();
    assert!(!ini.nested_blocks_ok());
    assert_eq!(ini.nested("unused", "s3"), None);
    // A key "moved to the next line" is such a block.
    let ini = parse("[default]\naws_access_key_id =\n    AKIAEXAMPLE\n").unwrap();
    assert!(!ini.nested_blocks_ok());
    let ini = parse("[DEFAULT]\nx =\n  y\n[a]\n").unwrap();
    assert!(!ini.nested_blocks_ok());
    // [DEFAULT] alone is never looked at by botocore (it lists sections only).
    assert!(parse("[DEFAULT]\nx =\n  y\n").unwrap().nested_blocks_ok());
    // A value whose first line is not empty is plain text, whatever follows.
    assert!(parse("[a]\nk = one\n  two\n").unwrap().nested_blocks_ok());
}

#[test]
fn nested_lines_split_where_python_splitlines_does() {
    // "a = 1\x1cb = 2" is two lines for str.splitlines().
    let ini = parse("[a]\ns3 =\n  a = 1\u{1c}b = 2\n").unwrap();
    assert_eq!(
        ini.nested("a", "s3").unwrap(),
        [
            ("a".to_string(), "1".to_string()),
            ("b".to_string(), "2".to_string())
        ]
    );
}

#[test]
fn plain_value_continued() {
    let ini = parse("[a]\nk = one\n  two\n\nz = 1\n").unwrap();
    assert_eq!(ini.get("a", "k"), Some("one\ntwo"));
    assert_eq!(ini.get("a", "z"), Some("1"));
}

#[test]
fn duplicate_sections_and_keys_are_refused() {
    let err = parse("[a]\nk = 1\n[b]\nk = 2\n[a]\nn = 4\n").unwrap_err();
    assert_eq!(err.line, 5);
    // Keys are compared after lowercasing.
    assert_eq!(parse("[a]\nk = 1\nK: 2\n").unwrap_err().line, 3);
    // The same key in two sections is fine.
    assert!(parse("[a]\nk = 1\n[b]\nk = 2\n").is_ok());
    // [DEFAULT] may appear twice, but not with the same key twice.
    let ini = parse("[DEFAULT]\nk = 1\n[DEFAULT]\nj = 2\n[a]\n").unwrap();
    assert_eq!(
        (ini.get("a", "k"), ini.get("a", "j")),
        (Some("1"), Some("2"))
    );
    assert_eq!(
        parse("[DEFAULT]\nk = 1\n[DEFAULT]\nk = 2\n")
            .unwrap_err()
            .line,
        4
    );
}

#[test]
fn default_section_is_inherited() {
    let ini = parse("[DEFAULT]\nregion = r\n[a]\nk = 1\n").unwrap();
    assert_eq!(ini.sections().collect::<Vec<_>>(), ["a"]);
    assert_eq!(ini.get("a", "region"), Some("r"));
    assert_eq!(ini.keys("a"), ["k", "region"]);
    assert!(!ini.has_section("DEFAULT"));
}

#[test]
fn section_header_forms() {
    let ini = parse("[profile \"a b\"]\nk=1\n[x]] trailing\nk=2\n").unwrap();
    assert_eq!(
        ini.sections().collect::<Vec<_>>(),
        ["profile \"a b\"", "x]"]
    );
    assert!(ini.has_section("x]"));
}

#[test]
fn malformed_lines_name_the_line_not_the_content() {
    let err = parse("[a]\nk = 1\nwJalrXUtnFEMI/K7MDENG\n").unwrap_err();
    assert_eq!(err.line, 3);
    assert!(!err.to_string().contains("wJalr"), "{err}");
    assert!(err.to_string().starts_with("line 3: "), "{err}");

    let err = parse("\nk = 1\n[a]\n").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.message.contains("section"), "{err}");

    let err = parse("[a]\n = 1\n").unwrap_err();
    assert_eq!(err.line, 2);

    // `[]` is not a header, and has no separator either.
    assert_eq!(parse("[a]\n[]\n").unwrap_err().line, 2);
    // configparser reads on and reports the first bad line at the end, unless a
    // fatal error (a duplicate) comes first.
    assert_eq!(parse("[a]\nbad\nworse\n").unwrap_err().line, 2);
    assert_eq!(parse("[a]\nbad\n[a]\n").unwrap_err().line, 3);
}

#[test]
fn line_endings_are_universal_newlines() {
    let ini = parse("[a]\r\nk = v\r\n").unwrap();
    assert_eq!(ini.get("a", "k"), Some("v"));
    // A lone CR ends a line too (old Mac files, some editors).
    let ini = parse("[a]\rk = v\rregion = eu-west-1\r[b]\rx = 1").unwrap();
    assert_eq!(ini.get("a", "k"), Some("v"));
    assert_eq!(ini.get("a", "region"), Some("eu-west-1"));
    assert_eq!(ini.get("b", "x"), Some("1"));
    // Mixed: \r\n is one ending, \n\r two.
    let ini = parse("[a]\n\rk = v\n\r  w\r\n").unwrap();
    assert_eq!(ini.get("a", "k"), Some("v\n\nw"));
    assert_eq!(
        universal_lines("a\r\nb\rc\n\nd").collect::<Vec<_>>(),
        ["a", "b", "c", "", "d"]
    );
}

#[test]
fn a_byte_order_mark_is_text_before_the_first_header() {
    // Python reads a UTF-8 BOM as U+FEFF, which is not whitespace.
    assert_eq!(parse("\u{feff}[a]\nk = v\n").unwrap_err().line, 1);
    assert_eq!(parse("\u{feff}# comment\n[a]\n").unwrap_err().line, 1);
}

#[test]
fn whitespace_is_pythons() {
    // U+3000 and U+2003 are spaces; \x1c-\x1f are whitespace to Python, not to Rust.
    let ini = parse("[a]\n\u{3000}k\u{3000}=\u{3000}v\u{1c}\n\u{2003}\u{2003}cont\n").unwrap();
    assert_eq!(ini.get("a", "k"), Some("v\ncont"));
    let ini = parse("[a]\n\u{1c}k = v\u{1f}\n").unwrap();
    assert_eq!(ini.get("a", "k"), Some("v"));
    // Indentation counts characters, not bytes: one U+3000 is as deep as one space.
    let ini = parse("[a]\n k = v\n\u{3000}j = w\n").unwrap();
    assert_eq!(ini.get("a", "k"), Some("v"));
    assert_eq!(ini.get("a", "j"), Some("w"));
    // U+FEFF and U+200B are not whitespace.
    assert_eq!(py_strip("\u{200b}x\u{a0}"), "\u{200b}x");
    assert!(is_py_space('\u{85}') && !is_py_space('\u{feff}'));
}

#[test]
fn debug_shows_keys_not_values() {
    let ini = parse("[a]\naws_secret_access_key = TOPSECRET\n").unwrap();
    let shown = format!("{ini:?}");
    assert!(shown.contains("aws_secret_access_key"), "{shown}");
    assert!(!shown.contains("TOPSECRET"), "{shown}");
}

#[test]
fn empty_text() {
    let ini = parse("").unwrap();
    assert_eq!(ini.sections().count(), 0);
}
