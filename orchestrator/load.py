"""Load checks: fire N events per trigger, each with its own nonce, and account for every one of them.

An event not confirmed within the budget is not simply "missing": the function's log group says
whether the function was invoked for it but its line never came (the engine lost the function's
output: MiniStack does so under load, see bench/s3_notification_loss.py), or it was never invoked
although events fired after it were delivered (the engine lost the event), or neither yet (overdue).
"""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from orchestrator.logwatch import group_invocations, read_log_events, watch
from orchestrator.applied import AppliedTrigger, now_ms
from orchestrator.triggers.base import Trigger


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
    # How the missing split up (triggers confirmed by their logs; 0 for those confirmed by answers):
    unconfirmed: int = 0  # invocations were logged for them (by count) but their confirming line never came
    lost: int = 0  # never invoked, though events fired after them were delivered: the engine lost them
    overdue: int = 0  # never invoked, and nothing fired after them was delivered either
    invocations: int | None = None  # invocations logged since firing; None when answers confirm
    silent_invocations: int = 0  # of those, the ones that logged nothing of the function's own
    waited: float = 0.0  # seconds spent waiting for confirmations (all of --timeout when some never came)

    @property
    def ok(self) -> bool:
        return self.missing == 0


@dataclass(frozen=True)
class MissingSplit:
    unconfirmed: int
    lost: int
    overdue: int


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


def split_missing(fired: list[str], counts: Counter, invocations: int, per_invocation: int) -> MissingSplit:
    """Divide the events fired (in firing order) that were never confirmed.

    Unconfirmed: as many as the invocations logged leave room for beyond the lines that confirmed
    (each confirming line, a duplicate too, took one invocation's room; one invocation carries at most
    per_invocation events). An engine that reads a function's output late can log an invocation with
    part of its output (the banner, not the line that confirms), or with another invocation's, so
    invocations are counted, never matched to events. Of the rest, lost: fired before some event that
    was confirmed, counting only those that must be lost whichever the unconfirmed ones are; overdue:
    the others.
    """
    missing = [index for index, nonce in enumerate(fired) if counts[nonce] == 0]
    if not missing:
        return MissingSplit(0, 0, 0)
    room = invocations * per_invocation - sum(counts[nonce] for nonce in fired)
    unconfirmed = max(0, min(len(missing), room))
    last_confirmed = max((index for index, nonce in enumerate(fired) if counts[nonce] > 0), default=-1)
    overtaken = sum(1 for index in missing if index < last_confirmed)
    lost = max(0, overtaken - unconfirmed)
    return MissingSplit(unconfirmed, lost, len(missing) - unconfirmed - lost)


def load_check(trigger: Trigger, target: AppliedTrigger, count: int, concurrency: int, timeout: float) -> LoadResult:
    """Fire count events through trigger at the given concurrency and count confirmations and duplicates."""
    nonces = make_nonces(count)
    started = time.monotonic()
    since = now_ms()
    answered = trigger.fire_load(target, nonces, concurrency, timeout)
    if answered is not None:
        counts = Counter({nonce: 1 for nonce in answered.confirmed})
        split, invocations, silent, waited = MissingSplit(0, 0, 0), None, 0, round(time.monotonic() - started, 1)
    else:
        markers = {nonce: trigger.marker(target, nonce) for nonce in nonces}
        run_id = nonces[0].split("-")[0]
        logs = target.client("logs")

        def read() -> list[str]:
            return [e.message for e in read_log_events(logs, target.log_group, since - 1000, pattern=f'"{run_id}"')]

        def all_seen(messages: list[str]) -> bool:
            return len(count_markers(messages, markers)) == len(nonces)

        watched = watch(read, all_seen, timeout, first_wait=0.2, max_wait=2.0)
        counts, waited = count_markers(watched.seen, markers), watched.waited
        # Every line since firing (the platform's START/END too) counts the invocations; the silent ones
        # (nothing of the function's own) are reported, but any invocation can have lost its confirming line.
        logged = [i for i in group_invocations(read_log_events(logs, target.log_group, since - 1000)) if i.complete]
        invocations, silent = len(logged), sum(1 for i in logged if not i.output)
        split = split_missing(nonces, counts, invocations, trigger.events_per_invocation(target))
    missing = [n for n in nonces if counts[n] == 0]
    return LoadResult(
        trigger=trigger.name, invocation=trigger.invocation, fired=count,
        confirmed=sum(1 for n in nonces if counts[n] > 0), missing=len(missing),
        duplicated=sum(c - 1 for c in counts.values() if c > 1),
        seconds=round(time.monotonic() - started, 2), missing_examples=missing[:5],
        retried=answered.retried if answered is not None else 0,
        unanswered=dict(answered.unanswered) if answered is not None else {},
        unconfirmed=split.unconfirmed, lost=split.lost, overdue=split.overdue,
        invocations=invocations, silent_invocations=silent, waited=waited,
    )
