"""How long steps tell the user they are under way, without the logic knowing how it is shown.

A progress callback is any callable taking one message. One that also has
`begin(step)` (the CLI's) shows the step: on a terminal a spinner with the elapsed
time, elsewhere one line when it has finished; any other callback gets nothing extra.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Progress = Callable[[str], None]


@dataclass
class Step:
    """One long step: its label while it runs, and what to say once it has finished.

    done starts the finished line (`applied kinesis`); None means the step says nothing when done.
    outcome, set by the step's code as it learns it, ends the line (`7 added, 0 changed, 0 destroyed`).
    """

    label: str
    done: str | None = None
    outcome: str = ""

    def finished(self, seconds: float) -> str | None:
        """`applied kinesis in 34.6 s: 7 added, 0 changed, 0 destroyed`, or None."""
        if self.done is None:
            return None
        return f"{self.done} in {seconds:.1f} s" + (f": {self.outcome}" if self.outcome else "")


@contextlib.contextmanager
def step(progress: Progress, label: str, done: str | None = None) -> Iterator[Step]:
    """Show the step while the block runs and, when it ends well, the line its done and outcome make."""
    current = Step(label, done)
    begin = getattr(progress, "begin", None)
    if begin is None:
        yield current
        return
    with begin(current):
        yield current
