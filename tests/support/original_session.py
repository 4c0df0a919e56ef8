"""The original s3-credentials 0.17, one command line per stdin line, in one process.

Each stdin line is JSON: {"args": [...], "env": {"NAME": "value" or null}}. The env
changes hold for that command only. Each stdout line is JSON:
[exit code, stdout base64, stderr base64], the bytes exactly (CSV rows end in \r\n,
which click's text Result.stdout would turn into \n). Python and boto3 start once;
boto3's default session is dropped before every command, so each one resolves its
credentials and learns bucket regions afresh, as separate processes would. An exception
the original lets escape ends its stderr with one "Type: message" line, exit code 1.
"""
import base64
import json
import os
import sys

import boto3
from click.testing import CliRunner
from s3_credentials.cli import cli

runner = CliRunner()
for line in sys.stdin:
    request = json.loads(line)
    saved = {}
    for name, value in request.get("env", {}).items():
        saved[name] = os.environ.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    boto3.DEFAULT_SESSION = None
    r = runner.invoke(cli, request["args"], prog_name="s3-credentials")
    err = r.stderr_bytes or b""
    if r.exception and not isinstance(r.exception, SystemExit):
        err += ("%s: %s\n" % (type(r.exception).__name__, r.exception)).encode()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    out = r.stdout_bytes or b""
    print(
        json.dumps(
            [r.exit_code, base64.b64encode(out).decode(), base64.b64encode(err).decode()]
        ),
        flush=True,
    )
