import pytest

from tests.conftest import Trig

# The default account, so the walk-through's own commands (no credentials on curl) see the stack.
STACK_ACCOUNT = "000000000000"
# The walk-through's three triggers: the shared stack and the tests of the core apply these, not `all`,
# so the stack stays quick to build; each later type has its own stack in its own test module.
SEED_TRIGGERS = ("api", "s3", "kinesis")


# MiniStack, late in a loaded run, now and then loses an answer the provider then retries ("already
# exists"), or never invokes one queued event. A test of ours that fails twice in a row is a failure;
# once, with a pass on a fresh account right after, it is reported as a rerun (R) in the summary.
E2E_RERUNS = 1


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.flaky(reruns=E2E_RERUNS, reruns_delay=2))


@pytest.fixture(scope="session")
def applied_stack(emulator_endpoint, tmp_path_factory):
    """The three seed triggers applied once for every test that only reads them; destroyed at the end."""
    trig = Trig(tmp_path_factory.mktemp("stack"), emulator_endpoint, STACK_ACCOUNT)
    try:
        trig.run("apply", *SEED_TRIGGERS)
        yield trig
    finally:
        trig.run("destroy", "all", expect=None)
