//! Presigned S3 URLs: the object's address (virtual-hosted or path-style, as every
//! other request) with a query-string SigV4 signature, so that anyone holding the URL
//! can GET or PUT that one object, without keys, until it expires. Nothing is sent.

use time::OffsetDateTime;

use super::S3;
use crate::aws::Credentials;
use crate::aws::http::authority;
use crate::aws::sigv4::{Mode, Signer};

/// S3 refuses presigned URLs that claim to last longer than a week.
pub(crate) const MAX_EXPIRES: u64 = 604_800;

impl S3<'_> {
    /// A URL for `method` on `bucket`/`key`, valid for `expires` seconds from `time`,
    /// signed for the configured region (as boto3's `generate_presigned_url` does: no
    /// request is made to learn where the bucket lives).
    pub fn presigned_url(
        &self,
        method: &str,
        bucket: &str,
        key: &str,
        expires: u64,
        time: OffsetDateTime,
    ) -> String {
        let region = self.region_for(Some(bucket));
        let (base, path) = self.address(Some(bucket), Some(key), &region);
        presign(
            &self.ctx.credentials,
            &region,
            method,
            &base,
            &path,
            expires,
            time,
        )
    }
}

/// The presigned URL for a request to `base` (`scheme://host[:port]`) and `path`
/// (already encoded once, as S3 paths are). Only `host` is signed, and the payload is
/// UNSIGNED-PAYLOAD, so any body can be PUT to it.
pub(crate) fn presign(
    credentials: &Credentials,
    region: &str,
    method: &str,
    base: &str,
    path: &str,
    expires: u64,
    time: OffsetDateTime,
) -> String {
    let signer = Signer {
        access_key: &credentials.access_key_id,
        secret_key: &credentials.secret_access_key,
        session_token: credentials.session_token.as_deref(),
        region,
        service: "s3",
        time,
    };
    let headers = [("host".to_string(), authority(base).to_string())];
    let query = signer.presign_query(method, path, &[], &headers, expires, Mode::S3);
    format!("{base}{path}?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn example_keys(token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            session_token: token.map(str::to_string),
        }
    }

    /// The presigned GET example in the S3 API reference ("Authenticating Requests: Using
    /// Query Parameters"), as a whole URL.
    #[test]
    fn the_s3_reference_example_url() {
        let url = presign(
            &example_keys(None),
            "us-east-1",
            "GET",
            "https://examplebucket.s3.amazonaws.com",
            "/test.txt",
            86400,
            datetime!(2013-05-24 00:00:00 UTC),
        );
        assert_eq!(
            url,
            "https://examplebucket.s3.amazonaws.com/test.txt\
             ?X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
             &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
    }

    #[test]
    fn the_port_is_signed_and_the_token_travels_in_the_query() {
        let url = presign(
            &example_keys(Some("tok/en+")),
            "eu-west-1",
            "PUT",
            "http://127.0.0.1:9000",
            "/b/a%20key",
            60,
            datetime!(2013-05-24 00:00:00 UTC),
        );
        assert!(url.starts_with("http://127.0.0.1:9000/b/a%20key?X-Amz-Algorithm="));
        assert!(url.contains("%2Feu-west-1%2Fs3%2Faws4_request"));
        assert!(url.contains("&X-Amz-Expires=60&X-Amz-Security-Token=tok%2Fen%2B&"));
        // A different host (or port) is a different signature.
        let other = presign(
            &example_keys(Some("tok/en+")),
            "eu-west-1",
            "PUT",
            "http://127.0.0.1:9001",
            "/b/a%20key",
            60,
            datetime!(2013-05-24 00:00:00 UTC),
        );
        let signature = |u: &str| u.rsplit_once("X-Amz-Signature=").unwrap().1.to_string();
        assert_ne!(signature(&url), signature(&other));
    }
}
