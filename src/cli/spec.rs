//! The option tables: every command, its positionals and options, defined once.
//! The parser (`args/`), the help (`help.rs`) and completion (`complete/`) read these;
//! each command's entry names its typed arguments, which carry its run function. Names, short
//! flags, metavars, defaults and order are the original's; descriptions are ours.

use super::args::{ArgConv, ArgSpec, CommandSpec, Conv, OptSpec, runner};

const fn flag(long: &'static str, help: &'static str) -> OptSpec {
    OptSpec {
        short: None,
        long,
        metavar: "",
        help,
        conv: Conv::Flag,
        multiple: false,
        required: false,
    }
}

const fn text(long: &'static str, help: &'static str) -> OptSpec {
    OptSpec {
        short: None,
        long,
        metavar: "TEXT",
        help,
        conv: Conv::Text,
        multiple: false,
        required: false,
    }
}

const fn with_short(mut opt: OptSpec, short: char) -> OptSpec {
    opt.short = Some(short);
    opt
}

const fn multiple(mut opt: OptSpec) -> OptSpec {
    opt.multiple = true;
    opt
}

const fn typed(mut opt: OptSpec, metavar: &'static str, conv: Conv) -> OptSpec {
    opt.metavar = metavar;
    opt.conv = conv;
    opt
}

const fn arg(name: &'static str) -> ArgSpec {
    ArgSpec {
        name,
        variadic: false,
        required: true,
        conv: ArgConv::Text,
    }
}

/// A bucket that requests will address: checked before anything is sent.
const fn bucket() -> ArgSpec {
    ArgSpec {
        name: "BUCKET",
        variadic: false,
        required: true,
        conv: ArgConv::Bucket,
    }
}

const fn many(name: &'static str, required: bool) -> ArgSpec {
    ArgSpec {
        name,
        variadic: true,
        required,
        conv: ArgConv::Text,
    }
}

/// The options every command that talks to AWS takes.
pub const AWS: &[OptSpec] = &[
    text("access-key", "AWS access key ID"),
    text("secret-key", "AWS secret access key"),
    text("session-token", "AWS session token"),
    text("endpoint-url", "Custom endpoint URL"),
    // Not in the original (its users asked for it: upstream issue 73).
    text(
        "profile",
        "Profile from the shared AWS config and credentials files (instead of $AWS_PROFILE)",
    ),
    with_short(
        typed(
            text(
                "auth",
                "Path to a JSON or INI file holding credentials (- for stdin)",
            ),
            "FILENAME",
            Conv::FileText,
        ),
        'a',
    ),
];

/// The output format switches of the list commands.
pub const OUTPUT: &[OptSpec] = &[
    flag("nl", "Output newline-delimited JSON"),
    flag("csv", "Output CSV"),
    flag("tsv", "Output TSV"),
];

const READ_ONLY: OptSpec = flag("read-only", "Only allow reading from the bucket");
const WRITE_ONLY: OptSpec = flag("write-only", "Only allow writing to the bucket");
const STATEMENT: OptSpec = multiple(typed(
    text("statement", "JSON statement to add to the policy"),
    "STATEMENT",
    Conv::Statement,
));
const SILENT_S: OptSpec = with_short(flag("silent", "Don't show a progress bar"), 's');
/// Not in the original: how many requests the transfer commands run at once.
const WORKERS: OptSpec = typed(
    text(
        "workers",
        "Number of parallel requests (default 8, or $S3_CREDENTIALS_WORKERS)",
    ),
    "INTEGER",
    Conv::Int,
);

const CREATE: CommandSpec = CommandSpec {
    name: "create",
    command: runner::<super::create::Create>(),
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
    args: &[many("BUCKETS", true)],
    opts: &[
        &[
            with_short(
                typed(
                    text("format", "Output format for the credentials"),
                    "[ini|json]",
                    Conv::Choice(&["ini", "json"]),
                ),
                'f',
            ),
            with_short(
                typed(
                    text(
                        "duration",
                        "How long the credentials should last; without it they never expire. 3600 or 3600s for seconds, 15m for minutes, 1h for hours",
                    ),
                    "DURATION",
                    Conv::Duration,
                ),
                'd',
            ),
            text("username", "Username to create, or existing user to use"),
            with_short(
                flag(
                    "create-bucket",
                    "Create the buckets if they do not exist yet",
                ),
                'c',
            ),
            multiple(text(
                "prefix",
                "Only allow keys starting with this prefix (repeatable: any of them)",
            )),
            flag(
                "public",
                "Make a created bucket public: anyone who knows a file's name can download it",
            ),
            flag(
                "website",
                "Set up a created bucket as a website with index.html and error.html",
            ),
            READ_ONLY,
            WRITE_ONLY,
            typed(
                text(
                    "policy",
                    "A policy.json file, - for stdin, or a literal JSON string; $!BUCKET_NAME!$ is replaced by each bucket's name",
                ),
                "POLICY",
                Conv::Policy,
            ),
            STATEMENT,
            text("bucket-region", "Region to create buckets in"),
            flag("silent", "Don't print the steps taken"),
            flag("dry-run", "Print the steps without taking them"),
            text(
                "user-permissions-boundary",
                "Permissions boundary for created users, or 'none' for no boundary. By default S3 access matching --read-only and --write-only.",
            ),
            // Not in the original (upstream issues 80, 60, 64 and new keys' propagation).
            multiple(typed(
                text(
                    "tag",
                    "Tag the user, role and buckets this creates (repeatable)",
                ),
                "KEY=VALUE",
                Conv::Text,
            )),
            flag(
                "deactivate-existing-keys",
                "Deactivate the user's other access keys once the new one is made",
            ),
            flag(
                "delete-oldest-key",
                "If the user already has two access keys, IAM's limit, delete the older one first",
            ),
            flag(
                "wait",
                "Print the new access key only once it works (IAM can take seconds to accept it)",
            ),
        ],
        AWS,
    ],
};

const DEBUG_BUCKET: CommandSpec = CommandSpec {
    name: "debug-bucket",
    command: runner::<super::buckets::DebugBucket>(),
    summary: "Print diagnostics that help debug a bucket",
    help: "  Print a bucket's ACL, policy status and public access block, to help work out
  why it behaves as it does

     s3-credentials debug-bucket my-bucket",
    args: &[bucket()],
    opts: &[AWS],
};

const DELETE_OBJECTS: CommandSpec = CommandSpec {
    name: "delete-objects",
    command: runner::<super::objects::DeleteObjects>(),
    summary: "Delete objects from an S3 bucket",
    help: "  Delete objects from an S3 bucket

  Name the keys to delete:

      s3-credentials delete-objects my-bucket one.txt two.txt

  Or delete every key that starts with a prefix:

      s3-credentials delete-objects my-bucket --prefix my-folder/",
    args: &[bucket(), many("KEYS", false)],
    opts: &[
        &[
            text("prefix", "Delete every key starting with this prefix"),
            with_short(flag("silent", "Don't print informational output"), 's'),
            with_short(
                flag(
                    "dry-run",
                    "List the keys that would be deleted, delete nothing",
                ),
                'd',
            ),
        ],
        AWS,
    ],
};

const DELETE_USER: CommandSpec = CommandSpec {
    name: "delete-user",
    command: runner::<super::iam::DeleteUser>(),
    summary: "Delete users with their access keys and policies",
    help: "  Delete users together with their access keys and inline policies

      s3-credentials delete-user username1 username2",
    args: &[many("USERNAMES", true)],
    opts: &[AWS],
};

const GET_BUCKET_POLICY: CommandSpec = CommandSpec {
    name: "get-bucket-policy",
    command: runner::<super::buckets::GetBucketPolicy>(),
    summary: "Print a bucket's policy",
    help: "  Print a bucket's policy

     s3-credentials get-bucket-policy my-bucket

  The policy is printed as JSON when the bucket has one",
    args: &[bucket()],
    opts: &[AWS],
};

const GET_CORS_POLICY: CommandSpec = CommandSpec {
    name: "get-cors-policy",
    command: runner::<super::buckets::GetCorsPolicy>(),
    summary: "Print a bucket's CORS rules",
    help: "  Print a bucket's CORS rules

     s3-credentials get-cors-policy my-bucket

  The rules are printed as JSON when the bucket has any",
    args: &[bucket()],
    opts: &[AWS],
};

const GET_OBJECT: CommandSpec = CommandSpec {
    name: "get-object",
    command: runner::<super::objects::GetObject>(),
    summary: "Download one object from an S3 bucket",
    help: "  Download one object from an S3 bucket

  Print it on standard output:

      s3-credentials get-object my-bucket hello.txt

  Save it to a file:

      s3-credentials get-object my-bucket hello.txt -o hello.txt",
    args: &[bucket(), arg("KEY")],
    opts: &[
        &[
            with_short(
                typed(
                    text("output", "Write to this file, not standard output"),
                    "FILE",
                    Conv::OutFile,
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
    command: runner::<super::objects::GetObjects>(),
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
    args: &[bucket(), many("KEYS", false)],
    opts: &[
        &[
            with_short(
                typed(
                    text("output", "Write into this directory, not the current one"),
                    "DIRECTORY",
                    Conv::OutDir,
                ),
                'o',
            ),
            with_short(
                multiple(text(
                    "pattern",
                    "Glob pattern of keys to download, e.g. '*/*.js'",
                )),
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
    command: runner::<super::buckets::GetPublicAccessBlock>(),
    summary: "Print a bucket's public access block settings",
    help: "  Print a bucket's public access block settings

  For example:

      s3-credentials get-public-access-block my-bucket",
    args: &[bucket()],
    opts: &[AWS],
};

const LIST_BUCKET: CommandSpec = CommandSpec {
    name: "list-bucket",
    command: runner::<super::buckets::ListBucket>(),
    summary: "List the objects in a bucket",
    help: "  List the objects in a bucket

  As JSON:

      s3-credentials list-bucket my-bucket

  As CSV (or TSV with --tsv):

      s3-credentials list-bucket my-bucket --csv

  With a URL for each key:

      s3-credentials list-bucket my-bucket --urls",
    args: &[bucket()],
    opts: &[
        &[
            text("prefix", "Only list keys starting with this prefix"),
            flag("urls", "Add a URL for each key"),
        ],
        OUTPUT,
        AWS,
    ],
};

const LIST_BUCKETS: CommandSpec = CommandSpec {
    name: "list-buckets",
    command: runner::<super::buckets::ListBuckets>(),
    summary: "List buckets",
    help: "  List buckets

  Every bucket with its creation time, as JSON:

      s3-credentials list-buckets

  As CSV (or TSV with --tsv):

      s3-credentials list-buckets --csv

  With more details for each bucket (slower):

      s3-credentials list-buckets --details",
    args: &[many("BUCKETS", false)],
    opts: &[
        &[flag("details", "Add more details for each bucket (slower)")],
        OUTPUT,
        AWS,
    ],
};

const LIST_ROLES: CommandSpec = CommandSpec {
    name: "list-roles",
    command: runner::<super::iam::ListRoles>(),
    summary: "List roles",
    help: "  List roles

  Every role in the account:

      s3-credentials list-roles

  As CSV (or TSV with --tsv):

      s3-credentials list-roles --csv

  With each role's policies (slower):

      s3-credentials list-roles --details",
    args: &[many("ROLE_NAMES", false)],
    opts: &[
        &[flag("details", "Add inline and attached policies (slower)")],
        OUTPUT,
        AWS,
    ],
};

const LIST_USER_POLICIES: CommandSpec = CommandSpec {
    name: "list-user-policies",
    command: runner::<super::iam::ListUserPolicies>(),
    summary: "Print the inline policies of users",
    help: "  Print the inline policies of users

      s3-credentials list-user-policies username

  With no usernames, every user's policies are printed.",
    args: &[many("USERNAMES", false)],
    opts: &[AWS],
};

const LIST_USERS: CommandSpec = CommandSpec {
    name: "list-users",
    command: runner::<super::iam::ListUsers>(),
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
    command: runner::<super::localserver::Localserver>(),
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
    args: &[bucket()],
    opts: &[
        &[
            with_short(
                typed(
                    text("port", "Port to listen on (default: 8094)"),
                    "INTEGER",
                    Conv::Int,
                ),
                'p',
            ),
            text("host", "Address to listen on (default: localhost)"),
            READ_ONLY,
            WRITE_ONLY,
            multiple(text(
                "prefix",
                "Only allow keys starting with this prefix (repeatable: any of them)",
            )),
            STATEMENT,
            {
                let mut d = with_short(
                    typed(
                        text(
                            "duration",
                            "How long each set of credentials lasts, e.g. 15m, 1h, 12h",
                        ),
                        "DURATION",
                        Conv::Duration,
                    ),
                    'd',
                );
                d.required = true;
                d
            },
            text(
                "token",
                "Require 'Authorization: TOKEN' on every request (also S3_CREDENTIALS_TOKEN)",
            ),
        ],
        AWS,
    ],
};

const POLICY: CommandSpec = CommandSpec {
    name: "policy",
    command: runner::<super::policy::Policy>(),
    summary: "Print the JSON policy for one or more buckets",
    help: "  Print the JSON policy that create would use for the buckets

  It takes the same permission options as s3-credentials create

  A read-only policy for one bucket:

      s3-credentials policy my-bucket --read-only",
    args: &[many("BUCKETS", true)],
    opts: &[&[
        READ_ONLY,
        WRITE_ONLY,
        multiple(text(
            "prefix",
            "Only allow keys starting with this prefix, e.g. foo/ (repeatable: any of them)",
        )),
        STATEMENT,
        flag(
            "public-bucket",
            "Print a bucket policy that allows public reads",
        ),
    ]],
};

const PUT_OBJECT: CommandSpec = CommandSpec {
    name: "put-object",
    command: runner::<super::objects::PutObject>(),
    summary: "Upload one object to an S3 bucket",
    help: "  Upload one object to an S3 bucket

  Upload a file as my-key.txt in my-bucket:

      s3-credentials put-object my-bucket my-key.txt /path/to/file.txt

  Upload what arrives on standard input with -:

      echo \"Hello\" | s3-credentials put-object my-bucket hello.txt -",
    args: &[
        bucket(),
        arg("KEY"),
        ArgSpec {
            name: "PATH",
            variadic: false,
            required: true,
            conv: ArgConv::ExistingFileOrDash,
        },
    ],
    opts: &[
        &[
            text(
                "content-type",
                "Content-Type to send (guessed from the file extension by default)",
            ),
            SILENT_S,
            WORKERS,
        ],
        AWS,
    ],
};

const PUT_OBJECTS: CommandSpec = CommandSpec {
    name: "put-objects",
    command: runner::<super::objects::PutObjects>(),
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
    args: &[bucket(), many("OBJECTS", true)],
    opts: &[
        &[
            text("prefix", "Prefix to put before the keys in the bucket"),
            SILENT_S,
            flag("dry-run", "Print what would be uploaded, upload nothing"),
            WORKERS,
        ],
        AWS,
    ],
};

const SET_BUCKET_POLICY: CommandSpec = CommandSpec {
    name: "set-bucket-policy",
    command: runner::<super::buckets::SetBucketPolicy>(),
    summary: "Set a bucket's policy",
    help: "  Set a bucket's policy

      s3-credentials set-bucket-policy my-bucket --policy-file policy.json

  Or allow anyone to GET the bucket's objects:

      s3-credentials set-bucket-policy my-bucket --allow-all-get",
    args: &[bucket()],
    opts: &[
        &[
            typed(text("policy-file", ""), "FILENAME", Conv::FileText),
            flag("allow-all-get", "Allow GET requests from anyone"),
        ],
        AWS,
    ],
};

const SET_CORS_POLICY: CommandSpec = CommandSpec {
    name: "set-cors-policy",
    command: runner::<super::buckets::SetCorsPolicy>(),
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
    args: &[bucket()],
    opts: &[
        &[
            with_short(
                multiple(text("allowed-method", "Allowed method e.g. GET")),
                'm',
            ),
            with_short(
                multiple(text("allowed-header", "Allowed header e.g. Authorization")),
                'h',
            ),
            with_short(
                multiple(text(
                    "allowed-origin",
                    "Allowed origin e.g. https://www.example.com/",
                )),
                'o',
            ),
            with_short(
                multiple(text("expose-header", "Header to expose e.g. ETag")),
                'e',
            ),
            typed(
                text(
                    "max-age-seconds",
                    "How long browsers may cache preflight answers",
                ),
                "INTEGER",
                Conv::Int,
            ),
        ],
        AWS,
    ],
};

const SET_PUBLIC_ACCESS_BLOCK: CommandSpec = CommandSpec {
    name: "set-public-access-block",
    command: runner::<super::buckets::SetPublicAccessBlock>(),
    summary: "Change a bucket's public access block settings",
    help: "  Change a bucket's public access block settings.

  For example:

      s3-credentials set-public-access-block my-bucket --block-public-acls false

  To turn every block off and allow full public access, use
  --allow-public-access:

      s3-credentials set-public-access-block my-bucket --allow-public-access",
    args: &[bucket()],
    opts: &[
        &[
            OptSpec {
                short: None,
                long: "block-public-acls",
                metavar: "BOOLEAN",
                help: "Block public ACLs on the bucket (true/false).",
                conv: Conv::Bool,
                multiple: false,
                required: false,
            },
            OptSpec {
                short: None,
                long: "ignore-public-acls",
                metavar: "BOOLEAN",
                help: "Ignore public ACLs on the bucket (true/false).",
                conv: Conv::Bool,
                multiple: false,
                required: false,
            },
            OptSpec {
                short: None,
                long: "block-public-policy",
                metavar: "BOOLEAN",
                help: "Block public bucket policies (true/false).",
                conv: Conv::Bool,
                multiple: false,
                required: false,
            },
            OptSpec {
                short: None,
                long: "restrict-public-buckets",
                metavar: "BOOLEAN",
                help: "Restrict access to public buckets (true/false).",
                conv: Conv::Bool,
                multiple: false,
                required: false,
            },
            flag(
                "allow-public-access",
                "Turn all four settings off (allows full public access).",
            ),
        ],
        AWS,
    ],
};

const WHOAMI: CommandSpec = CommandSpec {
    name: "whoami",
    command: runner::<super::iam::Whoami>(),
    summary: "Show who the credentials belong to",
    help: "  Show which user or role the credentials belong to",
    args: &[],
    opts: &[AWS],
};

/// Not in the original: a presigned URL for one object.
const PRESIGN: CommandSpec = CommandSpec {
    name: "presign",
    command: runner::<super::presign::Presign>(),
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
    args: &[bucket(), arg("KEY")],
    opts: &[
        &[
            typed(
                text(
                    "expires-in",
                    "Seconds the URL stays valid, 1 to 604800 (a week; default 3600)",
                ),
                "SECONDS",
                Conv::Int,
            ),
            typed(
                text("method", "The request the URL allows (default GET)"),
                "[GET|PUT]",
                Conv::Choice(&["GET", "PUT"]),
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
