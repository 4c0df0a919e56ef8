//! The one way the environment is read: through [`Env`], so that tests inject a
//! [`MapEnv`] and never depend on (or change) the process environment.

use std::collections::HashMap;
use std::ffi::OsString;
use std::time::Duration;

/// Read environment variables through this so tests can inject them.
pub trait Env {
    /// The value as text; an empty value (or one that is not UTF-8) counts as unset.
    fn var(&self, name: &str) -> Option<String>;

    /// The value as set, even empty, even not UTF-8: for the callers that must tell
    /// those apart (a token that cannot be used is an error, not "no token"; fish
    /// completes an empty word).
    fn var_raw(&self, name: &str) -> Option<OsString>;

    /// The value as set, even empty (botocore's `name in os.environ`): for the
    /// variables where botocore tells an empty value from an unset one. A value that
    /// is not UTF-8 counts as unset.
    fn var_set(&self, name: &str) -> Option<String> {
        self.var_raw(name).and_then(|v| v.into_string().ok())
    }
}

/// A wait given in milliseconds (`S3_CREDENTIALS_*_MS`, which tests set small so
/// that the waiting paths run at once); None when unset or not a whole number.
pub fn millis(env: &dyn Env, name: &str) -> Option<Duration> {
    env.var(name)
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_millis)
}

/// The real process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn var_raw(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name)
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

    fn var_raw(&self, name: &str) -> Option<OsString> {
        self.0.get(name).map(OsString::from)
    }
}
