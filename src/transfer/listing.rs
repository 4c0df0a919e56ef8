//! A listing walked at most twice, in memory that does not grow with it: a first pass
//! that counts (the total the command prints before it starts) and keeps the wanted
//! keys only while there are few, then the pass that acts on them, from what was kept
//! or from the listing again, listed a page or two ahead on a thread of its own.
//! delete-objects, get-objects and delete-bucket (over any paged listing: versions,
//! uploads) all plan this way.

use std::sync::mpsc;

use crate::aws::s3::S3;
use crate::aws::s3::list::ListedKey;
use crate::error::Error;

/// The counting pass keeps the wanted keys when there are at most this many (about
/// 1 MiB), so a small listing costs one request, not two.
pub(crate) const KEEP: usize = 10_000;

/// Pages listed ahead of the consumer when listing again.
const AHEAD: usize = 2;

/// What the counting pass kept: the wanted entries in listing order, or nothing when
/// there were more than [`KEEP`] (the listing is then read again).
#[derive(Debug)]
pub(crate) struct Kept<T>(Option<Vec<T>>);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept(None)
    }
}

/// List the keys under `prefix` once, handing each to `count`, which counts it and
/// returns what to keep of it when it is wanted.
pub(crate) fn count_pass<T>(
    s3: &S3,
    bucket: &str,
    prefix: Option<&str>,
    count: impl FnMut(ListedKey) -> Option<T>,
) -> Result<Kept<T>, Error> {
    count_pages(s3.key_pages(bucket, prefix), count)
}

/// [`count_pass`] over any paged listing (ListObjectVersions, ListMultipartUploads).
pub(crate) fn count_pages<L, T>(
    pages: impl Iterator<Item = Result<Vec<L>, Error>>,
    mut count: impl FnMut(L) -> Option<T>,
) -> Result<Kept<T>, Error> {
    let mut kept = Some(Vec::new());
    for page in pages {
        for listed in page? {
            let Some(entry) = count(listed) else { continue };
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
    pub(crate) fn into_inner(self) -> Option<Vec<T>> {
        self.0
    }

    /// Whether the entries were kept (else they must be listed again).
    pub(crate) fn is_kept(&self) -> bool {
        self.0.is_some()
    }

    /// The wanted entries again, in listing order, for `consume`: those kept, or the
    /// keys under `prefix` listed again (each through `wanted`, as the counting pass
    /// did) on a thread of their own, at most a page or two ahead of `consume`; the
    /// listing stops when `consume` returns. An error of the listing ends the entries.
    pub(crate) fn replay<R>(
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
        self.replay_pages(|| s3.key_pages(bucket, prefix), wanted, consume)
    }

    /// [`Kept::replay`] over any paged listing: `pages` starts it again (on the
    /// listing thread).
    pub(crate) fn replay_pages<L, P, R>(
        &self,
        pages: impl FnOnce() -> P + Send,
        wanted: impl Fn(L) -> Option<T> + Send,
        consume: impl FnOnce(&mut dyn Iterator<Item = Result<T, Error>>) -> R,
    ) -> R
    where
        T: Clone + Send,
        P: Iterator<Item = Result<Vec<L>, Error>>,
    {
        if let Some(kept) = &self.0 {
            return consume(&mut kept.iter().cloned().map(Ok));
        }
        let signals = crate::interrupt::Handle::current();
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::sync_channel::<Result<Vec<T>, Error>>(AHEAD);
            scope.spawn(move || {
                signals.enter(|| {
                    for page in pages() {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::http::testing::{self, CannedResponse, InMemory};

    /// A bucket of `n` keys `k0000000`..., key i of size i, listed 1,000 a page; the
    /// page after `fail_after` answers 403 (not retried).
    fn bucket(n: usize, fail_after: Option<usize>) -> InMemory {
        InMemory::new(move |req| {
            let start: usize = req
                .query("continuation-token")
                .map_or(0, |t| t.parse().unwrap());
            if fail_after.is_some_and(|f| start >= f) {
                return CannedResponse::s3_error(403, "AccessDenied", "no more");
            }
            let end = (start + 1000).min(n);
            let mut xml = String::from("<ListBucketResult>");
            for i in start..end {
                xml.push_str(&format!(
                    "<Contents><Key>k{i:07}</Key><Size>{i}</Size></Contents>"
                ));
            }
            if end < n {
                xml.push_str(&format!(
                    "<IsTruncated>true</IsTruncated><NextContinuationToken>{end}</NextContinuationToken>"
                ));
            }
            xml.push_str("</ListBucketResult>");
            CannedResponse::ok(xml)
        })
    }

    fn pages(server: &InMemory) -> usize {
        server.requests().len()
    }

    /// Every even key, with its size.
    fn even(k: ListedKey) -> Option<(String, u64)> {
        (k.size % 2 == 0).then_some((k.key, k.size))
    }

    fn replayed(kept: &Kept<(String, u64)>, s3: &S3) -> Result<Vec<(String, u64)>, Error> {
        kept.replay(s3, "b", None, even, |entries| entries.collect())
    }

    #[test]
    fn few_wanted_keys_are_kept_and_not_listed_again() {
        let server = bucket(2500, None);
        let session = testing::session(&server, &[("AWS_ENDPOINT_URL", "http://s3.test")]);
        let s3 = S3::new(&session);
        let mut counted = 0;
        let kept = count_pass(&s3, "b", None, |k| {
            counted += 1;
            even(k)
        })
        .unwrap();
        assert_eq!((counted, pages(&server)), (2500, 3));
        let again = replayed(&kept, &s3).unwrap();
        assert_eq!(pages(&server), 3, "no second listing");
        assert_eq!(again.len(), 1250);
        assert_eq!(again[1], ("k0000002".to_string(), 2));
    }

    #[test]
    fn many_wanted_keys_are_listed_again_in_order() {
        // 20,002 keys, 10,001 of them wanted: one more than are kept.
        let server = bucket(2 * KEEP + 2, None);
        let session = testing::session(&server, &[("AWS_ENDPOINT_URL", "http://s3.test")]);
        let s3 = S3::new(&session);
        let kept = count_pass(&s3, "b", None, even).unwrap();
        assert_eq!(pages(&server), 21);
        let again = replayed(&kept, &s3).unwrap();
        assert_eq!(pages(&server), 42, "listed again");
        assert_eq!(again.len(), KEEP + 1);
        assert!(again.windows(2).all(|w| w[0].1 + 2 == w[1].1), "in order");
        assert!(kept.into_inner().is_none());
    }

    #[test]
    fn a_listing_that_fails_on_the_way_ends_with_its_error() {
        let server = bucket(5000, Some(2000));
        let session = testing::session(&server, &[("AWS_ENDPOINT_URL", "http://s3.test")]);
        let s3 = S3::new(&session);
        let relist = Kept::default();
        let (before, error) = relist.replay(&s3, "b", None, even, |entries| {
            let mut before = 0;
            for entry in entries {
                match entry {
                    Ok(_) => before += 1,
                    Err(e) => return (before, Some(e)),
                }
            }
            (before, None)
        });
        // The two good pages' wanted keys, then the error; nothing after it.
        assert_eq!(before, 1000);
        assert_eq!(
            error.and_then(|e| e.code().map(str::to_string)).as_deref(),
            Some("AccessDenied")
        );
    }
}
