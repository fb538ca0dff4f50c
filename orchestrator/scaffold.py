"""`trig init`: a project file and one example function with the walk-through's three triggers (API, S3,
Kinesis), in Python or JavaScript, so that `trig run all` works at once. Never overwrites a file."""

from __future__ import annotations

from pathlib import Path

from orchestrator.errors import UsageError

RUNTIMES = ("python3.12", "nodejs20.x")

PROJECT = '''\
# trig's project file: your functions and, under each, its triggers (see trig's README, "Your own functions").
# `trig run all` applies them on the emulator and proves each trigger invokes its function.

[functions.hello]
source = "src/hello"
handler = "{handler}"
runtime = "{runtime}"
timeout = 10
environment = {{ GREETING = "hello" }}

# GET /hello?name=lambda answers "hello lambda" (synchronous).
[functions.hello.triggers.http]
type = "api"
path = "hello"

# An object put in the bucket invokes the function (asynchronous); the bucket is named hello-upload.
[functions.hello.triggers.upload]
type = "s3"

# A record put on the stream invokes the function (stream); the stream is named hello-stream.
[functions.hello.triggers.stream]
type = "kinesis"
'''

PYTHON = '''\
"""The example function: answers the API, and logs what S3 and Kinesis bring."""

import base64
import os


def handler(event, context):
    if "requestContext" in event or "httpMethod" in event:
        name = (event.get("queryStringParameters") or {}).get("name", "world")
        return {"statusCode": 200, "body": f"{os.environ.get('GREETING', 'hello')} {name}"}
    for record in event.get("Records", []):
        if "s3" in record:
            print(f"S3 trigger Lambda: {record['s3']['object']['key']}")
        elif "kinesis" in record:
            print(f"Data = {base64.b64decode(record['kinesis']['data']).decode()}")
    return {"records": len(event.get("Records", []))}
'''

JAVASCRIPT = '''\
// The example function: answers the API, and logs what S3 and Kinesis bring.
exports.handler = async (event) => {
  if (event.requestContext || event.httpMethod) {
    const name = (event.queryStringParameters || {}).name || "world";
    return { statusCode: 200, body: `${process.env.GREETING || "hello"} ${name}` };
  }
  for (const record of event.Records || []) {
    if (record.s3) console.log(`S3 trigger Lambda: ${record.s3.object.key}`);
    else if (record.kinesis) console.log(`Data = ${Buffer.from(record.kinesis.data, "base64").toString()}`);
  }
  return { records: (event.Records || []).length };
};
'''


def example_files(runtime: str) -> dict[str, str]:
    """The files `trig init` writes, by path relative to the project folder."""
    if runtime not in RUNTIMES:
        raise UsageError(f"--runtime {runtime!r}: trig init writes the example for {' or '.join(RUNTIMES)}; "
                         "pass one of them.")
    python = runtime.startswith("python")
    code = ("src/hello/app.py", PYTHON) if python else ("src/hello/index.js", JAVASCRIPT)
    return {"trig.toml": PROJECT.format(handler="app.handler" if python else "index.handler", runtime=runtime),
            code[0]: code[1]}


def write_example_project(folder: Path, runtime: str) -> list[Path]:
    """Write the example project into folder; refused, with nothing written, if any of its files exists."""
    files = {folder / name: text for name, text in example_files(runtime).items()}
    existing = [path for path in files if path.exists()]
    if existing:
        raise UsageError(f"{existing[0]} already exists: trig init never overwrites a file; run it in another folder.")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file: give trig init a folder.")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
