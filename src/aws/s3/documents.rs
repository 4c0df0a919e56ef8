//! The XML documents S3 requests carry, each written from its type through one
//! [`Writer`] (which escapes every text), in the member order botocore serialises.

use super::bucket::{CorsRule, PublicAccessSettings};
use super::object::ObjectIdentifier;
use crate::aws::xml::Writer;

impl CorsRule {
    /// The PutBucketCors document for this one rule. botocore writes the members in
    /// the order the original's dict has them (ID, origins, headers, methods, expose
    /// headers, max age); an empty list writes nothing.
    pub fn to_xml(&self) -> String {
        let mut w = Writer::new("CORSConfiguration");
        w.open("CORSRule").leaf("ID", &self.id);
        for (tag, values) in [
            ("AllowedOrigin", &self.allowed_origins),
            ("AllowedHeader", &self.allowed_headers),
            ("AllowedMethod", &self.allowed_methods),
            ("ExposeHeader", &self.expose_headers),
        ] {
            for v in values {
                w.leaf(tag, v);
            }
        }
        if let Some(max) = self.max_age_seconds {
            w.leaf("MaxAgeSeconds", &max.to_string());
        }
        w.finish()
    }
}

impl PublicAccessSettings {
    /// The PutPublicAccessBlock document: the settings given, in the shape's order.
    pub fn to_xml(self) -> String {
        let mut w = Writer::new("PublicAccessBlockConfiguration");
        for (name, v) in self.given() {
            w.leaf(name, if v { "true" } else { "false" });
        }
        w.finish()
    }
}

/// The CreateBucket request document, or `None` (no body) without a region.
pub(crate) fn create_bucket_xml(location: Option<&str>) -> Option<String> {
    location.map(|region| {
        let mut w = Writer::new("CreateBucketConfiguration");
        w.leaf("LocationConstraint", region);
        w.finish()
    })
}

/// The PutBucketWebsite document for an index and an error page (ErrorDocument comes
/// first in botocore's WebsiteConfiguration shape).
pub(crate) fn website_xml(index_suffix: &str, error_key: &str) -> String {
    let mut w = Writer::new("WebsiteConfiguration");
    w.open("ErrorDocument").leaf("Key", error_key).close();
    w.open("IndexDocument").leaf("Suffix", index_suffix).close();
    w.finish()
}

/// The PutBucketTagging document: `<Tagging><TagSet><Tag>...` in the given order.
pub(crate) fn tagging_xml(tags: &[(String, String)]) -> String {
    let mut w = Writer::new("Tagging");
    w.open("TagSet");
    for (key, value) in tags {
        w.open("Tag").leaf("Key", key).leaf("Value", value).close();
    }
    w.finish()
}

/// The DeleteObjects document, quiet (only failures are listed in the answer); a
/// VersionId after the Key of an object that names one.
pub(super) fn delete_xml<T: ObjectIdentifier>(objects: &[T]) -> String {
    let mut w = Writer::with_declaration("Delete");
    for object in objects {
        w.open("Object").leaf("Key", object.key());
        if let Some(version_id) = object.version_id() {
            w.leaf("VersionId", version_id);
        }
        w.close();
    }
    w.leaf("Quiet", "true");
    w.finish()
}

/// One part as CompleteMultipartUpload lists it: number, ETag and, when parts were
/// uploaded with one, the CRC32 checksum (base64).
pub(super) struct PartEntry<'a> {
    pub number: u32,
    pub etag: &'a str,
    pub crc32: Option<String>,
}

/// The CompleteMultipartUpload document.
pub(super) fn complete_xml<'a>(parts: impl IntoIterator<Item = PartEntry<'a>>) -> String {
    let mut w = Writer::with_declaration("CompleteMultipartUpload");
    for part in parts {
        w.open("Part")
            .leaf("PartNumber", &part.number.to_string())
            .leaf("ETag", part.etag);
        if let Some(crc) = &part.crc32 {
            w.leaf("ChecksumCRC32", crc);
        }
        w.close();
    }
    w.finish()
}
