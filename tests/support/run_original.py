"""Run the original s3-credentials 0.17 CLI many times in one Python process.

Reads a JSON list of argument lists on stdin, prints a JSON list of
{"code", "stdout", "stderr"} (stdout/stderr as text). Starting Python once instead
of once per case keeps side-by-side comparisons fast. Only for commands that need
no network (policy, create --dry-run, usage errors).
"""
import json
import sys

from click.testing import CliRunner
from s3_credentials.cli import cli

cases = json.load(sys.stdin)
runner = CliRunner()
results = []
for args in cases:
    r = runner.invoke(cli, args, catch_exceptions=False, prog_name="s3-credentials")
    # The *_bytes forms: Result.stdout turns "\r\n" into "\n", which would hide CSV line ends.
    results.append(
        {
            "code": r.exit_code,
            "stdout": r.stdout_bytes.decode("utf-8", "replace"),
            "stderr": r.stderr_bytes.decode("utf-8", "replace"),
        }
    )
json.dump(results, sys.stdout)
