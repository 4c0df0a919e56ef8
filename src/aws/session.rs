//! A `Session`: what every service client works from (credentials, region, endpoints,
//! transport, checksum settings), plus the query-protocol call IAM and STS share.
//! Clients take a `&Session`; the `Context` above them resolves one from the command
//! line and the environment, so clients never depend on how that is done.

use super::Credentials;
use super::config::{self, Endpoint, Service};
use super::http::Http;
use super::query::{self, QueryTarget};
use super::xml::Element;
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
    /// One query-protocol call (IAM, STS) with this session's credentials; returns
    /// the `<ActionResult>` element of the response.
    pub fn query(
        &self,
        service: Service,
        version: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<Element, Error> {
        self.query_with(&self.credentials, service, version, action, params)
    }

    /// [`Session::query`] signed with other credentials than the session's.
    pub fn query_with(
        &self,
        credentials: &Credentials,
        service: Service,
        version: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Result<Element, Error> {
        let endpoint = match service {
            Service::Iam => &self.iam_endpoint,
            Service::Sts => &self.sts_endpoint,
            _ => &self.s3_endpoint,
        };
        let target = QueryTarget {
            http: &self.http,
            endpoint: &endpoint.url,
            service,
            region: &self.region,
            credentials,
        };
        query::call(&target, version, action, params)
    }
}
