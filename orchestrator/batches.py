"""Sending entries through a batch API (PutRecords, SendMessageBatch...), resending those the service refuses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_exponential

from orchestrator.errors import TrigError

Entry = TypeVar("Entry")

# How long a batch may keep being throttled before trig says so: throttling clears in well under a second.
RESEND_BUDGET_SECONDS = 10.0


def chunks(entries: Sequence[Entry], size: int) -> list[list[Entry]]:
    return [list(entries[start:start + size]) for start in range(0, len(entries), size)]


def _some_refused(refused: list) -> bool:
    return bool(refused)


def send_all(send: Callable[[list[Entry]], list[Entry]], entries: list[Entry], what: str,
             budget: float = RESEND_BUDGET_SECONDS) -> None:
    """send(entries) returns the entries the service refused (throttling); resend exactly those, with growing
    pauses, until none is refused. When the budget in seconds runs out, say how many were refused and where."""
    pending = [entries]

    def attempt() -> list[Entry]:
        pending[0] = send(pending[0])
        return pending[0]

    retrying = Retrying(retry=retry_if_result(_some_refused), stop=stop_after_delay(budget),
                        wait=wait_exponential(multiplier=0.1, min=0.1, max=1.0))
    try:
        retrying(attempt)
    except RetryError:
        raise TrigError(f"{what} kept refusing {len(pending[0])} of {len(entries)} entries for {budget:.0f} s "
                        "(throttled): fire fewer events at once, or run again.") from None
