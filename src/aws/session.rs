//! A `Session`: what every service client works from (credentials, region, endpoints,
//! transport, checksum settings), plus the query-protocol call IAM and STS share.
//! Clients take a `&Session`; the `Context` above them resolves one from the command
//! line and the environment, so clients never depend on how that is done.

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
}

impl Session {
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
