"""Nothing lost under load: every event fired is accounted for, duplicates counted, not hidden."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.slow

ROW = re.compile(r"^(\w+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)$")
# MiniStack on a busy machine loses some function output (bench/s3_notification_loss.py): the event was
# delivered and the function ran, but its line never reached the log group. Such a loss is the engine's
# when trig accounts for it as "invoked but never confirmed" and it stays this small; a loss of trig's own
# (a wrong marker, a page not read) leaves far more events missing, or events never invoked.
ENGINE_LOSS_SHARE = 0.05


def load_rows(stdout: str) -> dict[str, tuple[int, int, int, int]]:
    rows = {}
    for line in stdout.splitlines()[1:]:
        if match := ROW.match(line.strip()):
            rows[match.group(1)] = tuple(int(match.group(i)) for i in (3, 4, 5, 6))
    return rows


@pytest.mark.engine
@pytest.mark.parametrize(
    ("trigger", "count", "concurrency", "timeout"),
    # S3's 200 events are confirmed within seconds when none is lost; when the engine loses one, the run
    # waits its whole --timeout for it, so S3's is the shorter (60 s still leaves a busy machine ample room).
    [("api", 500, 20, 120), ("s3", 200, 1, 60), ("kinesis", 1000, 4, 120)],
)
def test_every_event_is_confirmed(shared_stack, trigger, count, concurrency, timeout):
    result = shared_stack.run("check", trigger, "--count", str(count), "--concurrency", str(concurrency),
                              "--timeout", str(timeout), "--json", expect=None)
    [row] = json.loads(result.stdout)["results"]
    assert (row["trigger"], row["fired"], row["confirmed"] + row["missing"]) == (trigger, count, count), row
    assert row["duplicated"] >= 0
    assert result.returncode == (1 if row["missing"] else 0), result.stderr
    if row["missing"]:
        # Reported, never retried: an engine's loss is an expected failure with its figures, anything else fails.
        assert row["unconfirmed"] == row["missing"] and row["lost"] == row["overdue"] == 0, row
        assert row["missing"] <= ENGINE_LOSS_SHARE * count, row
        pytest.xfail(f"the engine lost the output of {row['missing']} of {count} {trigger} invocations "
                     f"({row['silent_invocations']} of {row['invocations']} invocations logged nothing of their own)")
