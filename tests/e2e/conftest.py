import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR, Trig, shared_dir
from tests.e2e.shared_stack import start_shared_stack, wait_for_shared_stack

# The walk-through's three triggers, which the core tests and the plan tests name.
SEED_TRIGGERS = ("api", "s3", "kinesis")
# Every trigger type, in the registry's order: what the shared stack applies.
ALL_TRIGGERS = ("api", "s3", "kinesis", "sns", "schedule", "dynamodb", "sqs")
# Every trigger stack's function, as its plan names it.
FUNCTION = "module.function.aws_lambda_function.this"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def pytest_collection_finish(session):
    """Start the shared stack's apply as soon as a worker knows some test of the run needs it."""
    if any("shared_stack" in getattr(item, "fixturenames", ()) for item in session.items):
        try:
            start_shared_stack(shared_dir())
        except Exception:  # noqa: BLE001 - the fixture tries again and reports what went wrong
            pass


@pytest.fixture(scope="session")
def shared_stack(emulator_endpoint) -> Trig:
    """All seven triggers applied once for the run, in the default account, for every test that only reads them
    (commands that write into its home are serialised by SharedTrig)."""
    return wait_for_shared_stack(shared_dir())


def plan_json(trig: Trig, *args: str, expect: int = 0, **env: str) -> dict[str, dict]:
    result = trig.run("plan", *args, "--format", "json", expect=expect, **env)
    return {t["trigger"]: t for t in json.loads(result.stdout)["triggers"]}


def copy_project(tmp_path: Path) -> Path:
    """A copy of the checkout's Terraform and functions, for a test to edit (TRIG_PROJECT points at it)."""
    copy = tmp_path / "project"
    for part in ("terraform", "functions"):
        shutil.copytree(PROJECT_DIR / part, copy / part,
                        ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "__pycache__"))
    return copy
