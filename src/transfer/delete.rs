//! delete-objects' work, in constant memory whatever the number of keys: keys go in
//! batches of 1,000 (DeleteObjects' limit), one batch in flight at a time as the original
//! sends them. A `--prefix` listing is counted first (the count is printed before anything
//! is deleted, as the original prints it), keeping the keys only when there are few; more
//! are listed again while the batches go, a page or two ahead of them.

use std::sync::mpsc;

use serde_json::Value;

use crate::aws::s3::S3;
use crate::error::Error;

/// DeleteObjects takes at most this many keys.
pub const BATCH: usize = 1000;

/// The count pass keeps the keys when there are at most this many (so a small prefix
/// costs one listing, as before); beyond, it only counts.
const KEEP: usize = 10 * BATCH;

/// Pages of keys listed ahead of the batch being deleted.
const AHEAD: usize = 2;

/// Keys to delete, as they come.
pub type Keys<'k> = &'k mut dyn Iterator<Item = Result<String, Error>>;

/// What the count pass found.
pub struct Counted {
    pub count: usize,
    /// The keys, when there were at most [`KEEP`].
    pub kept: Option<Vec<String>>,
}

/// Count the keys under `prefix`, keeping them if there are few.
pub fn count(s3: &S3, bucket: &str, prefix: &str) -> Result<Counted, Error> {
    let mut count = 0;
    let mut kept = Some(Vec::new());
    for page in s3.key_pages(bucket, Some(prefix)) {
        let page = page?;
        count += page.len();
        if count > KEEP {
            kept = None;
        }
        if let Some(k) = &mut kept {
            k.extend(page.into_iter().map(|l| l.key));
        }
    }
    Ok(Counted { count, kept })
}

/// Run `consume` over the keys under `prefix`, listed on a thread of their own at most
/// [`AHEAD`] pages ahead of it; the listing stops when `consume` returns.
pub fn with_listing<T>(
    s3: &S3,
    bucket: &str,
    prefix: &str,
    consume: impl FnOnce(&mut dyn Iterator<Item = Result<String, Error>>) -> T,
) -> T {
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Result<Vec<String>, Error>>(AHEAD);
        scope.spawn(move || {
            for page in s3.key_pages(bucket, Some(prefix)) {
                let failed = page.is_err();
                let page = page.map(|p| p.into_iter().map(|l| l.key).collect());
                if tx.send(page).is_err() || failed {
                    return;
                }
            }
        });
        let mut keys = rx.into_iter().flat_map(|page| {
            let (keys, error) = match page {
                Ok(keys) => (keys, None),
                Err(e) => (Vec::new(), Some(Err(e))),
            };
            keys.into_iter().map(Ok).chain(error)
        });
        consume(&mut keys)
        // The receiver is dropped here: a listing still going stops at its next page.
    })
}

/// Delete `keys` in batches, counting what was deleted in `deleted` and handing each
/// batch's per-key errors to `report`. Checks for a signal before each batch and after
/// the last; an error from `keys` stops before the batch it would have joined.
pub fn in_batches(
    s3: &S3,
    bucket: &str,
    keys: &mut dyn Iterator<Item = Result<String, Error>>,
    deleted: &mut usize,
    mut report: impl FnMut(Vec<Value>),
) -> Result<(), Error> {
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        batch.clear();
        for key in &mut *keys {
            batch.push(key?);
            if batch.len() == BATCH {
                break;
            }
        }
        if batch.is_empty() {
            break;
        }
        crate::interrupt::check()?;
        let errors = s3.delete_objects(bucket, &batch)?;
        *deleted += batch.len().saturating_sub(errors.len());
        if !errors.is_empty() {
            report(errors);
        }
    }
    crate::interrupt::check().map_err(Error::from)
}
