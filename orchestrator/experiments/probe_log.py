"""What the probe function did: its log lines and the records it keeps in its state bucket, read and awaited."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from orchestrator.applied import AppliedTrigger
from orchestrator.experiments.verdicts import ProbeLine, lines_for, merge_probe_lines, parse_probe_json, parse_probe_lines, unlogged
from orchestrator.logwatch import Watched, read_log_events, watch

T = TypeVar("T")


def read_probe_lines(target: AppliedTrigger, start_ms: int, nonces: Iterable[str] = ()) -> list[ProbeLine]:
    """Every probe invocation logged in the target's log group since start_ms, and for the nonces given,
    those only the probe's records show (the engine lost their log lines)."""
    logs = target.client("logs")
    logged = parse_probe_lines(read_log_events(logs, target.log_group, start_ms - 1000))
    return merge_probe_lines(logged, read_probe_records(target, nonces))


# Records never change once written: each is fetched once per run of trig.
_RECORDS: dict[tuple[str, str], ProbeLine | None] = {}


def read_probe_records(target: AppliedTrigger, nonces: Iterable[str]) -> list[ProbeLine]:
    """The invocations the probe recorded in its state bucket for these nonces (invocations/<nonce>/<request id>)."""
    bucket = target.outputs.of("probe_state_bucket", default=None)
    if not bucket:
        return []
    s3 = target.client("s3")
    lines = []
    for nonce in nonces:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"invocations/{nonce}/"):
            for item in page.get("Contents", []):
                key = (bucket, item["Key"])
                if key not in _RECORDS:
                    body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read().decode("utf-8", "replace")
                    _RECORDS[key] = parse_probe_json(body, logged=False)
                if _RECORDS[key] is not None:
                    lines.append(_RECORDS[key])
    return lines


@dataclass
class ProbeWatch:
    """Waits on the probe's invocations of some nonces, adding up the seconds waited for a row to report."""

    target: AppliedTrigger
    start_ms: int
    nonces: tuple[str, ...]
    waited: float = 0.0

    def lines(self) -> list[ProbeLine]:
        return read_probe_lines(self.target, self.start_ms, self.nonces)

    def until(self, found: Callable[[T], bool], budget: float, read: Callable[[], T] | None = None) -> Watched[T]:
        """Read (the probe's lines, unless read is given) until found holds or budget seconds pass."""
        watched = watch(read or self.lines, found, budget)  # type: ignore[arg-type]
        self.waited = round(self.waited + watched.waited, 1)
        return watched

    def unlogged(self, nonce: str) -> int:
        """Invocations for nonce that only the probe's records show."""
        return unlogged(lines_for(self.lines(), nonce))
