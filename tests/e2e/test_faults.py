"""Faults: the real emulator killed or restarted, the real trig process interrupted, two applies at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from orchestrator.emulator import free_port
from tests.conftest import Trig, as_at_a_terminal


@pytest.fixture
def private_emulator(tmp_path):
    """A MiniStack of this test's own, so killing it disturbs no other test."""
    port = free_port()
    trig = Trig(tmp_path / "home", f"http://127.0.0.1:{port}", "000000000000")
    trig.run("up", "--port", str(port), timeout=60)
    try:
        yield trig, port
    finally:
        trig.run("down", expect=None, timeout=60)


def start_trig(trig: Trig, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "orchestrator", *args], env=trig.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=as_at_a_terminal)


def wait_for_terraform_child(process: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until trig has a terraform apply/destroy running (so the interruption lands mid-apply)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = subprocess.run(["pgrep", "-P", str(process.pid), "-f", "terraform (apply|destroy)"],
                             capture_output=True, text=True).stdout
        if out.strip():
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.2)
    raise AssertionError("terraform apply never started")


def state_of(trig: Trig) -> dict:
    """The state of the place the tests apply in (us-east-1 for the test's account): every trigger's resources."""
    return json.loads((trig.home / "terraform" / "state" / f"{trig.account}-us-east-1" / "terraform.tfstate").read_text())


def lock_files(trig: Trig) -> list[str]:
    return [str(p) for p in (trig.home / "terraform" / "state").rglob("*.lock.info")]


def only_resources(trig: Trig) -> dict[str, list[str]]:
    return {
        "functions": sorted(f["FunctionName"] for f in trig.client("lambda").list_functions()["Functions"]),
        "rest_apis": [a["name"] for a in trig.client("apigateway").get_rest_apis()["items"]],
        "buckets": [b["Name"] for b in trig.client("s3").list_buckets()["Buckets"]],
        "streams": trig.client("kinesis").list_streams()["StreamNames"],
        "mappings": sorted(m["FunctionArn"].rsplit(":", 1)[-1]
                           for m in trig.client("lambda").list_event_source_mappings()["EventSourceMappings"]),
    }


def test_emulator_killed_during_apply_all_ends_fast_then_rerun_converges(private_emulator):
    trig, port = private_emulator
    apply = start_trig(trig, "apply", "all")
    wait_for_terraform_child(apply)
    time.sleep(6)
    record = json.loads((trig.home / "emulator.json").read_text())
    os.killpg(record["pid"], signal.SIGKILL)
    killed = time.monotonic()
    out, err = apply.communicate(timeout=300)
    ended = time.monotonic() - killed
    assert apply.returncode == 1, out + err
    assert ended < 20, f"trig noticed the dead emulator only after {ended:.1f} s"
    lines = err.strip().splitlines()
    assert "Traceback" not in err and lines[-1].startswith(
        f"trig: error: the emulator at {trig.endpoint} stopped answering while applying "), err
    assert "run `trig up`, then the same command again" in lines[-1]
    assert not subprocess.run(["pgrep", "-f", str(trig.home)], capture_output=True).stdout, "Terraform left running"

    trig.run("up", "--port", str(port), timeout=60)
    trig.run("apply", "all")
    assert only_resources(trig) == {
        "functions": sorted(["api-gateway-test", "s3-trigger-test", "kinesis-trigger-test", "sns-trigger-test",
                             "schedule-trigger-test", "dynamodb-trigger-test", "sqs-trigger-test"]),
        "rest_apis": ["API Gateway Test"],
        "buckets": ["test-bucket"],
        "streams": ["lambda-test"],
        "mappings": sorted(["kinesis-trigger-test", "dynamodb-trigger-test", "sqs-trigger-test"]),
    }
    assert "0 added, 0 changed, 0 destroyed" in trig.run("apply", "api", "--refresh").stdout
    trig.run("check", "all", "--timeout", "60")


def test_emulator_restarted_between_apply_and_check_says_so_and_apply_recreates(private_emulator):
    trig, port = private_emulator
    trig.run("apply", "api")
    trig.run("down")
    trig.run("up", "--port", str(port), timeout=60)

    started = time.monotonic()
    check = trig.run("check", expect=1)
    assert time.monotonic() - started < 15
    assert "Traceback" not in check.stderr
    assert check.stderr.strip().splitlines() == [
        f"trig: error: wiring is missing from the emulator at {trig.endpoint} (restarted, reset, or deleted "
        "behind trig's back?): api: all 11 resources; `trig apply api` repairs it."]

    assert "api: 11 added, 0 changed, 0 destroyed" in trig.run("apply", "api").stdout
    trig.run("check", "--timeout", "60")


def test_sigint_during_apply_lets_terraform_finish_and_keeps_state_consistent(make_trig):
    trig = make_trig()
    # --verbose streams Terraform's output to stderr: the interruption lands on Terraform's own word that it
    # is creating the stream (about 20 s of the provider's wait ahead, room for a loaded machine to read the
    # line), not on a guess from the emulator's side, which on a loaded machine came after the apply had ended.
    apply = start_trig(trig, "--verbose", "apply", "kinesis")
    seen = []
    for line in apply.stderr:
        seen.append(line)
        if "aws_kinesis_stream.this: Creating..." in line:
            break
    else:
        raise AssertionError("the apply ended before the provider waited for the stream:\n" + "".join(seen[-20:]))
    apply.send_signal(signal.SIGINT)
    out, rest = apply.communicate(timeout=300)
    err = "".join(seen) + rest
    assert apply.returncode == 130, out + err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("trig: interrupted"), err
    assert "letting Terraform finish" in err
    state = state_of(trig)  # parses: the state file is intact
    assert "aws_kinesis_stream" in {r["type"] for r in state["resources"]}
    assert lock_files(trig) == []

    assert "kinesis: 0 added, 0 changed, 0 destroyed" in trig.run("apply", "kinesis", "--refresh").stdout
    assert only_resources(trig)["streams"] == ["lambda-test"]
    assert only_resources(trig)["functions"] == ["kinesis-trigger-test"]
    assert len(only_resources(trig)["mappings"]) == 1


def test_second_apply_on_the_same_trigger_is_refused_while_the_first_runs(make_trig):
    trig = make_trig()
    first = start_trig(trig, "apply", "api")
    wait_for_terraform_child(first)
    second = trig.run("apply", "api", expect=1)
    assert second.stderr.strip().splitlines()[-1] == (
        f"trig: error: another trig run is applying or destroying {trig.account}-us-east-1 "
        f"(lock {trig.home / 'locks' / f'{trig.account}-us-east-1.lock'}): "
        "wait for it to finish, then run this again.")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, out + err
    assert "api: 11 added, 0 changed, 0 destroyed" in out
    assert len(only_resources(trig)["rest_apis"]) == 1
    assert state_of(trig)["version"] == 4
