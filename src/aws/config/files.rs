//! The shared credentials and config files: where they are, how they are read, and
//! how a profile's settings are looked up in them (botocore's rules).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{ConfigError, Env};
use crate::aws::ini::{self, Ini};
use crate::error::Error;

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
    /// `[sso-session NAME]` name -> config file section.
    sso_sessions: HashMap<String, String>,
}

impl SharedFiles {
    /// Files parsed from text, for tests and for callers that already hold the text.
    pub fn from_text(
        credentials: &str,
        config: &str,
        credentials_path: &Path,
        config_path: &Path,
    ) -> Result<SharedFiles, Error> {
        let credentials = parse_shared(credentials, credentials_path)?;
        let config = parse_shared(config, config_path)?;
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
        let mut sso_sessions = HashMap::new();
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
            } else if section.starts_with("sso-session")
                && let Some(name) = second_word(section)
            {
                sso_sessions.insert(name, section.to_string());
            }
        }
        SharedFiles {
            credentials,
            config,
            credentials_path: credentials_path.to_path_buf(),
            config_path: config_path.to_path_buf(),
            profiles,
            services,
            sso_sessions,
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

    /// Whether the profile has `key` in either file (even with an empty value): the
    /// `key in profile` test botocore's providers make on the merged profile.
    pub fn profile_has(&self, profile: &str, key: &str) -> bool {
        self.credentials_has(profile, key) || self.config_file_has(profile, key)
    }

    /// Whether `[sso-session NAME]` exists in the config file.
    pub fn has_sso_session(&self, name: &str) -> bool {
        self.sso_sessions.contains_key(name)
    }

    /// The settings of `[sso-session NAME]`, in file order (plain values only).
    pub fn sso_session_settings(&self, name: &str) -> Vec<(String, String)> {
        let Some(section) = self.sso_sessions.get(name) else {
            return Vec::new();
        };
        self.config
            .keys(section)
            .into_iter()
            .filter_map(|key| Some((key.to_string(), plain(self.config.get(section, key))?)))
            .collect()
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

/// botocore's `ConfigParseError`, in its words: the file, nothing from inside it.
fn parse_error(path: &Path) -> Error {
    ConfigError::Unparsable {
        path: path.to_path_buf(),
    }
    .into()
}

/// Parse one shared file as botocore's `raw_config_parse` does: configparser's
/// rules, then every indented block of every section read as `key = value` lines.
fn parse_shared(text: &str, path: &Path) -> Result<Ini, Error> {
    let ini = ini::parse(text).map_err(|_| parse_error(path))?;
    if !ini.nested_blocks_ok() {
        return Err(parse_error(path));
    }
    Ok(ini)
}

/// `[profile NAME]` -> `NAME`, split as botocore does with `shlex.split` (so
/// `[profile "my name"]` works); anything but exactly two words is not a profile.
pub(super) fn second_word(section: &str) -> Option<String> {
    let words = shlex_split(section)?;
    match <[String; 2]>::try_from(words) {
        Ok([_, name]) => Some(name),
        Err(_) => None,
    }
}

/// Python's `shlex.split` (POSIX mode, no comments), as botocore splits section
/// names and `credential_process` lines: words end at space, tab, CR or LF only;
/// `'...'` is literal; in `"..."` a backslash escapes only `"` and `\\`; outside
/// quotes a backslash escapes any character. `None` on an unclosed quote or a
/// trailing backslash (Python's ValueError).
pub fn shlex_split(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
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
                            c @ ('"' | '\\') => w.push(c),
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
            // Python's `\w`: Unicode letters and digits, and `_`.
            let end = after
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..], end + 1)
        };
        // A variable set to the empty string is substituted too.
        match (!name.is_empty()).then(|| env.var_set(name)).flatten() {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[i..i + literal_len]),
        }
        rest = tail;
    }
    out.push_str(rest);

    if out == "~" || out.starts_with("~/") || out.starts_with("~\\") {
        if let Some(home) = env.var_set("HOME").or_else(|| env.var("USERPROFILE")) {
            return PathBuf::from(format!("{home}{}", &out[1..]));
        }
    }
    PathBuf::from(out)
}

/// Read and parse one shared file. A missing file (or a path that is not a file,
/// or the empty path an empty variable gives) is an empty one, as botocore's
/// `ConfigNotFound` is handled; so is a file that cannot be opened, which
/// configparser's `read` skips without a word.
fn load_file(path: &Path) -> Result<Ini, Error> {
    if path.as_os_str().is_empty() || !path.is_file() {
        return Ok(Ini::default());
    }
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(Ini::default());
    };
    // Python decodes the file as UTF-8 and fails (UnicodeDecodeError) otherwise.
    let text = String::from_utf8(bytes).map_err(|_| parse_error(path))?;
    parse_shared(&text, path)
}

/// The shared files: `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`) and
/// `AWS_CONFIG_FILE` (default `~/.aws/config`). A variable set to the empty string
/// names no file, as in botocore (not the default). Missing files are fine (empty); a
/// malformed file is botocore's `Unable to parse config file: PATH`.
pub fn load_shared_files(env: &dyn Env) -> Result<SharedFiles, Error> {
    let path = |var: &str, default: &str| match env.var_set(var) {
        Some(value) if value.is_empty() => PathBuf::new(),
        Some(value) => expand_path(env, &value),
        None => expand_path(env, default),
    };
    let credentials_path = path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials");
    let config_path = path("AWS_CONFIG_FILE", "~/.aws/config");
    let config = load_file(&config_path)?;
    let credentials = load_file(&credentials_path)?;
    Ok(SharedFiles::new(
        credentials,
        config,
        &credentials_path,
        &config_path,
    ))
}
