"""Nothing lost under load: every event fired is accounted for, duplicates counted, not hidden."""

from __future__ import annotations

import re

import pytest

from tests.e2e.misdirect import filter_out_every_event

pytestmark = pytest.mark.slow

ROW = re.compile(r"^(\w+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)$")


def load_rows(stdout: str) -> dict[str, tuple[int, int, int, int]]:
    rows = {}
    for line in stdout.splitlines()[1:]:
        if match := ROW.match(line.strip()):
            rows[match.group(1)] = tuple(int(match.group(i)) for i in (3, 4, 5, 6))
    return rows


@pytest.mark.parametrize(
    ("trigger", "count", "concurrency"),
    [("api", 500, 20), ("s3", 200, 1), ("kinesis", 1000, 4)],
)
def test_every_event_is_confirmed(applied_stack, trigger, count, concurrency):
    result = applied_stack.run("check", trigger, "--count", str(count), "--concurrency", str(concurrency),
                               "--timeout", "120")
    fired, confirmed, missing, duplicated = load_rows(result.stdout)[trigger]
    assert (fired, confirmed, missing) == (count, count, 0), result.stdout
    assert duplicated >= 0


def test_missing_events_are_reported_and_fail_the_run(make_trig):
    """Filter every object out of the notification: every object is missing, the report says so and the exit code is 1."""
    trig = make_trig()
    bucket = f"load-{trig.account}"
    trig.run("apply", "s3", "--set", f"bucket={bucket}")
    # The notification stays, filtered to keys trig never sends: the events can no longer reach the function.
    filter_out_every_event(trig, bucket)
    result = trig.run("check", "s3", "--count", "5", "--timeout", "3", expect=1)
    assert load_rows(result.stdout)["s3"] == (5, 0, 5, 0)
    assert "missing nonces, first ones:" in result.stdout
    # No invocation at all: nothing the engine lost output of, nothing overtaken by a later event.
    assert "0 invocation(s) logged since firing" in result.stdout, result.stdout
    assert ("of the missing: 0 invoked but never confirmed (the engine lost the function's output), "
            "0 never invoked though later events were (the engine lost them), 5 not invoked within the budget"
            in result.stdout), result.stdout
    trig.run("destroy", "s3")
