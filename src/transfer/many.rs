//! get-objects' work, apart from its command line and its printing: which keys to fetch
//! (named ones, the listing, fnmatch patterns over it), the total the original's
//! progress bar shows, then the fetching over the worker pool. The failures the original
//! reports at the end are returned as lines, in its order.
//!
//! The listing is never held whole, so memory stays the same whatever the number of
//! keys: the total comes from a first pass that only counts (and keeps the keys only
//! while there are few of them), and the download lists again page by page, handing
//! the keys to the workers through a short queue. Only what must be reported at the end
//! is kept: the failures, each with its place in the listing, so that they come out in
//! the original's order (each pattern's matches in turn).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Settings;
use super::download::{self, Dest, Source};
use super::fnmatch::Pattern;
use super::listing::{self, Kept};
use super::localfs::Dir;
use super::paths::{self, KeyPath};
use super::progress::Progress;
use crate::aws::s3::S3;
use crate::aws::s3::list::ListedKey;
use crate::error::{Error, io_reason};
use crate::output::py_repr_str;
use crate::pool;

/// Listed keys waiting for a worker: about one ListObjectsV2 page, enough to keep the
/// workers busy while the next page is fetched.
const QUEUE: usize = 1000;

/// What get-objects will fetch.
#[derive(Debug, Default)]
pub(crate) struct DownloadPlan {
    /// The keys named on the command line, in order, repeats kept: failures are
    /// reported once per mention.
    named: Vec<String>,
    /// Their sizes from HEAD (none with `--silent`, which sends no HEAD).
    named_sizes: HashMap<String, u64>,
    /// fnmatch patterns over the listing; none means every listed key.
    patterns: Vec<Pattern>,
    /// Whether the listing is wanted: no keys named, or patterns given.
    listing: bool,
    /// Bytes and files the original's progress bar counts (its key_sizes dict: one
    /// entry per key, the last size seen wins; a failed HEAD counts 0).
    total: (u64, usize),
    /// The wanted listed keys and sizes, when the counting pass found few enough.
    kept: Kept<(String, u64)>,
}

/// Fetch one key (of this size, when known).
type FetchOne<'a> = dyn Fn(&str, Option<u64>) -> Result<Outcome, Error> + Sync + 'a;

/// What happened to one key.
enum Outcome {
    Done,
    /// Reported at the end, as the original reports missing keys.
    Failed(String),
}

/// A listed key that failed: its place in the listing, for the original's order.
struct ListedFailure {
    index: usize,
    key: String,
    why: String,
}

impl DownloadPlan {
    /// HEAD for named keys (0 when that fails: the failure is reported after the
    /// download), then, unless `--silent`, a counting pass over the listing for the
    /// total.
    pub(crate) fn make(
        s3: &S3<'_>,
        settings: &Settings,
        bucket: &str,
        named: &[String],
        patterns: &[String],
        silent: bool,
    ) -> Result<DownloadPlan, Error> {
        let mut plan = DownloadPlan {
            named: named.to_vec(),
            patterns: patterns.iter().map(|p| Pattern::new(p)).collect(),
            listing: named.is_empty() || !patterns.is_empty(),
            ..DownloadPlan::default()
        };
        let mut sizes: HashMap<String, u64> = HashMap::new();
        if !named.is_empty() && !silent {
            let stop = AtomicBool::new(false);
            let heads = pool::map(settings.workers, named.to_vec(), &stop, |key| {
                s3.head_object(bucket, &key).map(|i| i.size)
            })?;
            for (key, head) in named.iter().zip(heads) {
                match head {
                    Some(Ok(size)) => {
                        plan.named_sizes.insert(key.clone(), size);
                        sizes.insert(key.clone(), size);
                    }
                    Some(Err(Error::Aws(_))) | None => {
                        sizes.insert(key.clone(), 0);
                    }
                    Some(Err(e)) => return Err(e),
                }
            }
        }
        plan.total = (sizes.values().sum(), sizes.len());
        if plan.listing && !silent {
            plan.kept = listing::count_pass(s3, bucket, None, |listed| {
                plan.count_listed(&mut sizes, &listed.key, listed.size);
                plan.wanted(&listed.key)
                    .then_some((listed.key, listed.size))
            })?;
        }
        Ok(plan)
    }

    /// Count a listed key towards the total: a new key adds a file, a named one only
    /// takes the listed size (the original's dict keeps the last size it saw).
    fn count_listed(&mut self, named_sizes: &mut HashMap<String, u64>, key: &str, size: u64) {
        if let Some(old) = named_sizes.get_mut(key) {
            self.total.0 = self.total.0 - *old + size;
            *old = size;
        } else if self.wanted(key) {
            self.total.0 += size;
            self.total.1 += 1;
        }
    }

    /// Whether a listed key is to be fetched: any pattern matches (or there are none).
    fn wanted(&self, key: &str) -> bool {
        self.patterns.is_empty() || self.patterns.iter().any(|p| p.matches(key))
    }

    /// The bytes and the number of files the progress bar counts.
    pub(crate) fn progress_total(&self) -> (u64, usize) {
        self.total
    }

    /// Fetch each key once under `dir` (the original fetches a key twice when it is
    /// named twice; the file is the same): named keys first, then the listing as it
    /// comes, small objects over the pool and big ones after, each with its ranges
    /// over the pool. Returns the failures to report, one per mention of a key;
    /// connection problems and a full disk end the download with `Err`.
    pub(crate) fn download(
        &self,
        s3: &S3<'_>,
        settings: &Settings,
        bucket: &str,
        dir: (&Dir, &Path),
        progress: &Progress,
    ) -> Result<Vec<String>, Error> {
        let fetch = |key: &str, size: Option<u64>| {
            fetch_into(s3, settings, bucket, key, dir, size, progress)
        };
        let small = |size: Option<u64>| size.is_some_and(|s| s < settings.threshold);

        // Named keys: few (they come from the command line), so kept whole.
        let mut unique: Vec<&str> = Vec::new();
        let mut seen = HashSet::new();
        for key in &self.named {
            if seen.insert(key.as_str()) {
                unique.push(key);
            }
        }
        let size_of = |key: &str| self.named_sizes.get(key).copied();
        let (parallel, alone): (Vec<&str>, Vec<&str>) =
            unique.iter().partition(|k| small(size_of(k)));
        let stop = AtomicBool::new(false);
        let results = pool::map(settings.workers, parallel.clone(), &stop, |key| {
            let r = fetch(key, size_of(key));
            if r.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            r
        })?;
        let mut named_outcomes: HashMap<&str, Outcome> = HashMap::new();
        for (key, r) in parallel.iter().zip(results) {
            if let Some(r) = r {
                named_outcomes.insert(key, r?);
            }
        }
        for key in alone {
            named_outcomes.insert(key, fetch(key, size_of(key))?);
        }

        let mut listed_failures = Vec::new();
        if self.listing {
            listed_failures =
                self.download_listed(s3, settings, bucket, &named_outcomes, &fetch)?;
        }

        // The original's order: named keys as given, then each pattern's matches over
        // the listing in turn (or the whole listing).
        let mut lines: Vec<String> = self
            .named
            .iter()
            .filter_map(|k| match named_outcomes.get(k.as_str()) {
                Some(Outcome::Failed(why)) => Some(why.clone()),
                _ => None,
            })
            .collect();
        listed_failures.sort_by_key(|f| f.index);
        if self.patterns.is_empty() {
            lines.extend(listed_failures.into_iter().map(|f| f.why));
        } else {
            for pattern in &self.patterns {
                let matching = listed_failures.iter().filter(|f| pattern.matches(&f.key));
                lines.extend(matching.map(|f| f.why.clone()));
            }
        }
        Ok(lines)
    }

    /// Fetch the wanted listed keys, page by page: small objects go to the workers as
    /// they are listed, big ones (each at least the multipart threshold, so few for
    /// the memory they take here) are fetched after, one at a time with their ranges.
    /// Keys also named were fetched already; their failures are mentioned again.
    fn download_listed(
        &self,
        s3: &S3<'_>,
        settings: &Settings,
        bucket: &str,
        named_outcomes: &HashMap<&str, Outcome>,
        fetch: &FetchOne,
    ) -> Result<Vec<ListedFailure>, Error> {
        let failures = Mutex::new(Vec::new());
        let fatal: Mutex<Option<Error>> = Mutex::new(None);
        let stop = AtomicBool::new(false);
        let record = |index: usize, key: &str, r: Result<Outcome, Error>| match r {
            Ok(Outcome::Done) => {}
            Ok(Outcome::Failed(why)) => {
                if let Ok(mut f) = failures.lock() {
                    f.push(ListedFailure {
                        index,
                        key: key.to_string(),
                        why,
                    });
                }
            }
            Err(e) => {
                stop.store(true, Ordering::Relaxed);
                if let Ok(mut slot) = fatal.lock() {
                    slot.get_or_insert(e);
                }
            }
        };
        let mut big: Vec<(usize, String, u64)> = Vec::new();
        let listed = pool::stream(
            settings.workers,
            QUEUE,
            &stop,
            |feeder| -> Result<(), Error> {
                let mut index = 0;
                let mut each = |key: String, size: u64| -> bool {
                    index += 1;
                    if !self.wanted(&key) {
                        return true;
                    }
                    if let Some(outcome) = named_outcomes.get(key.as_str()) {
                        if let Outcome::Failed(why) = outcome {
                            record(index, &key, Ok(Outcome::Failed(why.clone())));
                        }
                        return true;
                    }
                    if size >= settings.threshold {
                        big.push((index, key, size));
                        return true;
                    }
                    feeder.push((index, key, size), &stop)
                };
                let wanted = |listed: ListedKey| {
                    self.wanted(&listed.key)
                        .then_some((listed.key, listed.size))
                };
                self.kept.replay(s3, bucket, None, wanted, |entries| {
                    for entry in entries {
                        let (key, size) =
                            entry.inspect_err(|_| stop.store(true, Ordering::Relaxed))?;
                        if !each(key, size) {
                            break;
                        }
                    }
                    Ok::<(), Error>(())
                })?;
                Ok(())
            },
            |(index, key, size): (usize, String, u64)| {
                record(index, &key, fetch(&key, Some(size)));
            },
        )?;
        if let Some(e) = fatal.lock().ok().and_then(|mut f| f.take()) {
            return Err(e);
        }
        listed?;
        for (index, key, size) in big {
            crate::interrupt::check()?;
            record(index, &key, fetch(&key, Some(size)));
            if let Some(e) = fatal.lock().ok().and_then(|mut f| f.take()) {
                return Err(e);
            }
        }
        Ok(failures.into_inner().unwrap_or_default())
    }
}

/// Download one key under the output directory (open, and as the user named it).
/// Keys S3 does not have (or will not give us), keys that are not safe paths and keys
/// that cannot be written where they belong (a file or a link in the way, a name too
/// long) are failures to report at the end; connection problems and a full or broken
/// disk end the command.
fn fetch_into(
    s3: &S3,
    settings: &Settings,
    bucket: &str,
    key: &str,
    (root, root_shown): (&Dir, &Path),
    size: Option<u64>,
    progress: &Progress,
) -> Result<Outcome, Error> {
    let cannot_save =
        |why: &str| Outcome::Failed(format!("Could not save key {}: {why}", py_repr_str(key)));
    let relative = match paths::key_path(key) {
        Ok(KeyPath::File(p)) => p,
        Ok(KeyPath::Dir(p)) => {
            return Ok(match paths::open_below(root, &p) {
                Ok(_) => Outcome::Done,
                Err(why) => cannot_save(&why.to_string()),
            });
        }
        Err(why) => return Ok(Outcome::Failed(why.to_string())),
    };
    let (Some(parent), Some(name)) = (relative.parent(), relative.file_name()) else {
        return Ok(cannot_save("it has no file name"));
    };
    let parent = match paths::open_below(root, parent) {
        Ok(dir) => dir,
        Err(why) => return Ok(cannot_save(&why.to_string())),
    };
    let shown = root_shown.join(&relative);
    let dest = Dest {
        dir: parent.as_ref().unwrap_or(root),
        name,
        shown: &shown,
    };
    let src = Source { s3, bucket, key };
    match download::download_to_file(src, settings, dest, size, progress) {
        Ok(()) => Ok(Outcome::Done),
        // The original calls every ClientError "Not found"; only a 404 is one. Anything
        // else (access denied, a 503 that outlasted the retries) is said as it is.
        Err(Error::Aws(e)) if e.status == 404 => Ok(Outcome::Failed(format!("Not found: {key}"))),
        Err(Error::Aws(e)) => Ok(Outcome::Failed(format!("Could not download {key}: {e}"))),
        Err(e @ Error::Local(_)) => match local_cause(&e) {
            Some(io) if !disk_wide(io) => Ok(cannot_save(&io_reason(io))),
            _ => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// The I/O error behind a local failure.
fn local_cause(e: &Error) -> Option<&std::io::Error> {
    std::error::Error::source(e)?.downcast_ref::<std::io::Error>()
}

/// Whether a local failure would fail every other key too (a full, read-only or broken
/// disk, no file descriptors left): then the download ends instead of going on.
fn disk_wide(e: &std::io::Error) -> bool {
    // EIO 5, ENFILE 23, EMFILE 24, ENOSPC 28, EROFS 30 (the same on Linux and macOS);
    // EDQUOT is 122 on Linux, 69 on macOS.
    const EDQUOT: i32 = if cfg!(target_os = "linux") { 122 } else { 69 };
    matches!(e.raw_os_error(), Some(5 | 23 | 24 | 28 | 30)) || e.raw_os_error() == Some(EDQUOT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(patterns: &[&str], named: &[(&str, u64)]) -> (DownloadPlan, HashMap<String, u64>) {
        let sizes: HashMap<String, u64> = named.iter().map(|(k, s)| (k.to_string(), *s)).collect();
        let plan = DownloadPlan {
            named: named.iter().map(|(k, _)| k.to_string()).collect(),
            patterns: patterns.iter().map(|p| Pattern::new(p)).collect(),
            listing: true,
            total: (sizes.values().sum(), sizes.len()),
            ..DownloadPlan::default()
        };
        (plan, sizes)
    }

    #[test]
    fn the_total_counts_each_key_once_with_its_last_size() {
        let (mut plan, mut sizes) = plan(&["*.txt", "a*"], &[("named.bin", 0)]);
        for (key, size) in [("a.txt", 1), ("b.csv", 2), ("c.txt", 3), ("named.bin", 7)] {
            plan.count_listed(&mut sizes, key, size);
        }
        // a.txt matches both patterns but is one file; named.bin takes its listed size.
        assert_eq!(plan.progress_total(), (11, 3));
        assert!(!plan.wanted("b.csv"));
    }

    #[test]
    fn without_patterns_every_listed_key_is_wanted() {
        let (mut plan, mut sizes) = plan(&[], &[]);
        plan.count_listed(&mut sizes, "x", 10);
        plan.count_listed(&mut sizes, "y", 20);
        assert_eq!(plan.progress_total(), (30, 2));
        assert!(plan.wanted("anything"));
    }

    #[test]
    fn disk_wide_failures_end_the_run_others_are_per_key() {
        assert!(disk_wide(&std::io::Error::from_raw_os_error(28)));
        // ENAMETOOLONG, EISDIR: this key only.
        assert!(!disk_wide(&std::io::Error::from_raw_os_error(36)));
        assert!(!disk_wide(&std::io::Error::from_raw_os_error(21)));
    }
}
