//! The tool as it runs against AWS, end to end: no endpoint configured, default AWS
//! hostnames over TLS, virtual-hosted and path-style buckets, region redirects, the
//! regional STS endpoint and the global IAM host. "Loopback AWS" (tests/support/aws_front.rs)
//! resolves the AWS names to a loopback TLS front in a mount namespace of the tool's own
//! and forwards to moto (signature checks and IAM enforcement on).
//!
//! Every tool run is checked request by request ([`check_aws_shaped`]): the TLS name is the
//! Host; a dot-free bucket is virtual-hosted, a dotted one path-style; each request is
//! signed for the region of the endpoint it went to; a bucket's requests go to the client's
//! region until the bucket's own region is learnt, then only there; and a redirect costs at
//! most one extra request per bucket per process.

use crate::support;

use std::collections::{HashMap, HashSet};

use support::aws_front::{AwsFront, Seen};
use support::aws_rules::s3_host;
use support::moto::Moto;
use support::{Outcome, TempDir, run};

/// The three kinds of bucket every command runs on.
const EAST: &str = "lb-east-bucket";
const WEST: &str = "lb-west-bucket";
const DOTTED: &str = "lb.dotted.bucket";

struct Aws {
    moto: Moto,
    front: AwsFront,
    key: (String, String),
    dir: TempDir,
}

impl Aws {
    /// moto, the front, and the three buckets (us-east-1, eu-west-1, dotted in eu-west-1),
    /// made directly in moto. None where namespaces are not allowed (the skip is printed).
    fn start() -> Option<Aws> {
        if !support::aws_front::available() {
            return None;
        }
        let moto = Moto::start();
        let front = AwsFront::start(&moto.url(), &["eu-west-1"])?;
        for (bucket, region) in [
            (EAST, "us-east-1"),
            (WEST, "eu-west-1"),
            (DOTTED, "eu-west-1"),
        ] {
            front.create_bucket(&moto, bucket, region);
        }
        let key = moto.admin_key();
        Some(Aws {
            moto,
            front,
            key,
            dir: TempDir::new(),
        })
    }

    /// Run the tool with `AWS_REGION=region` and the admin's key; check every request it
    /// made; return its outcome and the requests.
    fn run(&self, region: &str, args: &[&str]) -> (Outcome, Vec<Seen>) {
        self.run_as(&self.key, &[], region, args)
    }

    fn run_as(
        &self,
        key: &(String, String),
        env: &[(&str, &str)],
        region: &str,
        args: &[&str],
    ) -> (Outcome, Vec<Seen>) {
        let mut cmd = self.front.tool(key, args);
        // Short waits, so that a failure fails fast (these only shorten backoff).
        cmd.current_dir(self.dir.path())
            .env("S3_CREDENTIALS_RETRY_BASE_MS", "10")
            .env("S3_CREDENTIALS_ASSUME_RETRY_BASE_MS", "10");
        // "" is no region configured at all: then the tool's is us-east-1.
        if !region.is_empty() {
            cmd.env("AWS_REGION", region);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = run(&mut cmd, None);
        let seen = self.front.take();
        assert_eq!(self.front.take_tls_failures(), Vec::<Option<String>>::new());
        let client_region = if region.is_empty() {
            "us-east-1"
        } else {
            region
        };
        check_aws_shaped(&seen, client_region, &self.front, args);
        (out, seen)
    }

    /// Like [`Aws::run`], failing the test unless the tool exits 0.
    fn ok(&self, region: &str, args: &[&str]) -> (String, Vec<Seen>) {
        let (out, seen) = self.run(region, args);
        assert_eq!(
            out.code,
            0,
            "{args:?} in {region}: {}\nrequests: {seen:#?}\nmoto: {}",
            out.stderr,
            tail(&self.moto.log())
        );
        (out.stdout_str().to_string(), seen)
    }
}

fn tail(log: &str) -> &str {
    &log[log.len().saturating_sub(2000)..]
}

fn first_segment(path: &str) -> Option<String> {
    let first = path.trim_start_matches('/').split('/').next()?;
    (!first.is_empty()).then(|| support::http::percent_decode(first, false))
}

/// The checks every run gets (see the module comment).
fn check_aws_shaped(seen: &[Seen], client_region: &str, front: &AwsFront, args: &[&str]) {
    let mut moved: HashSet<String> = HashSet::new();
    let mut redirects: HashMap<String, usize> = HashMap::new();
    for (i, s) in seen.iter().enumerate() {
        let what = format!("{args:?} in {client_region}, request {i}: {s:?}");
        assert_eq!(s.sni.as_deref(), Some(s.host.as_str()), "TLS name: {what}");
        assert_ne!(s.status, 502, "{what}");
        let Some(h) = s3_host(&s.host) else {
            // IAM is global and signs for us-east-1; STS is regional.
            let expected = match s.host.as_str() {
                "iam.amazonaws.com" => ("us-east-1", "iam"),
                _ => (client_region, "sts"),
            };
            let sts_host = format!("sts.{client_region}.amazonaws.com");
            assert!(
                s.host == "iam.amazonaws.com" || s.host == sts_host,
                "host: {what}"
            );
            let scope = s.scope.as_ref().expect("signed");
            assert_eq!((scope.0.as_str(), scope.1.as_str()), expected, "{what}");
            continue;
        };
        assert_eq!(
            s.scope,
            Some((h.region.clone(), "s3".to_string())),
            "signed for the endpoint's region: {what}"
        );
        // A us-east-1 client uses the global endpoint (botocore's default); a client
        // elsewhere redirected to a us-east-1 bucket uses s3.us-east-1, as botocore does.
        let global = h.region == "us-east-1" && client_region == "us-east-1";
        assert_eq!(h.global, global, "{what}");
        let Some(bucket) = h.bucket.clone().or_else(|| first_segment(&s.path)) else {
            assert_eq!(h.region, client_region, "ListBuckets: {what}");
            continue;
        };
        let location = s.method == "GET" && (s.query == "location" || s.query == "location=");
        if bucket.contains('.') || location {
            assert_eq!(
                h.bucket, None,
                "dotted names and GetBucketLocation are path-style: {what}"
            );
        } else {
            assert_eq!(
                h.bucket.as_deref(),
                Some(bucket.as_str()),
                "virtual host: {what}"
            );
        }
        let actual = front.region_of(&bucket);
        if h.region != client_region {
            assert_eq!(
                Some(&h.region),
                actual.as_ref(),
                "only its own region: {what}"
            );
            moved.insert(bucket.clone());
        } else if actual.as_deref() != Some(client_region) {
            assert!(
                !moved.contains(&bucket),
                "back to the client region: {what}"
            );
        }
        if s.by_front {
            let n = redirects.entry(bucket).or_default();
            *n += 1;
            assert_eq!(*n, 1, "a second redirect for the bucket: {what}");
        }
    }
}

/// The S3 requests made for `bucket` as (host, status), for exact expectations.
fn trail<'a>(seen: &'a [Seen], bucket: &str) -> Vec<(&'a str, u16)> {
    seen.iter()
        .filter(|s| s.host.starts_with(bucket) || first_segment(&s.path).as_deref() == Some(bucket))
        .map(|s| (s.host.as_str(), s.status))
        .collect()
}

#[test]
fn object_and_bucket_commands_in_three_regions_from_us_east_1() {
    let Some(aws) = Aws::start() else { return };
    bucket_commands(&aws, "us-east-1");
}

#[test]
fn object_and_bucket_commands_in_three_regions_from_eu_west_1() {
    let Some(aws) = Aws::start() else { return };
    bucket_commands(&aws, "eu-west-1");
}

/// Every S3 command of the issue on each bucket, with its output checked.
fn bucket_commands(aws: &Aws, region: &str) {
    let dir = aws.dir.path();
    std::fs::write(dir.join("small.txt"), b"hello loopback\n").unwrap();
    // Over the 5 MiB threshold set below: a multipart upload of two parts.
    let big: Vec<u8> = (0..6 * 1024 * 1024 + 7).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.join("big.bin"), &big).unwrap();
    let multipart = [
        ("S3_CREDENTIALS_MULTIPART_THRESHOLD", "5242880"),
        ("S3_CREDENTIALS_MULTIPART_CHUNKSIZE", "5242880"),
    ];

    let (listed, _) = aws.ok(region, &["list-buckets", "--details"]);
    for b in [EAST, WEST, DOTTED] {
        assert!(listed.contains(&format!("\"Name\": \"{b}\"")), "{listed}");
    }
    let regions: Vec<_> = listed.matches("\"region\": \"").collect();
    assert_eq!(regions.len(), 3, "{listed}");
    assert!(listed.contains("\"region\": \"eu-west-1\""), "{listed}");

    for bucket in [EAST, WEST, DOTTED] {
        let (_, seen) = aws.ok(
            region,
            &["put-object", bucket, "small.txt", "small.txt", "-s"],
        );
        assert!(seen.iter().any(|s| s.method == "PUT" && s.status == 200));
        let (out, seen) = aws.run_as(
            &aws.key,
            &multipart,
            region,
            &["put-object", bucket, "big.bin", "big.bin", "-s"],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            seen.iter()
                .any(|s| s.query.contains("uploadId=") && s.method == "POST"),
            "multipart: {seen:#?}"
        );

        let (got, _) = aws.ok(region, &["get-object", bucket, "small.txt"]);
        assert_eq!(got, "hello loopback\n");
        // Over the threshold: parallel ranged GETs (206s) through the front.
        let (out, seen) = aws.run_as(
            &aws.key,
            &multipart,
            region,
            &["get-object", bucket, "big.bin", "-o", "got.bin"],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        let ranged = seen.iter().filter(|s| s.status == 206).count();
        assert!(ranged >= 2, "ranged GETs: {seen:#?}");
        assert!(
            std::fs::read(dir.join("got.bin")).unwrap() == big,
            "big.bin"
        );

        let (listing, _) = aws.ok(region, &["list-bucket", bucket]);
        assert!(listing.contains("\"Key\": \"big.bin\""), "{listing}");
        assert!(listing.contains("\"Key\": \"small.txt\""), "{listing}");

        let out_dir = format!("objects-{bucket}");
        aws.ok(region, &["get-objects", bucket, "-o", &out_dir]);
        let small = std::fs::read(dir.join(&out_dir).join("small.txt")).unwrap();
        assert_eq!(small, b"hello loopback\n");
        assert!(std::fs::read(dir.join(&out_dir).join("big.bin")).unwrap() == big);

        aws.ok(
            region,
            &[
                "set-cors-policy",
                bucket,
                "-m",
                "GET",
                "-o",
                "https://example.com",
            ],
        );
        let (cors, _) = aws.ok(region, &["get-cors-policy", bucket]);
        assert!(cors.contains("https://example.com"), "{cors}");

        aws.ok(region, &["set-bucket-policy", bucket, "--allow-all-get"]);
        let (policy, _) = aws.ok(region, &["get-bucket-policy", bucket]);
        assert!(
            policy.contains(&format!("arn:aws:s3:::{bucket}/*")),
            "{policy}"
        );

        let (_, seen) = aws.ok(region, &["delete-objects", bucket, "small.txt", "big.bin"]);
        assert!(seen.iter().any(|s| s.query.contains("delete")), "{seen:#?}");
        let (listing, _) = aws.ok(region, &["list-bucket", bucket]);
        assert_eq!(listing, "[]\n");
    }
}

#[test]
fn a_redirect_costs_one_request_per_bucket_per_process() {
    let Some(aws) = Aws::start() else { return };
    // From us-east-1: the eu-west-1 bucket on the global virtual host is refused with
    // AuthorizationHeaderMalformed, the dotted one (path-style) gets a 301; then each goes
    // to eu-west-1 and stays there.
    let (_, seen) = aws.ok("us-east-1", &["list-bucket", WEST]);
    assert_eq!(
        trail(&seen, WEST),
        [
            ("lb-west-bucket.s3.amazonaws.com", 400),
            ("lb-west-bucket.s3.eu-west-1.amazonaws.com", 200)
        ]
    );
    let (_, seen) = aws.ok("us-east-1", &["list-bucket", DOTTED]);
    assert_eq!(
        trail(&seen, DOTTED),
        [
            ("s3.amazonaws.com", 301),
            ("s3.eu-west-1.amazonaws.com", 200)
        ]
    );
    // From eu-west-1, the us-east-1 bucket at the regional endpoint: a 301.
    let (_, seen) = aws.ok("eu-west-1", &["list-bucket", EAST]);
    assert_eq!(
        trail(&seen, EAST),
        [
            ("lb-east-bucket.s3.eu-west-1.amazonaws.com", 301),
            ("lb-east-bucket.s3.us-east-1.amazonaws.com", 200)
        ]
    );
    // A HEAD gets the bare 400 (or 301) with x-amz-bucket-region; get-object starts
    // with one, and the GET after it goes straight to the learnt region.
    aws.moto.s3("PUT", &format!("/{WEST}/k"), b"k");
    aws.moto.s3("PUT", &format!("/{DOTTED}/k"), b"k");
    for (bucket, refused) in [(WEST, 400), (DOTTED, 301)] {
        let (got, seen) = aws.ok("us-east-1", &["get-object", bucket, "k"]);
        assert_eq!(got, "k");
        let methods: Vec<_> = seen
            .iter()
            .map(|s| (s.method.as_str(), s.status, s.scope_region()))
            .collect();
        assert_eq!(
            methods,
            [
                ("HEAD", refused, "us-east-1"),
                ("HEAD", 200, "eu-west-1"),
                ("GET", 200, "eu-west-1")
            ],
            "{seen:#?}"
        );
    }

    // Many requests in one process: still one redirect per bucket (the checker counts).
    for b in [WEST, DOTTED] {
        for k in ["a", "b", "c", "d"] {
            aws.moto.s3("PUT", &format!("/{b}/{k}"), k.as_bytes());
        }
        let (_, seen) = aws.ok("us-east-1", &["get-objects", b, "-o", b]);
        let redirects = seen.iter().filter(|s| s.by_front).count();
        assert_eq!(redirects, 1, "{seen:#?}");
        assert!(seen.len() >= 5, "{seen:#?}");
    }
}

#[test]
fn iam_is_global_and_sts_regional() {
    let Some(aws) = Aws::start() else { return };
    for region in ["us-east-1", "eu-west-1"] {
        let (out, seen) = aws.ok(region, &["whoami"]);
        assert!(
            out.contains("arn:aws:iam::123456789012:user/admin"),
            "{out}"
        );
        let hosts: Vec<_> = seen.iter().map(|s| s.host.as_str()).collect();
        assert_eq!(hosts, [format!("sts.{region}.amazonaws.com")]);
    }

    // No region configured anywhere: us-east-1, STS at its regional endpoint (boto3
    // without a region uses the global sts.amazonaws.com: a recorded difference).
    let (_, seen) = aws.ok("", &["whoami"]);
    let hosts: Vec<_> = seen.iter().map(|s| s.host.as_str()).collect();
    assert_eq!(hosts, ["sts.us-east-1.amazonaws.com"]);
    let (_, seen) = aws.ok("", &["list-bucket", EAST]);
    assert_eq!(
        trail(&seen, EAST),
        [("lb-east-bucket.s3.amazonaws.com", 200)]
    );

    // The user path: IAM only, at the global host (HeadBucket first, on S3).
    let (out, seen) = aws.ok("eu-west-1", &["create", WEST, "--read-only"]);
    assert!(
        out.contains("\"UserName\": \"s3.read-only.lb-west-bucket\""),
        "{out}"
    );
    let iam = seen
        .iter()
        .filter(|s| s.host == "iam.amazonaws.com")
        .count();
    assert!(iam >= 3, "{seen:#?}");

    // Temporary credentials: AssumeRole at the regional STS. moto refuses AssumeRole on
    // a role trusting only the account root (tests/create_e2e.rs), so the role is made
    // beforehand trusting the admin too.
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/admin"]}, "Action": "sts:AssumeRole"}]}"#;
    for params in [
        vec![
            ("Action", "CreateRole"),
            ("RoleName", "s3-credentials.AmazonS3FullAccess"),
            ("AssumeRolePolicyDocument", trust),
            ("MaxSessionDuration", "43200"),
        ],
        vec![
            ("Action", "AttachRolePolicy"),
            ("RoleName", "s3-credentials.AmazonS3FullAccess"),
            ("PolicyArn", "arn:aws:iam::aws:policy/AmazonS3FullAccess"),
        ],
    ] {
        let r = aws.moto.iam(&params);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let (out, seen) = aws.ok("eu-west-1", &["create", DOTTED, "--duration", "15m"]);
    assert!(
        seen.iter()
            .any(|s| s.host == "sts.eu-west-1.amazonaws.com" && s.status == 200),
        "{seen:#?}"
    );
    let creds: serde_json::Value = serde_json::from_str(&out).unwrap();
    // ... and they work against the bucket, with the session token.
    std::fs::write(aws.dir.path().join("f.txt"), b"temp").unwrap();
    let temp = (
        creds["AccessKeyId"].as_str().unwrap().to_string(),
        creds["SecretAccessKey"].as_str().unwrap().to_string(),
    );
    let token = creds["SessionToken"].as_str().unwrap();
    let (put, _) = aws.run_as(
        &temp,
        &[("AWS_SESSION_TOKEN", token)],
        "us-east-1",
        &["put-object", DOTTED, "f.txt", "f.txt", "-s"],
    );
    assert_eq!(put.code, 0, "{}", put.stderr);

    // The machine's own /etc/hosts never saw the names: only the tool's namespace did.
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    assert!(!hosts.contains(&aws.front.addr.to_string()), "{hosts}");

    // create -c makes a bucket in the region asked for, from either client region.
    for (region, bucket) in [("us-east-1", "lb-new-west"), ("eu-west-1", "lb.new.west")] {
        aws.front.resolve_bucket(bucket);
        let args = ["create", bucket, "-c", "--bucket-region", "eu-west-1"];
        aws.ok(region, &args);
        assert_eq!(aws.front.region_of(bucket).as_deref(), Some("eu-west-1"));
        let (listing, _) = aws.ok("us-east-1", &["list-bucket", bucket]);
        assert_eq!(listing, "[]\n");
    }
}

/// The front's own rules, on their own.
#[test]
fn front_rules_parse_hosts_and_scopes() {
    use support::aws_rules::credential_scope;
    let h = s3_host("my.dotted.bucket.s3.eu-west-1.amazonaws.com").unwrap();
    assert_eq!(h.bucket.as_deref(), Some("my.dotted.bucket"));
    assert_eq!((h.region.as_str(), h.global), ("eu-west-1", false));
    let h = s3_host("s3.amazonaws.com").unwrap();
    assert_eq!(
        (h.region.as_str(), h.global, h.bucket),
        ("us-east-1", true, None)
    );
    assert!(s3_host("iam.amazonaws.com").is_none());
    assert!(s3_host("sts.eu-west-1.amazonaws.com").is_none());
    let headers = vec![(
        "authorization".to_string(),
        "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=0".to_string(),
    )];
    let scope = Some(("eu-west-1".to_string(), "s3".to_string()));
    assert_eq!(credential_scope(&headers, ""), scope);
    let presigned = "X-Amz-Credential=AKID%2F20260101%2Feu-west-1%2Fs3%2Faws4_request";
    assert_eq!(credential_scope(&Vec::new(), presigned), scope);
}

/// TLS is verified: without `AWS_CA_BUNDLE` the tool refuses the front. And a wildcard
/// names one label: a dotted bucket as a virtual host fails verification, which is why
/// dotted names go path-style (checked with a TLS client of our own).
#[test]
fn tls_is_verified_and_dotted_virtual_hosts_fail_the_name_check() {
    let Some(aws) = Aws::start() else { return };
    let handshake = |name: &str| -> Result<(), String> {
        let mut roots = rustls::RootCertStore::empty();
        let pem = aws.front.ca_pem().to_string();
        let der = pem_to_der(&pem);
        roots.add(der.into()).unwrap();
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let server = rustls::pki_types::ServerName::try_from(name.to_string()).unwrap();
        let mut conn = rustls::ClientConnection::new(config.into(), server).unwrap();
        let mut tcp = std::net::TcpStream::connect((aws.front.addr, 443)).unwrap();
        while conn.is_handshaking() {
            conn.complete_io(&mut tcp).map_err(|e| e.to_string())?;
        }
        Ok(())
    };
    // The tool verifies too: without the CA bundle the front's certificate is refused
    // and no request is sent.
    let mut cmd = aws.front.tool(&aws.key, &["whoami"]);
    cmd.env_remove("AWS_CA_BUNDLE")
        .env("S3_CREDENTIALS_RETRY_BASE_MS", "10");
    let out = run(&mut cmd, None);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "Error: SSL validation failed for https://sts.us-east-1.amazonaws.com/ invalid peer certificate: UnknownIssuer\n"
    );
    assert!(aws.front.take().is_empty());
    let failures = aws.front.wait_tls_failures(1);
    assert!(!failures.is_empty(), "{failures:?}");
    assert!(
        failures
            .iter()
            .all(|f| f.as_deref() == Some("sts.us-east-1.amazonaws.com"))
    );

    assert_eq!(
        handshake("lb-west-bucket.s3.eu-west-1.amazonaws.com"),
        Ok(())
    );
    assert_eq!(handshake("s3.amazonaws.com"), Ok(()));
    let err = handshake("lb.dotted.bucket.s3.amazonaws.com").unwrap_err();
    assert!(err.contains("not valid for name"), "{err}");
    let failures = aws.front.wait_tls_failures(1);
    assert_eq!(
        failures,
        [Some("lb.dotted.bucket.s3.amazonaws.com".to_string())]
    );
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    CertificateDer::from_pem_slice(pem.as_bytes())
        .unwrap()
        .to_vec()
}
