"""`trig check --semantics` with the real CLI, Terraform, provider and MiniStack: the verdicts the emulator
really earns, checked against the probe's own log lines and records read here with a separate boto3 client."""

from __future__ import annotations

import json
import re
import shutil

from tests.conftest import PROJECT_DIR, Trig
from tests.e2e.conftest import SEED_TRIGGERS

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
            assert counts["sizes"] == [len(e["ids"]) for e in lines if e["outcome"] == "ok"], (row, lines)
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


def test_semantics_of_all_types_match_the_emulator_and_its_logs(make_trig):
    trig = make_trig()
    try:
        result = trig.run("check", *SEED_TRIGGERS, "--semantics", "--json", "--keep")
        rows = rows_of(result)
        assert {key: row["verdict"] for key, row in rows.items()} == MINISTACK_VERDICTS, result.stdout
        assert rows[("api", "error is not retried")]["counts"] == {"status": 502, "invocations": 1}
        assert rows[("s3", "failure retried, then sent on")]["counts"] == {"invocations": 2, "in_destination": True}
        assert rows[("s3", "retry recovers")]["counts"] == {"invocations": 2, "in_destination": False}
        assert max(rows[("kinesis", "batch size honoured")]["counts"]["sizes"]) <= 10
        assert all(row["waited"] > 0 and row["unlogged"] >= 0 for row in rows.values()), result.stdout
        assert_counts_match_logs(trig, rows)
        took = [re.search(r"^(\w+): ran the \w+ experiments in ([\d.]+) s: ", line)
                for line in result.stderr.splitlines()]
        assert sorted(m.group(1) for m in took if m) == sorted(SEED_TRIGGERS), result.stderr
    finally:
        destroyed = trig.run("destroy", "all", "--probes", expect=None)
    assert "probe-api, probe-s3, probe-kinesis" in destroyed.stdout, destroyed.stdout
    assert trig.client("lambda").list_functions()["Functions"] == []
    assert trig.client("sqs").list_queues().get("QueueUrls", []) == []
    assert trig.client("kinesis").list_streams()["StreamNames"] == []


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
