use super::*;

#[test]
fn durations_follow_the_original() {
    assert_eq!(parse_duration("900"), Ok(900));
    assert_eq!(parse_duration("15m"), Ok(900));
    assert_eq!(parse_duration("1200s"), Ok(1200));
    assert_eq!(parse_duration("12h"), Ok(43200));
    let form = Err("Duration must be of form 3600s or 15m or 2h".to_string());
    let range = Err("Duration must be between 15 minutes and 12 hours".to_string());
    // Found while writing the params fuzz target's reference; checked against the original.
    assert_eq!(parse_duration("900\n"), Ok(900));
    assert_eq!(parse_duration("15m\n"), Ok(900));
    for bad in [
        "abc", "-5", "1d", "", "m", "1.5h", " 900", "15M", "\n", "900\n\n", "900\r\n",
    ] {
        assert_eq!(parse_duration(bad), form, "{bad}");
    }
    for bad in [
        "0",
        "14m",
        "13h",
        "899",
        "43201",
        "99999999999999999999999h",
    ] {
        assert_eq!(parse_duration(bad), range, "{bad}");
    }
}

#[test]
fn statements_need_three_keys() {
    assert_eq!(parse_statement("x"), Err("Invalid JSON string".into()));
    assert_eq!(parse_statement("[1]"), Err("JSON must be an object".into()));
    assert_eq!(
        parse_statement(r#"{"Effect": "Allow"}"#),
        Err("Statement JSON missing required keys: Action, Resource".into())
    );
    assert!(parse_statement(r#"{"Effect":1,"Action":2,"Resource":3}"#).is_ok());
}

#[test]
fn close_matches_like_difflib() {
    let opts: Vec<String> = ["--format", "--prefix", "--read-only", "--help"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(close_matches("--formt", &opts), ["--format"]);
    // Checked against Python's difflib.get_close_matches.
    assert_eq!(
        close_matches("--rea", &opts),
        ["--read-only", "--prefix", "--format"]
    );
    assert!(close_matches("--zzzzzzzzzz", &opts).is_empty());
    assert_eq!(
        format_possibilities(close_matches("--rea", &opts)),
        "(Did you mean one of: '--format', '--prefix', '--read-only'?)"
    );
}

#[test]
fn click_booleans() {
    for t in ["1", "true", "T", "yes", "y", "on"] {
        assert_eq!(parse_bool(t), Some(true));
    }
    for f in ["0", "false", "F", "no", "n", "off", ""] {
        assert_eq!(parse_bool(f), Some(false));
    }
    assert_eq!(parse_bool("maybe"), None);
}

#[test]
#[cfg(debug_assertions)]
fn a_misspelt_option_name_is_caught() {
    let spec = crate::cli::spec::find("policy").unwrap();
    let Ok(Parsed::Run(m)) = parse(spec, &["b".into(), "--read-only".into()]) else {
        panic!("policy b --read-only parses");
    };
    assert!(m.flag("read-only"));
    let misspelt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| m.flag("readonly")));
    assert!(misspelt.is_err(), "a name the command lacks is refused");
    let missing_arg = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| m.arg_os("KEY")));
    assert!(missing_arg.is_err());
}

/// Each command's typed arguments read every option and argument its spec declares, so
/// none is parsed and then ignored (and, in debug builds, none read is misspelt).
#[test]
fn every_command_reads_its_whole_spec() {
    for spec in crate::cli::spec::COMMANDS {
        let mut argv: Vec<OsString> = spec
            .args
            .iter()
            .filter(|a| a.required)
            .map(|a| match a.conv {
                ArgConv::ExistingFileOrDash => OsString::from("-"),
                _ => OsString::from("example-bucket"),
            })
            .collect();
        for opt in spec.options().filter(|o| o.required) {
            assert_eq!(
                opt.conv,
                Conv::Duration,
                "a sample value for --{}",
                opt.long
            );
            argv.extend([format!("--{}", opt.long).into(), "900".into()]);
        }
        let Ok(Parsed::Run(m)) = parse(spec, &argv) else {
            panic!("{}: the minimal command line does not parse", spec.name);
        };
        if let Err(e) = spec.command.read(&m) {
            panic!("{}: {e}", spec.name);
        }
        assert_eq!(
            m.unread(),
            Vec::<&str>::new(),
            "{} leaves these unread",
            spec.name
        );
    }
}

#[test]
fn unread_names_are_found() {
    let spec = crate::cli::spec::find("policy").unwrap();
    let Ok(Parsed::Run(m)) = parse(spec, &[OsString::from("b")]) else {
        panic!("policy b does not parse");
    };
    assert!(m.flag("read-only") || m.arg_list("BUCKETS").is_ok());
    let unread = m.unread();
    assert!(unread.contains(&"write-only") && !unread.contains(&"read-only"));
    assert!(!unread.contains(&"BUCKETS"), "{unread:?}");
}
