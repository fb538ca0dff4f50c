"""The stack every test that only reads shares: all seven triggers applied once per run, in the default account.

The first worker whose collection holds a test that needs it starts `trig apply all` in the background,
so the apply overlaps the tests that need no stack; a test that needs it waits for the apply's exit
code. Commands that write into the stack's home (apply, plan, destroy) run one at a time, so that no
worker plans with tfvars another just rendered. The stack is not destroyed at the end: the controller
stops the emulator that holds it, and with it every resource (MiniStack keeps no state across restarts
unless asked to).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import DEFAULT_ACCOUNT, Trig, file_lock, shared_endpoint

# The default account, so the walk-through's own commands (no credentials on curl) see the stack.
STACK_ACCOUNT = DEFAULT_ACCOUNT
# test_sqs reads the batching window back; every other value is the template's default.
APPLY_SETS = ("--set", "sqs.maximum_batching_window_in_seconds=1")
# Commands that write into a trig home: rendered tfvars, zips, plans, states, fingerprints, locks.
_WRITERS = {"apply", "plan", "destroy", "run"}
# Under a loaded CI machine `apply all` has taken up to 7 minutes.
APPLY_BUDGET = 1200


def _folder(shared: Path) -> Path:
    return shared / "stack"


class SharedTrig(Trig):
    """The shared stack's Trig: commands that write into its home run one at a time, across the workers.

    The others (check, status, fire, logs) only read states and records, and run beside them: trig
    writes its records by rename, and reads a state caught while Terraform rewrites it through
    Terraform instead (tfstate.read_state). Only test_core's refresh-apply rewrites the states.
    """

    def run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        command = next((a for a in args if not a.startswith("-")), "")
        if command not in _WRITERS:
            return super().run(*args, **kwargs)
        with file_lock(self.home.parent / "writers.lock"):
            return super().run(*args, **kwargs)


def start_shared_stack(shared: Path) -> None:
    """Start `trig apply all` in the background, once per run (the first caller wins)."""
    folder = _folder(shared)
    with file_lock(shared / "stack.lock"):
        if (folder / "pid").exists():
            return
        folder.mkdir(parents=True, exist_ok=True)
        trig = Trig(folder / "home", shared_endpoint(), STACK_ACCOUNT)
        # The shell writes the exit code once trig has ended, whichever worker is still alive then.
        script = ('py=$0 dir=$1; shift; "$py" -m orchestrator apply all "$@" >"$dir/apply.out" 2>"$dir/apply.err"; '
                  'echo $? >"$dir/rc.part"; mv "$dir/rc.part" "$dir/rc"')
        process = subprocess.Popen(["sh", "-c", script, sys.executable, str(folder), *APPLY_SETS], env=trig.env(),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        (folder / "pid").write_text(str(process.pid))


def wait_for_shared_stack(shared: Path) -> SharedTrig:
    """The applied stack, once the background apply has succeeded; a failed apply fails every test that needs it."""
    start_shared_stack(shared)
    folder = _folder(shared)
    deadline = time.monotonic() + APPLY_BUDGET
    while not (folder / "rc").exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"`trig apply all` of the shared stack still running after {APPLY_BUDGET} s")
        time.sleep(0.5)
    code = (folder / "rc").read_text().strip()
    if code != "0":
        raise AssertionError(f"`trig apply all` of the shared stack exited {code}:\n"
                             f"{(folder / 'apply.err').read_text(errors='replace')[-3000:]}")
    return SharedTrig(folder / "home", shared_endpoint(), STACK_ACCOUNT)


def stop_shared_stack(shared: Path) -> None:
    """Stop a background apply still running when the run ends (its process group: sh, trig, Terraform)."""
    folder = _folder(shared)
    if not (folder / "pid").exists() or (folder / "rc").exists():
        return
    try:
        os.killpg(int((folder / "pid").read_text()), signal.SIGKILL)
    except ProcessLookupError:
        pass
