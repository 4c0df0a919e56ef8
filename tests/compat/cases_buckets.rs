//! list-buckets, list-bucket, CORS, bucket policies, public access blocks, debug-bucket.

use crate::compat::model::{Scenario, Seen, Server, Setup, run, scenario};

const PAB_ON: &str = "<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>";
const WEBSITE: &str = "<WebsiteConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>error.html</Key></ErrorDocument></WebsiteConfiguration>";
const IN_EU: &str = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>";
const PUBLIC_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AllowAllGetObject", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::debugged/*"]}]}"#;
/// A bucket policy with non-ASCII text, as a file for --policy-file.
const POLICY_FILE: &str = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"caf\u{e9}\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}, \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::pol/*\"}]}\n";

pub fn scenarios() -> Vec<Scenario> {
    vec![
        list_buckets(),
        list_bucket(),
        list_bucket_checksums(),
        cors(),
        bucket_policy(),
        public_access_block(),
        debug_bucket(),
        create_bucket_settings(),
        with_signatures_checked(),
        on_s3s_fs(),
    ]
}

/// Steps from command lines split at spaces.
fn lines<'a>(lines: &'a [&'a str]) -> impl Iterator<Item = crate::compat::model::Step> + 'a {
    lines.iter().map(|l| run(&l.split(' ').collect::<Vec<_>>()))
}

/// Keys with XML-special, non-ASCII, astral, `+`, `%` and space characters.
const SIGNED_KEYS: &[&str] = &[
    "a&b<c>.txt",
    "caf\u{e9} \u{65e5}\u{672c}.txt",
    "dir/sp ace.txt",
    "emoji-\u{1F600}.txt",
    "plus+sign%25.txt",
];

/// Every bucket command against moto with signature checks and IAM enforcement on: each
/// request (odd keys, a dotted bucket, a bucket in another region) must be signed right.
fn with_signatures_checked() -> Scenario {
    let mut s = scenario("bucket commands with signatures checked", Server::Auth)
        .setup(Setup::Bucket("my-bucket"))
        .setup(Setup::Bucket("static.niche-museums.com"))
        .setup(put(
            "/eu-bucket",
            "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>",
        ));
    for key in SIGNED_KEYS {
        s = s.setup(Setup::Object("my-bucket", key, key.as_bytes().to_vec()));
    }
    s.setup(Setup::Object(
        "static.niche-museums.com",
        "index.html",
        b"<html>".to_vec(),
    ))
    .setup(put(
        "/eu-bucket?website",
        "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>error.html</Key></ErrorDocument></WebsiteConfiguration>",
    ))
    .file(
        "policy.json",
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"Caf\u{e9}\", \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::my-bucket/*\"}]}",
    )
    // Before any configuration: listings, and the errors of unset configuration.
    .steps(lines(&[
        "list-buckets",
        "list-buckets --nl",
        "list-buckets --csv",
        "list-buckets --tsv",
        "list-buckets my-bucket eu-bucket",
        "list-buckets --details",
        "list-bucket my-bucket",
        "list-bucket my-bucket --nl --urls",
        "list-bucket my-bucket --prefix dir/",
        "list-bucket static.niche-museums.com --csv --urls",
        "list-bucket nope",
        "get-cors-policy my-bucket",
        "get-bucket-policy my-bucket",
        "get-public-access-block my-bucket",
        "set-public-access-block my-bucket",
        "set-cors-policy nope",
        "debug-bucket my-bucket",
        "debug-bucket nope",
    ]))
    .step(
        run(&["list-bucket", "my-bucket", "--csv"]).also(|_, ours| {
            let rows: Vec<&str> = ours.stdout.split("\r\n").collect();
            if rows[0] == "Key,LastModified,ETag,Size,StorageClass,Owner"
                && rows.len() == SIGNED_KEYS.len() + 2
            {
                Ok(())
            } else {
                Err(format!("a header and one row per key:\n{}", ours.stdout))
            }
        }),
    )
    // Writes, then what they left.
    .steps(lines(&[
        "set-cors-policy my-bucket -m GET -m PUT -o https://www.example.com/ -e ETag --max-age-seconds 60",
        "set-bucket-policy my-bucket --policy-file policy.json",
        "set-bucket-policy eu-bucket --allow-all-get",
        "set-bucket-policy my-bucket --policy-file policy.json --allow-all-get",
        "set-public-access-block my-bucket --block-public-acls true --restrict-public-buckets false",
        "set-public-access-block eu-bucket --allow-public-access",
        "get-cors-policy my-bucket",
        "get-bucket-policy my-bucket",
        "get-bucket-policy eu-bucket",
        "get-public-access-block my-bucket",
        "get-public-access-block eu-bucket",
        "debug-bucket my-bucket",
        "debug-bucket eu-bucket",
        "list-buckets --details",
        "list-buckets --details --nl",
    ]))
    // A wrong secret is refused by moto's signature check.
    .step(
        run(&["list-bucket", "my-bucket", "--access-key", "{admin_key}", "--secret-key", "not-the-secret"])
            .custom(
                "the original prints a traceback for the refusal; we print one Error: line",
                |original, ours| {
                    for (who, seen) in [("the original", original), ("ours", ours)] {
                        if seen.code != 1 || !seen.stderr.contains("SignatureDoesNotMatch") {
                            return Err(format!("{who}: refused for its signature?\n{}", crate::compat::runner::show(seen)));
                        }
                    }
                    one_error_line(ours, &[1])
                },
            ),
    )
}

/// The listing commands against s3s-fs, which has HeadBucket but none of the bucket
/// configuration calls: both tools must say NotImplemented in the same words.
fn on_s3s_fs() -> Scenario {
    let mut s = scenario("bucket commands on s3s-fs", Server::S3s)
        .setup(Setup::Bucket("my-bucket"))
        .setup(Setup::Object(
            "static.niche-museums.com",
            "index.html",
            b"<html>".to_vec(),
        ))
        // More keys than one ListObjectsV2 page holds (1000).
        .setup(Setup::Numbered {
            bucket: "big-bucket",
            prefix: "key-",
            count: 2345,
        });
    for key in SIGNED_KEYS {
        s = s.setup(Setup::Object("my-bucket", key, key.as_bytes().to_vec()));
    }
    const REASON: &str = "the original prints a Python traceback for s3s-fs's NotImplemented; we print one Error: line";
    let not_implemented = |original: &Seen, ours: &Seen| {
        if original.code != 1
            || !original
                .stderr
                .contains("Traceback (most recent call last):")
        {
            return Err(format!(
                "the original changed:\n{}",
                crate::compat::runner::show(original)
            ));
        }
        one_error_line(ours, &[1])?;
        if ours
            .stderr
            .starts_with("Error: An error occurred (NotImplemented)")
        {
            Ok(())
        } else {
            Err(format!("not NotImplemented:\n{}", ours.stderr))
        }
    };
    s.steps(lines(&[
        "list-buckets",
        "list-buckets --nl",
        "list-buckets --csv",
        "list-buckets big-bucket",
        "list-bucket my-bucket",
        "list-bucket my-bucket --tsv --urls",
        "list-bucket my-bucket --prefix dir/",
        "list-bucket static.niche-museums.com",
    ]))
    .step(run(&["list-bucket", "big-bucket", "--nl"]).also(|_, ours| {
        match ours.stdout.lines().count() {
            2345 => Ok(()),
            n => Err(format!("{n} lines, not one per key")),
        }
    }))
    .steps(lines(&[
        "list-bucket nope",
        "set-cors-policy my-bucket",
        "set-cors-policy nope",
        "get-cors-policy my-bucket",
        "get-bucket-policy my-bucket",
        "set-bucket-policy my-bucket --allow-all-get",
        "get-public-access-block my-bucket",
        "debug-bucket my-bucket",
    ]))
    .step(run(&["list-buckets", "--details"]).custom(REASON, not_implemented))
    .step(
        run(&[
            "set-public-access-block",
            "my-bucket",
            "--allow-public-access",
        ])
        .custom(REASON, not_implemented),
    )
}

fn put(path: &str, body: &str) -> Setup {
    Setup::S3("PUT", path.to_string(), body.as_bytes().to_vec())
}

fn list_buckets() -> Scenario {
    scenario("list-buckets", Server::Open)
        .setup(Setup::Bucket("b-one"))
        .setup(Setup::Bucket("b-two"))
        .setup(put("/b-two?publicAccessBlock", PAB_ON))
        .setup(put("/b-two?website", WEBSITE))
        .setup(put("/b-eu", IN_EU))
        .steps(
            [
                &["list-buckets"][..],
                &["list-buckets", "--nl"],
                &["list-buckets", "--csv"],
                &["list-buckets", "--tsv"],
                &["list-buckets", "b-one"],
                &["list-buckets", "b-two", "no-such-bucket", "--nl"],
                &["list-buckets", "--details"],
                &["list-buckets", "--details", "--nl"],
            ]
            .iter()
            .map(|a| run(a)),
        )
        .step(run(&["list-buckets", "--details", "--csv"]).custom(
            DETAILS_REASON,
            details_rows(",", &["b-one", "b-two", "b-eu"]),
        ))
        .step(
            run(&["list-buckets", "b-eu", "--details", "--tsv"])
                .custom(DETAILS_REASON, details_rows("\t", &["b-eu"])),
        )
}

const DETAILS_REASON: &str = "with --details and --csv/--tsv the original crashes (ValueError) on the region field after the header; we print the listed columns";

/// The CSV/TSV rows `list-buckets --details` should have printed: the listed columns, nested
/// values as indent-2 JSON (the original's fix_json), with the values moto gives these
/// buckets (its fixed owner, as in the reference transcript; b-two's settings from setup).
fn details_rows(
    separator: &'static str,
    buckets: &'static [&'static str],
) -> impl Fn(&Seen, &Seen) -> Result<(), String> {
    move |original: &Seen, ours: &Seen| {
        let header = [
            "Name",
            "CreationDate",
            "bucket_acl",
            "public_access_block",
            "bucket_website",
        ]
        .join(separator)
            + "\r\n";
        let last = original
            .stderr
            .trim_end()
            .lines()
            .last()
            .unwrap_or_default();
        if original.code != 1
            || original.stdout != header
            || last != "ValueError: dict contains fields not in fieldnames: 'region'"
        {
            return Err(format!(
                "the original changed:\n{}",
                crate::compat::runner::show(original)
            ));
        }
        let quoted = |json: &str| format!("\"{}\"", json.replace('"', "\"\""));
        let owner = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
        let acl = quoted(&format!(
            "{{\n  \"Owner\": {{\n    \"DisplayName\": \"webfile\",\n    \"ID\": \"{owner}\"\n  }},\n  \"Grants\": [\n    {{\n      \"Grantee\": {{\n        \"ID\": \"{owner}\",\n        \"Type\": \"CanonicalUser\"\n      }},\n      \"Permission\": \"FULL_CONTROL\"\n    }}\n  ]\n}}"
        ));
        let pab = quoted(
            "{\n  \"BlockPublicAcls\": true,\n  \"IgnorePublicAcls\": false,\n  \"BlockPublicPolicy\": true,\n  \"RestrictPublicBuckets\": false\n}",
        );
        let website = quoted(
            "{\n  \"IndexDocument\": {\n    \"Suffix\": \"index.html\"\n  },\n  \"ErrorDocument\": {\n    \"Key\": \"error.html\"\n  },\n  \"url\": \"http://b-two.s3-website.us-east-1.amazonaws.com/\"\n}",
        );
        let mut expected = header;
        for bucket in buckets {
            let (p, w) = if *bucket == "b-two" {
                (pab.as_str(), website.as_str())
            } else {
                ("", "")
            };
            let time = "<TIME ####-##-## ##:##:##+##:##>";
            expected += &[*bucket, time, &acl, p, w].join(separator);
            expected += "\r\n";
        }
        crate::compat::runner::same(
            &Seen {
                code: 0,
                stdout: expected,
                stderr: String::new(),
                tree: None,
            },
            ours,
        )
    }
}

/// Keys that need care: non-ASCII (escaped in JSON, raw in CSV), spaces, `+`, a comma and
/// a quote (CSV quoting), nesting.
pub const ODD_KEYS: &[&str] = &[
    "café/naïve 😀.txt",
    "space key.txt",
    "plus+sign",
    "comma,and \"quote\".txt",
];

fn list_bucket() -> Scenario {
    let mut s = scenario("list-bucket", Server::Open)
        .setup(Setup::Bucket("data"))
        .setup(Setup::Bucket("empty-bucket"))
        .setup(Setup::Object("data", "a.txt", b"hello".to_vec()))
        .setup(Setup::Object("data", "dir/b.txt", b"".to_vec()))
        .setup(Setup::Object("data", "dir/sub/c.json", b"{}\n".to_vec()));
    for key in ODD_KEYS {
        s = s.setup(Setup::Object("data", key, key.as_bytes().to_vec()));
    }
    s.steps(
        [
            &["list-bucket", "data"][..],
            &["list-bucket", "data", "--nl"],
            &["list-bucket", "data", "--csv"],
            &["list-bucket", "data", "--tsv"],
            &["list-bucket", "data", "--prefix", "dir/"],
            &["list-bucket", "data", "--prefix", "dir/", "--nl"],
            &["list-bucket", "data", "--prefix", "café/"],
            &["list-bucket", "data", "--prefix", "nothing-here"],
            &["list-bucket", "data", "--urls"],
            &["list-bucket", "data", "--urls", "--csv"],
            &["list-bucket", "data", "--urls", "--nl", "--prefix", "dir"],
            &["list-bucket", "empty-bucket"],
            &["list-bucket", "empty-bucket", "--csv"],
            &["list-bucket", "empty-bucket", "--nl"],
            &["list-bucket", "no-such-bucket"],
            &["list-bucket", "no-such-bucket", "--csv"],
        ]
        .iter()
        .map(|a| run(a)),
    )
}

/// boto3 >= 1.36 uploads with a CRC32 checksum, so moto lists `ChecksumAlgorithm`, a field
/// the original's CSV/TSV writer does not expect: it writes the header, then crashes.
fn list_bucket_checksums() -> Scenario {
    // MD5("hello") and MD5("") are the objects' ETags.
    const ROWS: &str = "sum.txt,<TIME ####-##-## ##:##:##+##:##>,\"\"\"5d41402abc4b2a76b9719d911017c592\"\"\",5,STANDARD,\r\nz-empty,<TIME ####-##-## ##:##:##+##:##>,\"\"\"d41d8cd98f00b204e9800998ecf8427e\"\"\",0,STANDARD,\r\n";
    fn crash_then_rows(separator: &'static str) -> impl Fn(&Seen, &Seen) -> Result<(), String> {
        move |original: &Seen, ours: &Seen| {
            let header = [
                "Key",
                "LastModified",
                "ETag",
                "Size",
                "StorageClass",
                "Owner",
            ]
            .join(separator)
                + "\r\n";
            let last = original
                .stderr
                .trim_end()
                .lines()
                .last()
                .unwrap_or_default();
            if original.code != 1
                || original.stdout != header
                || last != "ValueError: dict contains fields not in fieldnames: 'ChecksumAlgorithm'"
            {
                return Err(format!(
                    "the original changed:\n{}",
                    crate::compat::runner::show(original)
                ));
            }
            let expected = Seen {
                code: 0,
                stdout: header + &ROWS.replace(',', separator),
                stderr: String::new(),
                tree: None,
            };
            crate::compat::runner::same(&expected, ours)
        }
    }
    const REASON: &str = "the original crashes (ValueError) on the ChecksumAlgorithm field after the header; we print the listed columns";
    scenario("list-bucket with checksummed objects", Server::Open)
        .setup(Setup::Bucket("sums"))
        .setup(Setup::ObjectWithChecksum(
            "sums",
            "sum.txt",
            b"hello".to_vec(),
        ))
        .setup(Setup::ObjectWithChecksum("sums", "z-empty", Vec::new()))
        .step(run(&["list-bucket", "sums"]))
        .step(run(&["list-bucket", "sums", "--nl"]))
        .step(run(&["list-bucket", "sums", "--csv"]).custom(REASON, crash_then_rows(",")))
        .step(run(&["list-bucket", "sums", "--tsv"]).custom(REASON, crash_then_rows("\t")))
}

fn cors() -> Scenario {
    scenario("CORS policies", Server::Open)
        .setup(Setup::Bucket("cors-bucket"))
        .steps(
            [
                &["get-cors-policy", "cors-bucket"][..],
                &["set-cors-policy", "cors-bucket"],
                &["get-cors-policy", "cors-bucket"],
                &[
                    "set-cors-policy",
                    "cors-bucket",
                    "-m",
                    "GET",
                    "-m",
                    "PUT",
                    "-h",
                    "Authorization",
                    "-h",
                    "x-custom",
                    "-o",
                    "https://a.example/",
                    "-o",
                    "https://b.example/",
                    "-e",
                    "ETag",
                    "-e",
                    "x-amz-meta-caf\u{e9}",
                    "--max-age-seconds",
                    "60",
                ],
                &["get-cors-policy", "cors-bucket"],
                &[
                    "set-cors-policy",
                    "cors-bucket",
                    "--allowed-method",
                    "DELETE",
                    "--allowed-header",
                    "*",
                    "--allowed-origin",
                    "*",
                    "--expose-header",
                    "ETag",
                    "--max-age-seconds",
                    "0",
                ],
                &["get-cors-policy", "cors-bucket"],
                &["set-cors-policy", "cors-bucket", "-m", "FETCH"],
                &["get-cors-policy", "cors-bucket"],
                &["set-cors-policy", "no-such-bucket"],
                &["get-cors-policy", "no-such-bucket"],
            ]
            .iter()
            .map(|a| run(a)),
        )
}

fn bucket_policy() -> Scenario {
    scenario("bucket policies", Server::Open)
        .setup(Setup::Bucket("pol"))
        .file("policy.json", POLICY_FILE)
        .file("bad.json", "{\"Version\": ")
        .file("not-a-policy.json", "{\"foo\": 1}")
        .step(run(&["get-bucket-policy", "pol"]))
        .step(run(&["set-bucket-policy", "pol", "--allow-all-get"]))
        .step(run(&["get-bucket-policy", "pol"]))
        .step(run(&["set-bucket-policy", "pol", "--policy-file", "policy.json"]))
        .step(run(&["get-bucket-policy", "pol"]))
        .step(run(&["set-bucket-policy", "pol", "--policy-file", "-"]).stdin(POLICY_FILE.replace("root", "user/x")))
        .step(run(&["get-bucket-policy", "pol"]))
        .step(run(&["set-bucket-policy", "pol", "--allow-all-get", "--policy-file", "policy.json"]))
        .step(run(&["set-bucket-policy", "pol", "--policy-file", "not-a-policy.json"]))
        .step(run(&["set-bucket-policy", "no-such-bucket", "--allow-all-get"]))
        .step(run(&["get-bucket-policy", "no-such-bucket"]))
        .step(run(&["set-bucket-policy", "pol"]).custom(
            "without --policy-file or --allow-all-get the original crashes (AttributeError on None); we print one Error: line",
            |original, ours| {
                let last = original.stderr.trim_end().lines().last().unwrap_or_default();
                if original.code != 1 || !last.starts_with("AttributeError: ") {
                    return Err(format!("the original changed:\n{}", crate::compat::runner::show(original)));
                }
                one_error_line(ours, &[1, 2])
            },
        ))
        .step(run(&["set-bucket-policy", "pol", "--policy-file", "bad.json"]).custom(
            "the original prints a JSONDecodeError traceback for a policy file that is not JSON; we print one Error: line",
            |original, ours| {
                let last = original.stderr.trim_end().lines().last().unwrap_or_default();
                if original.code != 1 || !last.starts_with("json.decoder.JSONDecodeError: ") {
                    return Err(format!("the original changed:\n{}", crate::compat::runner::show(original)));
                }
                one_error_line(ours, &[1, 2])
            },
        ))
        .step(run(&["get-bucket-policy", "pol"]))
}

/// Exit with one of `codes`, nothing on stdout, and a single `Error: ` line (after click's
/// usage lines, for exit 2).
pub fn one_error_line(ours: &Seen, codes: &[i32]) -> Result<(), String> {
    let last = ours.stderr.trim_end().lines().last().unwrap_or_default();
    let error_lines = ours
        .stderr
        .lines()
        .filter(|l| l.starts_with("Error: "))
        .count();
    let traceback = ours.stderr.contains("Traceback") || ours.stderr.contains("panicked");
    if codes.contains(&ours.code)
        && ours.stdout.is_empty()
        && error_lines == 1
        && last.starts_with("Error: ")
        && !traceback
    {
        Ok(())
    } else {
        Err(format!(
            "expected exit {codes:?}, empty stdout and one Error: line:\n{}",
            crate::compat::runner::show(ours)
        ))
    }
}

fn public_access_block() -> Scenario {
    scenario("public access blocks", Server::Open)
        .setup(Setup::Bucket("pab-bucket"))
        .steps(
            [
                &["get-public-access-block", "pab-bucket"][..],
                &["set-public-access-block", "pab-bucket", "--allow-public-access"],
                &["get-public-access-block", "pab-bucket"],
                &[
                    "set-public-access-block", "pab-bucket",
                    "--block-public-acls",
                    "true",
                    "--restrict-public-buckets",
                    "false",
                ],
                &["get-public-access-block", "pab-bucket"],
                &[
                    "set-public-access-block", "pab-bucket",
                    "--ignore-public-acls",
                    "yes",
                    "--block-public-policy",
                    "0",
                ],
                &["get-public-access-block", "pab-bucket"],
                &[
                    "set-public-access-block", "pab-bucket",
                    "--block-public-acls",
                    "on",
                    "--ignore-public-acls",
                    "f",
                    "--block-public-policy",
                    "T",
                    "--restrict-public-buckets",
                    "N",
                ],
                &["get-public-access-block", "pab-bucket"],
                &["set-public-access-block", "pab-bucket", "--restrict-public-buckets", ""],
                &["get-public-access-block", "pab-bucket"],
                &["set-public-access-block", "pab-bucket", "--block-public-acls", "1", "--allow-public-access"],
                &["get-public-access-block", "pab-bucket"],
                &["set-public-access-block", "pab-bucket"],
                &["get-public-access-block", "no-such-bucket"],
            ]
            .iter()
            .map(|a| run(a)),
        )
        .step(
            run(&["set-public-access-block", "no-such-bucket", "--allow-public-access"]).aws_traceback(
                "botocore.errorfactory.NoSuchBucket",
                "An error occurred (NoSuchBucket) when calling the PutPublicAccessBlock operation: The specified bucket does not exist",
            ),
        )
}

fn debug_bucket() -> Scenario {
    scenario("debug-bucket", Server::Open)
        .setup(Setup::Bucket("plain"))
        .setup(Setup::Bucket("debugged"))
        .setup(put("/debugged?publicAccessBlock", PAB_ON))
        .setup(put("/debugged?policy", PUBLIC_POLICY))
        .step(run(&["debug-bucket", "plain"]))
        .step(run(&["debug-bucket", "debugged"]))
        .step(run(&["debug-bucket", "no-such-bucket"]))
}

/// What `create` does to buckets, seen through the bucket commands.
fn create_bucket_settings() -> Scenario {
    scenario(
        "create -c --public/--website: bucket settings",
        Server::Open,
    )
    .step(run(&[
        "create",
        "pub-bucket",
        "-c",
        "--public",
        "--read-only",
    ]))
    .step(run(&["get-public-access-block", "pub-bucket"]))
    .step(run(&["get-bucket-policy", "pub-bucket"]))
    .step(run(&[
        "create",
        "web-bucket",
        "-c",
        "--website",
        "--silent",
    ]))
    .step(run(&["get-bucket-policy", "web-bucket"]))
    .step(run(&["list-buckets", "--details"]))
    .step(run(&["debug-bucket", "web-bucket"]))
}
