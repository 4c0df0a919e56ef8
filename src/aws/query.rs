//! The query protocol IAM and STS share: a signed form POST whose answer is an
//! `<ActionResponse><ActionResult>` document. Below `Context`, so that credential
//! providers (AssumeRole for a profile) can call STS with credentials of their own.

use super::Credentials;
use super::config::{self, Service};
use super::http::{Http, Request, SigningTarget};
use super::sigv4::{self, Mode};
use super::xml::Element;
use crate::error::Error;

/// Where one call goes and who signs it.
pub struct QueryTarget<'a> {
    pub http: &'a Http,
    /// `scheme://host[:port]`, no trailing slash.
    pub endpoint: &'a str,
    pub service: Service,
    /// The client's region; the signing region is derived from it per service.
    pub region: &'a str,
    pub credentials: &'a Credentials,
}

/// One call; returns the `<ActionResult>` element (empty for actions without output).
pub fn call(
    target: &QueryTarget<'_>,
    version: &str,
    action: &str,
    params: &[(&str, &str)],
) -> Result<Element, Error> {
    let mut form = format!("Action={action}&Version={version}");
    for (name, value) in params {
        form.push('&');
        form.push_str(&form_encode(name));
        form.push('=');
        form.push_str(&form_encode(value));
    }
    let req = Request::new("POST", target.endpoint, "/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(form.into_bytes());
    let signing_region = config::signing_region(target.service, target.region);
    let signing = SigningTarget {
        credentials: target.credentials,
        region: &signing_region,
        service: target.service.id(),
        mode: Mode::Generic,
    };
    let resp = target.http.send_checked(signing, &req, action)?;
    let root = resp.xml_root(action, &format!("{action}Response"))?;
    Ok(root
        .child(&format!("{action}Result"))
        .cloned()
        .unwrap_or_default())
}

/// Form encoding as botocore does it (Python's `urlencode`): RFC 3986 escapes with a
/// space as `+`. Servers that re-encode the body to check the signature (moto) only
/// agree with this spelling.
pub fn form_encode(s: &str) -> String {
    sigv4::uri_encode(s, true).replace("%20", "+")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_encoded_like_urlencode() {
        // Checked against Python: urllib.parse.urlencode({"p": '{"a b": "x/y~z+*"}'}).
        assert_eq!(
            form_encode("{\"a b\": \"x/y~z+*\"}"),
            "%7B%22a+b%22%3A+%22x%2Fy~z%2B%2A%22%7D"
        );
    }
}
