//! `delete-bucket BUCKET... [--force]`: what goes, in which requests, and the words.
//!
//! A bucket can be deleted only once "all objects (including all object versions and delete
//! markers) in the bucket" are gone
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html>); otherwise S3
//! answers 409 `BucketNotEmpty`. `--force` therefore lists every version and delete marker
//! (ListObjectVersions, <https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html>;
//! on an unversioned bucket each object is one version with VersionId `null`), deletes them
//! with DeleteObjects naming each VersionId, at most 1,000 per request
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html>), and aborts
//! every open multipart upload (ListMultipartUploads, AbortMultipartUpload,
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html>), whose
//! parts are stored and billed until then.
//!
//! The words follow `delete-objects` (`cli/objects.rs`): progress on stderr, silenced by
//! `--silent`; `--dry-run` lists on stdout; an interrupt lets the batch in flight finish and
//! says how far it got.

use std::fmt;

/// DeleteObjects takes at most this many keys (and versions) per request.
pub(crate) const BATCH: usize = 1000;

/// One thing ListObjectVersions returns: a version of an object, or a delete marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) key: String,
    /// `null` on an unversioned bucket (and for versions written before versioning was
    /// enabled): sent as `<VersionId>null</VersionId>`, which S3 accepts for them.
    pub(crate) version_id: String,
    pub(crate) kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The current version of an object (`IsLatest` true, not a marker).
    Current,
    /// An older version (`IsLatest` false).
    Older,
    /// A delete marker, latest or not.
    DeleteMarker,
}

impl Entry {
    /// From a `<Version>` element: `is_latest` is its IsLatest.
    pub(crate) fn version(key: &str, version_id: &str, is_latest: bool) -> Entry {
        Entry {
            key: key.to_string(),
            version_id: version_id.to_string(),
            kind: if is_latest {
                Kind::Current
            } else {
                Kind::Older
            },
        }
    }

    /// From a `<DeleteMarker>` element.
    pub(crate) fn delete_marker(key: &str, version_id: &str) -> Entry {
        Entry {
            key: key.to_string(),
            version_id: version_id.to_string(),
            kind: Kind::DeleteMarker,
        }
    }

    /// The `--dry-run` line: the key alone for an unversioned object (as delete-objects
    /// lists keys), otherwise `KEY (version ID)` / `KEY (delete marker ID)`.
    pub(crate) fn dry_run_line(&self) -> String {
        match self.kind {
            Kind::DeleteMarker => format!("{} (delete marker {})", self.key, self.version_id),
            _ if self.version_id == "null" => self.key.clone(),
            _ => format!("{} (version {})", self.key, self.version_id),
        }
    }
}

/// An open multipart upload: a `<Upload>` of ListMultipartUploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Upload {
    pub(crate) key: String,
    pub(crate) upload_id: String,
}

impl Upload {
    /// The `--dry-run` line: `KEY (multipart upload ID)`.
    pub(crate) fn dry_run_line(&self) -> String {
        format!("{} (multipart upload {})", self.key, self.upload_id)
    }
}

/// Cut `entries` (a paged listing, as it comes: versions here, keys for delete-objects)
/// into DeleteObjects requests of at most [`BATCH`]; the last may be shorter, none is
/// empty. Listing errors pass through and end the batches: a batch is never sent with
/// entries missing in its middle.
pub(crate) fn batches<T, E>(
    entries: impl Iterator<Item = Result<T, E>>,
) -> impl Iterator<Item = Result<Vec<T>, E>> {
    let mut entries = entries.fuse();
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        let mut batch = Vec::with_capacity(BATCH);
        for entry in entries.by_ref() {
            match entry {
                Ok(entry) => batch.push(entry),
                Err(e) => {
                    failed = true;
                    // The batch so far is dropped: it is listed again on the next run.
                    return Some(Err(e));
                }
            }
            if batch.len() == BATCH {
                break;
            }
        }
        (!batch.is_empty()).then_some(Ok(batch))
    })
}

/// What a bucket holds, counted from its listings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contents {
    pub(crate) current: usize,
    pub(crate) older: usize,
    pub(crate) delete_markers: usize,
    pub(crate) uploads: usize,
}

impl Contents {
    pub(crate) fn add(&mut self, entry: &Entry) {
        match entry.kind {
            Kind::Current => self.current += 1,
            Kind::Older => self.older += 1,
            Kind::DeleteMarker => self.delete_markers += 1,
        }
    }

    /// Versions and delete markers: what DeleteObjects must remove.
    pub(crate) fn entries(&self) -> usize {
        self.current + self.older + self.delete_markers
    }

    /// Whether there is nothing a version listing would show (uploads aside).
    pub(crate) fn is_empty(&self) -> bool {
        self.entries() == 0
    }

    /// Only current versions: the bucket reads as unversioned to its user.
    fn plain(&self) -> bool {
        self.older == 0 && self.delete_markers == 0
    }
}

/// `3 objects`, or with versions `3 objects, 2 older versions and 1 delete marker`
/// (the parts that are not zero; `0 objects` when all are).
impl fmt::Display for Contents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = vec![counted(self.current, "object", "objects")];
        if self.older > 0 {
            parts.push(counted(self.older, "older version", "older versions"));
        }
        if self.delete_markers > 0 {
            parts.push(counted(
                self.delete_markers,
                "delete marker",
                "delete markers",
            ));
        }
        if self.current == 0 && parts.len() > 1 {
            parts.remove(0);
        }
        f.write_str(&join_and(&parts))
    }
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The refusal without `--force` (after DeleteBucket said BucketNotEmpty and the bucket
/// was counted), printed as `Error: ...`:
/// `Bucket my-bucket is not empty: it holds 3 objects. Use --force to delete them and the bucket`.
pub(crate) fn not_empty(bucket: &str, contents: &Contents) -> String {
    let them = if contents.entries() == 1 {
        "it"
    } else {
        "them"
    };
    let mut held = contents.to_string();
    if contents.uploads > 0 {
        held = format!(
            "{held} (and {})",
            counted(
                contents.uploads,
                "open multipart upload",
                "open multipart uploads"
            )
        );
    }
    format!(
        "Bucket {bucket} is not empty: it holds {held}. Use --force to delete {them} and the bucket"
    )
}

/// The progress line before the uploads are aborted (none when there are none):
/// `Aborting 2 multipart uploads in my-bucket`.
pub(crate) fn aborting(bucket: &str, uploads: usize) -> Option<String> {
    (uploads > 0).then(|| {
        format!(
            "Aborting {} in {bucket}",
            counted(uploads, "multipart upload", "multipart uploads")
        )
    })
}

/// The progress line before the batches, as delete-objects' `Deleting 3 objects from
/// my-bucket`: `Deleting 3 objects, 2 older versions and 1 delete marker from my-bucket`.
/// None for an empty bucket.
pub(crate) fn deleting(bucket: &str, contents: &Contents) -> Option<String> {
    (!contents.is_empty()).then(|| format!("Deleting {contents} from {bucket}"))
}

/// The last progress line: `Deleted bucket my-bucket`.
pub(crate) fn deleted_bucket(bucket: &str) -> String {
    format!("Deleted bucket {bucket}")
}

/// The note after `Aborted!` on an interrupt, as delete-objects says
/// `Deleted 1000 of 2500 objects from my-bucket before the interrupt`, plus that the bucket
/// is still there. Versioned contents are counted as `object versions and delete markers`.
pub(crate) fn interrupted(bucket: &str, deleted: usize, contents: &Contents) -> String {
    let total = contents.entries();
    let what = if contents.plain() {
        if total == 1 { "object" } else { "objects" }
    } else {
        "object versions and delete markers"
    };
    format!(
        "Deleted {deleted} of {total} {what} from {bucket} before the interrupt; the bucket is still there"
    )
}

/// When some of a batch could not be deleted (DeleteObjects' `<Error>`s, printed as
/// delete-objects prints them: `Errors deleting objects: [...]`), the bucket is left and
/// the command ends with this as its `Error:` line.
pub(crate) fn not_deleted(bucket: &str, failed: usize) -> String {
    format!(
        "Bucket {bucket} was not deleted: {} could not be deleted",
        counted(failed, "object", "objects")
    )
}

/// The `--dry-run` header, before the entry and upload lines.
pub(crate) fn dry_run_header(bucket: &str) -> String {
    format!("The following would be deleted from {bucket}:")
}

/// The `--dry-run` last line for each bucket.
pub(crate) fn dry_run_footer(bucket: &str) -> String {
    format!("Then bucket {bucket} would be deleted")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<Result<Entry, String>> {
        (0..n)
            .map(|i| Ok(Entry::version(&format!("k{i}"), "null", true)))
            .collect()
    }

    #[test]
    fn batches_hold_at_most_a_thousand() {
        for (n, sizes) in [
            (0, vec![]),
            (1, vec![1]),
            (999, vec![999]),
            (1000, vec![1000]),
            (1001, vec![1000, 1]),
            (2500, vec![1000, 1000, 500]),
        ] {
            let got: Vec<usize> = batches(entries(n).into_iter())
                .map(|b| b.unwrap().len())
                .collect();
            assert_eq!(got, sizes, "{n}");
        }
        // Nothing lost or reordered.
        let all: Vec<Entry> = batches(entries(2001).into_iter())
            .flat_map(Result::unwrap)
            .collect();
        assert_eq!(all.len(), 2001);
        assert_eq!(all[1000].key, "k1000");
    }

    #[test]
    fn a_listing_error_ends_the_batches() {
        let mut list = entries(1500);
        list.insert(1200, Err("page 2 failed".to_string()));
        let got: Vec<Result<usize, String>> = batches(list.into_iter())
            .map(|b| b.map(|b| b.len()))
            .collect();
        assert_eq!(got, [Ok(1000), Err("page 2 failed".to_string())]);
    }

    #[test]
    fn dry_run_lines() {
        assert_eq!(
            Entry::version("a.txt", "null", true).dry_run_line(),
            "a.txt"
        );
        assert_eq!(
            Entry::version("a.txt", "97349dee", false).dry_run_line(),
            "a.txt (version 97349dee)"
        );
        assert_eq!(
            Entry::delete_marker("b.txt", "572620ce").dry_run_line(),
            "b.txt (delete marker 572620ce)"
        );
        let upload = Upload {
            key: "big.bin".into(),
            upload_id: "6t7G".into(),
        };
        assert_eq!(upload.dry_run_line(), "big.bin (multipart upload 6t7G)");
        assert_eq!(
            dry_run_header("b"),
            "The following would be deleted from b:"
        );
        assert_eq!(dry_run_footer("b"), "Then bucket b would be deleted");
    }

    fn contents(current: usize, older: usize, delete_markers: usize, uploads: usize) -> Contents {
        Contents {
            current,
            older,
            delete_markers,
            uploads,
        }
    }

    #[test]
    fn counting_and_saying_what_a_bucket_holds() {
        let mut c = Contents::default();
        for e in [
            Entry::version("a", "1", true),
            Entry::version("a", "0", false),
            Entry::delete_marker("b", "2"),
            Entry::version("b", "3", false),
        ] {
            c.add(&e);
        }
        assert_eq!(c, contents(1, 2, 1, 0));
        assert_eq!(
            c.to_string(),
            "1 object, 2 older versions and 1 delete marker"
        );
        assert_eq!(contents(3, 0, 0, 0).to_string(), "3 objects");
        assert_eq!(contents(0, 0, 0, 0).to_string(), "0 objects");
        assert_eq!(contents(0, 0, 2, 0).to_string(), "2 delete markers");
        assert_eq!(
            contents(0, 1, 1, 0).to_string(),
            "1 older version and 1 delete marker"
        );
    }

    #[test]
    fn the_refusal_says_how_many() {
        assert_eq!(
            not_empty("b", &contents(3, 0, 0, 0)),
            "Bucket b is not empty: it holds 3 objects. Use --force to delete them and the bucket"
        );
        assert_eq!(
            not_empty("b", &contents(1, 0, 0, 0)),
            "Bucket b is not empty: it holds 1 object. Use --force to delete it and the bucket"
        );
        assert_eq!(
            not_empty("b", &contents(0, 0, 1, 2)),
            "Bucket b is not empty: it holds 1 delete marker (and 2 open multipart uploads). Use --force to delete it and the bucket"
        );
    }

    #[test]
    fn progress_and_interrupt_lines_follow_delete_objects() {
        assert_eq!(aborting("b", 0), None);
        assert_eq!(
            aborting("b", 1).unwrap(),
            "Aborting 1 multipart upload in b"
        );
        assert_eq!(deleting("b", &contents(0, 0, 0, 3)), None);
        assert_eq!(
            deleting("b", &contents(2500, 0, 0, 0)).unwrap(),
            "Deleting 2500 objects from b"
        );
        assert_eq!(deleted_bucket("b"), "Deleted bucket b");
        assert_eq!(
            interrupted("b", 1000, &contents(2500, 0, 0, 0)),
            "Deleted 1000 of 2500 objects from b before the interrupt; the bucket is still there"
        );
        assert_eq!(
            interrupted("b", 0, &contents(1, 1, 0, 0)),
            "Deleted 0 of 2 object versions and delete markers from b before the interrupt; the bucket is still there"
        );
        assert_eq!(
            not_deleted("b", 2),
            "Bucket b was not deleted: 2 objects could not be deleted"
        );
    }
}
