"""What the user sees while trig works: progress lines, spinners with elapsed time, Terraform's own output.

Everything here goes to stderr, so stdout carries only results. Spinners are drawn
only on a terminal; Rich leaves colours out when stderr is not one or NO_COLOR is set.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from orchestrator.progress import Step

QUIET, NORMAL, VERBOSE = 0, 1, 2
TERRAFORM_OUTPUT_LOGGER = "orchestrator.terraform.output"


class Feedback:
    """The CLI's progress callback: a line per message, and with begin() a spinner per running step on a
    terminal, or one line per finished step elsewhere."""

    def __init__(self, level: int = NORMAL, console: Console | None = None):
        self.level = level
        self.console = console or Console(stderr=True, highlight=False)
        self._lock = threading.Lock()
        self._live: Progress | None = None
        self._active = 0

    @property
    def spinners(self) -> bool:
        # Verbose mode streams Terraform's lines, which a live display would garble.
        return self.level == NORMAL and self.console.is_terminal

    def __call__(self, message: str) -> None:
        if self.level == QUIET:
            return
        with self._lock:
            if self._live is not None:
                self._live.console.print(message, markup=False)
                return
            # One write under the lock: parallel steps' lines must not run into each other.
            sys.stderr.write(message + "\n")
            sys.stderr.flush()

    @contextlib.contextmanager
    def begin(self, current: Step) -> Iterator[None]:
        """While the block runs, a spinner line `label  0:00:12` on a terminal; then, terminal or not,
        one line saying how it went (`applied kinesis in 34.6 s: 7 added, ...`)."""
        started = time.monotonic()
        if not self.spinners:
            yield
            # Off a terminal (or with -v) only a step that ended well is reported: an error says the rest.
            line = current.finished(time.monotonic() - started)
            if line is not None:
                self(line)
            return
        with self._lock:
            if self._live is None:
                self._live = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                      console=self.console, transient=True)
                self._live.start()
            live = self._live
            task = live.add_task(escape(current.label), total=None)
            self._active += 1
        ok = False
        try:
            yield
            ok = True
        finally:
            with self._lock:
                live.remove_task(task)
                seconds = time.monotonic() - started
                line = current.finished(seconds) if ok else None
                if line is not None:
                    live.console.print(line, markup=False, highlight=False)
                else:
                    mark = "[green]done[/green]" if ok else "[red]stopped[/red]"
                    live.console.print(f"{escape(current.label)}: {mark} in {seconds:.1f} s", highlight=False)
                self._active -= 1
                if self._active == 0:
                    live.stop()
                    self._live = None


def configure_output(level: int) -> None:
    """Verbose: stream Terraform's own output (the adapter logs it line by line) to stderr.

    Every level sets both loggers, so a command line's -v ends with it (the CLI may run twice in one process)."""
    logger = logging.getLogger(TERRAFORM_OUTPUT_LOGGER)
    logger.propagate = False
    logger.handlers.clear()
    if level == VERBOSE:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logging.getLogger("orchestrator").setLevel(logging.INFO)
    else:
        logger.setLevel(logging.WARNING)
        logging.getLogger("orchestrator").setLevel(logging.NOTSET)
