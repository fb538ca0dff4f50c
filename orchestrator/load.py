"""Load checks: fire N events per trigger, each with its own nonce, and account for every one of them."""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from orchestrator.logwatch import read_log_events, wait_for_log_events
from orchestrator.triggers.base import Target, Trigger, now_ms


@dataclass(frozen=True)
class LoadResult:
    trigger: str
    invocation: str
    fired: int
    confirmed: int
    missing: int
    duplicated: int
    seconds: float
    missing_examples: list[str] = field(default_factory=list)
    retried: int = 0
    unanswered: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.missing == 0


def make_nonces(count: int) -> list[str]:
    """count nonces sharing one run id (for a narrow log filter), fixed width so none is a suffix of another."""
    run = uuid.uuid4().hex[:8]
    return [f"{run}-{i:06d}" for i in range(count)]


_NONCE = re.compile(r"[0-9a-f]{8}-[0-9]{6}")


def count_markers(messages: list[str], markers: dict[str, str]) -> Counter:
    """How many log lines end with each nonce's marker (the nonce found in the line, then its marker checked)."""
    counts: Counter = Counter()
    for message in messages:
        found = _NONCE.findall(message)
        if found and found[-1] in markers and message.endswith(markers[found[-1]]):
            counts[found[-1]] += 1
    return counts


def load_check(trigger: Trigger, target: Target, count: int, concurrency: int, timeout: float) -> LoadResult:
    """Fire count events through trigger at the given concurrency and count confirmations and duplicates."""
    nonces = make_nonces(count)
    started = time.monotonic()
    since = now_ms()
    answered = trigger.fire_load(target, nonces, concurrency, timeout)
    if answered is not None:
        counts = Counter({nonce: 1 for nonce in answered.confirmed})
    else:
        markers = {nonce: trigger.marker(target, nonce) for nonce in nonces}
        run_id = nonces[0].split("-")[0]
        logs = target.client("logs")

        def read() -> list[str]:
            return [e.message for e in read_log_events(logs, target.log_group, since - 1000, pattern=f'"{run_id}"')]

        def all_seen(messages: list[str]) -> bool:
            return len(count_markers(messages, markers)) == len(nonces)

        _, messages = wait_for_log_events(read, all_seen, timeout, first_wait=0.2, max_wait=2.0)
        counts = count_markers(messages, markers)
    missing = [n for n in nonces if counts[n] == 0]
    return LoadResult(
        trigger=trigger.name, invocation=trigger.invocation, fired=count,
        confirmed=sum(1 for n in nonces if counts[n] > 0), missing=len(missing),
        duplicated=sum(c - 1 for c in counts.values() if c > 1),
        seconds=round(time.monotonic() - started, 2), missing_examples=missing[:5],
        retried=answered.retried if answered is not None else 0,
        unanswered=dict(answered.unanswered) if answered is not None else {},
    )
