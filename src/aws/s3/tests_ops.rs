//! Each S3 operation built and parsed without a network: the request its type makes
//! (method, URL with query, headers, body bytes) and what its response reads as. Response
//! documents are the examples of the Amazon S3 API reference
//! (https://docs.aws.amazon.com/AmazonS3/latest/API/API_<Operation>.html), cited per test.

use super::bucket::{
    CorsRule, GetBucketAcl, GetBucketCors, GetBucketLocation, GetBucketPolicy,
    PublicAccessSettings, PutBucketCors, PutPublicAccessBlock,
};
use super::create::{CreateBucket, PutBucketPolicy, PutBucketTagging, PutBucketWebsite};
use super::list::{ListBuckets, ListObjectsV2, ListedKey, ListedObject};
use super::*;
use crate::aws::http::Body;
use crate::output::dumps;

pub(super) fn context() -> crate::aws::Context {
    let env = crate::aws::config::MapEnv::from_pairs(&[
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"),
    ]);
    crate::aws::Context::with_env(&crate::aws::AwsOptions::default(), &env).unwrap()
}

/// The request an operation makes against the path-style test endpoint.
pub(super) fn request<O: S3Operation>(op: &O) -> Request {
    context().s3().request(op, "us-east-1")
}

pub(super) fn header<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    req.headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

pub(super) fn body(req: &Request) -> String {
    match &req.body {
        Body::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
        Body::Empty => String::new(),
        other => panic!("unexpected body {other:?}"),
    }
}

pub(super) fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    Response {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

pub(super) fn ok(body: &str) -> Response {
    response(200, &[], body)
}

pub(super) const NS: &str = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

#[test]
fn names_methods_and_addressing_rules_are_properties_of_the_types() {
    assert_eq!(
        (GetBucketAcl::NAME, GetBucketAcl::METHOD),
        ("GetBucketAcl", "GET")
    );
    assert_eq!(
        super::object::DeleteObjects::<String>::NAME,
        "DeleteObjects"
    );
    assert_eq!(
        (GetBucketLocation::PATH_STYLE, GetBucketAcl::PATH_STYLE),
        (true, false)
    );
    assert_eq!(
        (
            CreateBucket::NAMES_ITS_REGION,
            PutBucketPolicy::NAMES_ITS_REGION
        ),
        (true, false)
    );
    assert_eq!(
        ListObjectsV2::<ListedKey>::BODY_LIMIT,
        Some(list::MAX_PAGE_BYTES)
    );
    assert_eq!(HeadBucket::METHOD, "HEAD");
}

#[test]
fn subresource_requests() {
    let bucket = "b";
    let req = request(&GetBucketAcl { bucket });
    assert_eq!(
        (req.method, req.url()),
        ("GET", "http://127.0.0.1:9000/b?acl=".into())
    );
    assert!(matches!(req.body, Body::Empty));
    assert_eq!(
        request(&GetBucketPolicy { bucket }).url(),
        "http://127.0.0.1:9000/b?policy="
    );
    assert_eq!(
        request(&GetBucketCors { bucket }).url(),
        "http://127.0.0.1:9000/b?cors="
    );
}

#[test]
fn put_requests_carry_their_document_and_its_md5() {
    let rule = CorsRule {
        id: "r".into(),
        allowed_methods: vec!["GET".into()],
        ..CorsRule::default()
    };
    let req = request(&PutBucketCors {
        bucket: "b",
        body: &rule,
    });
    assert_eq!(
        (req.method, req.url()),
        ("PUT", "http://127.0.0.1:9000/b?cors=".into())
    );
    let doc = format!(
        "<CORSConfiguration {NS}><CORSRule><ID>r</ID><AllowedMethod>GET</AllowedMethod>\
         </CORSRule></CORSConfiguration>"
    );
    assert_eq!(body(&req), doc);
    assert_eq!(
        header(&req, "content-md5"),
        Some(crate::aws::md5::content_md5(doc.as_bytes()).as_str())
    );

    let req = request(&PutPublicAccessBlock {
        bucket: "b",
        body: &PublicAccessSettings {
            ignore_public_acls: Some(true),
            ..PublicAccessSettings::default()
        },
    });
    assert_eq!(req.url(), "http://127.0.0.1:9000/b?publicAccessBlock=");
    assert_eq!(
        body(&req),
        format!(
            "<PublicAccessBlockConfiguration {NS}><IgnorePublicAcls>true</IgnorePublicAcls>\
             </PublicAccessBlockConfiguration>"
        )
    );

    let policy = r#"{"Version": "2012-10-17"}"#;
    let req = request(&PutBucketPolicy {
        bucket: "b",
        body: policy,
    });
    assert_eq!(req.url(), "http://127.0.0.1:9000/b?policy=");
    assert_eq!(body(&req), policy);

    let tags = [("k".to_string(), "v&".to_string())];
    let req = request(&PutBucketTagging {
        bucket: "b",
        body: &tags,
    });
    assert_eq!(req.url(), "http://127.0.0.1:9000/b?tagging=");
    assert_eq!(
        body(&req),
        format!(
            "<Tagging {NS}><TagSet><Tag><Key>k</Key><Value>v&amp;</Value></Tag></TagSet></Tagging>"
        )
    );

    let req = request(&PutBucketWebsite {
        bucket: "b",
        index_suffix: "i.html",
        error_key: "e.html",
    });
    assert_eq!(req.url(), "http://127.0.0.1:9000/b?website=");
    assert!(body(&req).contains("<ErrorDocument><Key>e.html</Key></ErrorDocument>"));
    assert!(header(&req, "content-md5").is_some());
}

/// API_CreateBucket.html, "Example 2: Create a bucket in a Region other than us-east-1".
#[test]
fn create_bucket_requests() {
    let req = request(&CreateBucket {
        bucket: "b",
        location: Some("eu-west-1"),
    });
    assert_eq!(
        (req.method, req.url()),
        ("PUT", "http://127.0.0.1:9000/b".into())
    );
    assert_eq!(
        body(&req),
        format!(
            "<CreateBucketConfiguration {NS}><LocationConstraint>eu-west-1</LocationConstraint>\
             </CreateBucketConfiguration>"
        )
    );
    let req = request(&CreateBucket {
        bucket: "b",
        location: None,
    });
    assert!(matches!(req.body, Body::Empty));
}

/// API_GetBucketLocation.html, "Sample Response".
#[test]
fn get_bucket_location_reads_the_root_text() {
    let op = GetBucketLocation { bucket: "b" };
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint {NS}>Europe</LocationConstraint>"
    );
    assert_eq!(op.parse(ok(&doc)).unwrap().as_deref(), Some("Europe"));
    let us_east = format!("<LocationConstraint {NS}/>");
    assert_eq!(op.parse(ok(&us_east)).unwrap(), None);
    assert_eq!(op.parse(ok("")).unwrap(), None, "an empty body is empty");
}

/// API_GetBucketAcl.html, "Sample Response" (a canonical user and a group).
#[test]
fn get_bucket_acl_parses_grantees_with_their_type() {
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AccessControlPolicy {NS}>\
         <Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>\
         <DisplayName>CustomersName@amazon.com</DisplayName></Owner>\
         <AccessControlList><Grant>\
         <Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">\
         <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>\
         <DisplayName>CustomersName@amazon.com</DisplayName></Grantee>\
         <Permission>FULL_CONTROL</Permission></Grant>\
         <Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\">\
         <URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>\
         <Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>"
    );
    let acl = GetBucketAcl { bucket: "b" }.parse(ok(&doc)).unwrap();
    let id = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
    assert_eq!(
        dumps(&acl.to_json(), None),
        format!(
            r#"{{"Owner": {{"DisplayName": "CustomersName@amazon.com", "ID": "{id}"}}, "Grants": [{{"Grantee": {{"DisplayName": "CustomersName@amazon.com", "ID": "{id}", "Type": "CanonicalUser"}}, "Permission": "FULL_CONTROL"}}, {{"Grantee": {{"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}}, "Permission": "READ"}}]}}"#
        )
    );
}

#[test]
fn get_bucket_policy_is_the_body_as_stored() {
    let policy = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
    assert_eq!(
        GetBucketPolicy { bucket: "b" }.parse(ok(policy)).unwrap(),
        policy
    );
}

#[test]
fn list_objects_v2_requests() {
    let op = ListObjectsV2::<ListedKey>::page("b", Some("a b/"), Some("tok=="));
    let req = request(&op);
    assert_eq!(req.method, "GET");
    let query: Vec<(&str, &str)> = req
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        query,
        [
            ("list-type", "2"),
            ("encoding-type", "url"),
            ("prefix", "a b/"),
            ("continuation-token", "tok==")
        ]
    );
    assert_eq!(req.path, "/b");
    // What the bucket check sends: no encoding, no keys.
    let check = ListObjectsV2::<ListedKey> {
        max_keys: Some(0),
        url_encoded: false,
        ..ListObjectsV2::page("b", None, None)
    };
    assert_eq!(
        request(&check).url(),
        "http://127.0.0.1:9000/b?list-type=2&max-keys=0"
    );
}

/// API_ListObjectsV2.html, "Example 2: Listing keys using the max-keys, prefix, and
/// start-after parameters" (truncated, with a NextContinuationToken), in botocore's
/// Object shape.
#[test]
fn list_objects_v2_pages_parse_as_botocore_objects() {
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult {NS}>\
         <Name>quotes</Name><Prefix>E</Prefix><StartAfter>ExampleGuide.pdf</StartAfter>\
         <KeyCount>1</KeyCount><MaxKeys>3</MaxKeys><IsTruncated>true</IsTruncated>\
         <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>\
         <Contents><Key>ExampleObject.txt</Key><LastModified>2013-09-17T18:07:53.000Z</LastModified>\
         <ETag>\"599bab3ed2c697f1d26842727561fd94\"</ETag><Size>857</Size>\
         <StorageClass>REDUCED_REDUNDANCY</StorageClass></Contents></ListBucketResult>"
    );
    let page = ListObjectsV2::<ListedObject>::page("quotes", Some("E"), None)
        .parse(ok(&doc))
        .unwrap();
    assert_eq!(
        page.next.as_deref(),
        Some("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
    );
    let object = &page.items[0];
    assert_eq!(
        (object.key.as_deref(), object.size),
        (Some("ExampleObject.txt"), 857)
    );
    assert_eq!(
        dumps(&object.json, None),
        r#"{"Key": "ExampleObject.txt", "LastModified": "2013-09-17 18:07:53+00:00", "ETag": "\"599bab3ed2c697f1d26842727561fd94\"", "Size": 857, "StorageClass": "REDUCED_REDUNDANCY"}"#
    );
}

#[test]
fn url_encoded_listings_are_decoded_and_untruncated_ones_end() {
    // EncodingType after the entries too: the keys are still decoded.
    let doc = "<ListBucketResult><Contents><Key>a+b%2Bc</Key><Size>3</Size></Contents>\
               <EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>\
               <NextContinuationToken>ignored</NextContinuationToken></ListBucketResult>";
    let page = ListObjectsV2::<ListedKey>::page("b", None, None)
        .parse(ok(doc))
        .unwrap();
    assert_eq!(
        page.items,
        [ListedKey {
            key: "a b+c".into(),
            size: 3
        }]
    );
    assert_eq!(page.next, None, "a page that is not truncated has no next");
    let wrong = ListObjectsV2::<ListedKey>::page("b", None, None).parse(ok("<Other/>"));
    assert!(
        wrong
            .unwrap_err()
            .to_string()
            .contains("expected <ListBucketResult>, got <Other>")
    );
}

/// API_ListBuckets.html, "Sample Response".
#[test]
fn list_buckets_parse_as_botocore_buckets() {
    let doc = "<ListAllMyBucketsResult><Buckets><Bucket>\
               <CreationDate>2019-12-11T23:32:47+00:00</CreationDate>\
               <Name>amzn-s3-demo-bucket</Name></Bucket></Buckets>\
               <Owner><DisplayName>Account+Name</DisplayName><ID>AIDACKCEVSQ6C2EXAMPLE</ID></Owner>\
               </ListAllMyBucketsResult>";
    let page = ListBuckets { token: None }.parse(ok(doc)).unwrap();
    assert_eq!(page.next, None);
    assert_eq!(page.items[0].name, "amzn-s3-demo-bucket");
    assert_eq!(
        dumps(&page.items[0].json, None),
        r#"{"Name": "amzn-s3-demo-bucket", "CreationDate": "2019-12-11 23:32:47+00:00"}"#
    );
    let req = request(&ListBuckets { token: Some("t") });
    assert_eq!(req.url(), "http://127.0.0.1:9000/?continuation-token=t");
}

#[test]
fn head_bucket_reads_the_region_header() {
    let op = HeadBucket { bucket: "b" };
    let resp = response(200, &[("x-amz-bucket-region", "eu-west-1")], "");
    assert_eq!(op.parse(resp).unwrap().as_deref(), Some("eu-west-1"));
    assert_eq!(request(&op).method, "HEAD");
}
