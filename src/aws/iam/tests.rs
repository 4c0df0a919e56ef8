//! Each IAM action's request and the reading of its answer, without a network, against
//! the examples of the IAM API reference
//! (https://docs.aws.amazon.com/IAM/latest/APIReference/API_<Action>.html; the
//! parameters the tool sends, in the order it sends them) and moto's answers.

use super::roles::*;
use super::users::*;
use crate::aws::http::Response;
use crate::aws::operation::{Operation, QueryOperation};
use crate::aws::query::form;
use crate::output::dumps;

const BOB_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

/// `action`'s reading of a 200 answer whose result holds `result`.
fn answer<O: QueryOperation>(action: O, result: &str) -> Result<O::Output, crate::error::Error> {
    let name = O::NAME;
    let doc = format!(
        "<{name}Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><{name}Result>{result}\
         </{name}Result><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>\
         </ResponseMetadata></{name}Response>"
    );
    action.parse(Response {
        status: 200,
        headers: Vec::new(),
        body: doc.into_bytes(),
    })
}

#[test]
fn user_requests_as_the_reference_shows_them() {
    let v = "&Version=2010-05-08";
    assert_eq!(
        form(&GetUser { user_name: "Bob" }),
        format!("Action=GetUser{v}&UserName=Bob")
    );
    assert_eq!(
        form(&CreateUser {
            user_name: "Bob",
            permissions_boundary: Some("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"),
            tags: &[("team".into(), "a b".into()), ("k".into(), "v".into())],
        }),
        format!(
            "Action=CreateUser{v}&UserName=Bob\
             &PermissionsBoundary=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAmazonS3ReadOnlyAccess\
             &Tags.member.1.Key=team&Tags.member.1.Value=a+b&Tags.member.2.Key=k&Tags.member.2.Value=v"
        )
    );
    assert_eq!(
        form(&CreateUser {
            user_name: "Bob",
            permissions_boundary: None,
            tags: &[],
        }),
        format!("Action=CreateUser{v}&UserName=Bob")
    );
    assert_eq!(
        form(&PutUserPolicy {
            user_name: "Bob",
            policy_name: "AllAccessPolicy",
            policy_document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        }),
        format!(
            "Action=PutUserPolicy{v}&UserName=Bob&PolicyName=AllAccessPolicy&PolicyDocument=\
             %7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow\
             %22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"
        )
    );
    assert_eq!(
        form(&UpdateAccessKey {
            user_name: "Bob",
            access_key_id: BOB_KEY,
            status: KeyStatus::Inactive,
        }),
        format!("Action=UpdateAccessKey{v}&UserName=Bob&AccessKeyId={BOB_KEY}&Status=Inactive")
    );
    assert_eq!(
        form(&DeleteAccessKey {
            user_name: "Bob",
            access_key_id: BOB_KEY,
        }),
        format!("Action=DeleteAccessKey{v}&UserName=Bob&AccessKeyId={BOB_KEY}")
    );
    assert_eq!(
        form(&DeleteUserPolicy {
            user_name: "Bob",
            policy_name: "AllAccessPolicy",
        }),
        format!("Action=DeleteUserPolicy{v}&UserName=Bob&PolicyName=AllAccessPolicy")
    );
    assert_eq!(
        form(&DeleteUser { user_name: "Bob" }),
        format!("Action=DeleteUser{v}&UserName=Bob")
    );
    assert_eq!(
        form(&ListAccessKeys {
            user_name: "Bob".into(),
            marker: Some("m/1".into()),
        }),
        format!("Action=ListAccessKeys{v}&UserName=Bob&Marker=m%2F1")
    );
    assert_eq!(form(&ListUsers::default()), format!("Action=ListUsers{v}"));
}

#[test]
fn role_requests_as_the_reference_shows_them() {
    let v = "&Version=2010-05-08";
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}"#;
    let request = CreateRole {
        role_name: "S3Access",
        description: "d",
        assume_role_policy_document: trust,
        max_session_duration: 43200,
        tags: &[("k".into(), "v".into())],
    };
    let params = request.params();
    let names: Vec<&str> = params.iter().map(|(n, _)| n).collect();
    // The original's keyword order.
    assert_eq!(
        names,
        [
            "Description",
            "RoleName",
            "AssumeRolePolicyDocument",
            "MaxSessionDuration",
            "Tags.member.1.Key",
            "Tags.member.1.Value"
        ]
    );
    assert!(form(&request).contains("&MaxSessionDuration=43200&"));
    assert_eq!(
        form(&AttachRolePolicy {
            role_name: "ReadOnlyRole",
            policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
        }),
        format!(
            "Action=AttachRolePolicy{v}&RoleName=ReadOnlyRole\
             &PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess"
        )
    );
    assert_eq!(
        form(&GetRolePolicy {
            role_name: "S3Access",
            policy_name: "S3AccessPolicy",
        }),
        format!("Action=GetRolePolicy{v}&RoleName=S3Access&PolicyName=S3AccessPolicy")
    );
    assert_eq!(
        form(&GetPolicyVersion {
            policy_arn: "arn:aws:iam::123456789012:policy/S3-read-only-specific-bucket",
            version_id: "v1",
        }),
        format!(
            "Action=GetPolicyVersion{v}\
             &PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2FS3-read-only-specific-bucket\
             &VersionId=v1"
        )
    );
    assert_eq!(
        form(&ListAttachedRolePolicies {
            role_name: "ReadOnlyRole".into(),
            marker: None,
        }),
        format!("Action=ListAttachedRolePolicies{v}&RoleName=ReadOnlyRole")
    );
    assert_eq!(
        form(&GetRole {
            role_name: "S3Access"
        }),
        format!("Action=GetRole{v}&RoleName=S3Access")
    );
}

#[test]
fn list_users_answer_of_the_reference() {
    let page = answer(ListUsers::default(),
        "<Users><member><UserId>AID2MAB8DPLSRHEXAMPLE</UserId>\
         <Path>/division_abc/subdivision_xyz/engineering/</Path><UserName>Andrew</UserName>\
         <Arn>arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/engineering/Andrew</Arn>\
         <CreateDate>2012-09-05T19:38:48Z</CreateDate>\
         <PasswordLastUsed>2014-09-08T21:47:36Z</PasswordLastUsed></member>\
         <member><UserId>AIDIODR4TAW7CSEXAMPLE</UserId><Path>/division_abc/subdivision_xyz/engineering/</Path>\
         <UserName>Jackie</UserName>\
         <Arn>arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/engineering/Jackie</Arn>\
         <CreateDate>2012-09-05T19:38:48Z</CreateDate></member></Users>\
         <IsTruncated>false</IsTruncated>",
    )
    .unwrap();
    assert_eq!(page.next, None);
    let users: Vec<String> = page
        .items
        .iter()
        .map(|u| dumps(&crate::aws::shape::to_value(u), None))
        .collect();
    assert_eq!(
        users,
        [
            r#"{"Path": "/division_abc/subdivision_xyz/engineering/", "UserName": "Andrew", "UserId": "AID2MAB8DPLSRHEXAMPLE", "Arn": "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/engineering/Andrew", "CreateDate": "2012-09-05 19:38:48+00:00", "PasswordLastUsed": "2014-09-08 21:47:36+00:00"}"#,
            r#"{"Path": "/division_abc/subdivision_xyz/engineering/", "UserName": "Jackie", "UserId": "AIDIODR4TAW7CSEXAMPLE", "Arn": "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/engineering/Jackie", "CreateDate": "2012-09-05 19:38:48+00:00"}"#,
        ]
    );
}

#[test]
fn access_key_answers_of_the_reference() {
    let key = answer(
        CreateAccessKey { user_name: "Bob" },
        "<AccessKey><UserName>Bob</UserName><AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId>\
         <Status>Active</Status><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\
         </SecretAccessKey></AccessKey>",
    )
    .unwrap();
    assert_eq!(
        key.secret_access_key.as_ref().map(|s| s.as_str()),
        Some("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY")
    );
    assert!(!format!("{key:?}").contains("wJalr"));
    let missing = answer(CreateAccessKey { user_name: "Bob" }, "").unwrap_err();
    assert_eq!(
        missing.to_string(),
        "The CreateAccessKey response holds no AccessKey"
    );
    let keys = answer(
        ListAccessKeys {
            user_name: "Bob".into(),
            marker: None,
        },
        "<UserName>Bob</UserName><AccessKeyMetadata>\
         <member><UserName>Bob</UserName><AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId>\
         <Status>Active</Status></member>\
         <member><UserName>Bob</UserName><AccessKeyId>AKIAI44QH8DHBEXAMPLE</AccessKeyId>\
         <Status>Inactive</Status></member></AccessKeyMetadata><IsTruncated>false</IsTruncated>",
    )
    .unwrap();
    let ids: Vec<(&str, &str)> = keys
        .items
        .iter()
        .map(|k| {
            (
                k.access_key_id.as_deref().unwrap_or_default(),
                k.status.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("AKIAIOSFODNN7EXAMPLE", "Active"),
            ("AKIAI44QH8DHBEXAMPLE", "Inactive")
        ]
    );
}

#[test]
fn policy_answers_of_the_reference() {
    let names = answer(
        ListUserPolicies {
            user_name: "Bob".into(),
            marker: None,
        },
        "<PolicyNames><member>AllAccessPolicy</member><member>KeyPolicy</member></PolicyNames>\
         <IsTruncated>true</IsTruncated><Marker>next</Marker>",
    )
    .unwrap();
    assert_eq!(names.items, ["AllAccessPolicy", "KeyPolicy"]);
    assert_eq!(names.next.as_deref(), Some("next"));
    let policy = answer(GetUserPolicy { user_name: "Bob", policy_name: "AllAccessPolicy" },
        "<UserName>Bob</UserName><PolicyName>AllAccessPolicy</PolicyName>\
         <PolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect\
         %22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D</PolicyDocument>",
    )
    .unwrap();
    assert_eq!(
        dumps(&policy.document_json(), None),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#
    );
    let attached = answer(
        ListAttachedRolePolicies {
            role_name: "ReadOnlyRole".into(),
            marker: None,
        },
        "<AttachedPolicies><member><PolicyName>ReadOnlyAccess</PolicyName>\
         <PolicyArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PolicyArn></member></AttachedPolicies>\
         <IsTruncated>false</IsTruncated>",
    )
    .unwrap();
    assert_eq!(
        attached.items[0].policy_arn.as_deref(),
        Some("arn:aws:iam::aws:policy/ReadOnlyAccess")
    );
    let role_policy = answer(GetRolePolicy { role_name: "plain-role", policy_name: "no-delete" },
        "<RoleName>plain-role</RoleName><PolicyName>no-delete</PolicyName><PolicyDocument>\
         %7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%5B%7B%22Effect%22%3A%20%22Deny\
         %22%2C%20%22Action%22%3A%20%22s3%3ADeleteBucket%22%2C%20%22Resource%22%3A%20%22%2A%22%7D%5D%7D\
         </PolicyDocument>",
    )
    .unwrap();
    assert_eq!(
        dumps(&role_policy.to_json(), None),
        r#"{"RoleName": "plain-role", "PolicyName": "no-delete", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}}"#
    );
    assert_eq!(
        answer(
            GetPolicy {
                policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess"
            },
            ""
        )
        .unwrap(),
        None
    );
    assert_eq!(
        answer(
            GetPolicyVersion {
                policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
                version_id: "v1"
            },
            ""
        )
        .unwrap(),
        None
    );
}

#[test]
fn role_answers_give_the_arn() {
    let role = answer(CreateRole { role_name: "S3Access", description: "", assume_role_policy_document: "{}", max_session_duration: 3600, tags: &[] },
        "<Role><Path>/application_abc/component_xyz/</Path>\
         <Arn>arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access</Arn>\
         <RoleName>S3Access</RoleName>\
         <AssumeRolePolicyDocument>{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\
         \"Principal\":{\"Service\":[\"ec2.amazonaws.com\"]},\"Action\":[\"sts:AssumeRole\"]}]}\
         </AssumeRolePolicyDocument><CreateDate>2012-05-08T23:34:01.495Z</CreateDate>\
         <RoleId>AROADBQP57FF2AEXAMPLE</RoleId></Role>",
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        role.arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access")
    );
    assert_eq!(
        role.assume_role_policy_document.unwrap().0["Statement"][0]["Action"][0],
        "sts:AssumeRole"
    );
    assert_eq!(
        answer(
            GetRole {
                role_name: "S3Access"
            },
            ""
        )
        .unwrap(),
        None
    );
}

#[test]
fn actions_without_output_read_nothing() {
    // Their answers hold only ResponseMetadata.
    assert!(answer(DeleteUser { user_name: "Bob" }, "").is_ok());
    let attach = AttachRolePolicy {
        role_name: "r",
        policy_arn: "p",
    };
    let bare = Response {
        status: 200,
        headers: Vec::new(),
        body: b"<AttachRolePolicyResponse/>".to_vec(),
    };
    assert!(attach.parse(bare).is_ok());
    // An answer that is not the action's is an error even when nothing is read.
    let foreign = Response {
        status: 200,
        headers: Vec::new(),
        body: b"<html/>".to_vec(),
    };
    let attach = AttachRolePolicy {
        role_name: "r",
        policy_arn: "p",
    };
    assert!(attach.parse(foreign).is_err());
}

/// revoke-sessions' calls: PutRolePolicy as the reference's example sends it, and any
/// action read with the server's `Date` (GetRolePolicy's document as moto answers it,
/// URL-encoded).
#[test]
fn role_policy_put_and_read_with_the_server_date() {
    let v = "&Version=2010-05-08";
    assert_eq!(
        form(&PutRolePolicy {
            role_name: "S3Access",
            policy_name: "S3AccessPolicy",
            policy_document: r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        }),
        format!(
            "Action=PutRolePolicy{v}&RoleName=S3Access&PolicyName=S3AccessPolicy&PolicyDocument=\
             %7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow\
             %22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D"
        )
    );
    assert!(
        answer(
            PutRolePolicy {
                role_name: "r",
                policy_name: "p",
                policy_document: "{}"
            },
            ""
        )
        .is_ok()
    );

    let get = || GetRolePolicy {
        role_name: "s3-credentials.AmazonS3FullAccess",
        policy_name: "AWSRevokeOlderSessions",
    };
    // The wrapper sends exactly the action it wraps.
    assert_eq!(form(&WithServerDate(get())), form(&get()));
    // moto 5.2.5's answer (notes/probe_moto.out.txt).
    let body = "<GetRolePolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRolePolicyResult>\
        <RoleName>s3-credentials.AmazonS3FullAccess</RoleName><PolicyName>AWSRevokeOlderSessions</PolicyName>\
        <PolicyDocument>%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%5B%7B%22Effect%22%3A%20\
        %22Deny%22%2C%20%22Action%22%3A%20%5B%22%2A%22%5D%2C%20%22Resource%22%3A%20%5B%22%2A%22%5D%2C%20%22Condition\
        %22%3A%20%7B%22DateLessThan%22%3A%20%7B%22aws%3ATokenIssueTime%22%3A%20%222026-12-05T12%3A24%3A58.000Z%22%7D\
        %7D%7D%5D%7D</PolicyDocument></GetRolePolicyResult><ResponseMetadata><RequestId>rcFdWXDQKnvNgGYqc5eRrO970RhnOV\
        ACNtjbOLa34zUpCmrifETu</RequestId></ResponseMetadata></GetRolePolicyResponse>";
    let dated = |date: Option<&str>| {
        let headers = date.map(|d| ("date".to_string(), d.to_string()));
        WithServerDate(get())
            .parse(Response {
                status: 200,
                headers: headers.into_iter().collect(),
                body: body.as_bytes().to_vec(),
            })
            .unwrap()
    };
    let (policy, date) = dated(Some("Sat, 05 Dec 2026 12:25:00 GMT"));
    assert_eq!(date, Some(time::macros::datetime!(2026-12-05 12:25:00 UTC)));
    let document = policy.policy_document.unwrap().0;
    assert_eq!(
        document["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"],
        "2026-12-05T12:24:58.000Z"
    );
    // No Date, or one that is not an HTTP date: no server time, the answer still read.
    for date in [
        None,
        Some("yesterday"),
        Some("Sat, 05 Dec 2026 25:00:00 GMT"),
    ] {
        let (policy, at) = dated(date);
        assert_eq!(at, None, "{date:?}");
        assert!(policy.policy_document.is_some());
    }
}

#[test]
fn access_key_last_used_of_the_reference_and_of_moto() {
    assert_eq!(
        form(&GetAccessKeyLastUsed {
            access_key_id: BOB_KEY
        }),
        format!("Action=GetAccessKeyLastUsed&Version=2010-05-08&AccessKeyId={BOB_KEY}")
    );
    // The reference's example (members in its order, not botocore's).
    let used = answer(
        GetAccessKeyLastUsed {
            access_key_id: BOB_KEY,
        },
        "<AccessKeyLastUsed><Region>us-west-2</Region><LastUsedDate>2015-03-13T10:45:00Z</LastUsedDate>\
         <ServiceName>s3</ServiceName></AccessKeyLastUsed><UserName>bob</UserName>",
    )
    .unwrap();
    assert_eq!(used.user_name.as_deref(), Some("bob"));
    let last = used.access_key_last_used.unwrap();
    assert_eq!(
        last.last_used_date.map(|t| t.0).as_deref(),
        Some("2015-03-13T10:45:00Z")
    );
    assert_eq!(
        (last.service_name.as_deref(), last.region.as_deref()),
        (Some("s3"), Some("us-west-2"))
    );
    // Never used (moto's answer, as AWS documents it): no date, N/A for the rest.
    let never = answer(
        GetAccessKeyLastUsed {
            access_key_id: BOB_KEY,
        },
        "<UserName>bob</UserName><AccessKeyLastUsed><ServiceName>N/A</ServiceName>\
         <Region>N/A</Region></AccessKeyLastUsed>",
    )
    .unwrap();
    let last = never.access_key_last_used.unwrap();
    assert!(last.last_used_date.is_none());
    assert_eq!(last.service_name.as_deref(), Some("N/A"));
    // An answer without the structure reads as none.
    let empty = answer(
        GetAccessKeyLastUsed {
            access_key_id: BOB_KEY,
        },
        "",
    )
    .unwrap();
    assert!(empty.access_key_last_used.is_none());
}
