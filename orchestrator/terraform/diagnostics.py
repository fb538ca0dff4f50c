"""Reading what Terraform printed: its boxed diagnostics, the first error on one line, and change counts.

Pure text functions, with no import of the rest of the adapter, for the readers of
Terraform's output outside it (the lost-answer reader).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_APPLY_SUMMARY = re.compile(r"Resources: (\d+) added, (\d+) changed, (\d+) destroyed")
_DESTROY_SUMMARY = re.compile(r"Resources: (\d+) destroyed")


def change_counts(apply_output: str) -> dict[str, int]:
    """Added, changed and destroyed counts from the summary line of `terraform apply` or `destroy`."""
    if match := _APPLY_SUMMARY.search(apply_output):
        return dict(zip(("added", "changed", "destroyed"), map(int, match.groups())))
    if match := _DESTROY_SUMMARY.search(apply_output):
        return {"added": 0, "changed": 0, "destroyed": int(match.group(1))}
    return {"added": 0, "changed": 0, "destroyed": 0}


def counts_text(counts: Mapping[str, int]) -> str:
    """`7 added, 0 changed, 0 destroyed`, as apply prints per trigger (and per team root)."""
    return f"{counts['added']} added, {counts['changed']} changed, {counts['destroyed']} destroyed"


_COMPLETE = re.compile(r'^module\.trigger\["(?P<name>[^"]+)"\]\S*: (?P<what>Creation|Modifications|Destruction) complete after',
                       re.MULTILINE)
_COUNTED_AS = {"Creation": "added", "Modifications": "changed", "Destruction": "destroyed"}


def counts_by_trigger(output: str, names: list[str]) -> dict[str, dict[str, int]]:
    """Added, changed and destroyed per trigger, from the lines `terraform apply` or `destroy` prints as each
    resource of a trigger's instance (`module.trigger["api"]...`) is done (a replacement counts once each way)."""
    counts = {name: {"added": 0, "changed": 0, "destroyed": 0} for name in names}
    for match in _COMPLETE.finditer(output):
        if match.group("name") in counts:
            counts[match.group("name")][_COUNTED_AS[match.group("what")]] += 1
    return counts


_CREATED = re.compile(r'^module\.trigger\["(?P<name>[^"]+)"\]\S*: Creation complete after (?:(?P<m>\d+)m)?(?P<s>\d+)s',
                      re.MULTILINE)


def creation_seconds(output: str, names: list[str]) -> dict[str, float]:
    """Seconds the creation of each named trigger's resources took, summed, from `terraform apply`'s lines; a
    trigger that created nothing is left out (its last measured time stands)."""
    took: dict[str, float] = {}
    for match in _CREATED.finditer(output):
        name = match.group("name")
        if name in names:
            took[name] = took.get(name, 0) + 60 * int(match.group("m") or 0) + int(match.group("s"))
    return took


def completed(line: str) -> tuple[str, str] | None:
    """(trigger, "added"|"changed"|"destroyed") when a line of Terraform's output says one of a trigger's
    resources is done; None for any other line."""
    match = _COMPLETE.match(line)
    return (match.group("name"), _COUNTED_AS[match.group("what")]) if match else None


def diagnostic_lines(stderr: str) -> list[str]:
    """Terraform's diagnostics as plain lines: the box drawn around each one on a terminal taken off."""
    return [line[2:] if line.startswith(("│ ", "╷", "╵")) else line for line in stderr.splitlines()]


def summarize_error(stderr: str) -> str:
    """The first 'Error:' of Terraform's diagnostics with its explanation, on one line.

    In Terraform's plain output the source snippet under an error is indented and the
    explanation is not, so the explanation is the first unindented line after it.
    """
    lines = diagnostic_lines(stderr)
    for index, line in enumerate(lines):
        if line.startswith("Error: "):
            summary = line[len("Error: "):].strip()
            paragraph: list[str] = []
            for detail in lines[index + 1:]:
                if detail.startswith("Error: ") or (paragraph and not detail.strip()):
                    break
                if detail.strip() and not detail[0].isspace():
                    paragraph.append(detail.strip())  # Terraform wraps its explanation over several lines
            return f"{summary}: {' '.join(paragraph)}" if paragraph else summary
    tail = [line.strip() for line in lines if line.strip()]
    return tail[-1] if tail else "no error output"
