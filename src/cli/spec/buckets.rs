//! The bucket commands' tables.

use super::*;

pub(super) const DEBUG_BUCKET: CommandSpec = CommandSpec {
    name: "debug-bucket",
    run: crate::cli::buckets::debug_bucket,
    summary: "Print diagnostics that help debug a bucket",
    help: "  Print a bucket's ACL, policy status and public access block, to help work out
  why it behaves as it does

     s3-credentials debug-bucket my-bucket",
    args: &[BUCKET],
    opts: &[AWS],
};

/// Not in the original (issue 25; upstream issue 50).
pub(super) const DELETE_BUCKET: CommandSpec = CommandSpec {
    name: "delete-bucket",
    run: crate::cli::lifecycle_delete_bucket::delete_bucket,
    summary: "Delete buckets (with --force, what they hold first)",
    help: "  Delete empty buckets

      s3-credentials delete-bucket my-bucket

  Delete everything in a bucket first (every version and delete marker of a
  versioned bucket, and open multipart uploads), then the bucket:

      s3-credentials delete-bucket my-bucket --force

  See what that would delete:

      s3-credentials delete-bucket my-bucket --force --dry-run",
    // Each checked with the bucket-name check before any request.
    args: &[ArgSpec {
        name: "BUCKETS",
        required: true,
        conv: ArgConv::Bucket,
        set: ArgSet::Many(|a| &mut a.buckets),
    }],
    opts: &[
        &[
            flag(
                "force",
                "Delete every object, version and delete marker, and abort open uploads, before the bucket",
                |a| &mut a.force,
            ),
            with_short(
                flag("silent", "Don't print informational output", |a| {
                    &mut a.silent
                }),
                's',
            ),
            with_short(dry_run("List what would be deleted, delete nothing"), 'd'),
        ],
        AWS,
    ],
};

pub(super) const GET_BUCKET_POLICY: CommandSpec = CommandSpec {
    name: "get-bucket-policy",
    run: crate::cli::buckets::get_bucket_policy,
    summary: "Print a bucket's policy",
    help: "  Print a bucket's policy

     s3-credentials get-bucket-policy my-bucket

  The policy is printed as JSON when the bucket has one",
    args: &[BUCKET],
    opts: &[AWS],
};

pub(super) const GET_CORS_POLICY: CommandSpec = CommandSpec {
    name: "get-cors-policy",
    run: crate::cli::buckets::get_cors_policy,
    summary: "Print a bucket's CORS rules",
    help: "  Print a bucket's CORS rules

     s3-credentials get-cors-policy my-bucket

  The rules are printed as JSON when the bucket has any",
    args: &[BUCKET],
    opts: &[AWS],
};

pub(super) const GET_PUBLIC_ACCESS_BLOCK: CommandSpec = CommandSpec {
    name: "get-public-access-block",
    run: crate::cli::buckets::get_public_access_block,
    summary: "Print a bucket's public access block settings",
    help: "  Print a bucket's public access block settings

  For example:

      s3-credentials get-public-access-block my-bucket",
    args: &[BUCKET],
    opts: &[AWS],
};

pub(super) const LIST_BUCKET: CommandSpec = CommandSpec {
    name: "list-bucket",
    run: crate::cli::buckets::list_bucket,
    summary: "List the objects in a bucket",
    help: "  List the objects in a bucket

  As JSON:

      s3-credentials list-bucket my-bucket

  As CSV (or TSV with --tsv):

      s3-credentials list-bucket my-bucket --csv

  With a URL for each key:

      s3-credentials list-bucket my-bucket --urls",
    args: &[BUCKET],
    opts: &[
        &[
            prefix("Only list keys starting with this prefix"),
            flag("urls", "Add a URL for each key", |a| &mut a.urls),
        ],
        OUTPUT,
        AWS,
    ],
};

pub(super) const LIST_BUCKETS: CommandSpec = CommandSpec {
    name: "list-buckets",
    run: crate::cli::buckets::list_buckets,
    summary: "List buckets",
    help: "  List buckets

  Every bucket with its creation time, as JSON:

      s3-credentials list-buckets

  As CSV (or TSV with --tsv):

      s3-credentials list-buckets --csv

  With more details for each bucket (slower):

      s3-credentials list-buckets --details",
    args: &[many("BUCKETS", false, |a| &mut a.buckets)],
    opts: &[
        &[details("Add more details for each bucket (slower)")],
        OUTPUT,
        AWS,
    ],
};

pub(super) const SET_BUCKET_POLICY: CommandSpec = CommandSpec {
    name: "set-bucket-policy",
    run: crate::cli::buckets::set_bucket_policy,
    summary: "Set a bucket's policy",
    help: "  Set a bucket's policy

      s3-credentials set-bucket-policy my-bucket --policy-file policy.json

  Or allow anyone to GET the bucket's objects:

      s3-credentials set-bucket-policy my-bucket --allow-all-get",
    args: &[BUCKET],
    opts: &[
        &[
            opt(
                "policy-file",
                "FILENAME",
                "",
                Set::FileText(|a| &mut a.policy_file),
            ),
            flag("allow-all-get", "Allow GET requests from anyone", |a| {
                &mut a.allow_all_get
            }),
        ],
        AWS,
    ],
};

pub(super) const SET_CORS_POLICY: CommandSpec = CommandSpec {
    name: "set-cors-policy",
    run: crate::cli::buckets::set_cors_policy,
    summary: "Set a bucket's CORS rules",
    help: "  Set a bucket's CORS rules

  Allow GET from any origin:

      s3-credentials set-cors-policy my-bucket

  Allow GET and PUT from one origin and expose the ETag header:

      s3-credentials set-cors-policy my-bucket \\
        --allowed-method GET \\
        --allowed-method PUT \\
        --allowed-origin https://www.example.com/ \\
        --expose-header ETag",
    args: &[BUCKET],
    opts: &[
        &[
            with_short(
                texts("allowed-method", "Allowed method e.g. GET", |a| {
                    &mut a.allowed_methods
                }),
                'm',
            ),
            with_short(
                texts("allowed-header", "Allowed header e.g. Authorization", |a| {
                    &mut a.allowed_headers
                }),
                'h',
            ),
            with_short(
                texts(
                    "allowed-origin",
                    "Allowed origin e.g. https://www.example.com/",
                    |a| &mut a.allowed_origins,
                ),
                'o',
            ),
            with_short(
                texts("expose-header", "Header to expose e.g. ETag", |a| {
                    &mut a.expose_headers
                }),
                'e',
            ),
            opt(
                "max-age-seconds",
                "INTEGER",
                "How long browsers may cache preflight answers",
                Set::Int(|a| &mut a.max_age_seconds),
            ),
        ],
        AWS,
    ],
};

pub(super) const SET_PUBLIC_ACCESS_BLOCK: CommandSpec = CommandSpec {
    name: "set-public-access-block",
    run: crate::cli::buckets::set_public_access_block,
    summary: "Change a bucket's public access block settings",
    help: "  Change a bucket's public access block settings.

  For example:

      s3-credentials set-public-access-block my-bucket --block-public-acls false

  To turn every block off and allow full public access, use
  --allow-public-access:

      s3-credentials set-public-access-block my-bucket --allow-public-access",
    args: &[BUCKET],
    opts: &[
        &[
            public_access(
                "block-public-acls",
                "Block public ACLs on the bucket (true/false).",
                |a| &mut a.block_public_acls,
            ),
            public_access(
                "ignore-public-acls",
                "Ignore public ACLs on the bucket (true/false).",
                |a| &mut a.ignore_public_acls,
            ),
            public_access(
                "block-public-policy",
                "Block public bucket policies (true/false).",
                |a| &mut a.block_public_policy,
            ),
            public_access(
                "restrict-public-buckets",
                "Restrict access to public buckets (true/false).",
                |a| &mut a.restrict_public_buckets,
            ),
            flag(
                "allow-public-access",
                "Turn all four settings off (allows full public access).",
                |a| &mut a.allow_public_access,
            ),
        ],
        AWS,
    ],
};
