"""Events fired into wiring that is all there but delivers nowhere (the S3 notification diverted behind trig's
back): a check waits out its whole budget, then says what it saw; a load check counts every event as missing."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Trig, new_account
from tests.e2e.misdirect import filter_out_every_event
from tests.e2e.test_load import load_rows


@pytest.fixture(scope="module")
def diverted(emulator_endpoint, tmp_path_factory) -> Trig:
    """The s3 trigger applied in a fresh account, its notification then aimed at a prefix trig's keys never carry.
    An emptied notification would be missing wiring, which check refuses before firing (test_tracking)."""
    account = new_account()
    trig = Trig(tmp_path_factory.mktemp(f"diverted-{account}"), emulator_endpoint, account)
    bucket = f"diverted-{account}"
    trig.run("apply", "s3", "--set", f"bucket={bucket}")
    filter_out_every_event(trig, bucket)
    return trig


def test_confirmation_timeout_shows_what_was_seen(diverted):
    out = diverted.run("check", "s3", "--timeout", "3", expect=1).stdout
    row = re.search(r"^s3 +asynchronous +FAILED .*no 'S3 trigger Lambda' line for s3://\S+ in /aws/lambda/s3-trigger-test "
                    r"\(waited (\d+\.\d) s\)$", out, re.M)
    assert row and float(row.group(1)) >= 3, out  # the whole budget was spent before concluding "absent"
    assert "region: us-east-1" in out
    assert "function s3-trigger-test: state Active" in out
    assert "log groups: /aws/lambda/s3-trigger-test" in out


def test_missing_events_are_reported_and_fail_the_run(diverted):
    """Every object is missing, the report says so and why, and the exit code is 1."""
    result = diverted.run("check", "s3", "--count", "5", "--timeout", "3", expect=1)
    assert load_rows(result.stdout)["s3"] == (5, 0, 5, 0)
    assert "missing nonces, first ones:" in result.stdout
    # No invocation at all: nothing the engine lost output of, nothing overtaken by a later event.
    assert re.search(r"waited \d+\.\d s; 0 invocation\(s\) logged since firing", result.stdout), result.stdout
    assert ("of the missing: 0 invoked but never confirmed (the engine lost the function's output), "
            "0 never invoked though later events were (the engine lost them), 5 not invoked within the budget"
            in result.stdout), result.stdout
