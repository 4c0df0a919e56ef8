//! delete-objects' work, in constant memory whatever the number of keys: keys go in
//! batches of 1,000 (DeleteObjects' limit), one batch in flight at a time as the original
//! sends them. A `--prefix` listing is counted first (the count is printed before anything
//! is deleted, as the original prints it), keeping the keys only when there are few; more
//! are listed again while the batches go, a page or two ahead of them.

use serde_json::Value;

use super::listing;
use crate::aws::s3::S3;
use crate::aws::s3::object::ObjectIdentifier;
use crate::error::Error;
use crate::lifecycle::delete_plan;

/// Keys to delete, as they come.
pub(crate) type Keys<'k> = &'k mut dyn Iterator<Item = Result<String, Error>>;

/// What the count pass found.
pub(crate) struct Counted {
    pub count: usize,
    /// The keys, when there were at most [`listing::KEEP`].
    pub kept: Option<Vec<String>>,
}

/// Count the keys under `prefix`, keeping them if there are few.
pub(crate) fn count(s3: &S3, bucket: &str, prefix: &str) -> Result<Counted, Error> {
    let mut count = 0;
    let kept = listing::count_pass(s3, bucket, Some(prefix), |listed| {
        count += 1;
        Some(listed.key)
    })?;
    Ok(Counted {
        count,
        kept: kept.into_inner(),
    })
}

/// Run `consume` over the keys under `prefix`, listed again on a thread of their own a
/// page or two ahead of it; the listing stops when `consume` returns.
pub(crate) fn with_listing<T>(
    s3: &S3,
    bucket: &str,
    prefix: &str,
    consume: impl FnOnce(&mut dyn Iterator<Item = Result<String, Error>>) -> T,
) -> T {
    let relist = listing::Kept::default();
    relist.replay(s3, bucket, Some(prefix), |listed| Some(listed.key), consume)
}

/// Delete `keys` (or versions) in batches, counting what was deleted in `deleted` and
/// handing each batch's per-key errors to `report`. Checks for a signal before each
/// batch and after the last; an error from `keys` stops before the batch it would have
/// joined.
pub(crate) fn in_batches<T: ObjectIdentifier>(
    s3: &S3,
    bucket: &str,
    keys: &mut dyn Iterator<Item = Result<T, Error>>,
    deleted: &mut usize,
    mut report: impl FnMut(Vec<Value>),
) -> Result<(), Error> {
    for batch in delete_plan::batches(keys) {
        let batch = batch?;
        crate::interrupt::check()?;
        let errors = s3.delete_objects(bucket, &batch)?;
        *deleted += batch.len().saturating_sub(errors.len());
        if !errors.is_empty() {
            report(errors);
        }
    }
    crate::interrupt::check().map_err(Error::from)
}
