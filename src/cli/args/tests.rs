use super::*;

/// The value's message, as the user sees it after `Invalid value for '--x': `.
fn shown<T>(r: Result<T, ValueError>) -> Result<T, String> {
    r.map_err(|e| e.to_string())
}

#[test]
fn durations_follow_the_original() {
    let parse_duration = |s: &str| shown(parse_duration(s));
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
    let parse_statement = |s: &str| shown(parse_statement(s));
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

fn run(command: &str, argv: &[&str]) -> Result<Args, Failure> {
    let spec = crate::cli::spec::find(command).unwrap();
    let argv: Vec<OsString> = argv.iter().map(OsString::from).collect();
    match parse(spec, &argv)? {
        Parsed::Run(args) => Ok(*args),
        Parsed::Help => panic!("{command} {argv:?} asks for help"),
    }
}

/// A value of the kind each `Set` takes, as the parser would make it.
fn sample(set: Set) -> Val {
    match set {
        Set::Flag(_) => Val::Flag,
        Set::Text(_) | Set::Truthy(_) | Set::Texts(_) => Val::Text("v".into()),
        Set::Choice(choices, _) => Val::Text(choices[0].into()),
        Set::Int(_) => Val::Int(7),
        Set::Bool(_) => Val::Bool(true),
        Set::Duration(_) => Val::Seconds(900),
        Set::Statements(_) => Val::Json(serde_json::json!({"Effect": "Allow"})),
        Set::Policy(_) | Set::FileText(_) => Val::Read("{}".into()),
        Set::OutFile(_) | Set::OutDir(_) => Val::Path("out".into()),
        Set::Expires(_) => Val::Time(time::macros::datetime!(2099-01-01 0:00 UTC)),
    }
}

/// The one spec test: in every command, each option and each positional writes a
/// field (its value is not dropped) and no two write the same one (one would hide
/// the other). That a value fits its field is the compiler's check.
#[test]
fn every_option_and_argument_writes_a_field_of_its_own() {
    for spec in crate::cli::spec::COMMANDS {
        let mut written: Vec<(String, Args)> = Vec::new();
        for opt in spec.options() {
            let mut args = Args::default();
            opt.set.store(&mut args, sample(opt.set)).unwrap();
            written.push((format!("--{}", opt.long), args));
        }
        for arg in spec.args {
            let mut args = Args::default();
            arg.set.apply(&mut args, vec!["v".into()]).unwrap();
            written.push((arg.name.to_string(), args));
        }
        for (i, (name, args)) in written.iter().enumerate() {
            assert_ne!(
                args,
                &Args::default(),
                "{} {name} writes nothing",
                spec.name
            );
            for (other, other_args) in &written[..i] {
                assert_ne!(
                    args, other_args,
                    "{}: {name} and {other} write the same field",
                    spec.name
                );
            }
        }
        // And the names themselves: a long or short name given twice would shadow.
        let longs: Vec<&str> = spec.options().map(|o| o.long).collect();
        let shorts: Vec<char> = spec.options().filter_map(|o| o.short).collect();
        for (i, long) in longs.iter().enumerate() {
            assert!(!longs[..i].contains(long), "{}: --{long} twice", spec.name);
        }
        for (i, short) in shorts.iter().enumerate() {
            assert!(
                !shorts[..i].contains(short),
                "{}: -{short} twice",
                spec.name
            );
        }
    }
}

#[test]
fn parsed_values_land_in_their_fields() {
    let args = run(
        "create",
        &[
            "b1",
            "--read-only",
            "--prefix",
            "a/",
            "b2",
            "--prefix=c/",
            "-d",
            "15m",
            "-f",
            "ini",
            "--tag",
            "k=v",
            "-c",
            "--username",
            "first",
            "--username",
            "last",
        ],
    )
    .unwrap();
    assert_eq!(args.buckets, ["b1", "b2"]);
    assert!(args.read_only && args.create_bucket && !args.write_only);
    assert_eq!(args.prefixes, ["a/", "c/"]);
    assert_eq!(args.duration, Some(900));
    assert_eq!(args.format.as_deref(), Some("ini"));
    assert_eq!(args.tags, ["k=v"]);
    // The last of a repeated single-value option wins, as in click.
    assert_eq!(args.username.as_deref(), Some("last"));

    // Text the original tests for truth: empty is not given.
    let args = run("delete-objects", &["b", "--prefix", "", "--access-key", ""]).unwrap();
    assert_eq!((args.prefix, args.aws.access_key), (None, None));
    let args = run("list-bucket", &["b", "--prefix", "p/", "--csv", "--tsv"]).unwrap();
    assert_eq!(args.prefix.as_deref(), Some("p/"));
    assert_eq!(args.list_format(), crate::output::Format::Tsv);

    let args = run(
        "set-public-access-block",
        &[
            "b",
            "--block-public-acls",
            "no",
            "--restrict-public-buckets",
            "1",
        ],
    )
    .unwrap();
    assert_eq!(args.bucket, "b");
    assert_eq!(args.block_public_acls, Some(false));
    assert_eq!(args.restrict_public_buckets, Some(true));
    assert_eq!(args.ignore_public_acls, None);
}

#[cfg(unix)]
#[test]
fn text_that_is_not_utf8_is_a_usage_error_naming_the_parameter() {
    use std::os::unix::ffi::OsStringExt;
    let spec = crate::cli::spec::find("list-bucket").unwrap();
    let bad = OsString::from_vec(vec![b'a', 0xff]);
    let refused = |argv: Vec<OsString>| match parse(spec, &argv) {
        Err(e @ Failure::Usage { .. }) => e.to_string(),
        Err(e) => panic!("{e:?}"),
        Ok(_) => panic!("{argv:?} parses"),
    };
    assert_eq!(
        refused(vec!["b".into(), "--prefix".into(), bad.clone()]),
        "Invalid value for '--prefix': text is not valid UTF-8"
    );
    let spec = crate::cli::spec::find("delete-user").unwrap();
    let refused = match parse(spec, &[bad]) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("parses"),
    };
    assert_eq!(
        refused,
        "Invalid value for 'USERNAMES': text is not valid UTF-8"
    );
}

/// `--expires WHEN` is read against the clock while parsing: the field holds the time,
/// and a refusal is click's usage error naming the option (the value's own words are
/// `lifecycle::expires`' tests).
#[test]
fn expires_is_a_time_read_while_parsing() {
    use time::macros::datetime;
    use time::{Duration, OffsetDateTime};
    for command in ["create", "policy"] {
        let args = run(command, &["b", "--expires", "2099-03-01T12:00:00Z"]).unwrap();
        assert_eq!(args.expires, Some(datetime!(2099-03-01 12:00 UTC)));
        // The last one wins, as for any single-value option; a date alone is midnight.
        let args = run(command, &["b", "--expires=1d", "--expires", "2099-03-01"]).unwrap();
        assert_eq!(args.expires, Some(datetime!(2099-03-01 0:00 UTC)));
        let before = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
        let args = run(command, &["b", "--expires", "90d"]).unwrap();
        let after = OffsetDateTime::now_utc();
        let at = args.expires.expect("a time");
        let ninety = Duration::days(90);
        assert!(before + ninety <= at && at <= after + ninety, "{at}");
        assert_eq!(run(command, &["b"]).unwrap().expires, None);
        for (when, why) in [
            ("0s", "'0s' is not in the future."),
            (
                "soon",
                "'soon' is not a duration (90d, 12h, 30m, 3600s) or a UTC date or time (2027-03-01, 2027-03-01T12:00:00Z).",
            ),
        ] {
            match run(command, &["b", "--expires", when]) {
                Err(e @ Failure::Usage { .. }) => assert_eq!(
                    e.to_string(),
                    format!("Invalid value for '--expires': {why}")
                ),
                Err(e) => panic!("{e:?}"),
                Ok(args) => panic!("{when} parses: {:?}", args.expires),
            }
        }
    }
    // An addition with no short flag, and only where it applies.
    let spec = crate::cli::spec::find("create").unwrap();
    let opt = spec.options().find(|o| o.long == "expires").unwrap();
    assert_eq!((opt.short, opt.metavar), (None, "WHEN"));
    assert!(
        crate::cli::spec::find("localserver")
            .unwrap()
            .options()
            .all(|o| o.long != "expires")
    );
}
