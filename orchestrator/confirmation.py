"""Confirming by the function's logs: wait, within a budget, for the line an event must produce, and say what was seen."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator.applied import AppliedTrigger
from orchestrator.logwatch import Invocation, LogEvent, Watched, group_invocations, read_log_events, watch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Confirmation:
    """The outcome of one fired event: confirmed or not, and what was seen."""

    confirmed: bool
    detail: str
    seen: list[str] = field(default_factory=list)
    waited: float = 0.0  # seconds spent waiting for the evidence (the whole budget when it never came)
    released: int = 0  # invocations trig made to release output the engine held back (see HeldOutput)
    reached: bool = False  # the event reached the function, which failed (a project's own: see own_checks)


def confirm_marker(target: AppliedTrigger, start_ms: int, timeout: float, expected: str, sent: str = "",
                   banner: str | None = None) -> Confirmation:
    """Wait for a log line ending with expected; sent says what was sent, for the message when none comes.
    banner: the line the function prints before that one, if any (see cut_after)."""
    held = HeldOutput(target, cut_after(banner) if banner else silent_invocations)
    watched = wait_for_lines(target, start_ms, timeout, lambda evs: any(e.message.endswith(expected) for e in evs),
                             held)
    if watched.found:
        return Confirmation(True, f"{expected!r} in {target.log_group}{held.note(True)}", waited=watched.waited,
                            released=held.released)
    return Confirmation(False, f"no {expected!r} line in {target.log_group}{f' after {sent}' if sent else ''}"
                        f"{silent_note(watched.seen)}{held.note(False)} (waited {watched.waited:.1f} s)",
                        last_lines(watched.seen), watched.waited, held.released)


def wait_for_lines(target: AppliedTrigger, start_ms: int, timeout: float, matches,
                   held: HeldOutput | None = None) -> Watched[list[LogEvent]]:
    """Wait until the function's log group, read from start_ms, satisfies matches(events), for at most timeout s;
    with held, output the engine holds back is asked for on the way."""
    logs = target.client("logs")

    def read() -> list[LogEvent]:
        # A second of slack: the emulator's clock and ours are the same machine, but stamps are rounded.
        events = read_log_events(logs, target.log_group, start_ms - 1000)
        if held is not None and not matches(events):
            held.release_if_silent(events)
        return events

    return watch(read, matches, timeout)


def silent_invocations(events: list[LogEvent]) -> list[str]:
    """Request ids of the complete invocations that logged nothing of the function's own."""
    return [i.request_id for i in group_invocations(events) if i.complete and not i.output]


def silent_or_cut(events: list[LogEvent], cut: Callable[[Invocation], bool]) -> list[str]:
    """The invocations whose output the engine may hold (see HeldOutput): the silent ones, then the finished
    ones that cut(invocation) says were cut short."""
    return silent_invocations(events) + [i.request_id for i in group_invocations(events) if i.complete and cut(i)]


def cut_after(banner: str) -> Callable[[list[LogEvent]], list[str]]:
    """For a function that prints a banner and then a line per event: the silent invocations and the finished
    ones that logged the banner alone."""
    return lambda events: silent_or_cut(events, lambda i: len(i.output) == 1 and i.output[0].startswith(banner))


def silent_note(events: list[LogEvent]) -> str:
    """Say so when the function was invoked but logged nothing of its own: the engine lost its output.

    MiniStack, under load, logs a warm worker's output late (with that worker's next invocation)
    or never; bench/s3_notification_loss.py measures it.
    """
    silent = silent_invocations(events)
    if not silent:
        return ""
    return (f"; the function was invoked {len(silent)} time(s) without logging anything of its own "
            f"(RequestId {', '.join(silent[:3])}): the engine lost the function's output")


# The event of such an invocation: trig's redirect answers it after hold_ms without calling a project's own
# function, so that a round's invocations overlap and each one leases a worker of its own (see HeldOutput).
RELEASE_EVENT = b'{"trig-release": true, "hold_ms": 250}'
# How many rounds of invocations a check makes to release output the engine holds back, and at most how many
# invocations a round makes at once.
RELEASES = 3
RELEASE_WIDTH = 4


def should_release(events: list[LogEvent], released: int, rounds: int,
                   held: Callable[[list[LogEvent]], list[str]] = silent_invocations) -> bool:
    """True while invocations whose output the engine may hold (held(events): by default those without a
    line of their own) outnumber the release invocations made, for at most RELEASES rounds.

    A release of a function that logs nothing for an empty event is itself such an invocation,
    hence the limit.
    """
    return rounds < RELEASES and len(held(events)) > released


def release_width(events: list[LogEvent]) -> int:
    """How many invocations a release round makes at once: one per finished invocation in the window (each
    may have had a worker of its own, and any of those may hold output), at least one, at most RELEASE_WIDTH."""
    return max(1, min(RELEASE_WIDTH, sum(1 for i in group_invocations(events) if i.complete)))


@dataclass
class HeldOutput:
    """Asks the engine for a function's output it holds back.

    MiniStack reads a warm worker's output for 50 ms after the answer; under load the rest stays
    with the worker and is logged with that worker's next invocation, or never if none comes
    (bench/s3_notification_loss.py). When the function was invoked without a line of its own, a
    check invokes it directly with an empty event so the engine logs what it holds. On AWS no
    invocation of trig's functions is silent, so this never happens.

    The engine gives an invocation the first free worker of the function's pool, so one release
    at a time always reaches the same worker: a round invokes the function once per finished
    invocation it saw, all at once, so that the worker holding the output is among those leased.

    The engine stops reading a worker's output 5 ms after its last line came, so a busy machine also
    cuts an invocation's output short: its first line logged, the rest held. held(events) names the
    invocations to release for (by default the silent ones; a redirected check adds those whose
    outcome line is missing).
    """

    target: AppliedTrigger
    held: Callable[[list[LogEvent]], list[str]] = silent_invocations
    released: int = 0  # invocations made
    rounds: int = 0

    def release_if_silent(self, events: list[LogEvent]) -> None:
        if not should_release(events, self.released, self.rounds, self.held):
            return
        width = release_width(events)
        self.released += width
        self.rounds += 1
        lam = self.target.client("lambda")

        def release(_: int) -> None:
            try:
                lam.invoke(FunctionName=self.target.function_name, Payload=RELEASE_EVENT)
            except (ClientError, BotoCoreError) as exc:
                log.debug("releasing the output of %s failed: %s", self.target.function_name, exc)

        with ThreadPoolExecutor(width) as pool:
            list(pool.map(release, range(width)))

    def note(self, confirmed: bool) -> str:
        if not self.released:
            return ""
        if confirmed:
            return (f"; logged only once trig invoked the function {self.released} more time(s) with an empty event: "
                    "the engine had held the function's output back")
        return f"; trig invoked the function {self.released} more time(s) with an empty event to release it, in vain"


def last_lines(events: list[LogEvent], count: int = 5) -> list[str]:
    return [e.message for e in events[-count:]]
