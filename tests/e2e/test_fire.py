"""`trig fire TYPE` for every trigger type on the shared stack: exit 0, and the invocation printed carries the event."""

from __future__ import annotations

import uuid

import pytest

from orchestrator.triggers import REGISTRY


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


def test_fire_api_answers_with_the_query(shared_stack):
    name = f"fire-{uuid.uuid4().hex[:8]}"
    out = shared_stack.run("fire", "api", "--query", f"name={name}").stdout
    assert out.splitlines()[-2:] == ["HTTP 200", f"hello {name}"]


def test_fire_s3_logs_the_key(shared_stack):
    key = f"fire-{uuid.uuid4().hex[:8]}.txt"
    out = shared_stack.run("fire", "s3", "--key", key, "--data", "x").stdout
    assert any(line.endswith(f"key = {key}") for line in invocation_lines(out)), out


def test_fire_kinesis_logs_the_data(shared_stack):
    data = f"fire-{uuid.uuid4().hex[:8]}"
    out = shared_stack.run("fire", "kinesis", "--data", data).stdout
    assert any(line.endswith(f"Data = {data}") for line in invocation_lines(out)), out


@pytest.mark.parametrize("trigger", ["sns", "schedule", "dynamodb", "sqs"])
def test_fire_sends_the_check_event_and_prints_its_invocation(shared_stack, trigger):
    result = shared_stack.run("fire", trigger, "--timeout", "60")
    nonce = receipt_value(result.stdout, "nonce")
    assert any(nonce in line for line in invocation_lines(result.stdout)), result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("trigger, logged", [("sqs", "Body = {data}"), ("sns", "{data}")])
def test_fire_sends_the_users_data_as_the_message(shared_stack, trigger, logged):
    data = f"fire-{uuid.uuid4().hex[:8]}"
    out = shared_stack.run("fire", trigger, "--data", data, "--timeout", "60").stdout
    assert any(line.endswith(logged.format(data=data)) for line in invocation_lines(out)), out
