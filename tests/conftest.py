"""Shared fixtures: the real CLI in a subprocess, a real MiniStack on a free port, boto3 clients of our own."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from orchestrator.emulator import free_port

PROJECT_DIR = Path(__file__).resolve().parent.parent
# MiniStack treats a 12-digit access key as its own account: one per test that builds resources.
_ACCOUNTS = itertools.count(200000000001)
# The session emulator's log, attached to the report of a failed test.
_EMULATOR_LOGS: list[Path] = []


@dataclass
class Trig:
    """Runs the real `trig` CLI for one account, with its own .trig home."""

    home: Path
    endpoint: str
    account: str

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIG_", "AWS_"))}
        if os.environ.get("TRIG_PLUGIN_DIR"):
            env["TRIG_PLUGIN_DIR"] = os.environ["TRIG_PLUGIN_DIR"]
        env.update(TRIG_HOME=str(self.home), TRIG_ENDPOINT=self.endpoint, TRIG_ACCOUNT=self.account,
                   TRIG_PROJECT=str(PROJECT_DIR))
        env.update(extra)
        return env

    def run(self, *args: str, expect: int | None = 0, timeout: float = 600, **env: str) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "orchestrator", *args], env=self.env(**env),
                                capture_output=True, text=True, timeout=timeout)
        if expect is not None:
            assert result.returncode == expect, (
                f"trig {' '.join(args)} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        return result

    def client(self, service: str):
        """A boto3 client built here, not by trig, so checks are independent of trig's own helpers."""
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=self.account, aws_secret_access_key="test",
                            config=Config(s3={"addressing_style": "path"}))


@pytest.fixture
def project_copy(tmp_path):
    """A copy of terraform/ and functions/ to break on purpose; point TRIG_PROJECT at it."""
    copy = tmp_path / "project"
    for folder in ("terraform", "functions"):
        shutil.copytree(PROJECT_DIR / folder, copy / folder,
                        ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "__pycache__", ".terraform.lock.hcl"))
    return copy


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its bytes, to prove a refused command changed nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


@pytest.fixture(scope="session")
def emulator_endpoint(tmp_path_factory):
    """One MiniStack for the whole session, started and stopped through `trig up` / `trig down`."""
    home = tmp_path_factory.mktemp("emulator")
    trig = Trig(home, "", "000000000000")
    port = free_port()
    _EMULATOR_LOGS.append(home / "emulator.log")
    started = trig.run("up", "--port", str(port), timeout=60, TRIG_ENDPOINT="")
    endpoint = started.stdout.strip().splitlines()[-1]
    try:
        yield endpoint
    finally:
        trig.run("down", expect=None, timeout=60)


@pytest.fixture
def make_trig(emulator_endpoint, tmp_path_factory, request):
    """A Trig for a fresh account on the shared emulator: tests that build their own resources do not collide."""
    def make() -> Trig:
        account = str(next(_ACCOUNTS))
        trig = Trig(tmp_path_factory.mktemp(f"acct-{account}"), emulator_endpoint, account)
        request.node.trig_homes = [*getattr(request.node, "trig_homes", []), trig.home]
        return trig

    return make


def _tail(path: Path, lines: int) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report carries what explains a failure one line cannot: the Terraform output trig
    kept for each failed command of the test's accounts, and the end of the emulator's log."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for home in getattr(item, "trig_homes", []):
        for kept in sorted((home / "terraform" / "logs").glob("*.log")):
            report.sections.append((f"Terraform output kept by trig: {kept}", _tail(kept, 80)))
    for log in _EMULATOR_LOGS:
        if log.exists():
            report.sections.append((f"end of the emulator log {log}", _tail(log, 40)))
