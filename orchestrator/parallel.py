"""Work on several triggers (or probe stacks) at once, each in its own workspace, with Ctrl-C handled once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TypeVar

from orchestrator.errors import EmulatorError, TerraformStopped, TrigError
from orchestrator.terraform.process import wait_through_interrupts

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_parallel(items: Iterable[Item], work: Callable[[Item], Result]) -> list[Result]:
    """work(item) for every item at once, results in the items' order; the first error is raised after all end.

    Ctrl-C reaches the main thread only: the workers' Terraform runs are let finish (their states
    stay consistent) as `wait_through_interrupts` says, unless Ctrl-C is pressed three times.
    """
    items = list(items)
    with ThreadPoolExecutor(max_workers=max(1, len(items))) as pool:
        futures = [pool.submit(work, item) for item in items]
        results, errors = [], []
        try:
            for future in futures:
                try:
                    results.append(future.result())
                except TrigError as exc:
                    errors.append(exc)
        except KeyboardInterrupt:
            wait_through_interrupts(lambda: wait(futures))
    if errors:
        raise one_error(errors)
    return results


def one_error(errors: list[TrigError]) -> TrigError:
    """The error to report for a parallel run: when the emulator died, one line for every trigger it stopped."""
    died = [e for e in errors if isinstance(e, TerraformStopped) and e.endpoint_died]
    if not died:
        return errors[0]
    names = sorted({e.workspace for e in died})
    verb = {"apply": "applying", "destroy": "destroying", "plan": "planning"}.get(died[0].command, "running Terraform for")
    return EmulatorError(f"{died[0].reason} while {verb} {', '.join(names)}; Terraform was stopped and every lock "
                         f"released: run `trig up`, then the same command again (it converges).")
