"""Run the original s3-credentials 0.17 for the compatibility suite (tests/compat/).

A long-lived worker: the Rust side writes one scenario per line on stdin, as JSON

    {"dir": "/abs/dir", "env": {"NAME": "value", ...},
     "steps": [{"args": [...], "stdin": "hex" | null, "save_stdout": "file" | null,
                "tree": "subdir" | null, "env": {"NAME": "value"} | null}, ...]}

and reads back one line per scenario: a JSON list with one result per step,

    {"code": int, "stdout": "hex", "stderr": "text", "tree": {"path": "hex", ...} | null}

Each step runs the original's click command in this process (Python and boto3 start once,
not once per step), in `dir`, with exactly `env` as the environment. When the original
lets an exception escape, the real CLI prints Python's traceback and exits 1; click's
test runner catches it instead, so the same traceback text is appended to stderr here.
"""
import json
import os
import sys
import traceback

import boto3
from click.testing import CliRunner
from s3_credentials.cli import cli


def snapshot(root):
    """Every file under root: relative path -> content (hex)."""
    files = {}
    if not os.path.isdir(root):
        return files
    for base, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, root)] = f.read().hex()
    return files


def run_step(runner, step):
    stdin = bytes.fromhex(step["stdin"]) if step.get("stdin") is not None else None
    result = runner.invoke(
        cli,
        step["args"],
        input=stdin,
        env=step.get("env") or None,
        catch_exceptions=True,
        prog_name="s3-credentials",
    )
    # Not result.stderr: it turns "\r\n" into "\n".
    stderr = result.stderr_bytes.decode("utf-8", "replace")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    if step.get("save_stdout"):
        with open(step["save_stdout"], "wb") as f:
            f.write(result.stdout_bytes)
    tree = snapshot(step["tree"]) if step.get("tree") else None
    return {
        "code": result.exit_code,
        "stdout": result.stdout_bytes.hex(),
        "stderr": stderr,
        "tree": tree,
    }


def main():
    # The protocol gets its own copy of stdout; anything else that writes to fd 1
    # outside click's capture goes to stderr instead of corrupting the protocol.
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    runner = CliRunner()
    for line in sys.stdin:
        scenario = json.loads(line)
        os.environ.clear()
        os.environ.update(scenario["env"])
        # boto3's default session caches credentials from the environment.
        boto3.DEFAULT_SESSION = None
        os.chdir(scenario["dir"])
        results = [run_step(runner, step) for step in scenario["steps"]]
        protocol.write(json.dumps(results) + "\n")
        protocol.flush()


main()
