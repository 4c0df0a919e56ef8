//! The shape every AWS operation takes (rusty-s3's `S3Action`): a value holding what the
//! request needs, which says how it is sent and how its answer is read. Clients only
//! address, sign and send; everything particular to one operation lives on its type, so
//! a request can be built and a response parsed in a unit test, without a network, and
//! a rule that concerns some operations (path-style addressing, which errors mean "wrong
//! region") is a property of their type, never a comparison of names.

use super::http::{Request, Response};
use crate::error::Error;

/// One AWS operation: its name and how its response is read.
pub(crate) trait Operation {
    /// botocore's name for the operation (`ListObjectsV2`), as error messages print it.
    const NAME: &'static str;
    /// What a successful response gives.
    type Output;
    /// Read a successful (2xx) response. Takes `&self` because some outputs carry what
    /// was sent (an uploaded part's number and checksum).
    fn parse(&self, resp: Response) -> Result<Self::Output, Error>;
}

/// An operation of S3's REST protocol: a method, a bucket and key to address, and what
/// the request adds to the addressed URL (query, headers, body). The client addresses
/// and signs it, and sends it again, re-addressed, when the bucket turns out to live in
/// another region; `build` may therefore run more than once.
pub(crate) trait S3Operation: Operation {
    const METHOD: &'static str;
    /// Always path-style, never virtual-hosted (GetBucketLocation: botocore forces it,
    /// since a virtual host signed for a region that is not the bucket's may be refused,
    /// and this is the call that finds the region).
    const PATH_STYLE: bool = false;
    /// `IllegalLocationConstraintException` means the request itself is wrong, not that
    /// it went to the wrong region (CreateBucket names the region it wants).
    const NAMES_ITS_REGION: bool = false;
    /// The largest 2xx body read; a longer one is refused (listing pages).
    const BODY_LIMIT: Option<u64> = None;

    fn bucket(&self) -> Option<&str>;
    fn key(&self) -> Option<&str> {
        None
    }
    /// Add query, headers and body to the addressed request.
    fn build(&self, req: Request) -> Request;
}

/// An operation of the query protocol (IAM, STS): an `Action` with its parameters, sent
/// as a form; the response's `<ActionResult>` is what `parse` reads.
// The IAM and STS clients move onto it (issue 24, the query-protocol side).
#[allow(dead_code)]
pub(crate) trait QueryOperation: Operation {
    /// The service that answers it (its API version, endpoint and signing name follow).
    const SERVICE: super::config::Service;
    /// The parameters after `Action` and `Version`, in the order they are sent (names
    /// can be built: `Tags.member.1.Key`).
    fn params(&self) -> super::query::Params;
}
