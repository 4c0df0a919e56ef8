//! The option tables: every command, its positionals and options, defined once.
//! The parser (`args/`), the help (`help.rs`) and completion (`complete/`) read these.
//! Each option and positional names the field of [`Args`] it writes (and, by its
//! [`Set`] kind, how its value is converted); each command names the function that
//! runs on those fields. Names, short flags, metavars, defaults and order are the
//! original's; descriptions are ours.

use super::args::{ArgConv, ArgSet, ArgSpec, Args, CommandSpec, OptSpec, Set};

/// An option that writes its value through `set` (whose kind is the conversion).
const fn opt(long: &'static str, metavar: &'static str, help: &'static str, set: Set) -> OptSpec {
    OptSpec {
        short: None,
        long,
        metavar,
        help,
        set,
        required: false,
    }
}

const fn flag(
    long: &'static str,
    help: &'static str,
    field: fn(&mut Args) -> &mut bool,
) -> OptSpec {
    opt(long, "", help, Set::Flag(field))
}

const fn text(
    long: &'static str,
    help: &'static str,
    field: fn(&mut Args) -> &mut Option<String>,
) -> OptSpec {
    opt(long, "TEXT", help, Set::Text(field))
}

/// Text the original tests for truth: empty is not given.
const fn truthy(
    long: &'static str,
    help: &'static str,
    field: fn(&mut Args) -> &mut Option<String>,
) -> OptSpec {
    opt(long, "TEXT", help, Set::Truthy(field))
}

/// Repeatable text.
const fn texts(
    long: &'static str,
    help: &'static str,
    field: fn(&mut Args) -> &mut Vec<String>,
) -> OptSpec {
    opt(long, "TEXT", help, Set::Texts(field))
}

const fn with_short(mut opt: OptSpec, short: char) -> OptSpec {
    opt.short = Some(short);
    opt
}

const fn required(mut opt: OptSpec) -> OptSpec {
    opt.required = true;
    opt
}

const fn arg(name: &'static str, field: fn(&mut Args) -> &mut String) -> ArgSpec {
    ArgSpec {
        name,
        required: true,
        conv: ArgConv::Text,
        set: ArgSet::One(field),
    }
}

/// A bucket that requests will address: checked before anything is sent.
const BUCKET: ArgSpec = ArgSpec {
    name: "BUCKET",
    required: true,
    conv: ArgConv::Bucket,
    set: ArgSet::One(|a| &mut a.bucket),
};

const fn many(
    name: &'static str,
    required: bool,
    field: fn(&mut Args) -> &mut Vec<String>,
) -> ArgSpec {
    ArgSpec {
        name,
        required,
        conv: ArgConv::Text,
        set: ArgSet::Many(field),
    }
}

/// The options every command that talks to AWS takes.
pub const AWS: &[OptSpec] = &[
    truthy("access-key", "AWS access key ID", |a| &mut a.aws.access_key),
    truthy("secret-key", "AWS secret access key", |a| {
        &mut a.aws.secret_key
    }),
    truthy("session-token", "AWS session token", |a| {
        &mut a.aws.session_token
    }),
    truthy("endpoint-url", "Custom endpoint URL", |a| {
        &mut a.aws.endpoint_url
    }),
    // Not in the original (its users asked for it: upstream issue 73).
    truthy(
        "profile",
        "Profile from the shared AWS config and credentials files (instead of $AWS_PROFILE)",
        |a| &mut a.aws.profile,
    ),
    with_short(
        opt(
            "auth",
            "FILENAME",
            "Path to a JSON or INI file holding credentials (- for stdin)",
            Set::FileText(|a| &mut a.aws.auth),
        ),
        'a',
    ),
];

/// The output format switches of the list commands.
pub const OUTPUT: &[OptSpec] = &[
    flag("nl", "Output newline-delimited JSON", |a| &mut a.nl),
    flag("csv", "Output CSV", |a| &mut a.csv),
    flag("tsv", "Output TSV", |a| &mut a.tsv),
];

const READ_ONLY: OptSpec = flag("read-only", "Only allow reading from the bucket", |a| {
    &mut a.read_only
});
const WRITE_ONLY: OptSpec = flag("write-only", "Only allow writing to the bucket", |a| {
    &mut a.write_only
});
const STATEMENT: OptSpec = opt(
    "statement",
    "STATEMENT",
    "JSON statement to add to the policy",
    Set::Statements(|a| &mut a.statements),
);
const SILENT_S: OptSpec = with_short(
    flag("silent", "Don't show a progress bar", |a| &mut a.silent),
    's',
);
/// Not in the original: how many requests the transfer commands run at once.
const WORKERS: OptSpec = opt(
    "workers",
    "INTEGER",
    "Number of parallel requests (default 8, or $S3_CREDENTIALS_WORKERS)",
    Set::Int(|a| &mut a.workers),
);
/// `create`'s and `localserver`'s `--prefix`, repeatable.
const fn prefixes(help: &'static str) -> OptSpec {
    texts("prefix", help, |a| &mut a.prefixes)
}
/// A single `--prefix`; empty counts as not given.
const fn prefix(help: &'static str) -> OptSpec {
    truthy("prefix", help, |a| &mut a.prefix)
}
const fn details(help: &'static str) -> OptSpec {
    flag("details", help, |a| &mut a.details)
}
const fn dry_run(help: &'static str) -> OptSpec {
    flag("dry-run", help, |a| &mut a.dry_run)
}
const fn duration(help: &'static str) -> OptSpec {
    with_short(
        opt(
            "duration",
            "DURATION",
            help,
            Set::Duration(|a| &mut a.duration),
        ),
        'd',
    )
}
const fn public_access(
    long: &'static str,
    help: &'static str,
    field: fn(&mut Args) -> &mut Option<bool>,
) -> OptSpec {
    opt(long, "BOOLEAN", help, Set::Bool(field))
}

const CREATE: CommandSpec = CommandSpec {
    name: "create",
    run: super::create::run,
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

const DEBUG_BUCKET: CommandSpec = CommandSpec {
    name: "debug-bucket",
    run: super::buckets::debug_bucket,
    summary: "Print diagnostics that help debug a bucket",
    help: "  Print a bucket's ACL, policy status and public access block, to help work out
  why it behaves as it does

     s3-credentials debug-bucket my-bucket",
    args: &[BUCKET],
    opts: &[AWS],
};

const DELETE_OBJECTS: CommandSpec = CommandSpec {
    name: "delete-objects",
    run: super::objects::delete_objects,
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

const DELETE_USER: CommandSpec = CommandSpec {
    name: "delete-user",
    run: super::iam::delete_user,
    summary: "Delete users with their access keys and policies",
    help: "  Delete users together with their access keys and inline policies

      s3-credentials delete-user username1 username2",
    args: &[many("USERNAMES", true, |a| &mut a.usernames)],
    opts: &[AWS],
};

const GET_BUCKET_POLICY: CommandSpec = CommandSpec {
    name: "get-bucket-policy",
    run: super::buckets::get_bucket_policy,
    summary: "Print a bucket's policy",
    help: "  Print a bucket's policy

     s3-credentials get-bucket-policy my-bucket

  The policy is printed as JSON when the bucket has one",
    args: &[BUCKET],
    opts: &[AWS],
};

const GET_CORS_POLICY: CommandSpec = CommandSpec {
    name: "get-cors-policy",
    run: super::buckets::get_cors_policy,
    summary: "Print a bucket's CORS rules",
    help: "  Print a bucket's CORS rules

     s3-credentials get-cors-policy my-bucket

  The rules are printed as JSON when the bucket has any",
    args: &[BUCKET],
    opts: &[AWS],
};

const GET_OBJECT: CommandSpec = CommandSpec {
    name: "get-object",
    run: super::objects::get_object,
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

const GET_OBJECTS: CommandSpec = CommandSpec {
    name: "get-objects",
    run: super::objects::get_objects,
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

const GET_PUBLIC_ACCESS_BLOCK: CommandSpec = CommandSpec {
    name: "get-public-access-block",
    run: super::buckets::get_public_access_block,
    summary: "Print a bucket's public access block settings",
    help: "  Print a bucket's public access block settings

  For example:

      s3-credentials get-public-access-block my-bucket",
    args: &[BUCKET],
    opts: &[AWS],
};

const LIST_BUCKET: CommandSpec = CommandSpec {
    name: "list-bucket",
    run: super::buckets::list_bucket,
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

const LIST_BUCKETS: CommandSpec = CommandSpec {
    name: "list-buckets",
    run: super::buckets::list_buckets,
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

const LIST_ROLES: CommandSpec = CommandSpec {
    name: "list-roles",
    run: super::iam::list_roles,
    summary: "List roles",
    help: "  List roles

  Every role in the account:

      s3-credentials list-roles

  As CSV (or TSV with --tsv):

      s3-credentials list-roles --csv

  With each role's policies (slower):

      s3-credentials list-roles --details",
    args: &[many("ROLE_NAMES", false, |a| &mut a.role_names)],
    opts: &[
        &[details("Add inline and attached policies (slower)")],
        OUTPUT,
        AWS,
    ],
};

const LIST_USER_POLICIES: CommandSpec = CommandSpec {
    name: "list-user-policies",
    run: super::iam::list_user_policies,
    summary: "Print the inline policies of users",
    help: "  Print the inline policies of users

      s3-credentials list-user-policies username

  With no usernames, every user's policies are printed.",
    args: &[many("USERNAMES", false, |a| &mut a.usernames)],
    opts: &[AWS],
};

const LIST_USERS: CommandSpec = CommandSpec {
    name: "list-users",
    run: super::iam::list_users,
    summary: "List the account's users",
    help: "  List the account's users

      s3-credentials list-users

  As CSV (or TSV with --tsv):

      s3-credentials list-users --csv",
    args: &[],
    opts: &[OUTPUT, AWS],
};

const LOCALSERVER: CommandSpec = CommandSpec {
    name: "localserver",
    run: super::localserver::run,
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

const POLICY: CommandSpec = CommandSpec {
    name: "policy",
    run: super::policy::run,
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
    ]],
};

const PUT_OBJECT: CommandSpec = CommandSpec {
    name: "put-object",
    run: super::objects::put_object,
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

const PUT_OBJECTS: CommandSpec = CommandSpec {
    name: "put-objects",
    run: super::objects::put_objects,
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

const SET_BUCKET_POLICY: CommandSpec = CommandSpec {
    name: "set-bucket-policy",
    run: super::buckets::set_bucket_policy,
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

const SET_CORS_POLICY: CommandSpec = CommandSpec {
    name: "set-cors-policy",
    run: super::buckets::set_cors_policy,
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

const SET_PUBLIC_ACCESS_BLOCK: CommandSpec = CommandSpec {
    name: "set-public-access-block",
    run: super::buckets::set_public_access_block,
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

const WHOAMI: CommandSpec = CommandSpec {
    name: "whoami",
    run: super::iam::whoami,
    summary: "Show who the credentials belong to",
    help: "  Show which user or role the credentials belong to",
    args: &[],
    opts: &[AWS],
};

/// Not in the original: a presigned URL for one object.
const PRESIGN: CommandSpec = CommandSpec {
    name: "presign",
    run: super::presign::run,
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

/// Every command, in the order the top-level help lists them (alphabetical).
pub const COMMANDS: &[&CommandSpec] = &[
    &CREATE,
    &DEBUG_BUCKET,
    &DELETE_OBJECTS,
    &DELETE_USER,
    &GET_BUCKET_POLICY,
    &GET_CORS_POLICY,
    &GET_OBJECT,
    &GET_OBJECTS,
    &GET_PUBLIC_ACCESS_BLOCK,
    &LIST_BUCKET,
    &LIST_BUCKETS,
    &LIST_ROLES,
    &LIST_USER_POLICIES,
    &LIST_USERS,
    &LOCALSERVER,
    &POLICY,
    &PRESIGN,
    &PUT_OBJECT,
    &PUT_OBJECTS,
    &SET_BUCKET_POLICY,
    &SET_CORS_POLICY,
    &SET_PUBLIC_ACCESS_BLOCK,
    &WHOAMI,
];

pub fn find(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().copied().find(|c| c.name == name)
}

/// Commands and options that are not in the original: what comparisons with it (help,
/// completion) leave out.
pub const NOT_IN_THE_ORIGINAL: &[&str] = &[
    "--workers",
    "--token",
    "--profile",
    "presign",
    "--tag",
    "--deactivate-existing-keys",
    "--delete-oldest-key",
    "--wait",
];
