//! Hand-written cases, one group per known class where our configuration reading and
//! botocore's have disagreed (the parity issue's list), each in a few variants.

use super::model::{Case, HOME};

const K1: &str = "AKIAEDGEKEYONE000001";
const S1: &str = "edgeSecretOne/abcdefghijklmnopqrstuv";
const K2: &str = "AKIAEDGEKEYTWO000002";
const S2: &str = "edgeSecretTwo+abcdefghijklmnopqrstuv";
const ROLE: &str = "arn:aws:iam::123456789012:role/edge";

fn case(class: &str, variant: &str) -> Case {
    let mut c = Case::new(format!("edge:{class}/{variant}"), &format!("edge:{class}"));
    c.secret("one", S1).secret("two", S2);
    c
}

fn creds(name: &str, key: &str, secret: &str) -> String {
    format!("[{name}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n")
}

/// A role profile `r` sourced from `[base]` in the credentials file, with `extra` lines.
fn role_case(class: &str, variant: &str, extra: &str) -> Case {
    let mut c = case(class, variant);
    c.credentials(creds("base", K1, S1))
        .config(format!(
            "[profile r]\nrole_arn = {ROLE}\nsource_profile = base\n{extra}"
        ))
        .env("AWS_PROFILE", "r")
        .env("AWS_DEFAULT_REGION", "us-east-1");
    c
}

pub fn all() -> Vec<Case> {
    let mut v = Vec::new();
    session_names(&mut v);
    processes(&mut v);
    empty_environment(&mut v);
    line_endings(&mut v);
    web_identity(&mut v);
    duplicates(&mut v);
    indented(&mut v);
    expirations(&mut v);
    sso_sessions(&mut v);
    durations(&mut v);
    auth_files(&mut v);
    whitespace(&mut v);
    regions(&mut v);
    v
}

fn session_names(v: &mut Vec<Case>) {
    for (variant, line) in [
        ("empty", "role_session_name =\n"),
        ("blank", "role_session_name =   \n"),
        ("set", "role_session_name = my-session\n"),
        ("one-char", "role_session_name = x\n"),
        ("spaces-inside", "role_session_name = my session\n"),
    ] {
        v.push(role_case("role-session-name", variant, line));
    }
}

fn process_case(variant: &str, command: &str) -> Case {
    let mut c = case("credential-process", variant);
    // Prints its arguments as the session token, so how the line was split shows.
    c.script(
        "bin/proc.sh",
        format!(
            "#!/bin/sh\nprintf '{{\"Version\": 1, \"AccessKeyId\": \"{K1}\", \
             \"SecretAccessKey\": \"{S1}\", \"SessionToken\": \"argc%s-%s-%s\"}}' \"$#\" \"$1\" \"$2\"\n"
        ),
    );
    c.script(
        "bin/with space.sh",
        "#!/bin/sh\nexec \"$(dirname \"$0\")/proc.sh\" \"$@\"\n",
    );
    c.config(format!("[default]\ncredential_process = {command}\n"));
    c
}

fn processes(v: &mut Vec<Case>) {
    for (variant, command) in [
        ("plain", format!("{HOME}/bin/proc.sh")),
        ("args", format!("{HOME}/bin/proc.sh a b")),
        ("single-quotes", format!("{HOME}/bin/proc.sh 'a b' c")),
        ("double-quotes", format!("{HOME}/bin/proc.sh \"a b\" c")),
        ("backslash-space", format!("{HOME}/bin/proc.sh a\\ b")),
        ("dollar-var", format!("{HOME}/bin/proc.sh $HOME")),
        ("semicolon", format!("{HOME}/bin/proc.sh a;b")),
        ("pipe", format!("{HOME}/bin/proc.sh a | cat")),
        ("redirect", format!("{HOME}/bin/proc.sh a 2>/dev/null")),
        ("tilde", "~/bin/proc.sh".to_string()),
        ("quoted-path", format!("\"{HOME}/bin/with space.sh\" a")),
        ("unquoted-space-path", format!("{HOME}/bin/with space.sh a")),
        ("glob", format!("{HOME}/bin/proc.s?")),
        ("unbalanced-quote", format!("{HOME}/bin/proc.sh 'a")),
        ("hash", format!("{HOME}/bin/proc.sh a#b")),
    ] {
        v.push(process_case(variant, &command));
    }
}

fn empty_environment(v: &mut Vec<Case>) {
    let keyed = |variant: &str| {
        let mut c = case("empty-env", variant);
        c.credentials(format!(
            "{}{}",
            creds("default", K1, S1),
            creds("other", K2, S2)
        ));
        c
    };
    let mut c = keyed("AWS_PROFILE");
    c.env("AWS_PROFILE", "");
    v.push(c);
    let mut c = keyed("AWS_DEFAULT_PROFILE");
    c.env("AWS_DEFAULT_PROFILE", "");
    v.push(c);
    let mut c = keyed("AWS_DEFAULT_PROFILE-and-AWS_PROFILE");
    c.env("AWS_DEFAULT_PROFILE", "").env("AWS_PROFILE", "other");
    v.push(c);
    let mut c = keyed("AWS_SHARED_CREDENTIALS_FILE");
    c.env("AWS_SHARED_CREDENTIALS_FILE", "");
    v.push(c);
    let mut c = case("empty-env", "AWS_CONFIG_FILE");
    c.config(format!(
        "[default]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"
    ))
    .env("AWS_CONFIG_FILE", "");
    v.push(c);
    let mut c = case("empty-env", "AWS_CONFIG_FILE-role");
    c.config(format!(
        "[profile r]\nrole_arn = {ROLE}\nsource_profile = base\n"
    ))
    .credentials(creds("base", K1, S1))
    .env("AWS_PROFILE", "r")
    .env("AWS_CONFIG_FILE", "");
    v.push(c);
    let mut c = case("empty-env", "AWS_WEB_IDENTITY_TOKEN_FILE");
    c.credentials(creds("default", K1, S1))
        .file("token.jwt", "web-token")
        .env("AWS_ROLE_ARN", ROLE)
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", "")
        .env("AWS_DEFAULT_REGION", "us-east-1");
    v.push(c);
    let mut c = case("empty-env", "AWS_ROLE_ARN");
    c.credentials(creds("default", K1, S1))
        .file("token.jwt", "web-token")
        .env("AWS_ROLE_ARN", "")
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", &format!("{HOME}/token.jwt"))
        .env("AWS_DEFAULT_REGION", "us-east-1");
    v.push(c);
    let mut c = keyed("AWS_DEFAULT_REGION");
    c.config("[default]\nregion = eu-west-1\n")
        .env("AWS_DEFAULT_REGION", "");
    v.push(c);
    let mut c = keyed("AWS_ACCESS_KEY_ID");
    c.env("AWS_ACCESS_KEY_ID", "")
        .env("AWS_SECRET_ACCESS_KEY", S2);
    v.push(c);
    let mut c = keyed("AWS_SESSION_TOKEN");
    c.env("AWS_ACCESS_KEY_ID", K2)
        .env("AWS_SECRET_ACCESS_KEY", S2)
        .env("AWS_SESSION_TOKEN", "");
    v.push(c);
    let mut c = keyed("AWS_ROLE_SESSION_NAME");
    c.file("token.jwt", "web-token")
        .env("AWS_ROLE_ARN", ROLE)
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", &format!("{HOME}/token.jwt"))
        .env("AWS_ROLE_SESSION_NAME", "")
        .env("AWS_DEFAULT_REGION", "us-east-1");
    v.push(c);
}

fn line_endings(v: &mut Vec<Case>) {
    for (variant, eol) in [("cr", "\r"), ("crlf", "\r\n"), ("mixed", "\r\n\n")] {
        let mut c = case("line-endings", variant);
        let text = format!(
            "[profile r]{eol}role_arn = {ROLE}{eol}source_profile = base{eol}region = us-east-1{eol}"
        );
        c.config(text)
            .credentials(creds("base", K1, S1).replace('\n', eol))
            .env("AWS_PROFILE", "r")
            .unset("AWS_DEFAULT_REGION");
        v.push(c);
    }
    let mut c = case("line-endings", "cr-credentials-only");
    c.credentials(creds("default", K1, S1).replace('\n', "\r"));
    v.push(c);
}

fn web_identity(v: &mut Vec<Case>) {
    for (variant, token) in [
        ("newline", "eyJhbGciOi.web.token\n"),
        ("crlf", "eyJhbGciOi.web.token\r\n"),
        ("spaces", "  eyJhbGciOi.web.token  "),
        ("plain", "eyJhbGciOi.web.token"),
        ("empty", ""),
    ] {
        let mut c = case("web-identity-token", variant);
        c.file("token.jwt", token)
            .config(format!(
                "[default]\nrole_arn = {ROLE}\nweb_identity_token_file = {HOME}/token.jwt\nregion = us-east-1\n"
            ));
        v.push(c);
    }
    let mut c = case("web-identity-token", "env-newline");
    c.file("token.jwt", "env.web.token\n")
        .env("AWS_ROLE_ARN", ROLE)
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", &format!("{HOME}/token.jwt"))
        .env("AWS_DEFAULT_REGION", "us-east-1");
    v.push(c);
    let mut c = case("web-identity-token", "missing-file");
    c.config(format!(
        "[default]\nrole_arn = {ROLE}\nweb_identity_token_file = {HOME}/nope.jwt\nregion = us-east-1\n"
    ));
    v.push(c);
}

fn duplicates(v: &mut Vec<Case>) {
    let mut c = case("duplicates", "section-credentials");
    c.credentials(format!(
        "{}{}",
        creds("default", K1, S1),
        creds("default", K2, S2)
    ));
    v.push(c);
    let mut c = case("duplicates", "key-credentials");
    c.credentials(format!(
        "[default]\naws_access_key_id = {K1}\naws_access_key_id = {K2}\naws_secret_access_key = {S1}\n"
    ));
    v.push(c);
    let mut c = case("duplicates", "section-config");
    c.config(format!(
        "[default]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n[default]\nregion = eu-west-1\n"
    ));
    v.push(c);
    let mut c = case("duplicates", "key-config-other-profile");
    c.credentials(creds("default", K1, S1))
        .config("[profile x]\nregion = a\nregion = b\n");
    v.push(c);
    let mut c = case("duplicates", "key-differing-case");
    c.credentials(format!(
        "[default]\naws_access_key_id = {K1}\nAWS_ACCESS_KEY_ID = {K2}\naws_secret_access_key = {S1}\n"
    ));
    v.push(c);
    let mut c = case("duplicates", "profile-and-bare-name");
    c.config(format!(
        "[profile dev]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n\
         [dev]\naws_access_key_id = {K2}\naws_secret_access_key = {S2}\n"
    ))
    .env("AWS_PROFILE", "dev");
    v.push(c);
}

fn indented(v: &mut Vec<Case>) {
    for (variant, text) in [
        (
            "value-next-line",
            format!("[default]\naws_access_key_id =\n    {K1}\naws_secret_access_key = {S1}\n"),
        ),
        (
            "continuation",
            format!("[default]\naws_access_key_id = {K1}\n  more\naws_secret_access_key = {S1}\n"),
        ),
        (
            "indented-key",
            format!("[default]\naws_access_key_id = {K1}\n  aws_secret_access_key = {S1}\n"),
        ),
        (
            "leading-indent-first-line",
            format!("  [default]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"),
        ),
        (
            "indented-before-section",
            format!(
                "  stray = 1\n[default]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"
            ),
        ),
        (
            "key-before-section",
            format!(
                "stray = 1\n[default]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"
            ),
        ),
        (
            "line-without-equals",
            format!("[default]\njunk\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"),
        ),
        (
            "indented-all",
            format!("[default]\n  aws_access_key_id = {K1}\n  aws_secret_access_key = {S1}\n"),
        ),
        (
            "nested-block",
            format!(
                "[default]\ns3 =\n  addressing_style = path\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"
            ),
        ),
        (
            "blank-line-in-continuation",
            format!("[default]\naws_access_key_id = {K1}\n\n  x\naws_secret_access_key = {S1}\n"),
        ),
    ] {
        let mut c = case("indented", variant);
        c.credentials(text.clone());
        v.push(c);
        let mut c = case("indented", &format!("{variant}-config"));
        c.config(text);
        v.push(c);
    }
}

fn expirations(v: &mut Vec<Case>) {
    for (variant, when) in [
        ("past", "2001-01-01T00:00:00Z"),
        ("future", "2099-01-01T00:00:00Z"),
        ("garbage", "not-a-date"),
        ("offset", "2099-01-01T00:00:00+02:00"),
    ] {
        let mut c = case("env-expiration", variant);
        c.env("AWS_ACCESS_KEY_ID", K1)
            .env("AWS_SECRET_ACCESS_KEY", S1)
            .env("AWS_SESSION_TOKEN", "env-token")
            .env("AWS_CREDENTIAL_EXPIRATION", when);
        v.push(c);
        let mut c = case("process-expiration", variant);
        c.script(
            "proc.sh",
            format!(
                "#!/bin/sh\nprintf '%s' '{{\"Version\": 1, \"AccessKeyId\": \"{K1}\", \
                 \"SecretAccessKey\": \"{S1}\", \"SessionToken\": \"t\", \"Expiration\": \"{when}\"}}'\n"
            ),
        )
        .config(format!("[default]\ncredential_process = {HOME}/proc.sh\n"));
        v.push(c);
    }
}

fn sso_sessions(v: &mut Vec<Case>) {
    let profile =
        "[default]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n";
    let cache = |c: &mut Case| {
        c.file(
            &format!(".aws/sso/cache/{}.json", super::random::sha1_hex("corp")),
            "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"us-east-1\", \
             \"accessToken\": \"edge-sso-token\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}",
        );
    };
    for (variant, session) in [
        (
            "complete",
            "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
        ),
        ("missing", ""),
        (
            "other-name",
            "[sso-session corp2]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
        ),
        (
            "no-region",
            "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n",
        ),
        (
            "no-start-url",
            "[sso-session corp]\nsso_region = us-east-1\n",
        ),
        ("empty", "[sso-session corp]\n"),
        (
            "conflicting-profile-url",
            "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
        ),
    ] {
        let mut c = case("sso-session", variant);
        let extra = if variant == "conflicting-profile-url" {
            "sso_start_url = https://other.awsapps.com/start\n"
        } else {
            ""
        };
        c.config(format!("{profile}{extra}{session}"));
        cache(&mut c);
        v.push(c);
    }
    let mut c = case("sso-session", "missing-with-keys");
    c.config(format!(
        "{profile}aws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"
    ));
    v.push(c);
    let mut c = case("sso-session", "expired-token");
    c.config(format!(
        "{profile}[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
    ))
    .file(
        &format!(".aws/sso/cache/{}.json", super::random::sha1_hex("corp")),
        "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"us-east-1\", \
         \"accessToken\": \"edge-sso-token\", \"expiresAt\": \"2001-01-01T00:00:00Z\"}",
    );
    v.push(c);
}

fn durations(v: &mut Vec<Case>) {
    for (variant, d) in [
        ("plain", "3600"),
        ("underscore", "3_600"),
        ("plus", "+3600"),
        ("minus", "-3600"),
        ("spaces", " 3600 "),
        ("fullwidth", "\u{ff13}\u{ff16}\u{ff10}\u{ff10}"),
        ("arabic-indic", "\u{0663}\u{0666}\u{0660}\u{0660}"),
        ("float", "3600.0"),
        ("hex", "0x10"),
        ("empty", ""),
        ("leading-zero", "03600"),
        ("too-small", "60"),
        ("huge", "99999999999999999999"),
    ] {
        v.push(role_case(
            "duration-seconds",
            variant,
            &format!("duration_seconds = {d}\n"),
        ));
    }
}

fn auth_files(v: &mut Vec<Case>) {
    for (variant, text) in [
        (
            "ini",
            format!("[default]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"),
        ),
        (
            "percent",
            format!("[x]\naws_access_key_id = {K1}\naws_secret_access_key = ab%cd\n"),
        ),
        (
            "double-percent",
            format!("[x]\naws_access_key_id = {K1}\naws_secret_access_key = edgeSecret%%Pct\n"),
        ),
        (
            "interpolation",
            format!(
                "[x]\nbase = edgeSecretOne\naws_access_key_id = {K1}\naws_secret_access_key = %(base)s/abcdefghijklmnopqrstuv\n"
            ),
        ),
        (
            "duplicate-section",
            format!(
                "[x]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n[x]\nregion = a\n"
            ),
        ),
        (
            "duplicate-key",
            format!(
                "[x]\naws_access_key_id = {K1}\naws_access_key_id = {K2}\naws_secret_access_key = {S1}\n"
            ),
        ),
        (
            "second-section",
            format!(
                "[a]\nregion = a\n[b]\naws_access_key_id = {K2}\naws_secret_access_key = {S2}\n"
            ),
        ),
        (
            "defaults-section",
            format!(
                "[DEFAULT]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n[x]\nregion = a\n"
            ),
        ),
        (
            "crlf",
            format!("[x]\r\naws_access_key_id = {K1}\r\naws_secret_access_key = {S1}\r\n"),
        ),
        (
            "colon",
            format!("[x]\naws_access_key_id: {K1}\naws_secret_access_key: {S1}\n"),
        ),
        (
            "upper-keys",
            format!("[x]\nAWS_ACCESS_KEY_ID = {K1}\nAWS_SECRET_ACCESS_KEY = {S1}\n"),
        ),
        (
            "no-section",
            format!("aws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"),
        ),
        (
            "json",
            format!("{{\"AccessKeyId\": \"{K1}\", \"SecretAccessKey\": \"{S1}\"}}"),
        ),
    ] {
        let mut c = case("auth-ini", variant);
        c.file("auth.ini", text)
            .arg("--auth")
            .arg(&format!("{HOME}/auth.ini"));
        c.secret("double-percent", "edgeSecret%Pct");
        v.push(c);
    }
}

fn whitespace(v: &mut Vec<Case>) {
    for (variant, ws) in [
        ("nbsp", "\u{a0}"),
        ("em-space", "\u{2003}"),
        ("ideographic", "\u{3000}"),
        ("x1c", "\u{1c}"),
        ("x1f", "\u{1f}"),
        ("vtab", "\u{0b}"),
        ("formfeed", "\u{0c}"),
        ("tab", "\t"),
    ] {
        let mut c = case("unicode-whitespace", &format!("value-{variant}"));
        c.credentials(format!(
            "[default]\naws_access_key_id = {K1}{ws}\naws_secret_access_key ={ws}{S1}\n"
        ));
        v.push(c);
        let mut c = case("unicode-whitespace", &format!("header-{variant}"));
        c.config(format!(
            "[profile{ws}dev]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"
        ))
        .env("AWS_PROFILE", "dev");
        v.push(c);
    }
    for (variant, header) in [
        ("double-space", "[profile  dev]"),
        ("tab", "[profile\tdev]"),
        ("leading-space", "[ profile dev]"),
        ("trailing-space", "[profile dev ]"),
        ("upper-profile", "[PROFILE dev]"),
        ("capital-profile", "[Profile dev]"),
        ("no-name", "[profile]"),
        ("bare-in-config", "[dev]"),
        ("profile-prefix-glued", "[profiledev]"),
        ("space-after-bracket-line", "[profile dev]   "),
        ("comment-after-header", "[profile dev] ; c"),
    ] {
        let mut c = case("profile-header", variant);
        c.config(format!(
            "{header}\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"
        ))
        .env("AWS_PROFILE", "dev");
        v.push(c);
    }
    let mut c = case("profile-header", "default-with-profile-prefix");
    c.config(format!(
        "[profile default]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n\
         [default]\naws_access_key_id = {K2}\naws_secret_access_key = {S2}\n"
    ));
    v.push(c);
    let mut c = case("profile-header", "bom");
    c.credentials(format!("\u{feff}{}", creds("default", K1, S1)));
    v.push(c);
    let mut c = case("profile-header", "bom-config");
    c.config(format!(
        "\u{feff}[default]\naws_access_key_id = {K1}\naws_secret_access_key = {S1}\n"
    ));
    v.push(c);
    let mut c = case("profile-header", "inline-comment-value");
    c.credentials(format!(
        "[default]\naws_access_key_id = {K1} # mine\naws_secret_access_key = {S1} ; x\n"
    ));
    v.push(c);
}

fn regions(v: &mut Vec<Case>) {
    for (variant, region) in [
        ("valid", "eu-west-1"),
        ("space", "us east 1"),
        ("trailing-space", "us-east-1 "),
        ("underscore", "eu_west_1"),
        ("slash", "us-east-1/x"),
        ("upper", "US-EAST-1"),
        ("dot", "us.east.1"),
        ("leading-hyphen", "-us-east-1"),
        (
            "long",
            "a-very-long-region-name-that-goes-on-and-on-and-on-and-on-past-63",
        ),
        ("non-ascii", "eu-w\u{e9}st-1"),
    ] {
        let mut c = case("region-host-label", &format!("env-{variant}"));
        c.credentials(creds("default", K1, S1))
            .env("AWS_DEFAULT_REGION", region);
        v.push(c);
        let mut c = case("region-host-label", &format!("profile-{variant}"));
        c.credentials(creds("default", K1, S1))
            .config(format!("[default]\nregion = {region}\n"))
            .unset("AWS_DEFAULT_REGION");
        v.push(c);
    }
    let mut c = role_case(
        "region-host-label",
        "assume-role-bad-region",
        "region = us east 1\n",
    );
    c.unset("AWS_DEFAULT_REGION");
    v.push(c);
}
