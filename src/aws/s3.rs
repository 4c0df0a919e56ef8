//! The S3 REST client (addressing, region discovery, paging, objects).

use super::context::Context;

pub struct S3<'a> {
    pub(crate) ctx: &'a Context,
}

impl<'a> S3<'a> {
    pub fn new(ctx: &'a Context) -> Self {
        S3 { ctx }
    }
}
