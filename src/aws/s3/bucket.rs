//! Bucket configuration calls: ACL, location, public access block, website, CORS
//! and policy, read, and CORS and public access settings written (PutBucketPolicy is
//! `create.rs`'s). Each is an operation type; the client methods send them.
//!
//! Each reader returns the operation's output typed (bucket_outputs.rs), parsed as
//! botocore parses it, because the commands print those documents as they are.

use serde_json::Value;

use super::bucket_outputs::read;
pub(crate) use super::bucket_outputs::{
    BucketAcl, BucketCors, BucketPolicyStatus, BucketWebsite, PublicAccessBlock,
};
use super::{S3, with_md5_body};
use crate::aws::http::{Request, Response};
use crate::aws::operation::{Operation, S3Operation};
use crate::aws::shape::{shape, to_value};
use crate::aws::xml::Element;
use crate::error::Error;

/// One CORS rule to write, as the original builds it (its document: documents.rs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsRule {
    pub id: String,
    pub allowed_origins: Vec<String>,
    pub allowed_headers: Vec<String>,
    pub allowed_methods: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age_seconds: Option<i64>,
}

shape! {
    /// Public access block settings, written (unset ones are left out of the document,
    /// and S3 then treats them as false, as the original sends only what it was given)
    /// and read back (GetPublicAccessBlock).
    #[derive(Copy, Eq)]
    pub struct PublicAccessSettings {
        block_public_acls: Option<bool> = "BlockPublicAcls" <- member("BlockPublicAcls"),
        ignore_public_acls: Option<bool> = "IgnorePublicAcls" <- member("IgnorePublicAcls"),
        block_public_policy: Option<bool> = "BlockPublicPolicy" <- member("BlockPublicPolicy"),
        restrict_public_buckets: Option<bool> =
            "RestrictPublicBuckets" <- member("RestrictPublicBuckets"),
    }
}

impl PublicAccessSettings {
    /// Every setting false: full public access.
    pub const ALL_OFF: PublicAccessSettings = PublicAccessSettings {
        block_public_acls: Some(false),
        ignore_public_acls: Some(false),
        block_public_policy: Some(false),
        restrict_public_buckets: Some(false),
    };

    /// The settings given, by botocore member name, in the shape's order.
    pub fn given(&self) -> Vec<(&'static str, bool)> {
        [
            ("BlockPublicAcls", self.block_public_acls),
            ("IgnorePublicAcls", self.ignore_public_acls),
            ("BlockPublicPolicy", self.block_public_policy),
            ("RestrictPublicBuckets", self.restrict_public_buckets),
        ]
        .into_iter()
        .filter_map(|(name, v)| v.map(|v| (name, v)))
        .collect()
    }

    /// The settings as the original's dict (for its message), in the shape's order.
    pub fn to_json(self) -> Value {
        to_value(&self)
    }
}

/// The root element of a response document; an empty body is an empty structure,
/// as botocore parses it.
fn body_root(resp: &Response, operation: &str) -> Result<Element, Error> {
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Element::default());
    }
    resp.xml(operation)
}

/// A GET of one bucket subresource (`?acl`, `?cors`...): the operation type, named as
/// botocore names it, and how its response becomes its output.
macro_rules! get_subresource {
    ($(#[$meta:meta])* $name:ident, $subresource:literal, $output:ty,
     |$op:ident, $resp:ident| $parse:expr $(, $konst:ident = $value:expr)*) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy)]
        pub(crate) struct $name<'a> {
            pub(crate) bucket: &'a str,
        }

        impl Operation for $name<'_> {
            const NAME: &'static str = stringify!($name);
            type Output = $output;
            fn parse(&self, $resp: Response) -> Result<$output, Error> {
                let $op = self;
                $parse
            }
        }

        impl S3Operation for $name<'_> {
            const METHOD: &'static str = "GET";
            $(const $konst: bool = $value;)*
            fn bucket(&self) -> Option<&str> {
                Some(self.bucket)
            }
            fn build(&self, req: Request) -> Request {
                req.query($subresource, "")
            }
        }
    };
}

get_subresource!(GetBucketAcl, "acl", BucketAcl, |_op, resp| Ok(read(
    &body_root(&resp, Self::NAME)?
)));

get_subresource!(
    /// The LocationConstraint, `None` for us-east-1 (S3 sends an empty element there).
    /// botocore reads the root element's text, whatever the element is called.
    GetBucketLocation,
    "location",
    Option<String>,
    |_op, resp| Ok(Some(body_root(&resp, Self::NAME)?.text).filter(|t| !t.is_empty())),
    PATH_STYLE = true
);

get_subresource!(
    GetPublicAccessBlock,
    "publicAccessBlock",
    PublicAccessBlock,
    |_op, resp| Ok(read(&body_root(&resp, Self::NAME)?))
);

get_subresource!(
    GetBucketPolicyStatus,
    "policyStatus",
    BucketPolicyStatus,
    |_op, resp| Ok(read(&body_root(&resp, Self::NAME)?))
);

get_subresource!(GetBucketWebsite, "website", BucketWebsite, |_op, resp| Ok(
    read(&body_root(&resp, Self::NAME)?)
));

get_subresource!(GetBucketCors, "cors", BucketCors, |_op, resp| Ok(read(
    &body_root(&resp, Self::NAME)?
)));

get_subresource!(
    /// The policy document exactly as stored.
    GetBucketPolicy,
    "policy",
    String,
    |_op, resp| Ok(String::from_utf8(resp.body)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
);

get_subresource!(
    /// The versioning Status: `Enabled`, `Suspended`, or `None` for a bucket that was
    /// never versioned (S3 then sends an empty `<VersioningConfiguration/>`).
    GetBucketVersioning,
    "versioning",
    Option<String>,
    |_op, resp| Ok(body_root(&resp, Self::NAME)?
        .string("Status")
        .filter(|s| !s.is_empty()))
);

/// A PUT of one bucket subresource with a document S3 wants a Content-MD5 for.
macro_rules! put_subresource {
    ($(#[$meta:meta])* $name:ident, $subresource:literal, $body:ty, |$op:ident| $document:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy)]
        pub(crate) struct $name<'a> {
            pub(crate) bucket: &'a str,
            pub(crate) body: &'a $body,
        }

        impl Operation for $name<'_> {
            const NAME: &'static str = stringify!($name);
            type Output = ();
            fn parse(&self, _resp: Response) -> Result<(), Error> {
                Ok(())
            }
        }

        impl S3Operation for $name<'_> {
            const METHOD: &'static str = "PUT";
            fn bucket(&self) -> Option<&str> {
                Some(self.bucket)
            }
            fn build(&self, req: Request) -> Request {
                let $op = self;
                let document: Vec<u8> = $document;
                with_md5_body(req.query($subresource, ""), &document)
            }
        }
    };
}
pub(super) use put_subresource;

put_subresource!(
    /// PutBucketCors with one rule.
    PutBucketCors,
    "cors",
    CorsRule,
    |op| op.body.to_xml().into_bytes()
);

put_subresource!(
    /// PutPublicAccessBlock with only the settings given.
    PutPublicAccessBlock,
    "publicAccessBlock",
    PublicAccessSettings,
    |op| op.body.to_xml().into_bytes()
);

impl S3<'_> {
    pub fn get_bucket_acl(&self, bucket: &str) -> Result<BucketAcl, Error> {
        self.send(&GetBucketAcl { bucket })
    }

    /// GetBucketLocation: the LocationConstraint, `None` for us-east-1.
    pub fn get_bucket_location(&self, bucket: &str) -> Result<Option<String>, Error> {
        self.send(&GetBucketLocation { bucket })
    }

    pub fn get_public_access_block(&self, bucket: &str) -> Result<PublicAccessBlock, Error> {
        self.send(&GetPublicAccessBlock { bucket })
    }

    pub fn get_bucket_policy_status(&self, bucket: &str) -> Result<BucketPolicyStatus, Error> {
        self.send(&GetBucketPolicyStatus { bucket })
    }

    pub fn get_bucket_website(&self, bucket: &str) -> Result<BucketWebsite, Error> {
        self.send(&GetBucketWebsite { bucket })
    }

    pub fn get_bucket_cors(&self, bucket: &str) -> Result<BucketCors, Error> {
        self.send(&GetBucketCors { bucket })
    }

    /// GetBucketPolicy: the policy document exactly as stored.
    pub fn get_bucket_policy(&self, bucket: &str) -> Result<String, Error> {
        self.send(&GetBucketPolicy { bucket })
    }

    /// GetBucketVersioning: `Enabled`, `Suspended`, or `None` when never versioned.
    pub fn get_bucket_versioning(&self, bucket: &str) -> Result<Option<String>, Error> {
        self.send(&GetBucketVersioning { bucket })
    }

    /// PutBucketCors with one rule.
    pub fn put_bucket_cors(&self, bucket: &str, rule: &CorsRule) -> Result<(), Error> {
        self.send(&PutBucketCors { bucket, body: rule })
    }

    /// PutPublicAccessBlock with only the settings given.
    pub fn put_public_access_settings(
        &self,
        bucket: &str,
        settings: &PublicAccessSettings,
    ) -> Result<(), Error> {
        self.send(&PutPublicAccessBlock {
            bucket,
            body: settings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_documents_as_botocore_writes_them() {
        // Expected bytes: botocore 1.44's serialisation of the original's default rule.
        let rule = CorsRule {
            id: "set-by-s3-credentials".into(),
            allowed_origins: vec!["*".into()],
            allowed_methods: vec!["GET".into()],
            max_age_seconds: Some(60),
            ..CorsRule::default()
        };
        assert_eq!(
            rule.to_xml(),
            "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule>\
             <ID>set-by-s3-credentials</ID><AllowedOrigin>*</AllowedOrigin>\
             <AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>60</MaxAgeSeconds>\
             </CORSRule></CORSConfiguration>"
        );
    }

    #[test]
    fn public_access_documents_keep_only_given_settings() {
        let settings = PublicAccessSettings {
            block_public_acls: Some(true),
            restrict_public_buckets: Some(false),
            ..PublicAccessSettings::default()
        };
        // Expected bytes: botocore 1.44's serialisation of the same dict.
        assert_eq!(
            settings.to_xml(),
            "<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <BlockPublicAcls>true</BlockPublicAcls><RestrictPublicBuckets>false</RestrictPublicBuckets>\
             </PublicAccessBlockConfiguration>"
        );
        assert_eq!(
            crate::output::py_repr(&settings.to_json()),
            "{'BlockPublicAcls': True, 'RestrictPublicBuckets': False}"
        );
        assert!(PublicAccessSettings::default().given().is_empty());
    }
}
