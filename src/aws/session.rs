//! A `Session`: what every service client works from (credentials, region, endpoints,
//! transport, checksum settings), plus the query-protocol call IAM and STS share.
//! Clients take a `&Session`; the `Context` above them resolves one from the command
//! line and the environment, so clients never depend on how that is done.

use std::collections::HashMap;
use std::sync::Mutex;

use super::Credentials;
use super::config::{self, Endpoint, Service};
use super::http::Http;
use super::operation::QueryOperation;
use super::query::{self, QueryTarget};
use crate::error::Error;

/// Everything a service client needs.
pub struct Session {
    pub credentials: Credentials,
    pub region: String,
    pub s3_endpoint: Endpoint,
    pub iam_endpoint: Endpoint,
    pub sts_endpoint: Endpoint,
    pub http: Http,
    /// Whether uploads carry a CRC32 and downloads check the object's checksum.
    pub checksums: config::ChecksumConfig,
    /// Regions learnt for buckets, for the rest of this session: every S3 client made
    /// from it shares them, so a command that makes several clients pays for a
    /// redirect once.
    pub(crate) regions: BucketRegions,
}

/// Regions learnt for buckets, keyed by where the bucket lives (a custom endpoint's
/// URL, or "" for AWS) and its name.
#[derive(Debug, Default)]
pub(crate) struct BucketRegions(Mutex<HashMap<(String, String), String>>);

impl BucketRegions {
    pub(crate) fn get(&self, place: &str, bucket: &str) -> Option<String> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&(place.to_string(), bucket.to_string())).cloned()
    }

    pub(crate) fn insert(&self, place: &str, bucket: &str, region: &str) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert((place.to_string(), bucket.to_string()), region.to_string());
    }
}

impl Session {
    /// How many times a request is tried before its error is final (botocore's
    /// `max_attempts`): what a transfer needs to size its own retries.
    pub fn max_attempts(&self) -> u32 {
        self.http.max_attempts()
    }

    /// One query-protocol action (IAM, STS) signed with `credentials` (the session's,
    /// or others such as a key `create` just made).
    pub(crate) fn send<O: QueryOperation>(
        &self,
        credentials: &Credentials,
        action: &O,
    ) -> Result<O::Output, Error> {
        let endpoint = match O::SERVICE {
            Service::Iam => &self.iam_endpoint,
            Service::Sts => &self.sts_endpoint,
            _ => &self.s3_endpoint,
        };
        let target = QueryTarget {
            http: &self.http,
            endpoint: &endpoint.url,
            region: &self.region,
            credentials,
        };
        query::send(&target, action)
    }
}
