"""Pure parts of checking one's own functions: what the redirect records, how check reads it, how names select."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
import traceback
from pathlib import Path

import pytest

from orchestrator.confirmation import RELEASE_EVENT
from orchestrator.errors import UsageError
from orchestrator.functions import Function, Wired, select_functions, select_wired, wired_named
from orchestrator.logwatch import LogEvent
from orchestrator.own_checks import cut_short, received
from orchestrator.redirect import trig_redirect
from orchestrator.scaffold import example_files, write_example_project
from orchestrator.triggers import REGISTRY
from tests.unit.test_load_accounting import block


def line(message: str, at: int = 1) -> LogEvent:
    return LogEvent(timestamp=at, message=message, stream="s", event_id=str(at))


@pytest.mark.parametrize("event, expected", [
    ({"Records": [{"s3": {"object": {"key": "uploads/test-n1.txt"}}}]}, ["uploads/test-n1.txt"]),
    ({"Records": [{"body": "test-n2", "messageId": "m-1"}]}, ["test-n2", "m-1"]),
    ({"Records": [{"Sns": {"Message": "test-n3", "MessageId": "s-1"}}]}, ["test-n3", "s-1"]),
    ({"Records": [{"kinesis": {"data": base64.b64encode(b"test-n4").decode(), "sequenceNumber": "49"}}]},
     ["test-n4", "49"]),
    ({"Records": [{"dynamodb": {"Keys": {"id": {"S": "n5"}}}, "eventID": "e-1"}]}, ['{"id": {"S": "n5"}}', "e-1"]),
    ({"httpMethod": "GET", "path": "/orders", "queryStringParameters": {"trig": "n6"}, "requestContext": {}},
     ["/orders", '{"trig": "n6"}']),
    ({"detail-type": "order", "id": "ev-1", "detail": {"nonce": "n7"}}, ["ev-1", '{"nonce": "n7"}']),
    ({"anything": "else"}, ['{"anything": "else"}']),
])
def test_the_redirect_records_each_source_s_identities(event, expected):
    assert trig_redirect.identities(event) == expected


def test_the_redirect_records_the_outcome_and_raises_again(monkeypatch, capsys, tmp_path):
    (tmp_path / "user_code.py").write_text("def fail(event, context):\n    raise KeyError('order 7')\n"
                                           "def ok(event, context):\n    return {'statusCode': 204}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    context = type("Context", (), {"aws_request_id": "req-1"})()
    monkeypatch.setenv("TRIG_ORIGINAL_HANDLER", "user_code.ok")
    assert trig_redirect.handler({"Records": [{"body": "b"}]}, context) == {"statusCode": 204}
    monkeypatch.setenv("TRIG_ORIGINAL_HANDLER", "user_code.fail")
    with pytest.raises(KeyError) as raised:
        trig_redirect.handler({"Records": [{"body": "b"}]}, context)
    # The traceback the engine logs from the worker's answer carries both lines too.
    notes = traceback.format_exception(raised.value)[-2:]
    assert [n.split(" ", 1)[0] for n in notes] == ["TRIG-RECEIVED", "TRIG-OUTCOME"], notes
    assert trig_redirect.handler({"trig-release": True}, context) == {"released": True}
    started = time.monotonic()
    assert trig_redirect.handler(json.loads(RELEASE_EVENT), context) == {"released": True}
    assert time.monotonic() - started >= 0.25  # held, so that a round's releases overlap
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x.split(" ", 1)[1]) for x in lines] == [
        {"request": "req-1", "ids": ["b"]}, {"request": "req-1", "ok": True},
        {"request": "req-1", "ids": ["b"]},
        {"request": "req-1", "ok": False, "error": "KeyError: 'order 7'", "frame": "user_code.py:2 in fail"}]


def test_the_redirect_calls_a_nested_handler_written_with_slashes(monkeypatch, tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "orders.py").write_text("def handle(event, context):\n    return {'stored': event['id']}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("TRIG_ORIGINAL_HANDLER", "shop/orders.handle")
    context = type("Context", (), {"aws_request_id": "req-2"})()
    assert trig_redirect.handler({"id": "7"}, context) == {"stored": "7"}


def test_check_reads_the_invocation_that_received_the_nonce_and_its_outcome():
    events = [line('TRIG-RECEIVED {"ids": ["test-other"], "request": "r1"}'),
              line('TRIG-OUTCOME {"ok": true, "request": "r1"}'),
              line('TRIG-RECEIVED {"ids": ["test-abc"], "request": "r2"}'),
              line("a line of the user's own"),
              line('TRIG-OUTCOME {"error": "ValueError: no", "frame": "app.py:3 in h", "ok": false, "request": "r2"}')]
    seen = received(events, "abc")
    assert seen.requests == ["r2"] and seen.failure["error"] == "ValueError: no" and not seen.returned
    assert received(events, "other").returned and received(events, "other").failure is None
    assert received(events, "missing").requests == []
    # A raised error's traceback repeats both lines: still one request with one outcome.
    again = received(events + events[2:3] + events[4:], "abc")
    assert again.requests == ["r2"] and len(again.outcomes) == 1


def invocation(request_id: str, at: int, *output: str, finished: bool = True) -> list[LogEvent]:
    events = block(request_id, "s", at, *output)
    return events if finished else [e for e in events if not e.message.startswith(("END", "REPORT"))]


def test_an_invocation_whose_outcome_line_the_engine_kept_is_released_for():
    # The engine stopped reading the worker 5 ms after TRIG-RECEIVED: the outcome stays with the worker.
    whole = invocation("a", 1, 'TRIG-RECEIVED {"ids": ["x"], "request": "r1"}', 'TRIG-OUTCOME {"ok": true, "request": "r1"}')
    short = invocation("b", 2, 'TRIG-RECEIVED {"ids": ["y"], "request": "r2"}')
    running = invocation("c", 3, 'TRIG-RECEIVED {"ids": ["z"], "request": "r3"}', finished=False)
    silent = invocation("d", 4)
    assert cut_short(whole + short + running + silent) == ["d", "b"]
    # Its outcome, logged later with another invocation of the same worker, settles it.
    later = invocation("e", 5, 'TRIG-OUTCOME {"ok": true, "request": "r2"}')
    assert cut_short(whole + short + later) == []


def _known() -> dict[str, Function]:
    sqs, api = REGISTRY["sqs"], REGISTRY["api"]
    orders = Function("orders", Path("src"), "app.handler", "python3.12", {}, {},
                      (Wired("orders", "http", api, {}, True), Wired("orders", "queue", sqs, {}, True)), True)
    billing = Function("billing", Path("src"), "app.handler", "python3.12", {}, {},
                       (Wired("billing", "queue", sqs, {}, True),), True)
    return {"orders": orders, "billing": billing}


def test_names_select_functions_and_triggers():
    known = _known()
    assert [f.name for f in select_functions(known, ["orders.queue"])] == ["orders"]
    assert [t.name for t in select_wired(known, ["orders"])] == ["orders.http", "orders.queue"]
    assert [t.name for t in select_wired(known, ["orders.queue", "billing"])] == ["orders.queue", "billing.queue"]
    assert [t.name for t in select_wired(known, ["all"])] == ["orders.http", "orders.queue", "billing.queue"]
    assert wired_named(known, "billing").name == "billing.queue"
    assert wired_named(known, "orders", any_of_function=True).name == "orders.http"
    with pytest.raises(UsageError, match="orders has 2 triggers: name one, such as orders.http"):
        wired_named(known, "orders")
    with pytest.raises(UsageError, match="unknown function or trigger 'orders.mail': choose from orders, billing, "
                                         "orders.http, orders.queue, billing.queue or all"):
        select_functions(known, ["orders.mail"])


def test_init_writes_the_example_once_and_never_overwrites(tmp_path):
    written = write_example_project(tmp_path / "shop", "nodejs20.x")
    assert sorted(p.relative_to(tmp_path / "shop").as_posix() for p in written) == ["src/hello/index.js", "trig.toml"]
    assert 'runtime = "nodejs20.x"' in (tmp_path / "shop" / "trig.toml").read_text()
    before = {p: p.read_text() for p in written}
    with pytest.raises(UsageError, match="trig.toml already exists: trig init never overwrites a file"):
        write_example_project(tmp_path / "shop", "python3.12")
    assert {p: p.read_text() for p in written} == before
    assert not (tmp_path / "shop" / "src" / "hello" / "app.py").exists()
    assert set(example_files("python3.12")) == {"trig.toml", "src/hello/app.py"}


def test_a_pyproject_s_tool_trig_functions_are_the_catalogue_and_a_bad_value_names_its_line(tmp_path, monkeypatch):
    from orchestrator.functions import catalogue
    from orchestrator.settings import Settings

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return {}\n")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "shop"\n\n[tool.trig.functions.orders]\nsource = "src"\nhandler = "app.handler"\n\n'
                         '[tool.trig.functions.orders.triggers.upload]\ntype = "s3"\n')
    settings = Settings(project_dir=tmp_path, home=tmp_path / ".trig", endpoint="http://127.0.0.1:9", region="us-east-1",
                        account_id="000000000000", plugin_dir=None, terraform_bin="terraform", config_file=pyproject)
    [orders] = catalogue(settings).values()
    [upload] = orders.triggers
    assert (upload.name, upload.values["bucket"], upload.values["function_name"]) == ("orders.upload", "orders-upload", "orders")
    pyproject.write_text(pyproject.read_text() + 'bucket = "Not_A_Bucket"\n')
    with pytest.raises(UsageError) as caught:
        catalogue(settings)
    assert str(caught.value).startswith(f"config file {pyproject}, line 10: functions.orders.triggers.upload.bucket: "
                                        "bucket 'Not_A_Bucket' is not 3-63 lowercase letters"), caught.value


def run_node_redirect(folder: Path, call: str, **env: str) -> list[str]:
    """What node printed running call on `r`, the Node.js redirect copied into folder (beside a user's module)."""
    shutil.copy(Path(trig_redirect.__file__).with_name("trig_redirect.js"), folder)
    return subprocess.run(["node", "-e", f'const r = require("./trig_redirect.js"); {call}'], capture_output=True,
                          text=True, check=True, cwd=folder, env={**os.environ, **env}).stdout.splitlines()


def test_the_node_redirect_holds_a_release_as_the_python_one_does(tmp_path):
    [out] = run_node_redirect(tmp_path, f"const t = Date.now(); r.handler({RELEASE_EVENT.decode()}, {{}})"
                                        ".then(v => console.log(JSON.stringify([v, Date.now() - t])))")
    answer, held_ms = json.loads(out)
    assert answer == {"released": True} and held_ms >= 245


def test_the_node_redirect_puts_its_lines_on_a_thrown_error_s_stack(tmp_path):
    (tmp_path / "bad.js").write_text('exports.fail = async () => { throw new Error("refund service unavailable"); };')
    out = run_node_redirect(tmp_path, 'r.handler({Records: [{body: "b"}]}, {awsRequestId: "req-3"})'
                                      ".catch(e => console.log(e.stack))", TRIG_ORIGINAL_HANDLER="bad.fail")
    # Printed first as lines of their own, then again at the end of the stack the engine logs.
    assert [line.split(" ", 1)[0] for line in out[:2] + out[-2:]] == ["TRIG-RECEIVED", "TRIG-OUTCOME"] * 2, out
    assert json.loads(out[-1].split(" ", 1)[1])["error"] == "Error: refund service unavailable"
