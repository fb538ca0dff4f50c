"""`trig check --semantics` with the real CLI, Terraform, provider and MiniStack: the verdicts the emulator
really earns, checked against the probe's own log lines and records read here with a separate boto3 client.
Every type is proven in one run (the types' probe stacks and experiments run in parallel)."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from tests.conftest import PROJECT_DIR, Trig, new_account
from tests.e2e.conftest import ALL_TRIGGERS, SEED_TRIGGERS

# What MiniStack 1.5 models, as found by these experiments (see the README).
MINISTACK_VERDICTS = {
    ("api", "response carries the answer"): "pass",
    ("api", "error is not retried"): "pass",
    ("s3", "event is queued"): "pass",
    ("s3", "failure retried, then sent on"): "pass",
    ("s3", "retry recovers"): "pass",
    ("kinesis", "batch size honoured"): "pass",
    ("kinesis", "each record once, in order"): "pass",
    ("kinesis", "failing batch retried, order kept"): "pass",
    ("kinesis", "retry limit and destination"): "not modelled",
}


def probe_lines(trig: Trig, trigger: str, nonce: str) -> list[dict]:
    """The probe's invocations for one nonce, in start order: its PROBE lines read straight from CloudWatch
    Logs, and the records it keeps in its state bucket (MiniStack under load loses some log lines)."""
    logs = trig.client("logs")
    kwargs = {"logGroupName": f"/aws/lambda/trig-probe-{trigger}", "startTime": 0}
    found = {}
    while True:
        page = logs.filter_log_events(**kwargs)
        for event in page["events"]:
            if event["message"].startswith("PROBE "):
                entry = json.loads(event["message"][len("PROBE "):])
                if nonce in entry["nonces"]:
                    found[entry["request_id"]] = entry
        if not page.get("nextToken") or page["nextToken"] == kwargs.get("nextToken"):
            break
        kwargs["nextToken"] = page["nextToken"]
    s3, bucket = trig.client("s3"), f"trig-probe-{trig.account}-{trigger}-state"
    for item in s3.list_objects_v2(Bucket=bucket, Prefix=f"invocations/{nonce}/").get("Contents", []):
        entry = json.loads(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
        found.setdefault(entry["request_id"], entry)
    return sorted(found.values(), key=lambda e: e["started_ms"])


def rows_of(result) -> dict[tuple[str, str], dict]:
    assert result.stdout.strip(), f"no JSON on stdout; stderr:\n{result.stderr}"
    return {(row["trigger"], row["property"]): row for row in json.loads(result.stdout)["rows"]}


def assert_counts_match_logs(trig: Trig, rows: dict[tuple[str, str], dict]) -> None:
    for (trigger, prop), row in rows.items():
        lines = probe_lines(trig, trigger, row["nonce"])
        counts = row["counts"]
        assert lines, f"no probe line for {trigger} {prop!r} (nonce {row['nonce']})"
        if prop == "batch size honoured":
            assert sorted(counts["sizes"]) == sorted(len(e["ids"]) for e in lines if e["outcome"] == "ok"), (row, lines)
        elif prop == "each record once, in order":
            seen = [i for e in lines if e["outcome"] == "ok" for i in e["ids"]]
            assert counts["records"] == len(set(seen)) == 25 and counts["duplicates"] == len(seen) - len(set(seen))
        elif prop == "failing batch retried, order kept":
            assert counts["invocations"] == len([e for e in lines if "head" in e["ids"]]), (row, lines)
        elif prop == "retry limit and destination":
            # The engine keeps retrying after the row was judged, so the logs can only have grown since.
            assert len(lines) >= counts["invocations"] > 3, (row, lines)
        elif prop == "event is queued":
            assert counts["finished_ms"] == lines[0]["finished_ms"], (row, lines)
            assert counts["put_ms"] < counts["finished_after_ms"]
        else:
            assert counts["invocations"] == len(lines), (row, lines)


@pytest.fixture(scope="module")
def semantics(emulator_endpoint, tmp_path_factory):
    """`trig check all --semantics --json --keep` once, in a fresh account: every type's probe stack is applied
    and its experiments run in parallel; the tests below read the rows, the probes' logs and their records.
    The probe stacks are destroyed at the end, and nothing may be left."""
    account = new_account()
    trig = Trig(tmp_path_factory.mktemp(f"semantics-{account}"), emulator_endpoint, account)
    try:
        result = trig.run("check", "all", "--semantics", "--json", "--keep")
        yield trig, result, rows_of(result)
    finally:
        destroyed = trig.run("destroy", "all", "--probes", expect=None)
    assert "probe-api, probe-s3, probe-kinesis, probe-sns, probe-schedule, probe-dynamodb, probe-sqs" in destroyed.stdout, (
        destroyed.stdout + destroyed.stderr)
    assert trig.client("lambda").list_functions()["Functions"] == []
    assert trig.client("sqs").list_queues().get("QueueUrls", []) == []
    assert trig.client("kinesis").list_streams()["StreamNames"] == []
    assert trig.client("sns").list_topics()["Topics"] == []
    assert trig.client("events").list_rules()["Rules"] == []
    assert trig.client("dynamodb").list_tables()["TableNames"] == []


def verdicts_of(rows: dict[tuple[str, str], dict], trigger: str) -> dict[str, str]:
    return {prop: row["verdict"] for (name, prop), row in rows.items() if name == trigger}


def test_every_type_ran_its_experiments_and_every_row_says_how_long_it_waited(semantics):
    _, result, rows = semantics
    assert {name for name, _ in rows} == set(ALL_TRIGGERS), result.stdout
    assert all(row["waited"] > 0 and row["unlogged"] >= 0 for row in rows.values()), result.stdout
    took = [re.search(r"^(\w+): ran the \w+ experiments in ([\d.]+) s: ", line) for line in result.stderr.splitlines()]
    took = {m.group(1): float(m.group(2)) for m in took if m}
    assert sorted(took) == sorted(ALL_TRIGGERS), result.stderr
    # A row cannot have waited longer than its type's experiments ran. (How long they run depends on the
    # machine's load: bench/busy_verdicts.py measures it; a bound here would fail for the machine, not for trig.)
    assert all(row["waited"] <= took[name] + 0.5 for (name, _), row in rows.items()), (took, result.stdout)


def test_seed_semantics_match_the_emulator_and_its_logs(semantics):
    trig, result, rows = semantics
    seeds = {key: row for key, row in rows.items() if key[0] in SEED_TRIGGERS}
    assert {key: row["verdict"] for key, row in seeds.items()} == MINISTACK_VERDICTS, result.stdout
    assert rows[("api", "error is not retried")]["counts"] == {"status": 502, "invocations": 1}
    assert rows[("s3", "failure retried, then sent on")]["counts"] == {"invocations": 2, "in_destination": True}
    assert rows[("s3", "retry recovers")]["counts"] == {"invocations": 2, "in_destination": False}
    assert max(rows[("kinesis", "batch size honoured")]["counts"]["sizes"]) <= 10
    assert_counts_match_logs(trig, seeds)


@pytest.mark.parametrize("trigger", ["sns", "schedule"])
def test_sns_and_schedule_queue_the_event_but_neither_retry_nor_send_on(semantics, trigger):
    """MiniStack hands the event to the function once, in the background: queued, no retry, no destination."""
    trig, result, rows = semantics
    assert verdicts_of(rows, trigger) == {
        "event is queued": "pass",
        "failure retried, then sent on": "not modelled",
        "retry recovers": "not modelled",
    }, result.stdout
    queued = rows[(trigger, "event is queued")]["counts"]
    # The call returned before the function (which sleeps 2 s) finished. How long the call itself takes
    # depends on the machine's load, so it is compared with the function's end, not with a fixed bound.
    assert queued["put_ms"] < queued["finished_after_ms"], queued
    assert queued["finished_after_ms"] >= 2000, queued
    for prop in ("failure retried, then sent on", "retry recovers"):
        row = rows[(trigger, prop)]
        assert row["counts"] == {"invocations": 1, "in_destination": False}, row
        assert len(probe_lines(trig, trigger, row["nonce"])) == 1
    # The settings were taken: the function's invoke config reads back one retry (and, for SNS, the queue).
    config = trig.client("lambda").get_function_event_invoke_config(FunctionName=f"trig-probe-{trigger}")
    assert config["MaximumRetryAttempts"] == 1
    if trigger == "sns":
        assert config["DestinationConfig"]["OnFailure"]["Destination"].endswith(":trig-probe-sns-failures")


def test_dynamodb_batches_and_retries_but_ignores_the_retry_limit(semantics):
    """MiniStack batches and retries a failing batch, but ignores the retry limit: the batch is retried for ever."""
    trig, result, rows = semantics
    assert verdicts_of(rows, "dynamodb") == {
        "batch size honoured": "pass",
        "failing batch retried": "pass",
        "retry limit and destination": "not modelled",
    }, result.stdout
    batch = rows[("dynamodb", "batch size honoured")]
    lines = probe_lines(trig, "dynamodb", batch["nonce"])
    # The same batches; their order is the logs' (a busy engine logs concurrent batches out of start order).
    assert sorted(batch["counts"]["sizes"]) == sorted(len(e["ids"]) for e in lines if e["outcome"] == "ok")
    assert max(batch["counts"]["sizes"]) <= 10 and sum(batch["counts"]["sizes"]) == 25
    retried = rows[("dynamodb", "failing batch retried")]
    assert retried["counts"]["invocations"] == len(probe_lines(trig, "dynamodb", retried["nonce"])) == 3
    stuck = rows[("dynamodb", "retry limit and destination")]
    assert len(probe_lines(trig, "dynamodb", stuck["nonce"])) >= stuck["counts"]["invocations"] > 3


def test_sqs_batches_returns_a_failed_batch_and_redrives(semantics):
    """MiniStack batches, returns a failed batch after the visibility timeout and honours the redrive policy."""
    trig, result, rows = semantics
    assert verdicts_of(rows, "sqs") == {
        "batch size honoured": "pass",
        "failing batch retried": "pass",
        "redrive to the dead-letter queue": "pass",
    }, result.stdout
    batch = rows[("sqs", "batch size honoured")]
    lines = probe_lines(trig, "sqs", batch["nonce"])
    # The same batches; their order is the logs' (a busy engine logs concurrent batches out of start order).
    assert sorted(batch["counts"]["sizes"]) == sorted(len(e["ids"]) for e in lines if e["outcome"] == "ok")
    # Every message arrived; one may arrive twice (SQS delivers at least once: on a busy machine a batch can
    # outlive the probe queue's 5 s visibility timeout, and its messages are received again).
    delivered = [i for e in lines if e["outcome"] == "ok" for i in e["ids"]]
    assert max(batch["counts"]["sizes"]) <= 5 and sum(batch["counts"]["sizes"]) == len(delivered)
    assert len(set(delivered)) == 12, delivered
    retried = rows[("sqs", "failing batch retried")]
    assert retried["counts"]["invocations"] == len(probe_lines(trig, "sqs", retried["nonce"])) == 2
    dead = rows[("sqs", "redrive to the dead-letter queue")]
    assert dead["counts"] == {"invocations": 2, "in_dead_letter_queue": True}
    assert len(probe_lines(trig, "sqs", dead["nonce"])) == 2


def test_dropping_the_retry_limit_from_the_module_fails_its_row(make_trig, tmp_path):
    """A module that forgets maximum_retry_attempts leaves Lambda's default (2 retries): 3 invocations, not 2."""
    project = tmp_path / "project"
    for folder in ("terraform", "functions"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    module = project / "terraform" / "modules" / "s3_trigger" / "main.tf"
    text = module.read_text()
    assert "maximum_retry_attempts = var.maximum_retry_attempts" in text
    module.write_text(text.replace("maximum_retry_attempts = var.maximum_retry_attempts", ""))

    trig = make_trig()
    result = trig.run("check", "s3", "--semantics", "--json", expect=1, TRIG_PROJECT=str(project))
    rows = rows_of(result)
    broken = rows[("s3", "failure retried, then sent on")]
    assert broken["verdict"] == "fail", result.stdout
    assert broken["counts"] == {"invocations": 3, "in_destination": True}, result.stdout
    assert rows[("s3", "retry recovers")]["verdict"] == "pass"
    # Without --keep, the probe stack is gone.
    assert trig.client("lambda").list_functions()["Functions"] == []
