"""A project of the user's own functions, in a folder outside the repository: real Terraform, provider, MiniStack.

Three functions: `orders` (Python, logs nothing) behind an API and a queue; `greeter` (Node.js) behind an API and
a queue; `broken` (Python) raising on every object put in its bucket and every request to its API. The checks
prove each event reached its function by the event's identity, which the redirect records, and report the
failure with its message.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.conftest import tree_snapshot

pytestmark = pytest.mark.e2e

ORDERS = '''\
import json


def handler(event, context):
    query = event.get("queryStringParameters") or {}
    return {"statusCode": 200, "body": json.dumps({"order": query.get("trig")})}
'''

GREETER = '''\
exports.handler = async (event) => {
  if (event.queryStringParameters) {
    return { statusCode: 200, body: `hello ${event.queryStringParameters.trig}` };
  }
  for (const record of event.Records || []) console.log(`greeted ${JSON.parse(record.body).greet}`);
  return {};
};
'''

BROKEN = '''\
def handle(event, context):
    raise ValueError("no such order")
'''


def write_project(folder: Path, account: str) -> Path:
    for name, file, text in (("orders", "app.py", ORDERS), ("greeter", "index.js", GREETER), ("broken", "main.py", BROKEN)):
        (folder / "src" / name).mkdir(parents=True)
        (folder / "src" / name / file).write_text(text)
    (folder / "events").mkdir()
    (folder / "events" / "greeting.json").write_text('{"greet": "{nonce}"}')
    project = folder / "trig.toml"
    project.write_text(textwrap.dedent(f'''\
        [functions.orders]
        source = "src/orders"
        handler = "app.handler"

        [functions.orders.triggers.http]
        type = "api"
        path = "orders"

        [functions.orders.triggers.queue]
        type = "sqs"
        batch_size = 5

        [functions.greeter]
        source = "src/greeter"
        handler = "index.handler"
        runtime = "nodejs20.x"

        [functions.greeter.triggers.http]
        type = "api"
        path = "greet"

        [functions.greeter.triggers.queue]
        type = "sqs"
        expect_log = "greeted {{nonce}}"
        event = "events/greeting.json"

        [functions.broken]
        source = "src/broken"
        handler = "main.handle"

        [functions.broken.triggers.upload]
        type = "s3"
        bucket = "broken-uploads-{account}"

        [functions.broken.triggers.http]
        type = "api"
        path = "broken"
        '''))
    return project


def test_own_functions_are_applied_checked_by_event_identity_and_destroyed(make_trig, tmp_path):
    trig = make_trig()
    project = write_project(tmp_path / "shop", trig.account)
    env = {"TRIG_CONFIG": str(project)}
    source_before = tree_snapshot(tmp_path / "shop" / "src")

    applied = trig.run("apply", "all", **env)
    assert "orders: " in applied.stdout and "greeter: " in applied.stdout and "broken: " in applied.stdout, applied.stdout
    lam = trig.client("lambda")
    assert sorted(f["FunctionName"] for f in lam.list_functions()["Functions"]) == ["broken", "greeter", "orders"]
    assert lam.get_function_configuration(FunctionName="greeter")["Runtime"] == "nodejs20.x"
    queues = sorted(trig.client("sqs").list_queues().get("QueueUrls", []))
    assert [url.rsplit("/", 1)[1] for url in queues] == ["greeter-queue", "greeter-queue-dlq", "orders-queue",
                                                         "orders-queue-dlq"]

    checked = trig.run("check", "all", "--json", "--timeout", "60", expect=1, **env)
    results = {r["trigger"]: r for r in json.loads(checked.stdout)["results"]}
    assert set(results) == {"orders.http", "orders.queue", "greeter.http", "greeter.queue", "broken.upload", "broken.http"}
    for name in ("orders.http", "orders.queue", "greeter.http", "greeter.queue"):
        assert results[name]["ok"], json.dumps(results[name])  # a string: pytest shows the whole row
        assert "received by" in results[name]["detail"] and "which returned" in results[name]["detail"], results[name]
    assert results["orders.http"]["detail"].startswith('HTTP 200: {"order": '), results["orders.http"]
    assert results["greeter.http"]["detail"].startswith("HTTP 200: hello "), results["greeter.http"]
    # The body came from events/greeting.json with the nonce put in, and the function logged what it read.
    nonce = results["greeter.queue"]["detail"].split()[1]
    assert f"logged 'greeted {nonce}'" in results["greeter.queue"]["detail"], results["greeter.queue"]
    for name in ("broken.upload", "broken.http"):
        broken = results[name]
        assert (broken["ok"], broken["outcome"]) == (False, "function_failed"), broken
        assert "which failed: ValueError: no such order at main.py:2 in handle" in broken["detail"], broken
    assert results["broken.http"]["detail"].startswith("HTTP 502"), results["broken.http"]
    assert {results[name]["outcome"] for name in ("orders.http", "orders.queue")} == {"confirmed"}

    one = trig.run("check", "orders.queue", **env)
    assert "orders.queue" in one.stdout and "orders.http" not in one.stdout, one.stdout
    again = trig.run("apply", "orders", **env)
    assert "inputs unchanged and resources present, Terraform skipped" in again.stderr, again.stderr

    trig.run("destroy", "all", **env)
    assert lam.list_functions()["Functions"] == []
    assert tree_snapshot(tmp_path / "shop" / "src") == source_before  # the redirect went into the zip only


GOOD_FUNCTION = 'source = "src"\nhandler = "app.handler"'


@pytest.mark.parametrize("function, body, key, says", [
    (GOOD_FUNCTION, 'type = "kafka"', "functions.orders.triggers.http.type", "unknown trigger type 'kafka'"),
    (GOOD_FUNCTION, 'type = "sqs"\nqueue_nam = "q"', "functions.orders.triggers.http.queue_nam",
     "unknown setting of a sqs trigger 'queue_nam' (did you mean queue?)"),
    ('source = "gone"\nhandler = "app.handler"', 'type = "api"', "functions.orders.source", "does not exist"),
    ('source = "src"\nhandler = "app.handle"', 'type = "api"', "functions.orders.handler",
     "defines no function 'handle' at its top level"),
    ('source = "src"\nhandler = "index.handler"\nruntime = "nodejs20.x"', 'type = "api"', "functions.orders.handler",
     "exports no 'handler'"),
    ('source = "src"\nhandler = "app.handler"\nruntime = "java17"', 'type = "api"', "functions.orders.runtime",
     "'java17' is not a runtime the engine runs here"),
    (GOOD_FUNCTION, 'type = "sqs"\nqueue = "shared"\n\n[functions.orders.triggers.other]\ntype = "sqs"\nqueue = "shared"',
     "functions.orders.triggers.other.queue", "sqs 'shared' is also the source of orders.http"),
])
def test_a_mistake_in_the_project_file_is_one_line_and_nothing_is_applied(make_trig, tmp_path, function, body, key,
                                                                           says):
    trig = make_trig()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return {}\n")
    (tmp_path / "src" / "index.js").write_text("exports.handle = async () => ({});\n")
    project = tmp_path / "trig.toml"
    project.write_text(f'[functions.orders]\n{function}\n\n[functions.orders.triggers.http]\n{body}\n')
    refused = trig.run("apply", "all", expect=2, TRIG_CONFIG=str(project))
    assert refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith(f"trig: error: config file {project}, line ") and f"{key}: " in line and says in line, line
    assert trig.client("lambda").list_functions()["Functions"] == []
    assert not (trig.home / "terraform").exists()
