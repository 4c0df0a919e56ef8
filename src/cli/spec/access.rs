//! `create`, `localserver` and `policy`: the commands that make credentials or their policies.

use super::*;

pub(super) const CREATE: CommandSpec = CommandSpec {
    name: "create",
    run: crate::cli::create::run,
    summary: "Create credentials scoped to S3 buckets",
    help: "  Create AWS credentials scoped to the given S3 buckets, creating the buckets
  first if asked to.

  New bucket, read-write credentials:

      s3-credentials create my-new-bucket -c

  Read-only credentials for a bucket that already exists:

      s3-credentials create my-existing-bucket --read-only

  Write-only credentials that expire after 15 minutes:

      s3-credentials create my-existing-bucket --write-only -d 15m",
    // Bucket names are checked in create itself: --dry-run prints any name, as the
    // original does.
    args: &[many("BUCKETS", true, |a| &mut a.buckets)],
    opts: &[
        &[
            with_short(
                opt(
                    "format",
                    "[ini|json]",
                    "Output format for the credentials",
                    Set::Choice(&["ini", "json"], |a| &mut a.format),
                ),
                'f',
            ),
            duration(
                "How long the credentials should last; without it they never expire. 3600 or 3600s for seconds, 15m for minutes, 1h for hours",
            ),
            text(
                "username",
                "Username to create, or existing user to use",
                |a| &mut a.username,
            ),
            with_short(
                flag(
                    "create-bucket",
                    "Create the buckets if they do not exist yet",
                    |a| &mut a.create_bucket,
                ),
                'c',
            ),
            prefixes("Only allow keys starting with this prefix (repeatable: any of them)"),
            flag(
                "public",
                "Make a created bucket public: anyone who knows a file's name can download it",
                |a| &mut a.public,
            ),
            flag(
                "website",
                "Set up a created bucket as a website with index.html and error.html",
                |a| &mut a.website,
            ),
            READ_ONLY,
            WRITE_ONLY,
            opt(
                "policy",
                "POLICY",
                "A policy.json file, - for stdin, or a literal JSON string; $!BUCKET_NAME!$ is replaced by each bucket's name",
                Set::Policy(|a| &mut a.policy),
            ),
            STATEMENT,
            text("bucket-region", "Region to create buckets in", |a| {
                &mut a.bucket_region
            }),
            flag("silent", "Don't print the steps taken", |a| &mut a.silent),
            dry_run("Print the steps without taking them"),
            text(
                "user-permissions-boundary",
                "Permissions boundary for created users, or 'none' for no boundary. By default S3 access matching --read-only and --write-only.",
                |a| &mut a.user_permissions_boundary,
            ),
            // Not in the original (upstream issues 80, 60, 64 and new keys' propagation).
            opt(
                "tag",
                "KEY=VALUE",
                "Tag the user, role and buckets this creates (repeatable)",
                Set::Texts(|a| &mut a.tags),
            ),
            // Not in the original (issue 25).
            expires(
                "Make the access key stop working at WHEN: a duration from now (90d, 12h, 30m, 3600s) or a UTC date or time (2027-03-01, 2027-03-01T12:00:00Z)",
            ),
            flag(
                "deactivate-existing-keys",
                "Deactivate the user's other access keys once the new one is made",
                |a| &mut a.deactivate_existing_keys,
            ),
            flag(
                "delete-oldest-key",
                "If the user already has two access keys, IAM's limit, delete the older one first",
                |a| &mut a.delete_oldest_key,
            ),
            flag(
                "wait",
                "Print the new access key only once it works (IAM can take seconds to accept it)",
                |a| &mut a.wait,
            ),
        ],
        AWS,
    ],
};

pub(super) const LOCALSERVER: CommandSpec = CommandSpec {
    name: "localserver",
    run: crate::cli::localserver::run,
    summary: "Serve temporary S3 credentials on localhost",
    help: "  Serve temporary S3 credentials over HTTP on localhost.

  A GET of / answers with JSON holding temporary AWS credentials for the bucket,
  in the shape credential_process expects; /ecs answers in the container
  credentials shape (AWS_CONTAINER_CREDENTIALS_FULL_URI).

  Credentials are cached and fetched again before they expire, as --duration
  says.

  Read-only credentials for a bucket, each valid for an hour:

      s3-credentials localserver my-bucket --read-only --duration 1h

  On another port:

      s3-credentials localserver my-bucket --duration 1h --port 9000",
    args: &[BUCKET],
    opts: &[
        &[
            with_short(
                opt(
                    "port",
                    "INTEGER",
                    "Port to listen on (default: 8094)",
                    Set::Int(|a| &mut a.port),
                ),
                'p',
            ),
            text("host", "Address to listen on (default: localhost)", |a| {
                &mut a.host
            }),
            READ_ONLY,
            WRITE_ONLY,
            prefixes("Only allow keys starting with this prefix (repeatable: any of them)"),
            STATEMENT,
            required(duration(
                "How long each set of credentials lasts, e.g. 15m, 1h, 12h",
            )),
            text(
                "token",
                "Require 'Authorization: TOKEN' on every request (also S3_CREDENTIALS_TOKEN)",
                |a| &mut a.token,
            ),
        ],
        AWS,
    ],
};

pub(super) const POLICY: CommandSpec = CommandSpec {
    name: "policy",
    run: crate::cli::policy::run,
    summary: "Print the JSON policy for one or more buckets",
    help: "  Print the JSON policy that create would use for the buckets

  It takes the same permission options as s3-credentials create

  A read-only policy for one bucket:

      s3-credentials policy my-bucket --read-only",
    args: &[many("BUCKETS", true, |a| &mut a.buckets)],
    opts: &[&[
        READ_ONLY,
        WRITE_ONLY,
        prefixes("Only allow keys starting with this prefix, e.g. foo/ (repeatable: any of them)"),
        STATEMENT,
        flag(
            "public-bucket",
            "Print a bucket policy that allows public reads",
            |a| &mut a.public_bucket,
        ),
        // Not in the original (issue 25).
        expires(
            "Add a statement denying everything from WHEN: a duration from now (90d, 12h, 30m, 3600s) or a UTC date or time (2027-03-01, 2027-03-01T12:00:00Z)",
        ),
    ]],
};
