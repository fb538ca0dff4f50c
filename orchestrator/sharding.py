"""`--shard K/N`: a stable share of the selected functions or triggers, so that N CI jobs cover a project once.

Every machine computes the same split from the same names: by the last measured apply time of each function
when trig's home holds one for every function (longest first, each to the share with the least time so far),
else by name (sorted, dealt round). Apply times come from Terraform's own "complete after" lines and are kept in
`.trig/apply-seconds.json`; a CI job with a fresh home splits by name, one that keeps `.trig/` as a cache
splits by time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import UsageError

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
TIMES_FILE = "apply-seconds.json"


@dataclass(frozen=True)
class Shard:
    """The K-th of N shares, 1-based."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    match = _SHARD.match(text)
    if not match:
        raise UsageError(f"--shard {text!r} is not K/N: give the job's share as, for example, --shard 2/3.")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= index <= count:
        raise UsageError(f"--shard {text}: K must be between 1 and N, as in --shard 1/{max(count, 1)}.")
    return Shard(index, count)


def split(names: Sequence[str], count: int, seconds: Mapping[str, float]) -> list[list[str]]:
    """names in count shares: by seconds when every name has a time, else by name; each share in names' order."""
    unique = list(dict.fromkeys(names))
    shares: list[list[str]] = [[] for _ in range(count)]
    if unique and all(name in seconds for name in unique):
        totals = [0.0] * count
        for name in sorted(unique, key=lambda n: (-seconds[n], n)):
            lightest = min(range(count), key=lambda i: (totals[i], i))
            shares[lightest].append(name)
            totals[lightest] += seconds[name]
    else:
        for position, name in enumerate(sorted(unique)):
            shares[position % count].append(name)
    order = {name: position for position, name in enumerate(unique)}
    return [sorted(share, key=order.__getitem__) for share in shares]


def share_of(names: Sequence[str], shard: Shard, seconds: Mapping[str, float]) -> list[str]:
    return split(names, shard.count, seconds)[shard.index - 1]


def _path(home: Path) -> Path:
    return home / TIMES_FILE


def apply_seconds(home: Path) -> dict[str, float]:
    """The last measured apply time of each function applied from this home."""
    try:
        times = json.loads(_path(home).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in times.items() if isinstance(v, (int, float))} if isinstance(times, dict) else {}


def record_apply_seconds(home: Path, seconds: Mapping[str, float]) -> None:
    """Keep the functions' apply times just measured (a function Terraform had nothing to do for keeps its last)."""
    if not seconds:
        return
    times = {**apply_seconds(home), **seconds}
    path = _path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(times, indent=1, sort_keys=True) + "\n")
    temporary.replace(path)
