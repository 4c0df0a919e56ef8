//! The bucket commands: list-buckets, list-bucket, get/set-cors-policy,
//! get/set-bucket-policy, get/set-public-access-block and debug-bucket.
//!
//! Where the original wraps a botocore `ClientError` in a `ClickException`, the
//! message is botocore's text alone (no request id), as it prints it; see
//! [`click_error`].

use serde_json::Value;

use super::args::Args;
use super::{CommandError, Failure};
use super::{context, echo, echo_err, echo_err_lines, print_list};
use crate::aws::s3::S3;
use crate::aws::s3::bucket::{CorsRule, PublicAccessSettings};
use crate::aws::s3::list::{ListedBucket, ListedObject};
use crate::error::Error;
use crate::output::{dumps, py_repr};
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

/// `list-buckets [BUCKETS]... [--details]`
pub(super) fn list_buckets(args: Args) -> Result<(), Failure> {
    let format = args.list_format();
    let Args {
        buckets: wanted,
        details,
        aws,
        ..
    } = args;
    let aws = aws.options();
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
pub(super) fn list_bucket(args: Args) -> Result<(), Failure> {
    let format = args.list_format();
    let Args {
        bucket,
        prefix,
        urls,
        aws,
        ..
    } = args;
    let aws = aws.options();
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

/// `get-cors-policy BUCKET`
pub(super) fn get_cors_policy(args: Args) -> Result<(), Failure> {
    let Args { bucket, aws, .. } = args;
    let aws = aws.options();
    let ctx = context(&aws)?;
    let cors = ctx.s3().get_bucket_cors(&bucket).map_err(click_error)?;
    // The original fails with a KeyError on a configuration without rules.
    let rules = cors
        .rules_json()
        .ok_or_else(|| CommandError::CorsWithoutRules(bucket.clone()))?;
    Ok(echo(dumps(&rules, Some(4)))?)
}

/// `set-cors-policy BUCKET [-m METHOD]... [-h HEADER]... [-o ORIGIN]... [-e HEADER]...
/// [--max-age-seconds N]`
pub(super) fn set_cors_policy(args: Args) -> Result<(), Failure> {
    let rule = cors_rule(&args);
    let Args { bucket, aws, .. } = args;
    let aws = aws.options();
    let ctx = context(&aws)?;
    let s3 = ctx.s3();
    if !s3.check_bucket(&bucket)? {
        return Err(CommandError::CorsBucketMissing(bucket).into());
    }
    s3.put_bucket_cors(&bucket, &rule).map_err(click_error)
}

/// The one rule set-cors-policy sets, with the original's defaults.
fn cors_rule(args: &Args) -> CorsRule {
    let or_default = |v: &[String], default: &str| {
        if v.is_empty() {
            vec![default.to_string()]
        } else {
            v.to_vec()
        }
    };
    CorsRule {
        id: "set-by-s3-credentials".into(),
        allowed_origins: or_default(&args.allowed_origins, "*"),
        allowed_headers: args.allowed_headers.clone(),
        allowed_methods: or_default(&args.allowed_methods, "GET"),
        expose_headers: args.expose_headers.clone(),
        // `if max_age_seconds:` in the original: 0 is left out.
        max_age_seconds: args.max_age_seconds.filter(|n| *n != 0),
    }
}

/// `get-bucket-policy BUCKET`: the policy re-printed as `json.dumps(json.loads(p), indent=4)`.
pub(super) fn get_bucket_policy(args: Args) -> Result<(), Failure> {
    let Args { bucket, aws, .. } = args;
    let aws = aws.options();
    let ctx = context(&aws)?;
    let policy = ctx.s3().get_bucket_policy(&bucket).map_err(click_error)?;
    // The original crashes with a JSONDecodeError here.
    let doc: Value = serde_json::from_str(&policy).map_err(CommandError::BucketPolicyNotJson)?;
    Ok(echo(dumps(&doc, Some(4)))?)
}

/// `set-bucket-policy BUCKET (--policy-file FILE | --allow-all-get)`
pub(super) fn set_bucket_policy(args: Args) -> Result<(), Failure> {
    let Args {
        bucket,
        allow_all_get,
        policy_file,
        aws,
        ..
    } = args;
    let aws = aws.options();
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

/// `get-public-access-block BUCKET`
pub(super) fn get_public_access_block(args: Args) -> Result<(), Failure> {
    let Args { bucket, aws, .. } = args;
    let aws = aws.options();
    let ctx = context(&aws)?;
    let out = ctx
        .s3()
        .get_public_access_block(&bucket)
        .map_err(click_error)?;
    let config = out.public_access_block_configuration.to_json();
    Ok(echo(dumps(&config, Some(4)))?)
}

/// `set-public-access-block BUCKET [--block-public-acls B] [--ignore-public-acls B]
/// [--block-public-policy B] [--restrict-public-buckets B] [--allow-public-access]`
pub(super) fn set_public_access_block(args: Args) -> Result<(), Failure> {
    // --allow-public-access wins over the four settings.
    let settings = if args.allow_public_access {
        PublicAccessSettings::ALL_OFF
    } else {
        PublicAccessSettings {
            block_public_acls: args.block_public_acls,
            ignore_public_acls: args.ignore_public_acls,
            block_public_policy: args.block_public_policy,
            restrict_public_buckets: args.restrict_public_buckets,
        }
    };
    let Args { bucket, aws, .. } = args;
    let aws = aws.options();
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

/// `debug-bucket BUCKET`: three reports; a failing one is described on stdout and
/// the others still run.
pub(super) fn debug_bucket(args: Args) -> Result<(), Failure> {
    let Args { bucket, aws, .. } = args;
    let aws = aws.options();
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
