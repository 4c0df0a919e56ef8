//! Moving objects: a pool of workers over the transport's keep-alive connections,
//! multipart uploads and ranged downloads for big objects, checksums both ways, a
//! progress bar, and downloads that appear under their final name only when complete.
//!
//! Memory stays bounded whatever the object size: files are read and written in place
//! (a part is a range of the file, re-opened for each attempt), downloads are written as
//! they arrive, and only a stream of unknown length (stdin) is buffered, a few parts at
//! a time.

pub(crate) mod checksum;
pub(crate) mod delete;
pub(crate) mod download;
pub(crate) mod fetch;
pub(crate) mod fnmatch;
pub(crate) mod listing;
pub(crate) mod localfs;
pub(crate) mod many;
pub(crate) mod paths;
pub(crate) mod progress;
pub(crate) mod stdin;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests_memory;
pub(crate) mod upload;
pub(crate) mod walk;

use crate::aws::config::Env;
use crate::error::{Error, TransferError};

/// S3's limits on multipart uploads.
pub(crate) const MAX_PARTS: u64 = 10_000;
pub(crate) const MAX_OBJECT: u64 = 5 * 1024 * 1024 * 1024 * 1024;
pub(crate) const MIB: u64 = 1024 * 1024;

/// How transfers are split and spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    /// Requests in flight at once.
    pub workers: usize,
    /// Objects this size and larger go multipart (uploads) or as parallel ranges
    /// (downloads). 8 MiB, as the AWS CLI.
    pub threshold: u64,
    /// The smallest part; grows for big objects so that 10,000 parts are enough.
    pub part_size: u64,
}

pub(crate) const DEFAULT_WORKERS: usize = 8;
pub(crate) const MAX_WORKERS: usize = crate::aws::config::MAX_PARALLEL_REQUESTS;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            workers: DEFAULT_WORKERS,
            threshold: 8 * MIB,
            part_size: 8 * MIB,
        }
    }
}

impl Settings {
    /// The settings for this run: `--workers` (already range-checked by the caller) or
    /// `S3_CREDENTIALS_WORKERS`, and the multipart sizes from
    /// `S3_CREDENTIALS_MULTIPART_THRESHOLD` / `S3_CREDENTIALS_MULTIPART_CHUNKSIZE`
    /// (bytes; named after the AWS CLI's settings, for tuning and tests).
    pub(crate) fn from_env(workers: Option<usize>, env: &dyn Env) -> Result<Self, Error> {
        let workers = match workers {
            Some(n) => n,
            None => match env.var("S3_CREDENTIALS_WORKERS") {
                Some(v) => parse_workers(&v).ok_or_else(|| TransferError::BadWorkers {
                    value: v.clone(),
                    max: MAX_WORKERS,
                })?,
                None => DEFAULT_WORKERS,
            },
        };
        let mut s = Settings {
            workers,
            ..Settings::default()
        };
        for (name, slot) in [
            ("S3_CREDENTIALS_MULTIPART_THRESHOLD", &mut s.threshold),
            ("S3_CREDENTIALS_MULTIPART_CHUNKSIZE", &mut s.part_size),
        ] {
            if let Some(v) = env.var(name) {
                *slot = v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| TransferError::BadSize {
                        name,
                        value: v.clone(),
                    })?;
            }
        }
        Ok(s)
    }

    /// The part size for an object of `size` bytes: the configured size, grown (in whole
    /// MiB) until the object fits in 10,000 parts.
    pub(crate) fn part_size_for(&self, size: u64) -> u64 {
        if size.div_ceil(self.part_size) <= MAX_PARTS {
            self.part_size
        } else {
            size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB
        }
    }

    /// The size of part `index` (0-based) of a stream of unknown length: the configured
    /// size, doubling every 1,000 parts, so that 10,000 parts reach past 5 TiB while the
    /// first 8 GiB go in small parts that need little memory.
    pub(crate) fn stream_part_size(&self, index: u64) -> u64 {
        let doublings = (index / 1000).min(9) as u32;
        (self.part_size << doublings).min(5 * 1024 * MIB)
    }
}

/// A worker count given in the environment.
pub(crate) fn parse_workers(text: &str) -> Option<usize> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_WORKERS).contains(n))
}

/// Byte ranges `(first, last)` (inclusive) that cover `size` bytes in parts of `part`.
pub(crate) fn ranges(size: u64, part: u64) -> Vec<(u64, u64)> {
    let part = part.max(1);
    (0..size.div_ceil(part))
        .map(|i| (i * part, ((i + 1) * part).min(size) - 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::config::MapEnv;

    fn env(vars: &[(&str, &str)]) -> MapEnv {
        MapEnv::from_pairs(vars)
    }

    #[test]
    fn parts_grow_so_five_tib_fits_in_ten_thousand() {
        let s = Settings::default();
        assert_eq!(s.part_size_for(0), 8 * MIB);
        assert_eq!(s.part_size_for(10 * 1024 * MIB), 8 * MIB);
        let p = s.part_size_for(MAX_OBJECT);
        assert!(MAX_OBJECT.div_ceil(p) <= MAX_PARTS, "{p}");
        assert_eq!(p % MIB, 0);
        // A stream of unknown length reaches 5 TiB within 10,000 parts.
        let total: u64 = (0..MAX_PARTS).map(|i| s.stream_part_size(i)).sum();
        assert!(total >= MAX_OBJECT, "{total}");
        assert_eq!(s.stream_part_size(999), 8 * MIB);
        assert_eq!(s.stream_part_size(1000), 16 * MIB);
    }

    #[test]
    fn ranges_cover_exactly() {
        assert_eq!(ranges(0, 8), vec![]);
        assert_eq!(ranges(8, 8), vec![(0, 7)]);
        assert_eq!(ranges(9, 8), vec![(0, 7), (8, 8)]);
        assert_eq!(ranges(16, 8), vec![(0, 7), (8, 15)]);
    }

    #[test]
    fn worker_count_from_option_or_env() {
        assert_eq!(Settings::from_env(Some(3), &env(&[])).unwrap().workers, 3);
        let e = [("S3_CREDENTIALS_WORKERS", "16")];
        assert_eq!(Settings::from_env(None, &env(&e)).unwrap().workers, 16);
        assert_eq!(Settings::from_env(Some(2), &env(&e)).unwrap().workers, 2);
        for bad in ["0", "-1", "x", "257"] {
            let e = [("S3_CREDENTIALS_WORKERS", bad)];
            let err = Settings::from_env(None, &env(&e)).unwrap_err().to_string();
            assert!(err.starts_with("S3_CREDENTIALS_WORKERS must be"), "{err}");
        }
        let e = [("S3_CREDENTIALS_MULTIPART_THRESHOLD", "100")];
        assert_eq!(Settings::from_env(None, &env(&e)).unwrap().threshold, 100);
    }
}
