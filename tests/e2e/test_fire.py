"""`trig fire TYPE` for every trigger type on one applied stack: exit 0, and the invocation printed carries the event."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import _ACCOUNTS, Trig
from orchestrator.triggers import REGISTRY


@pytest.fixture(scope="module")
def every_trigger(emulator_endpoint, tmp_path_factory):
    """Every trigger type applied once, in a fresh account of its own; destroyed at the end."""
    account = str(next(_ACCOUNTS))
    trig = Trig(tmp_path_factory.mktemp(f"fire-{account}"), emulator_endpoint, account)
    try:
        # S3 bucket names are one namespace across the emulator's accounts: the shared stack has test-bucket.
        trig.run("apply", "all", "--set", f"s3.bucket=fire-{account}")
        yield trig
    finally:
        trig.run("destroy", "all", expect=None)


def invocation_lines(stdout: str) -> list[str]:
    """The lines `trig fire` printed after its first `--- invocation` header."""
    lines = stdout.splitlines()
    headers = [i for i, line in enumerate(lines) if line.startswith("--- invocation ")]
    assert headers, f"no invocation printed:\n{stdout}"
    return lines[headers[0] + 1:]


def receipt_value(stdout: str, name: str) -> str:
    return next(line.split(": ", 1)[1] for line in stdout.splitlines() if line.startswith(f"{name}: "))


def test_every_registered_type_is_fired_here():
    assert set(REGISTRY) == {"api", "s3", "kinesis", "sns", "schedule", "dynamodb", "sqs"}


def test_fire_api_answers_with_the_query(every_trigger):
    name = f"fire-{uuid.uuid4().hex[:8]}"
    out = every_trigger.run("fire", "api", "--query", f"name={name}").stdout
    assert out.splitlines()[-2:] == ["HTTP 200", f"hello {name}"]


def test_fire_s3_logs_the_key(every_trigger):
    key = f"fire-{uuid.uuid4().hex[:8]}.txt"
    out = every_trigger.run("fire", "s3", "--key", key, "--data", "x").stdout
    assert any(line.endswith(f"key = {key}") for line in invocation_lines(out)), out


def test_fire_kinesis_logs_the_data(every_trigger):
    data = f"fire-{uuid.uuid4().hex[:8]}"
    out = every_trigger.run("fire", "kinesis", "--data", data).stdout
    assert any(line.endswith(f"Data = {data}") for line in invocation_lines(out)), out


@pytest.mark.parametrize("trigger", ["sns", "schedule", "dynamodb", "sqs"])
def test_fire_sends_the_check_event_and_prints_its_invocation(every_trigger, trigger):
    result = every_trigger.run("fire", trigger, "--timeout", "60")
    nonce = receipt_value(result.stdout, "nonce")
    assert any(nonce in line for line in invocation_lines(result.stdout)), result.stdout
    assert "Traceback" not in result.stderr
