//! The object commands' tables.

use super::*;

pub(super) const DELETE_OBJECTS: CommandSpec = CommandSpec {
    name: "delete-objects",
    run: crate::cli::objects::delete_objects,
    summary: "Delete objects from an S3 bucket",
    help: "  Delete objects from an S3 bucket

  Name the keys to delete:

      s3-credentials delete-objects my-bucket one.txt two.txt

  Or delete every key that starts with a prefix:

      s3-credentials delete-objects my-bucket --prefix my-folder/",
    args: &[BUCKET, many("KEYS", false, |a| &mut a.keys)],
    opts: &[
        &[
            prefix("Delete every key starting with this prefix"),
            with_short(
                flag("silent", "Don't print informational output", |a| {
                    &mut a.silent
                }),
                's',
            ),
            with_short(
                dry_run("List the keys that would be deleted, delete nothing"),
                'd',
            ),
        ],
        AWS,
    ],
};

pub(super) const GET_OBJECT: CommandSpec = CommandSpec {
    name: "get-object",
    run: crate::cli::objects::get_object,
    summary: "Download one object from an S3 bucket",
    help: "  Download one object from an S3 bucket

  Print it on standard output:

      s3-credentials get-object my-bucket hello.txt

  Save it to a file:

      s3-credentials get-object my-bucket hello.txt -o hello.txt",
    args: &[BUCKET, arg("KEY", |a| &mut a.key)],
    opts: &[
        &[
            with_short(
                opt(
                    "output",
                    "FILE",
                    "Write to this file, not standard output",
                    Set::OutFile(|a| &mut a.output),
                ),
                'o',
            ),
            WORKERS,
        ],
        AWS,
    ],
};

pub(super) const GET_OBJECTS: CommandSpec = CommandSpec {
    name: "get-objects",
    run: crate::cli::objects::get_objects,
    summary: "Download many objects from an S3 bucket",
    help: "  Download many objects from an S3 bucket

  Everything in the bucket:

      s3-credentials get-objects my-bucket

  Files go under the current directory, keys as relative paths; -o dirname picks
  another directory.

  Only some keys:

      s3-credentials get-objects my-bucket one.txt path/two.txt

  Keys matching a glob-style pattern:

      s3-credentials get-objects my-bucket --pattern '*/*.js'",
    args: &[BUCKET, many("KEYS", false, |a| &mut a.keys)],
    opts: &[
        &[
            with_short(
                opt(
                    "output",
                    "DIRECTORY",
                    "Write into this directory, not the current one",
                    Set::OutDir(|a| &mut a.output),
                ),
                'o',
            ),
            with_short(
                texts(
                    "pattern",
                    "Glob pattern of keys to download, e.g. '*/*.js'",
                    |a| &mut a.patterns,
                ),
                'p',
            ),
            SILENT_S,
            WORKERS,
        ],
        AWS,
    ],
};

pub(super) const PUT_OBJECT: CommandSpec = CommandSpec {
    name: "put-object",
    run: crate::cli::objects::put_object,
    summary: "Upload one object to an S3 bucket",
    help: "  Upload one object to an S3 bucket

  Upload a file as my-key.txt in my-bucket:

      s3-credentials put-object my-bucket my-key.txt /path/to/file.txt

  Upload what arrives on standard input with -:

      echo \"Hello\" | s3-credentials put-object my-bucket hello.txt -",
    args: &[
        BUCKET,
        arg("KEY", |a| &mut a.key),
        ArgSpec {
            name: "PATH",
            required: true,
            conv: ArgConv::ExistingFileOrDash,
            set: ArgSet::Path(|a| &mut a.path),
        },
    ],
    opts: &[
        &[
            truthy(
                "content-type",
                "Content-Type to send (guessed from the file extension by default)",
                |a| &mut a.content_type,
            ),
            SILENT_S,
            WORKERS,
        ],
        AWS,
    ],
};

pub(super) const PUT_OBJECTS: CommandSpec = CommandSpec {
    name: "put-objects",
    run: crate::cli::objects::put_objects,
    summary: "Upload many files to an S3 bucket",
    help: "  Upload many files to an S3 bucket

  Name the files to upload:

      s3-credentials put-objects my-bucket one.txt two.txt

  They are stored at the root of the bucket; --prefix puts them somewhere else:

      s3-credentials put-objects my-bucket one.txt two.txt --prefix my-folder

  which uploads my-folder/one.txt and my-folder/two.txt.

  A directory is uploaded with everything in it:

      s3-credentials put-objects my-bucket my-folder

  giving keys my-folder/... in the bucket.

  To put a folder's files at the root of the bucket instead:

      s3-credentials put-objects my-bucket my-folder/*",
    args: &[
        BUCKET,
        ArgSpec {
            name: "OBJECTS",
            required: true,
            conv: ArgConv::Text,
            set: ArgSet::Paths(|a| &mut a.objects),
        },
    ],
    opts: &[
        &[
            prefix("Prefix to put before the keys in the bucket"),
            SILENT_S,
            dry_run("Print what would be uploaded, upload nothing"),
            WORKERS,
        ],
        AWS,
    ],
};

/// Not in the original: a presigned URL for one object.
pub(super) const PRESIGN: CommandSpec = CommandSpec {
    name: "presign",
    run: crate::cli::presign::run,
    summary: "Print a presigned URL for an object",
    help: "  Print a presigned URL: anyone holding it can download (or, with --method PUT,
  upload) that one object without credentials until it expires

  Download link valid for an hour:

      s3-credentials presign my-bucket report.pdf

  Upload link valid for ten minutes, for curl -T:

      s3-credentials presign my-bucket upload.bin --method PUT --expires-in 600

  The URL never outlasts the credentials that sign it: with temporary credentials
  (an --auth file with an Expiration, or $AWS_CREDENTIAL_EXPIRATION) it is cut
  short, with a warning, when they expire sooner.",
    args: &[BUCKET, arg("KEY", |a| &mut a.key)],
    opts: &[
        &[
            opt(
                "expires-in",
                "SECONDS",
                "Seconds the URL stays valid, 1 to 604800 (a week; default 3600)",
                Set::Int(|a| &mut a.expires_in),
            ),
            opt(
                "method",
                "[GET|PUT]",
                "The request the URL allows (default GET)",
                Set::Choice(&["GET", "PUT"], |a| &mut a.method),
            ),
        ],
        AWS,
    ],
};
