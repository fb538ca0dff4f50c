"""Running Terraform as a child process: its own process group, Ctrl-C handled by trig, a watch that may stop it.

Every running Terraform is registered here, so that a Ctrl-C anywhere in trig (also in a
parallel apply's main thread) reaches all of them the way wait_through_interrupts decides.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Mapping
from typing import NoReturn

from orchestrator.errors import UsageError
from orchestrator.watchdog import WATCH_INTERVAL, EmulatorWatch, EndpointGone

log = logging.getLogger(__name__)
# Terraform's own output, line by line; silent unless the CLI turns it on (--verbose).
# The name is the CLI's (feedback.TERRAFORM_OUTPUT_LOGGER), not this module's.
output_log = logging.getLogger("orchestrator.terraform.output")

_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


def _signal_running(signum: int) -> None:
    with _running_lock:
        processes = list(_running)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signum)

def wait_through_interrupts(wait: Callable[[], object]) -> NoReturn:
    """After a first Ctrl-C, let running Terraform finish, escalating on each further Ctrl-C; then re-raise it.

    A Terraform stopped while the AWS provider waits for a resource it just created
    forgets that resource (measured with a Kinesis stream), leaving it orphaned and
    the next apply failing with "already exists". So the first Ctrl-C waits; the
    second asks Terraform to stop (SIGINT, its graceful stop); the third kills it.
    """
    log.warning("interrupted: letting Terraform finish what it is doing so its state stays consistent "
                "(Ctrl-C again to stop Terraform now, which may orphan a resource being created)")
    presses = 1
    while True:
        try:
            wait()
            break
        except KeyboardInterrupt:
            presses += 1
            if presses == 2:
                log.warning("stopping Terraform (its graceful stop); Ctrl-C once more to kill it")
                _signal_running(signal.SIGINT)
            else:
                log.warning("killing Terraform")
                _signal_running(signal.SIGKILL)
    raise KeyboardInterrupt


def run_process(command: list[str], cwd: str | None, env: Mapping[str, str],
                watch: EmulatorWatch | None = None, listen: Callable[[str], None] | None = None) -> tuple[int, str, str]:
    """Run a command to completion; Ctrl-C is handled by wait_through_interrupts.

    Terraform runs in its own process group, so a terminal's Ctrl-C reaches trig only and
    trig decides what Terraform gets.
    With a watch, it is asked every few seconds; when it names a reason, Terraform is stopped
    (its graceful stop, then killed) and EndpointGone carries the reason.
    """
    log.debug("running %s in %s", " ".join(command), cwd)
    try:
        process = subprocess.Popen(
            command, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
            process_group=0,
        )
    except FileNotFoundError:
        raise UsageError(f"terraform binary {command[0]!r} not found: install Terraform >= 1.5 or pass --terraform-bin.") from None
    with _running_lock:
        _running.add(process)
    try:
        out, err, reason = _collect_while_watching(process, watch, listen)
    finally:
        with _running_lock:
            _running.discard(process)
    if reason is not None:
        raise EndpointGone(reason, out, err)
    return process.returncode, out, err


def _collect_while_watching(process: subprocess.Popen, watch: EmulatorWatch | None,
                            listen: Callable[[str], None] | None = None) -> tuple[str, str, str | None]:
    """Drain stdout and stderr (logging each line with --verbose), asking the watch while the process runs.

    Reader threads drain the pipes; this thread only waits for the process and asks the watch,
    so a Ctrl-C here goes through wait_through_interrupts.
    """
    collected: dict[str, list[str]] = {"out": [], "err": []}
    label = process.args[1] if isinstance(process.args, list) and len(process.args) > 1 else ""
    verbose = output_log.isEnabledFor(logging.INFO)

    def drain(pipe, name: str) -> None:
        for line in pipe:
            collected[name].append(line)
            if watch is not None and name == "out":
                watch.progress.feed(line)
            if listen is not None and name == "out":
                listen(line)
            if verbose:
                output_log.info("  [terraform %s] %s", label, line.rstrip("\n"))

    readers = [threading.Thread(target=drain, args=(process.stdout, "out"), daemon=True),
               threading.Thread(target=drain, args=(process.stderr, "err"), daemon=True)]
    for reader in readers:
        reader.start()
    reason = None
    try:
        while True:
            try:
                process.wait(timeout=WATCH_INTERVAL if watch is not None else None)
                break
            except subprocess.TimeoutExpired:
                reason = watch()
                if reason is not None:
                    _stop(process)
                    break
    except KeyboardInterrupt:
        wait_through_interrupts(process.wait)
    for reader in readers:
        reader.join()
    return "".join(collected["out"]), "".join(collected["err"]), reason


def _stop(process: subprocess.Popen, grace: float = 5.0) -> None:
    """Terraform's graceful stop (SIGINT: it saves its state), then a kill if it does not end in grace seconds."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    # Terraform leads its own process group (process_group=0): its provider plugins go with it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
