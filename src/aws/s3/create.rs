//! The S3 calls that set up a new bucket for `create`: CreateBucket, then the
//! public access block, bucket policy and website configuration of `--public` and
//! `--website`. Request bodies are written as botocore serialises them (documents.rs).

use super::bucket::put_subresource;
pub(crate) use super::documents::{create_bucket_xml, tagging_xml, website_xml};
use super::{S3, with_md5_body};
use crate::aws::http::{Request, Response};
use crate::aws::operation::{Operation, S3Operation};
use crate::error::Error;

/// CreateBucket, with a `LocationConstraint` when a region is given.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CreateBucket<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) location: Option<&'a str>,
}

impl Operation for CreateBucket<'_> {
    const NAME: &'static str = "CreateBucket";
    type Output = ();
    fn parse(&self, _resp: Response) -> Result<(), Error> {
        Ok(())
    }
}

impl S3Operation for CreateBucket<'_> {
    const METHOD: &'static str = "PUT";
    /// Its IllegalLocationConstraintException says the request is wrong.
    const NAMES_ITS_REGION: bool = true;
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn build(&self, req: Request) -> Request {
        match create_bucket_xml(self.location) {
            Some(xml) => req.body(xml.into_bytes()),
            None => req,
        }
    }
}

put_subresource!(
    /// PutBucketPolicy with the policy document as given.
    PutBucketPolicy,
    "policy",
    str,
    |op| op.body.as_bytes().to_vec()
);

put_subresource!(
    /// PutBucketTagging: replaces the bucket's tag set.
    PutBucketTagging,
    "tagging",
    [(String, String)],
    |op| tagging_xml(op.body).into_bytes()
);

/// PutBucketWebsite with an index document suffix and an error document key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PutBucketWebsite<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) index_suffix: &'a str,
    pub(crate) error_key: &'a str,
}

impl Operation for PutBucketWebsite<'_> {
    const NAME: &'static str = "PutBucketWebsite";
    type Output = ();
    fn parse(&self, _resp: Response) -> Result<(), Error> {
        Ok(())
    }
}

impl S3Operation for PutBucketWebsite<'_> {
    const METHOD: &'static str = "PUT";
    fn bucket(&self) -> Option<&str> {
        Some(self.bucket)
    }
    fn build(&self, req: Request) -> Request {
        let body = website_xml(self.index_suffix, self.error_key);
        with_md5_body(req.query("website", ""), body.as_bytes())
    }
}

impl S3<'_> {
    /// CreateBucket, with a `LocationConstraint` when a region is given.
    pub fn create_bucket(&self, bucket: &str, location: Option<&str>) -> Result<(), Error> {
        self.send(&CreateBucket { bucket, location })
    }

    /// PutBucketPolicy with the policy document as given.
    pub fn put_bucket_policy(&self, bucket: &str, policy: &str) -> Result<(), Error> {
        self.send(&PutBucketPolicy {
            bucket,
            body: policy,
        })
    }

    /// PutBucketTagging: replaces the bucket's tag set with `tags`.
    pub fn put_bucket_tagging(&self, bucket: &str, tags: &[(String, String)]) -> Result<(), Error> {
        self.send(&PutBucketTagging { bucket, body: tags })
    }

    /// PutBucketWebsite with an index document suffix and an error document key.
    pub fn put_bucket_website(
        &self,
        bucket: &str,
        index_suffix: &str,
        error_key: &str,
    ) -> Result<(), Error> {
        self.send(&PutBucketWebsite {
            bucket,
            index_suffix,
            error_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_as_botocore_writes_them() {
        assert_eq!(create_bucket_xml(None), None);
        assert_eq!(
            create_bucket_xml(Some("eu-west-1")).unwrap(),
            "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"
        );
        assert_eq!(
            crate::aws::s3::bucket::PublicAccessSettings::ALL_OFF.to_xml(),
            "<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls>\
             <BlockPublicPolicy>false</BlockPublicPolicy>\
             <RestrictPublicBuckets>false</RestrictPublicBuckets>\
             </PublicAccessBlockConfiguration>"
        );
        assert_eq!(
            website_xml("index.html", "error.html"),
            "<WebsiteConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <ErrorDocument><Key>error.html</Key></ErrorDocument>\
             <IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>"
        );
    }

    #[test]
    fn values_are_escaped() {
        assert!(create_bucket_xml(Some("a<b")).unwrap().contains("a&lt;b"));
        let tags = [
            ("k&".to_string(), "<v>".to_string()),
            ("e".into(), "".into()),
        ];
        assert_eq!(
            tagging_xml(&tags),
            "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>\
             <Tag><Key>k&amp;</Key><Value>&lt;v&gt;</Value></Tag>\
             <Tag><Key>e</Key><Value></Value></Tag></TagSet></Tagging>"
        );
    }
}
