//! A listing walked at most twice, in memory that does not grow with it: a first pass
//! that counts (the total the command prints before it starts) and keeps the wanted
//! keys only while there are few, then the pass that acts on them, from what was kept
//! or from the listing again, listed a page or two ahead on a thread of its own.
//! delete-objects and get-objects both plan this way.

use std::sync::mpsc;

use crate::aws::s3::S3;
use crate::aws::s3::list::ListedKey;
use crate::error::Error;

/// The counting pass keeps the wanted keys when there are at most this many (about
/// 1 MiB), so a small listing costs one request, not two.
pub const KEEP: usize = 10_000;

/// Pages listed ahead of the consumer when listing again.
const AHEAD: usize = 2;

/// What the counting pass kept: the wanted entries in listing order, or nothing when
/// there were more than [`KEEP`] (the listing is then read again).
#[derive(Debug)]
pub struct Kept<T>(Option<Vec<T>>);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept(None)
    }
}

/// List the keys under `prefix` once, handing each to `count`, which counts it and
/// returns what to keep of it when it is wanted.
pub fn count_pass<T>(
    s3: &S3,
    bucket: &str,
    prefix: Option<&str>,
    mut count: impl FnMut(ListedKey) -> Option<T>,
) -> Result<Kept<T>, Error> {
    let mut kept = Some(Vec::new());
    for page in s3.key_pages(bucket, prefix) {
        for key in page? {
            let Some(entry) = count(key) else { continue };
            match &mut kept {
                Some(k) if k.len() < KEEP => k.push(entry),
                _ => kept = None,
            }
        }
    }
    Ok(Kept(kept))
}

impl<T> Kept<T> {
    /// The kept entries; None when they must be listed again.
    pub fn into_inner(self) -> Option<Vec<T>> {
        self.0
    }

    /// The wanted entries again, in listing order, for `consume`: those kept, or the
    /// keys under `prefix` listed again (each through `wanted`, as the counting pass
    /// did) on a thread of their own, at most a page or two ahead of `consume`; the
    /// listing stops when `consume` returns. An error of the listing ends the entries.
    pub fn replay<R>(
        &self,
        s3: &S3,
        bucket: &str,
        prefix: Option<&str>,
        wanted: impl Fn(ListedKey) -> Option<T> + Send,
        consume: impl FnOnce(&mut dyn Iterator<Item = Result<T, Error>>) -> R,
    ) -> R
    where
        T: Clone + Send,
    {
        if let Some(kept) = &self.0 {
            return consume(&mut kept.iter().cloned().map(Ok));
        }
        let signals = crate::interrupt::Handle::current();
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::sync_channel::<Result<Vec<T>, Error>>(AHEAD);
            scope.spawn(move || {
                signals.enter(|| {
                    for page in s3.key_pages(bucket, prefix) {
                        let failed = page.is_err();
                        let page = page.map(|p| p.into_iter().filter_map(&wanted).collect());
                        if tx.send(page).is_err() || failed {
                            return;
                        }
                    }
                })
            });
            let mut entries = rx.into_iter().flat_map(|page| {
                let (entries, error) = match page {
                    Ok(entries) => (entries, None),
                    Err(e) => (Vec::new(), Some(Err(e))),
                };
                entries.into_iter().map(Ok).chain(error)
            });
            consume(&mut entries)
            // The receiver is dropped here: a listing still going stops at its next page.
        })
    }
}
