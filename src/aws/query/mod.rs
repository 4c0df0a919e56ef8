//! The query protocol IAM and STS share: a signed form POST whose answer is an
//! `<ActionResponse><ActionResult>` document. Each action is a value of a type that
//! implements [`QueryOperation`] (its name, its typed parameters, the parse of its
//! result); [`send`] only encodes, signs and sends it. Below `Context`, so that credential
//! providers (AssumeRole for a profile) can call STS with credentials of their own;
//! STS's actions live here ([`sts`]) for the same reason.

use super::Credentials;
use super::config::{self, Service};
use super::http::{Http, Request, Response, SigningTarget};
use super::operation::QueryOperation;
use super::shape::FromXml;
use super::sigv4::{self, Mode};
use super::xml::Element;
use crate::error::Error;

pub(crate) mod sts;

/// The API version of a query-protocol service.
pub(crate) fn version(service: Service) -> &'static str {
    match service {
        Service::Sts => "2011-06-15",
        _ => "2010-05-08",
    }
}

/// A secret member of a response (a secret access key, a session token): read and
/// printed as any string (by the commands whose job is to print it), never shown by
/// `Debug`.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Secret {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Secret> for String {
    fn from(secret: Secret) -> String {
        secret.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl FromXml for Secret {
    fn from_xml(el: &Element) -> Option<Self> {
        Some(Secret(el.text.clone()))
    }
}

/// An action's form parameters, in order: `Params::new().add("UserName", name)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn add(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.push((name.into(), value.into()));
        self
    }

    /// The parameter when there is a value; nothing when there is none.
    pub(crate) fn add_opt(self, name: &str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(value) => self.add(name, value),
            None => self,
        }
    }

    /// A list of key/value structures as botocore flattens it:
    /// `NAME.member.N.Key` and `NAME.member.N.Value`, N from 1.
    pub(crate) fn add_pairs(mut self, name: &str, pairs: &[(String, String)]) -> Self {
        for (i, (key, value)) in pairs.iter().enumerate() {
            let n = i + 1;
            self = self
                .add(format!("{name}.member.{n}.Key"), key.as_str())
                .add(format!("{name}.member.{n}.Value"), value.as_str());
        }
        self
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Where one call goes and who signs it.
pub(crate) struct QueryTarget<'a> {
    pub(crate) http: &'a Http,
    /// `scheme://host[:port]`, no trailing slash.
    pub(crate) endpoint: &'a str,
    /// The client's region; the signing region is derived from it per service.
    pub(crate) region: &'a str,
    pub(crate) credentials: &'a Credentials,
}

/// The form body of `action`: `Action=NAME&Version=V&...`, encoded as botocore does
/// (what tests compare against the API reference).
#[cfg(test)]
pub(crate) fn form<O: QueryOperation>(action: &O) -> String {
    form_body(O::NAME, O::SERVICE, &action.params())
}

/// Sign and send one action, and parse its answer. Only the parse depends on the
/// action's type; the rest is [`post`], compiled once.
pub(crate) fn send<O: QueryOperation>(
    target: &QueryTarget<'_>,
    action: &O,
) -> Result<O::Output, Error> {
    let resp = post(target, O::SERVICE, O::NAME, &action.params())?;
    action.parse(resp)
}

fn form_body(action: &str, service: Service, params: &Params) -> String {
    let mut form = format!("Action={action}&Version={}", version(service));
    for (name, value) in params.iter() {
        form.push('&');
        form.push_str(&form_encode(name));
        form.push('=');
        form.push_str(&form_encode(value));
    }
    form
}

/// The signed form POST of one action; a 2xx answer comes back unread.
#[inline(never)]
fn post(
    target: &QueryTarget<'_>,
    service: Service,
    action: &str,
    params: &Params,
) -> Result<Response, Error> {
    let req = Request::new("POST", target.endpoint, "/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(form_body(action, service, params).into_bytes());
    let signing_region = config::signing_region(service, target.region);
    let signing = SigningTarget {
        credentials: target.credentials,
        region: &signing_region,
        service: service.id(),
        mode: Mode::Generic,
    };
    target.http.send_checked(signing, &req, action)
}

/// The `<NAMEResult>` element of an answer (empty when there is none, as for actions
/// without output). The whole body must be well-formed XML whose root is
/// `<NAMEResponse>`: a 200 from something that is not the service (a captive portal, a
/// misconfigured proxy) is an error, not an empty result.
pub(crate) fn result_element(resp: &Response, action: &str) -> Result<Element, Error> {
    let root = resp.xml_root(action, &format!("{action}Response"))?;
    Ok(root
        .child(&format!("{action}Result"))
        .cloned()
        .unwrap_or_default())
}

/// The parse of an action without output: nothing is read, but the answer must still be
/// the action's (well-formed, `<NAMEResponse>`).
pub(crate) fn no_output(resp: &Response, action: &str) -> Result<(), Error> {
    result_element(resp, action).map(drop)
}

/// The `<NAMEResult>` read as the shape `T` (all members absent when there is none, as
/// botocore's parser gives an empty dict).
pub(crate) fn result<T: FromXml + Default>(resp: &Response, action: &str) -> Result<T, Error> {
    Ok(T::from_xml(&result_element(resp, action)?).unwrap_or_default())
}

/// Form encoding as botocore does it (Python's `urlencode`): RFC 3986 escapes with a
/// space as `+`. Servers that re-encode the body to check the signature (moto) only
/// agree with this spelling.
pub(crate) fn form_encode(s: &str) -> String {
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

    fn ok(body: &str) -> Response {
        Response {
            status: 200,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_root_must_be_the_actions_response() {
        let answer = ok(
            "<?xml version=\"1.0\"?>\n<GetUserResponse xmlns=\"x\"><ResponseMetadata/>\
            <GetUserResult><A>1</A></GetUserResult></GetUserResponse>",
        );
        assert_eq!(
            result_element(&answer, "GetUser").unwrap().text_of("A"),
            Some("1")
        );
        let none = ok("<GetUserResponse><ResponseMetadata/></GetUserResponse>");
        assert_eq!(
            result_element(&none, "GetUser").unwrap(),
            Element::default()
        );
        let other = result_element(&ok("<html><body/></html>"), "GetUser").unwrap_err();
        assert_eq!(
            other.to_string(),
            "Unable to parse the GetUser response: expected <GetUserResponse>, got <html>"
        );
        let broken = result_element(&ok("<GetUserResponse>"), "GetUser").unwrap_err();
        assert!(
            broken
                .to_string()
                .starts_with("Unable to parse the GetUser response: malformed XML"),
            "{broken}"
        );
    }
}
