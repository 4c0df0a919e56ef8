//! get-objects' work, apart from its command line and its printing: which keys to fetch
//! (named ones, the listing, fnmatch patterns over it), their sizes as the original
//! collects them for its progress bar, then the fetching over the worker pool. The
//! failures the original reports at the end are returned as lines, in its order.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Settings;
use super::download::{self, Source};
use super::fnmatch::Pattern;
use super::paths::{self, KeyPath};
use super::pool;
use super::progress::Progress;
use crate::aws::s3::S3;
use crate::error::{Error, io_reason};

/// What get-objects will fetch, decided before anything is written.
#[derive(Debug, Default)]
pub struct DownloadPlan {
    /// Every key to fetch, in the original's order, repeats kept (a key named twice or
    /// matched by two patterns): failures are reported once per mention.
    keys: Vec<String>,
    /// The original's key_sizes dict, what its progress bar counts: one entry per key,
    /// the last size seen wins; empty with `--silent`, which sends no HEAD.
    progress_sizes: HashMap<String, u64>,
    /// Sizes known for sure (HEAD or the listing): small objects are one GET, big ones
    /// are fetched in ranges.
    known: HashMap<String, u64>,
}

/// What happened to one key.
enum Outcome {
    Done,
    /// Reported at the end, as the original reports missing keys.
    Failed(String),
}

impl DownloadPlan {
    /// HEAD for named keys (0 when that fails: the failure is reported after the
    /// download), the listing for the rest or for `--pattern`s.
    pub fn make(
        s3: &S3<'_>,
        settings: &Settings,
        bucket: &str,
        named: &[String],
        patterns: &[String],
        silent: bool,
    ) -> Result<DownloadPlan, Error> {
        let mut plan = DownloadPlan {
            keys: named.to_vec(),
            ..DownloadPlan::default()
        };
        if !named.is_empty() && !silent {
            let stop = AtomicBool::new(false);
            let heads = pool::map(settings.workers, named.to_vec(), &stop, |key| {
                s3.head_object(bucket, &key).map(|i| i.size)
            })?;
            for (key, head) in named.iter().zip(heads) {
                match head {
                    Some(Ok(size)) => {
                        plan.known.insert(key.clone(), size);
                        plan.progress_sizes.insert(key.clone(), size);
                    }
                    Some(Err(Error::Aws(_))) | None => {
                        plan.progress_sizes.insert(key.clone(), 0);
                    }
                    Some(Err(e)) => return Err(e),
                }
            }
        }
        if named.is_empty() || !patterns.is_empty() {
            let listed: Vec<(String, u64)> = s3
                .list_keys(bucket, None)?
                .into_iter()
                .filter_map(|o| Some((o.key?, o.size)))
                .collect();
            plan.add_listed(&listed, patterns, silent);
        }
        Ok(plan)
    }

    /// The listed keys wanted: all of them, or each pattern's matches in turn over the
    /// whole listing (as fnmatch.filter does, so a key can match twice).
    fn add_listed(&mut self, listed: &[(String, u64)], patterns: &[String], silent: bool) {
        if patterns.is_empty() {
            self.keys.extend(listed.iter().map(|(k, _)| k.clone()));
        } else {
            for pattern in patterns {
                let pattern = Pattern::new(pattern);
                let matching = listed.iter().filter(|(k, _)| pattern.matches(k));
                self.keys.extend(matching.map(|(k, _)| k.clone()));
            }
        }
        let wanted: HashSet<&str> = self.keys.iter().map(String::as_str).collect();
        for (key, size) in listed {
            if wanted.contains(key.as_str()) {
                self.known.insert(key.clone(), *size);
                if !silent {
                    self.progress_sizes.insert(key.clone(), *size);
                }
            }
        }
    }

    /// The bytes and the number of files the progress bar counts.
    pub fn progress_total(&self) -> (u64, usize) {
        (
            self.progress_sizes.values().sum(),
            self.progress_sizes.len(),
        )
    }

    /// Fetch each key once under `dir` (the original fetches a key twice when it is
    /// named twice; the file is the same): small ones over the pool, then the big ones
    /// each with its ranges over the pool. Returns the failures to report, one per
    /// mention of a key; connection and disk problems end the download with `Err`.
    pub fn download(
        &self,
        s3: &S3<'_>,
        settings: &Settings,
        bucket: &str,
        dir: &Path,
        progress: &Progress,
    ) -> Result<Vec<String>, Error> {
        let mut unique: Vec<&str> = Vec::new();
        let mut seen = HashSet::new();
        for key in &self.keys {
            if seen.insert(key.as_str()) {
                unique.push(key);
            }
        }
        let (small, big): (Vec<&str>, Vec<&str>) = unique
            .iter()
            .partition(|k| self.known.get(**k).is_some_and(|s| *s < settings.threshold));
        let stop = AtomicBool::new(false);
        let fetch = |key: &str| -> Result<Outcome, Error> {
            let size = self.known.get(key).copied();
            let r = fetch_into(s3, settings, bucket, key, dir, size, progress);
            if r.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            r
        };
        let mut outcomes: HashMap<&str, Outcome> = HashMap::new();
        let small_results = pool::map(settings.workers, small.clone(), &stop, fetch)?;
        for (key, r) in small.iter().zip(small_results) {
            if let Some(r) = r {
                outcomes.insert(key, r?);
            }
        }
        for key in big {
            outcomes.insert(key, fetch(key)?);
        }
        Ok(self
            .keys
            .iter()
            .filter_map(|k| match outcomes.get(k.as_str()) {
                Some(Outcome::Failed(why)) => Some(why.clone()),
                _ => None,
            })
            .collect())
    }
}

/// Download one key under `dir`. Keys S3 does not have (or will not give us) and keys
/// that are not safe paths are failures to report at the end; connection and disk
/// problems end the command.
fn fetch_into(
    s3: &S3,
    settings: &Settings,
    bucket: &str,
    key: &str,
    dir: &Path,
    size: Option<u64>,
    progress: &Progress,
) -> Result<Outcome, Error> {
    let could_not_create = |path: &Path, e: std::io::Error| {
        Outcome::Failed(format!(
            "Could not create {}: {}",
            path.display(),
            io_reason(&e)
        ))
    };
    let relative = match paths::key_path(key) {
        Ok(KeyPath::File(p)) => p,
        Ok(KeyPath::Dir(p)) => {
            return Ok(match std::fs::create_dir_all(dir.join(&p)) {
                Ok(()) => Outcome::Done,
                Err(e) => could_not_create(&dir.join(&p), e),
            });
        }
        Err(why) => return Ok(Outcome::Failed(why)),
    };
    let dest = dir.join(&relative);
    if let Some(parent) = dest.parent() {
        if let Err(e) = std::fs::create_dir_all(parent) {
            return Ok(could_not_create(parent, e));
        }
    }
    let src = Source { s3, bucket, key };
    match download::download_to_file(src, settings, &dest, size, progress) {
        Ok(()) => Ok(Outcome::Done),
        // The original calls every ClientError "Not found"; only a 404 is one. Anything
        // else (access denied, a 503 that outlasted the retries) is said as it is.
        Err(Error::Aws(e)) if e.status == 404 => Ok(Outcome::Failed(format!("Not found: {key}"))),
        Err(Error::Aws(e)) => Ok(Outcome::Failed(format!("Could not download {key}: {e}"))),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(items: &[(&str, u64)]) -> Vec<(String, u64)> {
        items.iter().map(|(k, s)| (k.to_string(), *s)).collect()
    }

    #[test]
    fn patterns_filter_the_whole_listing_in_turn() {
        let mut plan = DownloadPlan::default();
        let listing = listed(&[("a.txt", 1), ("b.csv", 2), ("c.txt", 3)]);
        plan.add_listed(&listing, &["*.txt".into(), "a*".into()], false);
        assert_eq!(plan.keys, ["a.txt", "c.txt", "a.txt"]);
        assert_eq!(plan.progress_total(), (4, 2));
        assert_eq!(plan.known.get("b.csv"), None);
    }

    #[test]
    fn silent_plans_count_nothing_for_the_bar_but_know_the_sizes() {
        let mut plan = DownloadPlan::default();
        plan.add_listed(&listed(&[("x", 10), ("y", 20)]), &[], true);
        assert_eq!(plan.keys, ["x", "y"]);
        assert_eq!(plan.progress_total(), (0, 0));
        assert_eq!(plan.known.get("y"), Some(&20));
    }
}
