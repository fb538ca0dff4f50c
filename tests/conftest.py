"""Shared fixtures: the real CLI in a subprocess, one real MiniStack for the run, boto3 clients of our own.

One emulator serves every pytest-xdist worker. The controller (or a run without xdist) names a shared
folder before any worker starts; the first worker that needs the emulator starts it there under a file
lock, and the controller stops it when the run ends. Tests keep apart by account: MiniStack treats a
12-digit access key as its own account, and each worker draws accounts from a range of its own.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import boto3
import pytest
from botocore.config import Config

from orchestrator.emulator import free_port

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The folder every worker of one run shares (set by the controller, inherited by the workers).
SHARED_ENV = "TRIG_TESTS_SHARED"
DEFAULT_ACCOUNT = "000000000000"


def _worker_index() -> int:
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


# One range of fresh accounts per worker, as all workers share the emulator: 2WW000000001, 2WW000000002, ...
_ACCOUNTS = itertools.count(int(f"2{_worker_index():02d}000000001"))


def new_account() -> str:
    """A 12-digit account no other test of this run uses."""
    return str(next(_ACCOUNTS))


def as_at_a_terminal() -> None:
    """preexec_fn of a trig started to be sent Ctrl-C: SIGINT at its default, as in a terminal. A suite started in
    the background of a non-interactive shell inherits SIGINT ignored, and Python then keeps it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def shared_dir() -> Path:
    return Path(os.environ[SHARED_ENV])


@contextlib.contextmanager
def file_lock(path: Path, shared: bool = False) -> Iterator[None]:
    """An flock on path, across the workers' processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


# End-to-end modules that build stacks of their own, longest first (minutes on a loaded 2-core machine).
_LONGEST_FIRST = ("test_team_root", "test_faults", "test_lost_answers", "test_semantics", "test_lifecycle",
                  "test_tracking", "test_installed", "test_pytest_plugin", "test_project", "test_examples")
# Modules reading the shared stack, longest first, so that the last to start is a short one.
_SHARED_LONGEST_FIRST = ("test_plan", "test_review", "test_ux")


def pytest_collection_modifyitems(items):
    """Run end-to-end modules that build stacks of their own first, longest first, while the shared stack is
    applied in the background; then those that read the shared stack; the many quick unit and CLI modules
    last, so that both workers end at about the same time. pytest-xdist hands out whole modules (--dist
    loadfile) in this order: pytest_configure turns off its reordering by module size."""
    reads_shared = {str(i.fspath) for i in items if "shared_stack" in getattr(i, "fixturenames", ())}

    def rank(item) -> tuple[int, int]:
        path = str(item.fspath)
        if "/e2e/" not in path:
            return 2, 0
        if path in reads_shared:
            name = Path(path).stem
            return 1, _SHARED_LONGEST_FIRST.index(name) if name in _SHARED_LONGEST_FIRST else len(_SHARED_LONGEST_FIRST)
        name = Path(path).stem
        return 0, _LONGEST_FIRST.index(name) if name in _LONGEST_FIRST else len(_LONGEST_FIRST)

    items.sort(key=rank)  # stable: each module's tests keep their order


# -- the emulator every worker shares ---------------------------------------------------------

@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    if hasattr(config, "workerinput"):
        return  # a worker: the controller named the folder, and the environment carried it here
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False  # keep pytest_collection_modifyitems' order
    shared = config._tmp_path_factory.getbasetemp() / "shared"
    shared.mkdir(exist_ok=True)
    os.environ[SHARED_ENV] = str(shared)


def shared_endpoint() -> str:
    """The run's emulator, started through `trig up` by the first worker that asks."""
    shared = shared_dir()
    with file_lock(shared / "emulator.lock"):
        recorded = shared / "endpoint"
        if recorded.exists():
            return recorded.read_text()
        starter = Trig(shared / "emulator", "", DEFAULT_ACCOUNT)
        started = starter.run("up", "--port", str(free_port()), timeout=60, TRIG_ENDPOINT="")
        endpoint = started.stdout.strip().splitlines()[-1]
        recorded.write_text(endpoint)
        return endpoint


def pytest_unconfigure(config):
    """The controller ends what the workers started: a shared apply still running, then the emulator."""
    if hasattr(config, "workerinput") or SHARED_ENV not in os.environ:
        return
    shared = shared_dir()
    from tests.e2e.shared_stack import stop_shared_stack  # the e2e package knows what it started

    stop_shared_stack(shared)
    if (shared / "endpoint").exists():
        Trig(shared / "emulator", "", DEFAULT_ACCOUNT).run("down", expect=None, timeout=60)


@pytest.fixture(scope="session")
def emulator_endpoint():
    return shared_endpoint()


@pytest.fixture
def make_trig(emulator_endpoint, tmp_path_factory, request):
    """A Trig for a fresh account on the shared emulator: tests that build their own resources do not collide."""
    def make() -> Trig:
        account = new_account()
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
    log = shared_dir() / "emulator" / "emulator.log" if SHARED_ENV in os.environ else None
    if log is not None and log.exists():
        report.sections.append((f"end of the emulator log {log}", _tail(log, 40)))
