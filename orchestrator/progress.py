"""How long steps tell the user they are under way, without the logic knowing how it is shown.

A progress callback is any callable taking one message. One that also has
`begin(label)` (the CLI's, on a terminal) shows a spinner with the elapsed time
while the step runs; any other gets nothing extra.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

Progress = Callable[[str], None]


@contextlib.contextmanager
def step(progress: Progress, label: str) -> Iterator[None]:
    """Show label with a spinner and elapsed time while the block runs, when progress can."""
    begin = getattr(progress, "begin", None)
    if begin is None:
        yield
        return
    with begin(label):
        yield
