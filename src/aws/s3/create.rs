//! The S3 calls that set up a new bucket for `create`: CreateBucket, then the
//! public access block, bucket policy and website configuration of `--public` and
//! `--website`. Request bodies are written as botocore serialises them.

use super::{S3, with_md5_body};
use crate::aws::xml::{S3_XMLNS as XMLNS, escape};
use crate::error::Error;

/// The CreateBucket request document, or `None` (no body) without a region.
pub fn create_bucket_xml(location: Option<&str>) -> Option<String> {
    location.map(|region| {
        format!(
            "<CreateBucketConfiguration xmlns=\"{XMLNS}\">\
             <LocationConstraint>{}</LocationConstraint>\
             </CreateBucketConfiguration>",
            escape(region)
        )
    })
}

/// The PutBucketWebsite document for an index and an error page (ErrorDocument comes
/// first in botocore's WebsiteConfiguration shape).
pub fn website_xml(index_suffix: &str, error_key: &str) -> String {
    format!(
        "<WebsiteConfiguration xmlns=\"{XMLNS}\">\
         <ErrorDocument><Key>{}</Key></ErrorDocument>\
         <IndexDocument><Suffix>{}</Suffix></IndexDocument>\
         </WebsiteConfiguration>",
        escape(error_key),
        escape(index_suffix)
    )
}

/// The PutBucketTagging document: `<Tagging><TagSet><Tag>...` in the given order.
pub fn tagging_xml(tags: &[(String, String)]) -> String {
    let mut xml = format!("<Tagging xmlns=\"{XMLNS}\"><TagSet>");
    for (key, value) in tags {
        xml.push_str(&format!(
            "<Tag><Key>{}</Key><Value>{}</Value></Tag>",
            escape(key),
            escape(value)
        ));
    }
    xml.push_str("</TagSet></Tagging>");
    xml
}

impl S3<'_> {
    /// CreateBucket, with a `LocationConstraint` when a region is given.
    pub fn create_bucket(&self, bucket: &str, location: Option<&str>) -> Result<(), Error> {
        let body = create_bucket_xml(location);
        self.call("PUT", Some(bucket), None, "CreateBucket", |r| match &body {
            Some(xml) => r.body(xml.clone().into_bytes()),
            None => r,
        })
        .map(drop)
    }

    /// PutBucketPolicy with the policy document as given.
    pub fn put_bucket_policy(&self, bucket: &str, policy: &str) -> Result<(), Error> {
        self.call("PUT", Some(bucket), None, "PutBucketPolicy", |r| {
            with_md5_body(r.query("policy", ""), policy.as_bytes())
        })
        .map(drop)
    }

    /// PutBucketTagging: replaces the bucket's tag set with `tags`.
    pub fn put_bucket_tagging(&self, bucket: &str, tags: &[(String, String)]) -> Result<(), Error> {
        let body = tagging_xml(tags);
        self.call("PUT", Some(bucket), None, "PutBucketTagging", |r| {
            with_md5_body(r.query("tagging", ""), body.as_bytes())
        })
        .map(drop)
    }

    /// PutBucketWebsite with an index document suffix and an error document key.
    pub fn put_bucket_website(
        &self,
        bucket: &str,
        index_suffix: &str,
        error_key: &str,
    ) -> Result<(), Error> {
        let body = website_xml(index_suffix, error_key);
        self.call("PUT", Some(bucket), None, "PutBucketWebsite", |r| {
            with_md5_body(r.query("website", ""), body.as_bytes())
        })
        .map(drop)
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
