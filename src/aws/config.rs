//! Region, endpoints, retry settings and the shared AWS files, resolved the way
//! botocore resolves them, so a boto3 user's environment keeps working.
//!
//! Everything reads the environment through [`Env`], so tests inject a [`MapEnv`]
//! and never depend on (or change) the process environment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::ini::{self, Ini};
use crate::error::Error;

/// Read environment variables through this so tests can inject them.
/// An empty value counts as unset.
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

/// A fixed set of variables, for tests.
pub struct MapEnv(pub HashMap<String, String>);

impl MapEnv {
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        MapEnv(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }
}

impl Env for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).filter(|v| !v.is_empty()).cloned()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    S3,
    Iam,
    Sts,
}

impl Service {
    /// botocore's snake-case service id, used in `AWS_ENDPOINT_URL_<ID>` and in
    /// `[services]` sections.
    pub fn id(self) -> &'static str {
        match self {
            Service::S3 => "s3",
            Service::Iam => "iam",
            Service::Sts => "sts",
        }
    }
}

/// The environment variables that name a profile. botocore checks
/// `AWS_DEFAULT_PROFILE` before `AWS_PROFILE` (`BOTOCORE_DEFAUT_SESSION_VARIABLES`),
/// so a boto3 user with both set gets the former; we keep that.
const PROFILE_VARS: [&str; 2] = ["AWS_DEFAULT_PROFILE", "AWS_PROFILE"];

/// Profile name: `AWS_DEFAULT_PROFILE`, else `AWS_PROFILE` (botocore's order), else
/// `"default"`.
pub fn profile_name(env: &dyn Env) -> String {
    PROFILE_VARS
        .iter()
        .find_map(|name| env.var(name))
        .unwrap_or_else(|| "default".to_string())
}

/// Whether the user chose a profile, so that a missing one is an error (botocore
/// raises `ProfileNotFound` for any explicitly named profile, even `default`).
pub fn profile_is_explicit(env: &dyn Env, profile: &str) -> bool {
    profile != "default" || PROFILE_VARS.iter().any(|name| env.var(name).is_some())
}

/// The shared credentials and config files, parsed once.
#[derive(Debug, Clone, Default)]
pub struct SharedFiles {
    credentials: Ini,
    config: Ini,
    credentials_path: PathBuf,
    config_path: PathBuf,
    /// Profile name -> config file section (`default` or `profile NAME`); the later
    /// section wins, as botocore's `build_profile_map` does.
    profiles: HashMap<String, String>,
    /// `[services NAME]` name -> config file section.
    services: HashMap<String, String>,
}

impl SharedFiles {
    /// Files parsed from text, for tests and for callers that already hold the text.
    pub fn from_text(
        credentials: &str,
        config: &str,
        credentials_path: &Path,
        config_path: &Path,
    ) -> Result<SharedFiles, Error> {
        let credentials = ini::parse(credentials).map_err(|e| parse_error(credentials_path, e))?;
        let config = ini::parse(config).map_err(|e| parse_error(config_path, e))?;
        Ok(SharedFiles::new(
            credentials,
            config,
            credentials_path,
            config_path,
        ))
    }

    fn new(credentials: Ini, config: Ini, credentials_path: &Path, config_path: &Path) -> Self {
        let mut profiles = HashMap::new();
        let mut services = HashMap::new();
        for section in config.sections() {
            if section == "default" {
                profiles.insert("default".to_string(), section.to_string());
            } else if section.starts_with("profile") {
                if let Some(name) = second_word(section) {
                    profiles.insert(name, section.to_string());
                }
            } else if section.starts_with("services")
                && let Some(name) = second_word(section)
            {
                services.insert(name, section.to_string());
            }
        }
        SharedFiles {
            credentials,
            config,
            credentials_path: credentials_path.to_path_buf(),
            config_path: config_path.to_path_buf(),
            profiles,
            services,
        }
    }

    /// A profile setting as botocore's scoped config sees it: the credentials file's
    /// `[profile]` section overrides the config file's `[profile x]` (botocore merges
    /// the credentials file into the profile map, so `region` there counts too).
    /// Nested blocks (`s3 =` + indented lines) are not plain values: `None`.
    pub fn config_value(&self, profile: &str, key: &str) -> Option<String> {
        self.credentials_value(profile, key)
            .or_else(|| self.config_file_value(profile, key))
    }

    /// A value from the config file's profile section only.
    pub fn config_file_value(&self, profile: &str, key: &str) -> Option<String> {
        let section = self.profiles.get(profile)?;
        plain(self.config.get(section, key))
    }

    /// A value from the credentials file's `[profile]` section only.
    pub fn credentials_value(&self, profile: &str, key: &str) -> Option<String> {
        plain(self.credentials.get(profile, key))
    }

    /// Whether the credentials file has `key` in the profile's section
    /// (even with an empty value), as botocore's `key in config` checks.
    pub fn credentials_has(&self, profile: &str, key: &str) -> bool {
        self.credentials.get(profile, key).is_some()
    }

    /// Whether the config file's profile section has `key`.
    pub fn config_file_has(&self, profile: &str, key: &str) -> bool {
        self.profiles
            .get(profile)
            .is_some_and(|section| self.config.get(section, key).is_some())
    }

    /// Whether the profile exists in either file.
    pub fn has_profile(&self, profile: &str) -> bool {
        self.profiles.contains_key(profile) || self.credentials.has_section(profile)
    }

    /// `key` inside the `service` block of a `[services NAME]` section.
    /// `None` if the section or the key is missing.
    pub fn services_value(&self, services: &str, service: &str, key: &str) -> Option<String> {
        let section = self.services.get(services)?;
        self.config
            .nested(section, service)?
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn has_services_section(&self, services: &str) -> bool {
        self.services.contains_key(services)
    }

    pub fn credentials_path(&self) -> &Path {
        &self.credentials_path
    }

    pub fn config_path(&self) -> &Path {
        &self.config_path
    }
}

fn plain(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.starts_with('\n')).map(str::to_string)
}

fn parse_error(path: &Path, e: ini::IniError) -> Error {
    Error::Msg(format!(
        "Unable to parse config file: {} ({e})",
        path.display()
    ))
}

/// `[profile NAME]` -> `NAME`, split as botocore does with `shlex.split` (so
/// `[profile "my name"]` works); anything but exactly two words is not a profile.
fn second_word(section: &str) -> Option<String> {
    let words = shlex_split(section)?;
    match <[String; 2]>::try_from(words) {
        Ok([_, name]) => Some(name),
        Err(_) => None,
    }
}

/// POSIX shell-style word splitting (Python's `shlex.split`); `None` on an unclosed
/// quote or a trailing backslash.
fn shlex_split(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => w.push(c),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => w.push(c),
                            c => {
                                w.push('\\');
                                w.push(c);
                            }
                        },
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).push(chars.next()?),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Some(words)
}

/// `os.path.expandvars` then `os.path.expanduser`, as botocore applies to the file
/// paths: `$NAME` and `${NAME}` are replaced when set, a leading `~` becomes `$HOME`.
pub fn expand_path(env: &dyn Env, path: &str) -> PathBuf {
    let mut out = String::new();
    let mut rest = path;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, tail, literal_len) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], &braced[end + 1..], end + 3),
                None => ("", after, 1),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..], end + 1)
        };
        match (!name.is_empty()).then(|| env.var(name)).flatten() {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[i..i + literal_len]),
        }
        rest = tail;
    }
    out.push_str(rest);

    if out == "~" || out.starts_with("~/") || out.starts_with("~\\") {
        if let Some(home) = env.var("HOME").or_else(|| env.var("USERPROFILE")) {
            return PathBuf::from(format!("{home}{}", &out[1..]));
        }
    }
    PathBuf::from(out)
}

/// Read and parse one shared file. A missing file (or a path that is not a file)
/// is an empty one, as botocore's `ConfigNotFound` is handled.
fn load_file(path: &Path) -> Result<Ini, Error> {
    if !path.is_file() {
        return Ok(Ini::default());
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Error::Msg(format!(
            "Unable to read config file: {} ({e})",
            path.display()
        ))
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::Msg(format!(
            "Unable to parse config file: {} (not valid UTF-8)",
            path.display()
        ))
    })?;
    ini::parse(&text).map_err(|e| parse_error(path, e))
}

/// The shared files: `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`) and
/// `AWS_CONFIG_FILE` (default `~/.aws/config`). Missing files are fine (empty); an
/// unreadable or malformed file is an `Error::Msg` naming the file.
pub fn load_shared_files(env: &dyn Env) -> Result<SharedFiles, Error> {
    let credentials_path = expand_path(
        env,
        &env.var("AWS_SHARED_CREDENTIALS_FILE")
            .unwrap_or_else(|| "~/.aws/credentials".into()),
    );
    let config_path = expand_path(
        env,
        &env.var("AWS_CONFIG_FILE")
            .unwrap_or_else(|| "~/.aws/config".into()),
    );
    let config = load_file(&config_path)?;
    let credentials = load_file(&credentials_path)?;
    Ok(SharedFiles::new(
        credentials,
        config,
        &credentials_path,
        &config_path,
    ))
}

/// `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1`.
/// (botocore itself reads only `AWS_DEFAULT_REGION`; `AWS_REGION` is what every
/// other SDK reads, and setting it means the user wants that region.)
pub fn region(env: &dyn Env, files: &SharedFiles, profile: &str) -> String {
    env.var("AWS_REGION")
        .or_else(|| env.var("AWS_DEFAULT_REGION"))
        .or_else(|| files.config_value(profile, "region"))
        .unwrap_or_else(|| "us-east-1".to_string())
}

/// Where requests for a service go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `scheme://host[:port]`, no trailing slash.
    pub url: String,
    /// Whether the user configured it (S3 then uses path-style addressing).
    pub custom: bool,
}

/// The endpoint for a service: `--endpoint-url`, then `AWS_ENDPOINT_URL_{S3,IAM,STS}`,
/// `AWS_ENDPOINT_URL`, the `[services]` block the profile names, the profile's
/// `endpoint_url` (botocore's order; the last four are skipped when
/// `ignore_configured_endpoint_urls` is true), else the AWS default for the region.
pub fn endpoint(
    service: Service,
    cli_endpoint: Option<&str>,
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
    region: &str,
) -> Result<Endpoint, Error> {
    if let Some(url) = cli_endpoint.filter(|u| !u.is_empty()) {
        return custom_endpoint(url);
    }
    if !ignore_configured_endpoints(env, files, profile) {
        let service_var = format!("AWS_ENDPOINT_URL_{}", service.id().to_uppercase());
        if let Some(url) = env
            .var(&service_var)
            .or_else(|| env.var("AWS_ENDPOINT_URL"))
        {
            return custom_endpoint(&url);
        }
        if let Some(name) = files.config_value(profile, "services") {
            if !files.has_services_section(&name) {
                return Err(Error::Msg(format!(
                    "The profile is configured to use the services section but the \"{}\" services configuration does not exist.",
                    one_line(&name)
                )));
            }
            if let Some(url) = files.services_value(&name, service.id(), "endpoint_url") {
                return custom_endpoint(&url);
            }
        }
        if let Some(url) = files.config_value(profile, "endpoint_url") {
            return custom_endpoint(&url);
        }
    }
    default_endpoint(service, region)
}

fn ignore_configured_endpoints(env: &dyn Env, files: &SharedFiles, profile: &str) -> bool {
    env.var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .or_else(|| files.config_value(profile, "ignore_configured_endpoint_urls"))
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The DNS suffix of the partition a region belongs to.
fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

/// A setting's value for an error message: its first line only. A value read from a
/// file can run on over indented lines (INI continuation), and a mis-indented
/// `aws_secret_access_key` line under `region` would otherwise be quoted back.
/// Found by the ini fuzz target.
fn one_line(value: &str) -> String {
    match value.split_once(['\n', '\r']) {
        Some((first, _)) => format!("{first}..."),
        None => value.to_string(),
    }
}

/// The AWS endpoint for a region, as botocore's endpoint rules give it.
fn default_endpoint(service: Service, region: &str) -> Result<Endpoint, Error> {
    if !valid_region(region) {
        return Err(Error::Msg(format!(
            "Provided region_name '{}' doesn't match a supported format.",
            one_line(region)
        )));
    }
    let suffix = dns_suffix(region);
    let url = match service {
        Service::S3 if region == "us-east-1" => "https://s3.amazonaws.com".to_string(),
        Service::S3 => format!("https://s3.{region}.{suffix}"),
        Service::Iam if region.starts_with("cn-") => format!("https://iam.cn-north-1.{suffix}"),
        Service::Iam if region.starts_with("us-gov-") => "https://iam.us-gov.amazonaws.com".into(),
        Service::Iam => "https://iam.amazonaws.com".to_string(),
        Service::Sts => format!("https://sts.{region}.{suffix}"),
    };
    Ok(Endpoint { url, custom: false })
}

/// The region to sign with: IAM is global and signs with its partition's home
/// region (us-east-1 on AWS); the others sign with the client's region.
pub fn signing_region(service: Service, region: &str) -> String {
    match service {
        Service::Iam if region.starts_with("cn-") => "cn-north-1".into(),
        Service::Iam if region.starts_with("us-gov-") => "us-gov-west-1".into(),
        Service::Iam => "us-east-1".into(),
        _ => region.to_string(),
    }
}

/// botocore's `validate_region_name`: a DNS label.
fn valid_region(region: &str) -> bool {
    let b = region.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Validate a user-given endpoint: `http(s)://host[:port]`, optionally with a lone `/`.
fn custom_endpoint(url: &str) -> Result<Endpoint, Error> {
    let invalid = |why: &str| {
        Err(Error::Msg(format!(
            "Invalid endpoint URL: {} (expected scheme://host[:port]{why})",
            one_line(url)
        )))
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        return invalid("");
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return invalid(" with scheme http or https");
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if !(tail.is_empty() || tail == "/") {
        return invalid(", without a path, query or fragment");
    }
    if authority.contains('@') {
        return invalid(", without user information");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some(close) = v6.find(']') else {
            return invalid("");
        };
        let after = &v6[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return invalid(""),
        };
        let addr = &v6[..close];
        if addr.is_empty()
            || !addr
                .chars()
                .all(|c| c.is_ascii_hexdigit() || ":.%".contains(c))
        {
            return invalid("");
        }
        (&authority[..close + 2], port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty()
        || !host.starts_with('[')
            && !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
    {
        return invalid(" with a host");
    }
    if let Some(p) = port {
        let digits = !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
        if !digits || !matches!(p.parse::<u32>(), Ok(1..=65535)) {
            return invalid(" with a port from 1 to 65535");
        }
    }
    Ok(Endpoint {
        url: format!("{scheme}://{authority}"),
        custom: true,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryMode {
    Standard,
    Legacy,
    Adaptive,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// Total attempts, the first one included (at least 1).
    pub max_attempts: u32,
    pub mode: RetryMode,
}

/// `AWS_MAX_ATTEMPTS` / profile `max_attempts` (default 3; 5 in legacy mode, as
/// botocore's `_retry.json` has it), `AWS_RETRY_MODE` / profile `retry_mode`
/// (default standard). Invalid values are an error, as in botocore.
pub fn retry_config(
    env: &dyn Env,
    files: &SharedFiles,
    profile: &str,
) -> Result<RetryConfig, Error> {
    let mode = match env.var("AWS_RETRY_MODE") {
        Some(v) => Some((v, "AWS_RETRY_MODE")),
        None => files
            .config_value(profile, "retry_mode")
            .map(|v| (v, "retry_mode in the config file")),
    };
    let mode = match mode {
        None => RetryMode::Standard,
        Some((v, source)) => match v.as_str() {
            "standard" => RetryMode::Standard,
            "legacy" => RetryMode::Legacy,
            "adaptive" => RetryMode::Adaptive,
            _ => {
                return Err(Error::Msg(format!(
                    "Invalid retry mode \"{}\" (from {source}): must be one of: legacy, standard, adaptive",
                    one_line(&v)
                )));
            }
        },
    };
    let attempts = match env.var("AWS_MAX_ATTEMPTS") {
        Some(v) => Some((v, "AWS_MAX_ATTEMPTS")),
        None => files
            .config_value(profile, "max_attempts")
            .map(|v| (v, "max_attempts in the config file")),
    };
    let max_attempts = match attempts {
        None if mode == RetryMode::Legacy => 5,
        None => 3,
        Some((v, source)) => match v.trim().parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(Error::Msg(format!(
                    "Invalid max attempts \"{}\" (from {source}): must be an integer greater than or equal to 1",
                    one_line(&v)
                )));
            }
        },
    };
    Ok(RetryConfig { max_attempts, mode })
}

/// `AWS_CA_BUNDLE` or the profile's `ca_bundle`: a PEM file of trusted roots.
pub fn ca_bundle(env: &dyn Env, files: &SharedFiles, profile: &str) -> Option<String> {
    env.var("AWS_CA_BUNDLE")
        .or_else(|| files.config_value(profile, "ca_bundle"))
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_value_running_on_over_continuation_lines_is_not_quoted_whole() {
        // From the ini fuzz target: a mis-indented secret continues `region`.
        let f = SharedFiles::from_text(
            "",
            "[default]\nregion = eu-west-1\n    aws_secret_access_key = SECRETMARK\n",
            Path::new("c"),
            Path::new("f"),
        )
        .unwrap();
        let env = MapEnv::from_pairs(&[]);
        let region = super::region(&env, &f, "default");
        let err = endpoint(Service::S3, None, &env, &f, "default", &region)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Provided region_name 'eu-west-1...' doesn't match a supported format."
        );
    }
    use super::*;
    use crate::testutil::TempFile;

    fn files(credentials: &str, config: &str) -> SharedFiles {
        SharedFiles::from_text(
            credentials,
            config,
            Path::new("/c/credentials"),
            Path::new("/c/config"),
        )
        .unwrap()
    }

    fn env(pairs: &[(&str, &str)]) -> MapEnv {
        MapEnv::from_pairs(pairs)
    }

    #[test]
    fn empty_values_count_as_unset() {
        let e = env(&[("A", ""), ("B", "x")]);
        assert_eq!(e.var("A"), None);
        assert_eq!(e.var("B").as_deref(), Some("x"));
        assert_eq!(e.var("C"), None);
    }

    #[test]
    fn profile_name_precedence() {
        assert_eq!(profile_name(&env(&[])), "default");
        assert_eq!(profile_name(&env(&[("AWS_PROFILE", "p")])), "p");
        assert_eq!(profile_name(&env(&[("AWS_DEFAULT_PROFILE", "d")])), "d");
        assert_eq!(
            profile_name(&env(&[("AWS_PROFILE", "p"), ("AWS_DEFAULT_PROFILE", "d")])),
            "d"
        );
        assert!(!profile_is_explicit(&env(&[]), "default"));
        assert!(profile_is_explicit(
            &env(&[("AWS_PROFILE", "default")]),
            "default"
        ));
        assert!(profile_is_explicit(&env(&[]), "other"));
    }

    #[test]
    fn config_profiles_and_credentials_sections() {
        let f = files(
            "[default]\nregion = from-creds\n[dev]\naws_access_key_id = A\n[profile odd]\nx = 1\n",
            "[default]\nregion = from-config\noutput = json\n[profile dev]\nregion = eu-west-2\n\
             [profile \"with space\"]\nregion = r\n[preview]\nregion = no\n[profile]\nregion = no\n",
        );
        // The credentials file overrides the config file, as botocore merges them.
        assert_eq!(files_value(&f, "default", "region"), "from-creds");
        assert_eq!(files_value(&f, "default", "output"), "json");
        assert_eq!(
            f.config_file_value("default", "region").as_deref(),
            Some("from-config")
        );
        assert_eq!(files_value(&f, "dev", "region"), "eu-west-2");
        assert_eq!(files_value(&f, "with space", "region"), "r");
        assert!(f.has_profile("dev"));
        assert!(f.has_profile("with space"));
        assert!(!f.has_profile("preview"));
        assert!(!f.has_profile("profile"));
        // In the credentials file a section name is the profile name, prefix or not.
        assert!(f.has_profile("profile odd"));
        assert!(!f.has_profile("odd"));
        assert_eq!(
            f.credentials_value("dev", "aws_access_key_id").as_deref(),
            Some("A")
        );
        assert_eq!(f.config_file_value("dev", "aws_access_key_id"), None);
    }

    fn files_value(f: &SharedFiles, profile: &str, key: &str) -> String {
        f.config_value(profile, key).unwrap_or_default()
    }

    #[test]
    fn later_profile_section_replaces_earlier() {
        let f = files("", "[default]\nregion = a\n[profile default]\nregion = b\n");
        assert_eq!(f.config_value("default", "region").as_deref(), Some("b"));
    }

    #[test]
    fn shlex_words() {
        assert_eq!(shlex_split("profile  x").unwrap(), ["profile", "x"]);
        assert_eq!(shlex_split("profile 'a b'").unwrap(), ["profile", "a b"]);
        assert_eq!(
            shlex_split(r#"profile "a \"b\"""#).unwrap(),
            ["profile", "a \"b\""]
        );
        assert_eq!(shlex_split("profile \"open"), None);
        assert_eq!(second_word("profile a b"), None);
    }

    #[test]
    fn region_precedence() {
        let f = files(
            "",
            "[default]\nregion = cfg-1\n[profile p]\nregion = cfg-p\n",
        );
        let none = files("", "");
        assert_eq!(region(&env(&[]), &none, "default"), "us-east-1");
        assert_eq!(region(&env(&[]), &f, "default"), "cfg-1");
        assert_eq!(region(&env(&[]), &f, "p"), "cfg-p");
        assert_eq!(region(&env(&[("AWS_DEFAULT_REGION", "d")]), &f, "p"), "d");
        assert_eq!(
            region(
                &env(&[("AWS_DEFAULT_REGION", "d"), ("AWS_REGION", "r")]),
                &f,
                "p"
            ),
            "r"
        );
        assert_eq!(region(&env(&[("AWS_REGION", "")]), &f, "p"), "cfg-p");
    }

    #[test]
    fn default_endpoints() {
        let f = files("", "");
        let e = env(&[]);
        let url = |s, r| endpoint(s, None, &e, &f, "default", r).unwrap().url;
        assert_eq!(url(Service::S3, "us-east-1"), "https://s3.amazonaws.com");
        assert_eq!(
            url(Service::S3, "eu-west-1"),
            "https://s3.eu-west-1.amazonaws.com"
        );
        assert_eq!(url(Service::Iam, "eu-west-1"), "https://iam.amazonaws.com");
        assert_eq!(
            url(Service::Sts, "eu-west-1"),
            "https://sts.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            url(Service::Sts, "us-east-1"),
            "https://sts.us-east-1.amazonaws.com"
        );
        assert_eq!(
            url(Service::S3, "cn-north-1"),
            "https://s3.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            url(Service::Iam, "cn-northwest-1"),
            "https://iam.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            url(Service::Iam, "us-gov-west-1"),
            "https://iam.us-gov.amazonaws.com"
        );
        assert!(
            !endpoint(Service::S3, None, &e, &f, "default", "us-east-1")
                .unwrap()
                .custom
        );
        assert_eq!(signing_region(Service::Iam, "eu-west-1"), "us-east-1");
        assert_eq!(signing_region(Service::Sts, "eu-west-1"), "eu-west-1");

        let err = endpoint(Service::S3, None, &e, &f, "default", "bad/region").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Provided region_name 'bad/region' doesn't match a supported format."
        );
    }

    #[test]
    fn endpoint_precedence() {
        let f = files(
            "",
            "[default]\nendpoint_url = http://profile:1\n\
             [profile svc]\nservices = local\nendpoint_url = http://profile:2\n\
             [services local]\ns3 =\n  endpoint_url = http://services-s3:3\n\
             [profile broken]\nservices = nope\n",
        );
        let get = |service, cli: Option<&str>, e: &MapEnv, profile: &str| {
            endpoint(service, cli, e, &f, profile, "us-east-1").map(|ep| ep.url)
        };
        let all = env(&[
            ("AWS_ENDPOINT_URL_S3", "http://env-s3:4"),
            ("AWS_ENDPOINT_URL", "http://env:5"),
        ]);
        assert_eq!(
            get(Service::S3, Some("http://cli:6/"), &all, "default").unwrap(),
            "http://cli:6"
        );
        assert_eq!(
            get(Service::S3, Some(""), &all, "default").unwrap(),
            "http://env-s3:4"
        );
        assert_eq!(
            get(Service::S3, None, &all, "default").unwrap(),
            "http://env-s3:4"
        );
        assert_eq!(
            get(Service::Iam, None, &all, "default").unwrap(),
            "http://env:5"
        );
        let e = env(&[]);
        assert_eq!(
            get(Service::S3, None, &e, "svc").unwrap(),
            "http://services-s3:3"
        );
        assert_eq!(
            get(Service::Iam, None, &e, "svc").unwrap(),
            "http://profile:2"
        );
        assert_eq!(
            get(Service::Sts, None, &e, "default").unwrap(),
            "http://profile:1"
        );
        assert!(get(Service::Sts, None, &e, "default").is_ok_and(|u| u.starts_with("http://")));
        let err = get(Service::S3, None, &e, "broken")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"nope\" services configuration does not exist"),
            "{err}"
        );

        let ignore = env(&[
            ("AWS_ENDPOINT_URL", "http://env:5"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ]);
        let ep = endpoint(Service::S3, None, &ignore, &f, "default", "us-east-1").unwrap();
        assert_eq!(
            ep,
            Endpoint {
                url: "https://s3.amazonaws.com".into(),
                custom: false
            }
        );
        let ep = endpoint(
            Service::S3,
            Some("http://cli:6"),
            &ignore,
            &f,
            "default",
            "us-east-1",
        );
        assert_eq!(
            ep.unwrap(),
            Endpoint {
                url: "http://cli:6".into(),
                custom: true
            }
        );
    }

    #[test]
    fn endpoint_validation() {
        let f = files("", "");
        let e = env(&[]);
        let check = |u: &str| endpoint(Service::S3, Some(u), &e, &f, "default", "us-east-1");
        for (input, want) in [
            ("http://localhost:9000", "http://localhost:9000"),
            ("https://s3.example.com/", "https://s3.example.com"),
            ("HTTP://127.0.0.1:5000", "http://127.0.0.1:5000"),
            ("http://[::1]:9000", "http://[::1]:9000"),
            ("http://[::1]", "http://[::1]"),
            ("http://minio_1", "http://minio_1"),
        ] {
            assert_eq!(check(input).unwrap().url, want, "{input}");
        }
        for input in [
            "localhost:9000",
            "ftp://host",
            "http://",
            "http://:9000",
            "http://host:abc",
            "http://host:70000",
            "http://host:",
            "http://user:pw@host",
            "http://ho st",
            "http://[::1",
            "http://host?x=1",
        ] {
            let err = check(input).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!(
                    "Invalid endpoint URL: {input} (expected scheme://host[:port]"
                )),
                "{input}: {err}"
            );
        }
        let err = check("http://localhost:9000/bucket")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Invalid endpoint URL: http://localhost:9000/bucket (expected scheme://host[:port], without a path, query or fragment)"
        );
        // Configured URLs are validated too.
        let bad = env(&[("AWS_ENDPOINT_URL", "not a url")]);
        assert!(endpoint(Service::Iam, None, &bad, &f, "default", "us-east-1").is_err());
    }

    #[test]
    fn retry_settings() {
        let none = files("", "");
        let get = |pairs: &[(&str, &str)], f: &SharedFiles| retry_config(&env(pairs), f, "default");
        assert_eq!(
            get(&[], &none).unwrap(),
            RetryConfig {
                max_attempts: 3,
                mode: RetryMode::Standard
            }
        );
        assert_eq!(
            get(&[("AWS_RETRY_MODE", "legacy")], &none).unwrap(),
            RetryConfig {
                max_attempts: 5,
                mode: RetryMode::Legacy
            }
        );
        assert_eq!(
            get(
                &[("AWS_RETRY_MODE", "adaptive"), ("AWS_MAX_ATTEMPTS", "7")],
                &none
            )
            .unwrap(),
            RetryConfig {
                max_attempts: 7,
                mode: RetryMode::Adaptive
            }
        );
        let f = files("", "[default]\nmax_attempts = 2\nretry_mode = legacy\n");
        assert_eq!(
            get(&[], &f).unwrap(),
            RetryConfig {
                max_attempts: 2,
                mode: RetryMode::Legacy
            }
        );
        assert_eq!(
            get(&[("AWS_MAX_ATTEMPTS", "9")], &f).unwrap().max_attempts,
            9
        );

        let err = get(&[("AWS_MAX_ATTEMPTS", "abc")], &none)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"abc\"") && err.contains("AWS_MAX_ATTEMPTS"),
            "{err}"
        );
        assert!(get(&[("AWS_MAX_ATTEMPTS", "0")], &none).is_err());
        assert!(get(&[("AWS_MAX_ATTEMPTS", "-1")], &none).is_err());
        let err = get(&[("AWS_RETRY_MODE", "Standard")], &none)
            .unwrap_err()
            .to_string();
        assert!(err.contains("legacy, standard, adaptive"), "{err}");
        let bad = files("", "[default]\nretry_mode = fast\n");
        assert!(
            get(&[], &bad)
                .unwrap_err()
                .to_string()
                .contains("config file")
        );
    }

    #[test]
    fn ca_bundle_lookup() {
        let f = files("", "[default]\nca_bundle = /etc/ca.pem\n");
        assert_eq!(
            ca_bundle(&env(&[]), &f, "default").as_deref(),
            Some("/etc/ca.pem")
        );
        assert_eq!(
            ca_bundle(&env(&[("AWS_CA_BUNDLE", "/env.pem")]), &f, "default").as_deref(),
            Some("/env.pem")
        );
        assert_eq!(ca_bundle(&env(&[]), &files("", ""), "default"), None);
    }

    #[test]
    fn path_expansion() {
        let e = env(&[("HOME", "/home/u"), ("DIR", "/d")]);
        assert_eq!(
            expand_path(&e, "~/.aws/config"),
            PathBuf::from("/home/u/.aws/config")
        );
        assert_eq!(expand_path(&e, "$DIR/x"), PathBuf::from("/d/x"));
        assert_eq!(expand_path(&e, "${DIR}x"), PathBuf::from("/dx"));
        assert_eq!(expand_path(&e, "$NOPE/x"), PathBuf::from("$NOPE/x"));
        assert_eq!(expand_path(&e, "a$"), PathBuf::from("a$"));
        assert_eq!(expand_path(&e, "${open"), PathBuf::from("${open"));
        assert_eq!(expand_path(&e, "/a~b"), PathBuf::from("/a~b"));
    }

    #[test]
    fn loading_files() {
        let creds = TempFile::new("credentials", "[default]\naws_access_key_id = AKID\n");
        let config = TempFile::new("config", "[profile p]\nregion = eu-west-3\n");
        let e = env(&[
            ("AWS_SHARED_CREDENTIALS_FILE", creds.path()),
            ("AWS_CONFIG_FILE", config.path()),
        ]);
        let f = load_shared_files(&e).unwrap();
        assert_eq!(
            f.credentials_value("default", "aws_access_key_id")
                .as_deref(),
            Some("AKID")
        );
        assert_eq!(region(&e, &f, "p"), "eu-west-3");
        assert_eq!(f.credentials_path(), Path::new(creds.path()));
        assert_eq!(f.config_path(), Path::new(config.path()));

        // Missing files are empty.
        let e = env(&[
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/s3creds/credentials",
            ),
            ("AWS_CONFIG_FILE", "/nonexistent/s3creds/config"),
        ]);
        let f = load_shared_files(&e).unwrap();
        assert!(!f.has_profile("default"));

        // A malformed file names the file and the line, not the content.
        let broken = TempFile::new("broken", "[default]\nSECRETSECRET\n");
        let e = env(&[
            ("AWS_SHARED_CREDENTIALS_FILE", broken.path()),
            ("AWS_CONFIG_FILE", "/nonexistent/s3creds/config"),
        ]);
        let err = load_shared_files(&e).unwrap_err().to_string();
        assert!(
            err.contains(broken.path()) && err.contains("line 2"),
            "{err}"
        );
        assert!(!err.contains("SECRETSECRET"), "{err}");
    }
}
