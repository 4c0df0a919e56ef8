//! The bucket commands: list-buckets, list-bucket, get/set-cors-policy,
//! get/set-bucket-policy, get/set-public-access-block and debug-bucket.
//!
//! Where the original wraps a botocore `ClientError` in a `ClickException`, the
//! message is botocore's text alone (no request id), as it prints it; see
//! [`click_error`].

use serde_json::Value;

use super::args::{Command, Matches, aws_options};
use super::{CommandError, Failure};
use super::{context, echo, echo_err, echo_err_lines, list_format, print_list};
use crate::aws::AwsOptions;
use crate::aws::s3::S3;
use crate::aws::s3::bucket::{CorsRule, PublicAccessSettings};
use crate::aws::s3::list::{ListedBucket, ListedObject};
use crate::error::Error;
use crate::output::{Format, dumps, py_repr};
use crate::policies;

/// `raise click.ClickException(e)` for a botocore `ClientError`: `Error: ` and
/// botocore's message, without our request id suffix.
fn click_error(e: Error) -> Failure {
    match e {
        Error::Aws(aws) => CommandError::Service(aws).into(),
        other => other.into(),
    }
}

/// `str(ex)` of whatever botocore raised, as debug-bucket prints it.
fn exception_text(e: &Error) -> String {
    match e {
        Error::Aws(aws) => aws.to_string(),
        other => other.to_string(),
    }
}

/// A command whose only argument is a bucket, and the AWS options.
pub struct OneBucket {
    bucket: String,
    aws: AwsOptions,
}

impl OneBucket {
    fn from_matches(m: &Matches) -> Result<Self, Failure> {
        Ok(OneBucket {
            bucket: m.arg("BUCKET")?,
            aws: aws_options(m)?,
        })
    }
}

/// `list-buckets [BUCKETS]... [--details]`
pub struct ListBuckets {
    wanted: Vec<String>,
    details: bool,
    format: Format,
    aws: AwsOptions,
}

impl Command for ListBuckets {
    fn from_matches(m: &Matches) -> Result<Self, Failure> {
        Ok(ListBuckets {
            wanted: m.arg_list("BUCKETS")?,
            details: m.flag("details"),
            format: list_format(m),
            aws: aws_options(m)?,
        })
    }

    fn run(self) -> Result<(), Failure> {
        let ListBuckets {
            wanted,
            details,
            format,
            aws,
        } = self;
        let ctx = context(&aws)?;
        let s3 = ctx.s3();
        let mut headers = vec!["Name", "CreationDate"];
        if details {
            // The original leaves "region" out of its CSV columns (and crashes on it);
            // we print exactly these columns.
            headers.extend(["bucket_acl", "public_access_block", "bucket_website"]);
        }
        // Listed only when the first item is wanted, as the original's generator does:
        // CSV/TSV output has its header row out before a ListBuckets failure.
        let buckets = std::iter::once_with(|| s3.list_buckets()).flat_map(|listed| match listed {
            Ok(buckets) => buckets.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        });
        let items = buckets
            .filter(|b| {
                let Ok(b) = b else { return true };
                wanted.is_empty() || wanted.contains(&b.name)
            })
            .map(|bucket| match bucket {
                Ok(b) if details => with_details(&s3, b),
                Ok(b) => Ok(b.json),
                Err(e) => Err(e),
            });
        print_list(items, &headers, format)
    }
}

/// The `--details` members, added in the original's order. ACL and location
/// failures end the command; a missing public access block or website is null.
fn with_details(s3: &S3<'_>, listed: ListedBucket) -> Result<Value, Error> {
    let ListedBucket {
        name,
        json: mut bucket,
    } = listed;
    let acl = s3.get_bucket_acl(&name)?.to_json();
    // "Buckets in Region us-east-1 have a LocationConstraint of null".
    let region = s3
        .get_bucket_location(&name)?
        .unwrap_or_else(|| "us-east-1".to_string());
    let pab = match s3.get_public_access_block(&name) {
        Ok(v) => v.public_access_block_configuration.to_json(),
        Err(Error::Aws(_)) => Value::Null,
        Err(e) => return Err(e),
    };
    let website = match s3.get_bucket_website(&name) {
        Ok(website) => {
            let mut v = website.to_json();
            if let Some(map) = v.as_object_mut() {
                map.insert(
                    "url".into(),
                    Value::String(format!("http://{name}.s3-website.{region}.amazonaws.com/")),
                );
            }
            v
        }
        Err(Error::Aws(_)) => Value::Null,
        Err(e) => return Err(e),
    };
    if let Some(map) = bucket.as_object_mut() {
        map.insert("region".into(), Value::String(region));
        map.insert("bucket_acl".into(), acl);
        map.insert("public_access_block".into(), pab);
        map.insert("bucket_website".into(), website);
    }
    Ok(bucket)
}

/// `list-bucket BUCKET [--prefix P] [--urls]`
pub struct ListBucket {
    bucket: String,
    prefix: Option<String>,
    urls: bool,
    format: Format,
    aws: AwsOptions,
}

impl Command for ListBucket {
    fn from_matches(m: &Matches) -> Result<Self, Failure> {
        Ok(ListBucket {
            bucket: m.arg("BUCKET")?,
            prefix: m.text("prefix")?.filter(|p| !p.is_empty()),
            urls: m.flag("urls"),
            format: list_format(m),
            aws: aws_options(m)?,
        })
    }

    fn run(self) -> Result<(), Failure> {
        let ListBucket {
            bucket,
            prefix,
            urls,
            format,
            aws,
        } = self;
        let ctx = context(&aws)?;
        let s3 = ctx.s3();
        let mut headers = vec![
            "Key",
            "LastModified",
            "ETag",
            "Size",
            "StorageClass",
            "Owner",
        ];
        if urls {
            headers.push("URL");
        }
        let items = s3.objects(&bucket, prefix.as_deref()).map(|item| {
            let ListedObject { key, mut json, .. } = item.map_err(click_error)?;
            if urls {
                // Always this form, whatever the endpoint, with the key as it is: the original's.
                let url = format!(
                    "https://s3.amazonaws.com/{bucket}/{}",
                    key.unwrap_or_default()
                );
                if let Some(map) = json.as_object_mut() {
                    map.insert("URL".into(), Value::String(url));
                }
            }
            Ok::<_, Failure>(json)
        });
        print_list(items, &headers, format)
    }
}

/// `get-cors-policy BUCKET`
pub struct GetCorsPolicy(OneBucket);

impl Command for GetCorsPolicy {
    fn from_matches(m: &Matches) -> Result<Self, Failure> {
        OneBucket::from_matches(m).map(GetCorsPolicy)
    }

    fn run(self) -> Result<(), Failure> {
        let OneBucket { bucket, aws } = self.0;
        let ctx = context(&aws)?;
        let cors = ctx.s3().get_bucket_cors(&bucket).map_err(click_error)?;
        // The original fails with a KeyError on a configuration without rules.
        let rules = cors
            .rules_json()
            .ok_or_else(|| CommandError::CorsWithoutRules(bucket.clone()))?;
        Ok(echo(dumps(&rules, Some(4)))?)
    }
}

/// `set-cors-policy BUCKET [-m METHOD]... [-h HEADER]... [-o ORIGIN]... [-e HEADER]...
/// [--max-age-seconds N]`
pub struct SetCorsPolicy {
    bucket: String,
    rule: CorsRule,
    aws: AwsOptions,
}

impl Command for SetCorsPolicy {
    fn from_matches(m: &Matches) -> Result<Self, Failure> {
        Ok(SetCorsPolicy {
            bucket: m.arg("BUCKET")?,
            rule: cors_rule(m)?,
            aws: aws_options(m)?,
        })
    }

    fn run(self) -> Result<(), Failure> {
        let SetCorsPolicy { bucket, rule, aws } = self;
        let ctx = context(&aws)?;
        let s3 = ctx.s3();
        if !s3.check_bucket(&bucket)? {
            return Err(CommandError::CorsBucketMissing(bucket).into());
        }
        s3.put_bucket_cors(&bucket, &rule).map_err(click_error)
    }
}

/// The one rule set-cors-policy sets, with the original's defaults.
fn cors_rule(m: &Matches) -> Result<CorsRule, Failure> {
    let or_default = |v: Vec<String>, default: &str| {
        if v.is_empty() {
            vec![default.to_string()]
        } else {
            v
        }
    };
    let rule = CorsRule {
        id: "set-by-s3-credentials".into(),
        allowed_origins: or_default(m.texts("allowed-origin")?, "*"),
        allowed_headers: m.texts("allowed-header")?,
        allowed_methods: or_default(m.texts("allowed-method")?, "GET"),
        expose_headers: m.texts("expose-header")?,
        // `if max_age_seconds:` in the original: 0 is left out.
        max_age_seconds: m.int("max-age-seconds").filter(|n| *n != 0),
    };
    Ok(rule)
}

/// `get-bucket-policy BUCKET`: the policy re-printed as `json.dumps(json.loads(p), indent=4)`.
pub struct GetBucketPolicy(OneBucket);

impl Command for GetBucketPolicy {
    fn from_matches(m: &Matches) -> Result<Self, Failure> {
        OneBucket::from_matches(m).map(GetBucketPolicy)
    }

    fn run(self) -> Result<(), Failure> {
        let OneBucket { bucket, aws } = self.0;
        let ctx = context(&aws)?;
        let policy = ctx.s3().get_bucket_policy(&bucket).map_err(click_error)?;
        // The original crashes with a JSONDecodeError here.
        let doc: Value =
            serde_json::from_str(&policy).map_err(CommandError::BucketPolicyNotJson)?;
        Ok(echo(dumps(&doc, Some(4)))?)
    }
}

/// `set-bucket-policy BUCKET (--policy-file FILE | --allow-all-get)`
pub struct SetBucketPolicy {
    bucket: String,
    allow_all_get: bool,
    policy_file: Option<String>,
    aws: AwsOptions,
}

impl Command for SetBucketPolicy {
    fn from_matches(m: &Matches) -> Result<Self, Failure> {
        Ok(SetBucketPolicy {
            bucket: m.arg("BUCKET")?,
            allow_all_get: m.flag("allow-all-get"),
            policy_file: m.file_text("policy-file"),
            aws: aws_options(m)?,
        })
    }

    fn run(self) -> Result<(), Failure> {
        let SetBucketPolicy {
            bucket,
            allow_all_get,
            policy_file,
            aws,
        } = self;
        // The original makes its client before it checks the options.
        let ctx = context(&aws)?;
        if allow_all_get && policy_file.is_some() {
            return Err(CommandError::AllowAllGetAndPolicyFile.into());
        }
        let policy = if allow_all_get {
            policies::bucket_policy_allow_all_get(&bucket)
        } else {
            // Without either option the original crashes reading a file it never got.
            let text = policy_file.ok_or(CommandError::NoPolicyGiven)?;
            // A file that is not JSON is a JSONDecodeError traceback in the original.
            serde_json::from_str(&text).map_err(CommandError::PolicyFileNotJson)?
        };
        ctx.s3()
            .put_bucket_policy(&bucket, &dumps(&policy, None))
            .map_err(click_error)?;
        echo_err_lines(format!("Policy set:\n{}", dumps(&policy, Some(4))));
        Ok(())
    }
}

/// `get-public-access-block BUCKET`
pub struct GetPublicAccessBlock(OneBucket);

impl Command for GetPublicAccessBlock {
    fn from_matches(m: &Matches) -> Result<Self, Failure> {
        OneBucket::from_matches(m).map(GetPublicAccessBlock)
    }

    fn run(self) -> Result<(), Failure> {
        let OneBucket { bucket, aws } = self.0;
        let ctx = context(&aws)?;
        let out = ctx
            .s3()
            .get_public_access_block(&bucket)
            .map_err(click_error)?;
        let config = out.public_access_block_configuration.to_json();
        Ok(echo(dumps(&config, Some(4)))?)
    }
}

/// `set-public-access-block BUCKET [--block-public-acls B] [--ignore-public-acls B]
/// [--block-public-policy B] [--restrict-public-buckets B] [--allow-public-access]`
pub struct SetPublicAccessBlock {
    bucket: String,
    settings: PublicAccessSettings,
    aws: AwsOptions,
}

impl Command for SetPublicAccessBlock {
    fn from_matches(m: &Matches) -> Result<Self, Failure> {
        let given = PublicAccessSettings {
            block_public_acls: m.bool("block-public-acls"),
            ignore_public_acls: m.bool("ignore-public-acls"),
            block_public_policy: m.bool("block-public-policy"),
            restrict_public_buckets: m.bool("restrict-public-buckets"),
        };
        Ok(SetPublicAccessBlock {
            bucket: m.arg("BUCKET")?,
            // --allow-public-access wins over the four settings.
            settings: if m.flag("allow-public-access") {
                PublicAccessSettings::ALL_OFF
            } else {
                given
            },
            aws: aws_options(m)?,
        })
    }

    fn run(self) -> Result<(), Failure> {
        let SetPublicAccessBlock {
            bucket,
            settings,
            aws,
        } = self;
        let ctx = context(&aws)?;
        if settings.given().is_empty() {
            return Err(CommandError::NoPublicAccessSetting.into());
        }
        // The original lets a failure here escape as a traceback; ours is an Error line.
        ctx.s3().put_public_access_settings(&bucket, &settings)?;
        echo_err(format!(
            "Updated public access block settings for bucket '{bucket}': {}",
            py_repr(&settings.to_json())
        ));
        Ok(())
    }
}

/// `debug-bucket BUCKET`: three reports; a failing one is described on stdout and
/// the others still run.
pub struct DebugBucket(OneBucket);

impl Command for DebugBucket {
    fn from_matches(m: &Matches) -> Result<Self, Failure> {
        OneBucket::from_matches(m).map(DebugBucket)
    }

    fn run(self) -> Result<(), Failure> {
        let OneBucket { bucket, aws } = self.0;
        let ctx = context(&aws)?;
        let s3 = ctx.s3();
        report(
            "Bucket ACL:",
            "bucket ACL",
            s3.get_bucket_acl(&bucket).map(|acl| acl.to_json()),
        )?;
        report(
            "Bucket policy status:",
            "bucket policy status",
            s3.get_bucket_policy_status(&bucket)
                .map(|status| status.to_json()),
        )?;
        report(
            "Bucket public access block:",
            "bucket public access block",
            s3.get_public_access_block(&bucket)
                .map(|block| block.to_json()),
        )?;
        Ok(())
    }
}

/// One debug-bucket section: the title and the document, or what went wrong (on
/// stdout, as the original `print`s it).
fn report(title: &str, what: &str, result: Result<Value, Error>) -> Result<(), Error> {
    match result {
        Ok(doc) => {
            echo(title)?;
            Ok(echo(dumps(&doc, Some(4)))?)
        }
        Err(e) => echo(format!("Error checking {what}: {}", exception_text(&e))),
    }
}
