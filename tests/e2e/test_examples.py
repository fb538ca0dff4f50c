"""The README's example project (examples/orders) passes its own tests with trig's pytest plugin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import new_account, tree_snapshot

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders"


def test_the_orders_example_stores_what_its_api_and_queue_receive(emulator_endpoint):
    before = tree_snapshot(EXAMPLE)
    result = subprocess.run([sys.executable, "-m", "pytest", "tests", "-p", "no:cacheprovider", "-q",
                             "--trig-endpoint", emulator_endpoint, "--trig-account", new_account()],
                            cwd=EXAMPLE, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
    assert tree_snapshot(EXAMPLE) == before  # nothing written into the example (trig's home is pytest's temp)
