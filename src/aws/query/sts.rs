//! STS's actions (Version 2011-06-15) and their response shapes. Here, in the
//! transport layer, rather than beside the `Sts` client, because the credential
//! providers (assume-role profiles) send AssumeRole too, below any `Session`.

use serde_json::Value;

use super::{Params, Secret, result, result_element};
use crate::aws::config::Service;
use crate::aws::http::Response;
use crate::aws::operation::{Operation, QueryOperation};
use crate::aws::shape::{Timestamp, read, shape, to_value};
use crate::error::Error;

/// GetCallerIdentity: who signed the request.
pub(crate) struct GetCallerIdentity;

shape! {
    /// GetCallerIdentity's output (`whoami` prints it), in botocore's member order.
    pub struct CallerIdentity {
        user_id: Option<String> = "UserId" <- member("UserId"),
        account: Option<String> = "Account" <- member("Account"),
        arn: Option<String> = "Arn" <- member("Arn"),
    }
}

impl CallerIdentity {
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

impl Operation for GetCallerIdentity {
    const NAME: &'static str = "GetCallerIdentity";
    type Output = CallerIdentity;

    fn parse(&self, resp: Response) -> Result<CallerIdentity, Error> {
        result(&resp, Self::NAME)
    }
}

impl QueryOperation for GetCallerIdentity {
    const SERVICE: Service = Service::Sts;

    fn params(&self) -> Params {
        Params::new()
    }
}

/// AssumeRole, with what `create --duration` sends (a session policy) and what an
/// assume-role profile sends (external id, MFA).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AssumeRole {
    pub role_arn: String,
    pub role_session_name: String,
    /// The session policy document (JSON text).
    pub policy: Option<String>,
    pub external_id: Option<String>,
    /// The MFA device and the code it shows.
    pub serial_number: Option<String>,
    pub token_code: Option<String>,
    /// Decimal, as given: a profile's `duration_seconds` is sent as Python's `int()`
    /// reads it and STS judges the range.
    pub duration_seconds: Option<String>,
}

impl Operation for AssumeRole {
    const NAME: &'static str = "AssumeRole";
    /// The Credentials member; `None` when the answer lacks it (each caller words that).
    type Output = Option<AssumedRole>;

    fn parse(&self, resp: Response) -> Result<Option<AssumedRole>, Error> {
        Ok(read::member(
            &result_element(&resp, Self::NAME)?,
            "Credentials",
        ))
    }
}

impl QueryOperation for AssumeRole {
    const SERVICE: Service = Service::Sts;

    fn params(&self) -> Params {
        Params::new()
            .add("RoleArn", self.role_arn.as_str())
            .add("RoleSessionName", self.role_session_name.as_str())
            .add_opt("Policy", self.policy.as_deref())
            .add_opt("ExternalId", self.external_id.as_deref())
            .add_opt("SerialNumber", self.serial_number.as_deref())
            .add_opt("TokenCode", self.token_code.as_deref())
            .add_opt("DurationSeconds", self.duration_seconds.as_deref())
    }
}

shape! {
    /// The Credentials structure of AssumeRole (`create --duration` prints it), in
    /// botocore's member order, Expiration as `str(datetime)`. `Debug` never shows the
    /// secret or the token ([`Secret`]).
    #[derive(Eq)]
    pub struct AssumedRole {
        access_key_id: Option<String> = "AccessKeyId" <- member("AccessKeyId"),
        secret_access_key: Option<Secret> = "SecretAccessKey" <- member("SecretAccessKey"),
        session_token: Option<Secret> = "SessionToken" <- member("SessionToken"),
        expiration: Option<Timestamp> = "Expiration" <- member("Expiration"),
    }
}

impl AssumedRole {
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::query::form;

    fn ok(body: &[u8]) -> Response {
        Response {
            status: 200,
            headers: Vec::new(),
            body: body.to_vec(),
        }
    }
    use crate::output::dumps;

    #[test]
    fn assume_role_as_the_api_reference_sends_it() {
        // The example request of https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
        // (its parameters the tool sends, in botocore's order).
        let request = AssumeRole {
            role_arn: "arn:aws:iam::123456789012:role/demo".into(),
            role_session_name: "John-session".into(),
            policy: Some(r#"{"Version":"2012-10-17","Statement":[{"Sid":"Stmt1","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#.into()),
            external_id: Some("123ABC".into()),
            duration_seconds: Some("1800".into()),
            ..AssumeRole::default()
        };
        assert_eq!(
            form(&request),
            "Action=AssumeRole&Version=2011-06-15\
             &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=John-session\
             &Policy=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22Stmt1%22%2C%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D\
             &ExternalId=123ABC&DurationSeconds=1800"
        );
        // A profile's MFA: the serial, then the code, before the duration.
        let mfa = AssumeRole {
            role_arn: "r".into(),
            role_session_name: "s".into(),
            serial_number: Some("arn:aws:iam::123456789012:mfa/me".into()),
            token_code: Some("123456".into()),
            ..AssumeRole::default()
        };
        let params = mfa.params();
        let names: Vec<&str> = params.iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            ["RoleArn", "RoleSessionName", "SerialNumber", "TokenCode"]
        );
    }

    #[test]
    fn assume_role_answer_of_the_api_reference() {
        // The example response of the same page, shortened.
        let doc = b"<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
            <AssumeRoleResult><SourceIdentity>DevUser123</SourceIdentity>\
            <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>\
            <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId></AssumedRoleUser>\
            <Credentials><SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764</SessionToken>\
            <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\
            <Expiration>2019-11-09T13:34:41Z</Expiration>\
            <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId></Credentials>\
            <PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>\
            <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\
            </ResponseMetadata></AssumeRoleResponse>";
        let role = AssumeRole::default().parse(ok(doc)).unwrap().unwrap();
        assert_eq!(
            dumps(&role.to_json(), None),
            r#"{"AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "SessionToken": "AQoDYXdzEPT//////////wEXAMPLEtc764", "Expiration": "2019-11-09 13:34:41+00:00"}"#
        );
        let shown = format!("{role:?}");
        assert!(
            !shown.contains("wJalr") && !shown.contains("AQoD"),
            "{shown}"
        );
        let without = b"<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>";
        assert_eq!(AssumeRole::default().parse(ok(without)).unwrap(), None);
    }

    #[test]
    fn caller_identity_from_the_recorded_response() {
        assert_eq!(
            form(&GetCallerIdentity),
            "Action=GetCallerIdentity&Version=2011-06-15"
        );
        let doc = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/sts/GetCallerIdentity.xml"
        ))
        .unwrap();
        let identity = GetCallerIdentity.parse(ok(&doc)).unwrap();
        assert_eq!(identity.account.as_deref(), Some("123456789012"));
        assert_eq!(
            dumps(&identity.to_json(), None),
            r#"{"UserId": "AKIAIOSFODNN7EXAMPLE", "Account": "123456789012", "Arn": "arn:aws:sts::123456789012:user/moto"}"#
        );
    }

    #[test]
    fn caller_identity_answer_of_the_api_reference_in_botocore_order() {
        // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
        // sends Arn first; botocore's (and so whoami's) order is UserId, Account, Arn.
        let doc =
            b"<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
            <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn>\
            <UserId>AKIAI44QH8DHBEXAMPLE</UserId><Account>123456789012</Account>\
            </GetCallerIdentityResult><ResponseMetadata>\
            <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>\
            </GetCallerIdentityResponse>";
        let identity = GetCallerIdentity.parse(ok(doc)).unwrap();
        assert_eq!(
            dumps(&identity.to_json(), Some(4)),
            "{\n    \"UserId\": \"AKIAI44QH8DHBEXAMPLE\",\n    \"Account\": \"123456789012\",\n    \
             \"Arn\": \"arn:aws:iam::123456789012:user/Alice\"\n}"
        );
    }

    #[test]
    fn caller_identity_leaves_out_what_is_missing() {
        let doc = b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>a</Arn>\
            </GetCallerIdentityResult></GetCallerIdentityResponse>";
        let identity = GetCallerIdentity.parse(ok(doc)).unwrap();
        assert_eq!(identity.account, None);
        assert_eq!(dumps(&identity.to_json(), None), r#"{"Arn": "a"}"#);
    }
}
