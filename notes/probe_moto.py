"""What moto 5.2.5 does with the calls and conditions issue 25 needs.

Run from the repository root:  .venv/bin/python notes/probe_moto.py
It starts its own moto_server on 127.0.0.1 (a free port, never any other address) with
IAM enforcement on, as tests/support/moto.rs does (INITIAL_NO_AUTH_ACTION_COUNT=3 and an
`admin` user with AdministratorAccess made in those three unauthenticated actions), prints
each finding as `== TITLE` followed by the parsed response or error and, for the shapes a
replay test needs, the raw XML body; then stops the server. Findings are summarised in
notes/lifecycle.md.
"""

import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import boto3
import botocore.exceptions
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RAW = {}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto():
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="moto-probe-", suffix=".log", delete=False)
    env = dict(os.environ)
    env.update(
        INITIAL_NO_AUTH_ACTION_COUNT="3",
        MOTO_IAM_LOAD_MANAGED_POLICIES="true",
        PYTHONUNBUFFERED="1",
    )
    child = subprocess.Popen(
        [os.path.join(ROOT, ".venv/bin/moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return child, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    child.kill()
    sys.exit("moto did not start; log: " + log.name)


def client(service, url, key, secret, token=None):
    c = boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"max_attempts": 1}),
    )

    # Keep the raw body of the last response of each operation (for replay fixtures).
    def keep(http_response, model, **_):
        RAW[model.name] = http_response.content.decode("utf-8", "replace")

    c.meta.events.register("after-call", keep)
    return c


def show(title, fn, raw=None):
    print(f"== {title}")
    try:
        result = fn()
        if isinstance(result, dict):
            result.pop("ResponseMetadata", None)
        print(json.dumps(result, indent=1, default=str))
        if raw:
            print("-- raw", raw)
            print(RAW.get(raw, "(none)"))
        return result
    except botocore.exceptions.ClientError as e:
        err = e.response.get("Error", {})
        status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        print(f"ERROR {status} {err.get('Code')}: {err.get('Message')}")
        extra = {k: v for k, v in err.items() if k not in ("Code", "Message")}
        if extra:
            print("   other members:", extra)
        return None


def allowed(title, fn):
    """One line: did the call go through, or how was it refused."""
    try:
        fn()
        print(f"== {title}: ALLOWED")
    except botocore.exceptions.ClientError as e:
        err = e.response["Error"]
        print(f"== {title}: REFUSED {err.get('Code')}: {err.get('Message')}")


def main():
    child, url = start_moto()
    try:
        run(url)
    finally:
        child.kill()
        child.wait()


def run(url):
    setup = client("iam", url, "AKIDSETUP", "setup")
    setup.create_user(UserName="admin")
    setup.attach_user_policy(
        UserName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
    )
    k = setup.create_access_key(UserName="admin")["AccessKey"]
    admin = (k["AccessKeyId"], k["SecretAccessKey"])
    iam = client("iam", url, *admin)
    s3 = client("s3", url, *admin)
    sts = client("sts", url, *admin)
    now = datetime.datetime.now(datetime.timezone.utc)

    # --- GetAccessKeyLastUsed: never used, then used --------------------------------
    iam.create_user(UserName="s3.read-write.probe")
    key = iam.create_access_key(UserName="s3.read-write.probe")["AccessKey"]
    show(
        "GetAccessKeyLastUsed, key never used",
        lambda: iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"]),
        "GetAccessKeyLastUsed",
    )
    iam.put_user_policy(
        UserName="s3.read-write.probe",
        PolicyName="s3.read-write.probe",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
            }
        ),
    )
    user_s3 = client("s3", url, key["AccessKeyId"], key["SecretAccessKey"])
    allowed("ListBuckets with the user's key", user_s3.list_buckets)
    show(
        "GetAccessKeyLastUsed, key used once for S3",
        lambda: iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"]),
        "GetAccessKeyLastUsed",
    )
    show(
        "GetAccessKeyLastUsed, unknown key",
        lambda: iam.get_access_key_last_used(AccessKeyId="AKIAUNKNOWNKEY000000"),
    )
    show(
        "ListAccessKeys",
        lambda: iam.list_access_keys(UserName="s3.read-write.probe"),
        "ListAccessKeys",
    )
    iam.update_access_key(
        UserName="s3.read-write.probe", AccessKeyId=key["AccessKeyId"], Status="Inactive"
    )
    allowed("ListBuckets with an Inactive key", user_s3.list_buckets)

    # --- Role inline policies ----------------------------------------------------------
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                # moto refuses AssumeRole on a role trusting only the account root
                # (tests/create_e2e.rs does the same): the admin is trusted too.
                "Principal": {"AWS": ["arn:aws:iam::123456789012:root",
                                      "arn:aws:iam::123456789012:user/admin"]},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = "s3-credentials.AmazonS3FullAccess"
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_role_policy(
        RoleName=role, PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess"
    )
    show(
        "GetRolePolicy, missing",
        lambda: iam.get_role_policy(RoleName=role, PolicyName="AWSRevokeOlderSessions"),
    )
    show(
        "DeleteRolePolicy, missing",
        lambda: iam.delete_role_policy(RoleName=role, PolicyName="AWSRevokeOlderSessions"),
    )

    # --- Enforcement of DateLessThan aws:TokenIssueTime (revoke-sessions) --------------
    def session():
        c = sts.assume_role(RoleArn=f"arn:aws:iam::123456789012:role/{role}", RoleSessionName="probe")
        c = c["Credentials"]
        return client("s3", url, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])

    old = session()
    allowed("ListBuckets with a role session, no revoke policy", old.list_buckets)
    revoke = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["*"],
                "Resource": ["*"],
                "Condition": {
                    "DateLessThan": {
                        "aws:TokenIssueTime": now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
                    }
                },
            }
        ],
    }
    show(
        "PutRolePolicy",
        lambda: iam.put_role_policy(
            RoleName=role, PolicyName="AWSRevokeOlderSessions", PolicyDocument=json.dumps(revoke)
        ),
        "PutRolePolicy",
    )
    show(
        "GetRolePolicy",
        lambda: iam.get_role_policy(RoleName=role, PolicyName="AWSRevokeOlderSessions"),
        "GetRolePolicy",
    )
    allowed("ListBuckets with the session issued BEFORE the revoke", old.list_buckets)
    allowed("ListBuckets with a session issued AFTER the revoke", session().list_buckets)
    # A revoke dated in the past (before every session): AWS lets all sessions through.
    revoke["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"] = (
        "2000-01-01T00:00:00Z"
    )
    iam.put_role_policy(
        RoleName=role, PolicyName="AWSRevokeOlderSessions", PolicyDocument=json.dumps(revoke)
    )
    allowed("ListBuckets, revoke dated 2000 (AWS would allow)", session().list_buckets)
    show(
        "ListRolePolicies after PutRolePolicy twice with one name",
        lambda: iam.list_role_policies(RoleName=role),
    )
    show(
        "DeleteRolePolicy",
        lambda: iam.delete_role_policy(RoleName=role, PolicyName="AWSRevokeOlderSessions"),
        "DeleteRolePolicy",
    )
    allowed("ListBuckets after DeleteRolePolicy", session().list_buckets)

    # --- Enforcement of DateGreaterThan aws:CurrentTime (create --expires) -------------
    for label, when in (("in 2099 (AWS would allow)", "2099-01-01T00:00:00Z"),
                        ("in 2000 (AWS would refuse)", "2000-01-01T00:00:00Z")):
        name = "s3.read-write.exp" + when[:4]
        iam.create_user(UserName=name)
        ek = iam.create_access_key(UserName=name)["AccessKey"]
        doc = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {
                    "Sid": "S3CredentialsExpires",
                    "Effect": "Deny",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"DateGreaterThan": {"aws:CurrentTime": when}},
                },
            ],
        }
        iam.put_user_policy(UserName=name, PolicyName=name, PolicyDocument=json.dumps(doc))
        allowed(
            f"ListBuckets, user policy denies after {label}",
            client("s3", url, ek["AccessKeyId"], ek["SecretAccessKey"]).list_buckets,
        )
    # Same with the Allow alone, as a control.
    iam.create_user(UserName="s3.read-write.control")
    ck = iam.create_access_key(UserName="s3.read-write.control")["AccessKey"]
    iam.put_user_policy(
        UserName="s3.read-write.control",
        PolicyName="p",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ),
    )
    allowed(
        "ListBuckets, control user (Allow only)",
        client("s3", url, ck["AccessKeyId"], ck["SecretAccessKey"]).list_buckets,
    )
    show("GetUserPolicy raw (document encoding)",
         lambda: iam.get_user_policy(UserName="s3.read-write.control", PolicyName="p"),
         "GetUserPolicy")

    # --- Versioned bucket: versions and delete markers ---------------------------------
    s3.create_bucket(Bucket="vers")
    s3.put_bucket_versioning(Bucket="vers", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="vers", Key="a.txt", Body=b"one")
    s3.put_object(Bucket="vers", Key="a.txt", Body=b"two")
    s3.put_object(Bucket="vers", Key="b.txt", Body=b"three")
    s3.delete_object(Bucket="vers", Key="b.txt")
    show("ListObjectsV2 on the versioned bucket (b.txt deleted)",
         lambda: s3.list_objects_v2(Bucket="vers"))
    show(
        "ListObjectVersions",
        lambda: s3.list_object_versions(Bucket="vers"),
        "ListObjectVersions",
    )
    show("ListObjectVersions MaxKeys=2 (paging)",
         lambda: s3.list_object_versions(Bucket="vers", MaxKeys=2), "ListObjectVersions")
    show("DeleteBucket, versioned bucket with versions", lambda: s3.delete_bucket(Bucket="vers"))
    versions = s3.list_object_versions(Bucket="vers")
    objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
               for v in versions.get("Versions", []) + versions.get("DeleteMarkers", [])]
    show(
        "DeleteObjects with VersionId (every version and marker)",
        lambda: s3.delete_objects(Bucket="vers", Delete={"Objects": objects}),
        "DeleteObjects",
    )
    show("DeleteObjects with VersionId, Quiet",
         lambda: s3.delete_objects(Bucket="vers", Delete={"Objects": objects, "Quiet": True}),
         "DeleteObjects")
    show("DeleteBucket, versioned bucket now empty", lambda: s3.delete_bucket(Bucket="vers"))

    # Only delete markers left.
    s3.create_bucket(Bucket="markers")
    s3.put_bucket_versioning(Bucket="markers", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="markers", Key="k", Body=b"x")
    s3.delete_object(Bucket="markers", Key="k")
    v = s3.list_object_versions(Bucket="markers")["Versions"][0]["VersionId"]
    s3.delete_object(Bucket="markers", Key="k", VersionId=v)
    show("ListObjectVersions, only a delete marker left",
         lambda: s3.list_object_versions(Bucket="markers"))
    show("DeleteBucket, only a delete marker left", lambda: s3.delete_bucket(Bucket="markers"))

    # --- Multipart uploads ------------------------------------------------------------
    s3.create_bucket(Bucket="mpu")
    up = s3.create_multipart_upload(Bucket="mpu", Key="big.bin")["UploadId"]
    s3.create_multipart_upload(Bucket="mpu", Key="big.bin")
    show("ListMultipartUploads", lambda: s3.list_multipart_uploads(Bucket="mpu"),
         "ListMultipartUploads")
    show("DeleteBucket, only open multipart uploads",
         lambda: s3.delete_bucket(Bucket="mpu"))
    s3.create_bucket(Bucket="mpu")  # in case it was deleted above
    up = s3.create_multipart_upload(Bucket="mpu", Key="big.bin")["UploadId"]
    show("AbortMultipartUpload", lambda: s3.abort_multipart_upload(
        Bucket="mpu", Key="big.bin", UploadId=up), "AbortMultipartUpload")
    show("AbortMultipartUpload, again (already aborted)", lambda: s3.abort_multipart_upload(
        Bucket="mpu", Key="big.bin", UploadId=up))
    show("ListMultipartUploads after abort", lambda: s3.list_multipart_uploads(Bucket="mpu"))

    # --- DeleteBucket on a plain non-empty bucket and a missing one --------------------
    s3.create_bucket(Bucket="full")
    s3.put_object(Bucket="full", Key="x", Body=b"x")
    show("DeleteBucket, not empty", lambda: s3.delete_bucket(Bucket="full"))
    print("-- raw DeleteBucket error body")
    try:
        s3.delete_bucket(Bucket="full")
    except botocore.exceptions.ClientError:
        pass
    print(RAW.get("DeleteBucket", "(none)"))
    show("DeleteBucket, missing bucket", lambda: s3.delete_bucket(Bucket="no-such-bucket-x"))
    s3.delete_object(Bucket="full", Key="x")
    show("DeleteBucket, emptied", lambda: s3.delete_bucket(Bucket="full"))
    show("ListObjectVersions on an unversioned bucket", lambda: (
        s3.create_bucket(Bucket="plain"),
        s3.put_object(Bucket="plain", Key="p", Body=b"p"),
        s3.list_object_versions(Bucket="plain"),
    )[2], "ListObjectVersions")


if __name__ == "__main__":
    main()
