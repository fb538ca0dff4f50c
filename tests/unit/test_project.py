"""The project file: functions and their triggers read, every mistake one line naming file, line and key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from orchestrator.errors import UsageError
from orchestrator.project import read_project

SETTINGS = {"api": frozenset({"path", "stage", "api_name"}), "sqs": frozenset({"queue", "batch_size"})}

GOOD = '''
[functions.orders]
source = "src/orders"
handler = "app.handler"
timeout = 5
environment = { TABLE = "orders" }

[functions.orders.triggers.http]
type = "api"
path = "orders"

[functions.orders.triggers.queue]
type = "sqs"
queue = "orders-queue"
batch_size = 5

[functions.notify]
source = "src/notify"
handler = "index.handler"
runtime = "nodejs20.x"

[functions.notify.triggers.queue]
type = "sqs"
'''


def project(tmp_path: Path, text: str = GOOD):
    (tmp_path / "src" / "orders").mkdir(parents=True, exist_ok=True)
    (tmp_path / "src" / "orders" / "app.py").write_text("import json\n\ndef handler(event, context):\n    return 1\n")
    (tmp_path / "src" / "notify").mkdir(parents=True, exist_ok=True)
    (tmp_path / "src" / "notify" / "index.mjs").write_text("export const handler = async (event) => 1;\n")
    path = tmp_path / "trig.toml"
    path.write_text(text)
    return read_project(path, tomllib.loads(text), SETTINGS, {"sqs": "queue"})


def refused(tmp_path: Path, text: str) -> str:
    with pytest.raises(UsageError) as caught:
        project(tmp_path, text)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_functions_and_their_triggers_are_read_with_defaults(tmp_path):
    read = project(tmp_path)
    orders, notify = read.functions
    assert (orders.name, orders.handler, orders.runtime, orders.timeout, orders.memory_size) == (
        "orders", "app.handler", "python3.12", 5, 128)
    assert orders.environment == {"TABLE": "orders"}
    assert [(t.qualified, t.type, t.settings) for t in orders.triggers] == [
        ("orders.http", "api", {"path": "orders"}), ("orders.queue", "sqs", {"queue": "orders-queue", "batch_size": 5})]
    assert notify.runtime.startswith("nodejs") and [t.qualified for t in notify.triggers] == ["notify.queue"]


def test_an_unknown_trigger_type_names_the_line_the_key_and_a_close_match(tmp_path):
    message = refused(tmp_path, GOOD.replace('type = "sqs"\nqueue', 'type = "sqss"\nqueue'))
    assert message.startswith(f"config file {tmp_path / 'trig.toml'}, line 13: functions.orders.triggers.queue.type: "
                              "unknown trigger type 'sqss' (did you mean sqs?)"), message


def test_an_unknown_setting_for_the_type_is_refused(tmp_path):
    message = refused(tmp_path, GOOD.replace("batch_size = 5", "batchsize = 5"))
    assert "functions.orders.triggers.queue.batchsize: unknown setting of a sqs trigger 'batchsize' (did you mean " \
           "batch_size?)" in message and ", line 15:" in message


@pytest.mark.parametrize(("change", "expected"), [
    (('source = "src/orders"', 'source = "src/missing"'), "functions.orders.source: "),
    (('handler = "app.handler"', 'handler = "app.main"'), "defines no function 'main' at its top level"),
    (('handler = "app.handler"', 'handler = "nowhere.handler"'), "nowhere.py does not exist"),
    (('handler = "index.handler"', 'handler = "index.main"'), "index.mjs exports no 'main'"),
    (('runtime = "nodejs20.x"', 'runtime = "go1.x"'), "'go1.x' is not a runtime the engine runs here"),
    (("timeout = 5", "timeout = 0"), "functions.orders.timeout: must be a whole number above 0."),
    (('[functions.notify]\nsource', '[functions.notify]\nname = "orders"\nsource'), "is also the name of function orders"),
    (("[functions.notify.triggers.queue]\ntype = \"sqs\"\n", ""), "functions.notify.triggers: give the function at least one trigger"),
    (("path = \"orders\"", "path = \"orders\"\nexpect_status = 99"), "only an api trigger takes it"),
])
def test_each_mistake_is_one_line(tmp_path, change, expected):
    assert expected in refused(tmp_path, GOOD.replace(*change))


def test_two_triggers_sharing_a_source_are_refused_and_defaults_never_collide(tmp_path):
    assert [t.settings.get("queue") for f in project(tmp_path).functions for t in f.triggers if t.type == "sqs"] == [
        "orders-queue", None]
    message = refused(tmp_path, GOOD.replace('[functions.notify.triggers.queue]\ntype = "sqs"',
                                             '[functions.notify.triggers.queue]\ntype = "sqs"\nqueue = "orders-queue"'))
    assert "functions.notify.triggers.queue.queue: sqs 'orders-queue' is also the source of orders.queue" in message
