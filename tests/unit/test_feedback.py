"""Progress of long steps: one line per finished step off a terminal, a spinner's last line on one, nothing with -q."""

from __future__ import annotations

import io
import logging
import re

import pytest
from rich.console import Console

from orchestrator.feedback import NORMAL, QUIET, TERRAFORM_OUTPUT_LOGGER, VERBOSE, Feedback, configure_output
from orchestrator.progress import Step, step


def feedback(level: int = NORMAL, terminal: bool = False) -> tuple[Feedback, io.StringIO]:
    screen = io.StringIO()
    return Feedback(level, Console(file=screen, force_terminal=terminal, width=200)), screen


def test_a_finished_step_says_what_it_did_and_how_long_it_took():
    assert Step("applying kinesis", "applied kinesis", "7 added, 0 changed, 0 destroyed").finished(34.56) == (
        "applied kinesis in 34.6 s: 7 added, 0 changed, 0 destroyed")
    assert Step("destroying s3", "destroyed s3").finished(12.1) == "destroyed s3 in 12.1 s"
    assert Step("terraform init").finished(3.0) is None


@pytest.mark.parametrize("level", [NORMAL, VERBOSE])
def test_off_a_terminal_each_finished_step_is_one_line(capsys, level):
    progress, _ = feedback(level)
    with step(progress, "applying api", done="applied api") as current:
        current.outcome = "11 added, 0 changed, 0 destroyed"
    with step(progress, "destroying s3", done="destroyed s3"):
        pass
    with step(progress, "terraform init (when the sources changed)"):
        pass  # nothing ran: nothing to say
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2, lines
    assert re.fullmatch(r"applied api in \d+\.\d s: 11 added, 0 changed, 0 destroyed", lines[0])
    assert re.fullmatch(r"destroyed s3 in \d+\.\d s", lines[1])


def test_a_step_that_fails_leaves_the_saying_to_the_error(capsys):
    progress, _ = feedback()
    with pytest.raises(RuntimeError):
        with step(progress, "applying api", done="applied api"):
            raise RuntimeError("terraform failed")
    assert capsys.readouterr().err == ""


def test_quiet_says_nothing(capsys):
    progress, screen = feedback(QUIET, terminal=True)
    with step(progress, "applying api", done="applied api"):
        pass
    assert capsys.readouterr().err == "" and screen.getvalue() == ""


def test_on_a_terminal_the_spinner_ends_with_the_same_line():
    progress, screen = feedback(terminal=True)
    with step(progress, "applying [api]", done="applied [api]") as current:
        current.outcome = "1 added, 0 changed, 0 destroyed"
    with step(progress, "waiting [x]"):
        pass
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    assert re.search(r"applied \[api\] in \d+\.\d s: 1 added, 0 changed, 0 destroyed", text), text
    assert re.search(r"waiting \[x\]: done in \d+\.\d s", text), text


def test_a_callback_without_begin_gets_the_messages_only():
    said = []
    with step(said.append, "applying api", done="applied api") as current:
        current.outcome = "x"
    assert said == []


def test_verbose_output_ends_with_the_next_configuration():
    try:
        configure_output(VERBOSE)
        assert logging.getLogger(TERRAFORM_OUTPUT_LOGGER).handlers
        configure_output(NORMAL)
        assert logging.getLogger(TERRAFORM_OUTPUT_LOGGER).handlers == []
        assert logging.getLogger("orchestrator").level == logging.NOTSET
    finally:
        configure_output(NORMAL)
