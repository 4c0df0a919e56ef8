//! Addressing, the bucket-region cache and the redirect rules of the S3 client core.

use super::*;

#[test]
fn dns_names() {
    assert!(dns_compatible("my-bucket"));
    assert!(!dns_compatible("static.niche-museums.com"));
    assert!(!dns_compatible("My_Bucket"));
    assert!(!dns_compatible("ab"));
    assert!(!dns_compatible("-bucket"));
}

#[test]
fn keys_are_encoded_once_with_slashes_kept() {
    assert_eq!(key_path("a b/c+d/ü&?#"), "a%20b/c%2Bd/%C3%BC%26%3F%23");
}

// Tests build a whole Context (the layer above) to get a realistic session.
fn context(region: &str, endpoint: Option<&str>) -> crate::aws::Context {
    let mut pairs = vec![
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_REGION", region),
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
    ];
    if let Some(url) = endpoint {
        pairs.push(("AWS_ENDPOINT_URL_S3", url));
    }
    let env = crate::aws::config::MapEnv::from_pairs(&pairs);
    crate::aws::Context::with_env(&crate::aws::AwsOptions::default(), &env).unwrap()
}

fn url(s3: &S3<'_>, bucket: &str, key: Option<&str>) -> String {
    let region = s3.region_for(Some(bucket));
    let (base, path) = s3.address(Some(bucket), key, &region);
    format!("{base}{path}")
}

#[test]
fn aws_addressing_virtual_hosted_unless_dotted() {
    let ctx = context("us-east-1", None);
    let s3 = ctx.s3();
    assert_eq!(
        url(&s3, "addr-plain", Some("a b/ü")),
        "https://addr-plain.s3.amazonaws.com/a%20b/%C3%BC"
    );
    assert_eq!(
        url(&s3, "addr-plain", None),
        "https://addr-plain.s3.amazonaws.com/"
    );
    // The original's own example of a dotted name: path-style.
    assert_eq!(
        url(&s3, "static.niche-museums.com", Some("index.html")),
        "https://s3.amazonaws.com/static.niche-museums.com/index.html"
    );
    assert_eq!(
        url(&s3, "Legacy_Name", None),
        "https://s3.amazonaws.com/Legacy_Name"
    );
    let (base, path) = s3.address(None, None, "us-east-1");
    assert_eq!(
        (base.as_str(), path.as_str()),
        ("https://s3.amazonaws.com", "/")
    );
}

#[test]
fn get_bucket_location_is_path_style_as_botocore_forces_it() {
    let ctx = context("eu-west-1", None);
    let s3 = ctx.s3();
    let bucket = "addr-location";
    let req = s3.request(&bucket::GetBucketLocation { bucket }, "eu-west-1");
    assert_eq!(
        req.url(),
        "https://s3.eu-west-1.amazonaws.com/addr-location?location="
    );
    let req = s3.request(&bucket::GetBucketAcl { bucket }, "eu-west-1");
    assert_eq!(
        req.url(),
        "https://addr-location.s3.eu-west-1.amazonaws.com/?acl="
    );
}

#[test]
fn learnt_regions_move_requests_to_that_regions_endpoint() {
    let ctx = context("eu-west-1", None);
    let s3 = ctx.s3();
    assert_eq!(
        url(&s3, "addr-moving", None),
        "https://addr-moving.s3.eu-west-1.amazonaws.com/"
    );
    s3.remember("addr-moving", "us-east-1");
    assert_eq!(
        url(&s3, "addr-moving", None),
        "https://addr-moving.s3.us-east-1.amazonaws.com/"
    );
    s3.remember("addr.dotted.moving", "ap-southeast-2");
    assert_eq!(
        url(&s3, "addr.dotted.moving", Some("k")),
        "https://s3.ap-southeast-2.amazonaws.com/addr.dotted.moving/k"
    );
    // Another client of the same session knows it too; another session does not.
    assert_eq!(ctx.s3().region_for(Some("addr-moving")), "us-east-1");
    let other = context("eu-west-1", None);
    assert_eq!(other.s3().region_for(Some("addr-moving")), "eu-west-1");
    // A region that is not a DNS label never reaches a host name.
    s3.remember("addr-moving", "evil.example/x");
    assert_eq!(s3.region_for(Some("addr-moving")), "us-east-1");
}

#[test]
fn custom_endpoints_are_path_style_in_every_region() {
    let ctx = context("us-east-1", Some("http://127.0.0.1:9000"));
    let s3 = ctx.s3();
    assert_eq!(
        url(&s3, "addr-custom", Some("k&1")),
        "http://127.0.0.1:9000/addr-custom/k%261"
    );
    s3.remember("addr-custom", "eu-west-1");
    assert_eq!(s3.region_for(Some("addr-custom")), "eu-west-1");
    assert_eq!(
        url(&s3, "addr-custom", None),
        "http://127.0.0.1:9000/addr-custom"
    );
    // Learnt per endpoint: the same name on AWS is another bucket.
    assert_eq!(
        context("us-east-1", None)
            .s3()
            .region_for(Some("addr-custom")),
        "us-east-1"
    );
}

#[test]
fn which_errors_mean_wrong_region() {
    let err = |status, code: &str, region: Option<&str>| AwsError {
        code: code.into(),
        status,
        region: region.map(str::to_string),
        ..AwsError::default()
    };
    let listing = list::ListObjectsV2::<list::ListedKey>::page("b", None, None);
    let get = |e: &AwsError| wrong_region(e, &Sending::of(&listing));
    assert!(get(&err(301, "PermanentRedirect", None)));
    assert!(get(&err(301, "301", None)));
    assert!(get(&err(307, "TemporaryRedirect", None)));
    assert!(get(&err(
        400,
        "AuthorizationHeaderMalformed",
        Some("us-east-1")
    )));
    assert!(!get(&err(400, "AuthorizationHeaderMalformed", None)));
    assert!(!get(&err(400, "400", None)));
    assert!(wrong_region(
        &err(400, "400", None),
        &Sending::of(&HeadBucket { bucket: "b" })
    ));
    assert!(!get(&err(403, "AccessDenied", Some("eu-west-1"))));
    assert!(!get(&err(404, "NoSuchBucket", None)));
    let illegal = err(400, "IllegalLocationConstraintException", Some("eu-west-1"));
    assert!(get(&illegal));
    let create = create::CreateBucket {
        bucket: "b",
        location: Some("eu-west-1"),
    };
    assert!(!wrong_region(&illegal, &Sending::of(&create)));
}

#[test]
fn head_404s_get_names() {
    let e = AwsError {
        code: "404".into(),
        message: "Not Found".into(),
        status: 404,
        operation: "HeadObject".into(),
        ..AwsError::default()
    };
    let head_object = object::HeadObject {
        bucket: "b",
        key: "k",
        validate: false,
    };
    let refined = |op: Sending<'_>| refine(e.clone(), &op).code;
    assert_eq!(refined(Sending::of(&head_object)), "NoSuchKey");
    assert_eq!(
        refined(Sending::of(&HeadBucket { bucket: "b" })),
        "NoSuchBucket"
    );
    // Only a HEAD's body-less 404 is renamed.
    assert_eq!(
        refined(Sending::of(&bucket::GetBucketAcl { bucket: "b" })),
        "404"
    );
}
