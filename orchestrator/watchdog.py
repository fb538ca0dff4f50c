"""Watching a running Terraform: is the emulator still there, and is any resource waiting far too long?

Terraform and its provider wait on the emulator without a deadline of their own: when the
endpoint dies, the provider's SDK retries a refused connection for minutes; when an answer is
lost, a create waits until its own timeout. The watch is asked every few seconds while Terraform
runs and names the reason to stop it, so the command ends in seconds with one line instead.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from orchestrator.terraform.state import resource_type

# "module.function.aws_lambda_function.this: Still creating... [4m50s elapsed]"
_STILL = re.compile(r"^(?P<address>\S+): Still (?:creating|modifying|destroying)\.\.\. \[(?:(?P<m>\d+)m)?(?P<s>\d+)s elapsed\]")
# How often the watch is asked while Terraform runs.
WATCH_INTERVAL = 2.0
# What a health probe saw: an answer, a refused connection (nothing listens: the process is gone),
# or silence (no answer within PROBE_TIMEOUT: hung, or alive on a machine too busy to answer soon).
ANSWERED, REFUSED, SILENT = "answered", "refused", "silent"
# A refused connection is final: the endpoint counts as gone after this many in a row. Silence is
# not: at a load average near 100 a living MiniStack missed three 3 s probes in a row, so only
# silence lasting SILENT_GONE_SECONDS counts as gone.
SILENT_GONE_SECONDS = 60.0
# Consecutive refused health probes before the endpoint counts as gone. A dead process refuses at
# once (about WATCH_INTERVAL apart); a hung one times out each probe (PROBE_TIMEOUT), so a loaded
# but living emulator has three chances to answer.
DEAD_AFTER_FAILURES = 3
PROBE_TIMEOUT = 3.0
# A create whose answer was lost waits far longer than any real one: the provider retries the
# create's "already exists" for about five minutes (seen with CreateFunction and AddPermission).
# A resource counts as stalled after DEFAULT_STALL_SECONDS plus three times what its type takes
# inside the provider on an emulator (REFERENCE: functions 5 s, streams 20 s, queues 25 s, the
# rest under a second), so a busy machine's slower creates are not taken for lost ones.
DEFAULT_STALL_SECONDS = 30.0
PROVIDER_WAIT_SECONDS = {"aws_lambda_function": 5.0, "aws_kinesis_stream": 20.0, "aws_sqs_queue": 25.0,
                         "aws_dynamodb_table": 10.0}
# Types whose creates the provider makes one at a time: a function given by `filename` holds one lock of the
# provider's from its upload through its 5 s wait to be active, so in a root of nine functions the last one
# says "Still creating" for 45 s and more while the others go first. Such a create counts as waiting only
# since the last create of its type finished: the queue moving is no lost answer, the queue standing still is.
QUEUED_TYPES = frozenset({"aws_lambda_function"})


def stall_limit(address: str, base: float) -> float:
    """Seconds the resource at address may wait before it counts as stalled."""
    return base + 3 * PROVIDER_WAIT_SECONDS.get(resource_type(address), 0.0)


class EndpointGone(Exception):
    """Raised inside the runner when the watch stopped Terraform; carries the reason and what Terraform printed."""

    def __init__(self, reason: str, stdout: str = "", stderr: str = ""):
        super().__init__(reason)
        self.stdout, self.stderr = stdout, stderr


@dataclass
class ProgressLines:
    """Terraform's output lines as they come, remembering how long each resource has been waiting (its seconds
    as Terraform last said them, and when that was read) and when a resource of each type last finished."""

    waiting: dict[str, tuple[float, float]] = field(default_factory=dict)
    finished: dict[str, float] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def feed(self, line: str) -> None:
        match = _STILL.match(line.strip())
        if match:
            seconds = int(match.group("m") or 0) * 60 + int(match.group("s"))
            with self._lock:
                self.waiting[match.group("address")] = (float(seconds), self.clock())
        elif ": Creation complete" in line or ": Modifications complete" in line or ": Destruction complete" in line:
            address = line.strip().split(":", 1)[0]
            with self._lock:
                self.waiting.pop(address, None)
                self.finished[resource_type(address)] = self.clock()

    def _waited(self, address: str, seconds: float, read_at: float) -> float:
        """The seconds that count against the resource's stall limit (see QUEUED_TYPES)."""
        kind = resource_type(address)
        if kind in QUEUED_TYPES and kind in self.finished:
            return min(seconds, read_at - self.finished[kind])
        return seconds

    def stalled(self, base: float) -> tuple[str, float] | None:
        """The resource waiting longest past its stall limit, with the seconds Terraform says it waited; None when
        none is."""
        with self._lock:
            over = {a: seconds for a, (seconds, read_at) in self.waiting.items()
                    if self._waited(a, seconds, read_at) >= stall_limit(a, base)}
        if not over:
            return None
        address = max(over, key=over.__getitem__)
        return address, over[address]


@dataclass
class EmulatorWatch:
    """The reason to stop Terraform now, or None: the endpoint stopped answering, or a resource stalled."""

    endpoint: str
    probe: Callable[[str, float], str]
    progress: ProgressLines = field(default_factory=ProgressLines)
    stall_seconds: float = DEFAULT_STALL_SECONDS
    failures: int = 0
    last_probe: float = 0.0
    silent_since: float | None = None

    def __call__(self) -> str | None:
        now = time.monotonic()
        if now - self.last_probe >= WATCH_INTERVAL:
            self.last_probe = now
            seen = self.probe(self.endpoint, PROBE_TIMEOUT)
            self.failures = self.failures + 1 if seen == REFUSED else 0
            self.silent_since = (self.silent_since or now) if seen == SILENT else None
            if self.failures >= DEAD_AFTER_FAILURES or (
                    self.silent_since is not None and now - self.silent_since >= SILENT_GONE_SECONDS):
                return f"the emulator at {self.endpoint} stopped answering"
        stalled = self.progress.stalled(self.stall_seconds)
        if stalled:
            return (f"{stalled[0]} waited {stalled[1]:.0f} s for the emulator at {self.endpoint}, "
                    f"which answers its health check: an answer was lost")
        return None
