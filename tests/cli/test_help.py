"""Every --help shows all of its text, and every `Example: trig …` in it parses as the command it documents."""

from __future__ import annotations

import re
import shlex

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from orchestrator.cli import app
from orchestrator.triggers import REGISTRY

runner = CliRunner()
GROUP = typer.main.get_command(app)
COMMANDS = list(GROUP.commands)
# An example runs to the end of its sentence, its parenthesis or its line.
EXAMPLE = re.compile(r"example: (trig\b.*?)(?=\)|;|\.\s|\.$|$)", re.IGNORECASE | re.MULTILINE)
# Typer's notes after an option's help: [default: …], [env var: …], [required].
NOTES = re.compile(r"(\s+\[[a-z ]+(?::[^\]]*)?\])+\s*$", re.MULTILINE)


def render_help(*args: str) -> str:
    """The help as a user sees it, on a screen wide enough that no line wraps."""
    result = runner.invoke(app, [*args, "--help"], terminal_width=10_000, max_content_width=10_000)
    assert result.exit_code == 0, result.output
    return result.output


def examples_in(text: str) -> list[str]:
    return [m.group(1).strip() for m in EXAMPLE.finditer(NOTES.sub("", text))]


def parse_without_running(argv: list[str]) -> str:
    """Parse argv as trig would (types, ranges, required arguments) without invoking anything; the command's name."""
    try:
        ctx = GROUP.make_context("trig", list(argv))
    except typer.Exit as exc:  # an eager option such as --version or --help ends parsing on purpose
        assert exc.exit_code == 0
        return ""
    rest = [*ctx._protected_args, *ctx.args]
    name, command, args = GROUP.resolve_command(ctx, rest)
    command.make_context(name, args, parent=ctx)
    return name


@pytest.mark.parametrize("command", COMMANDS)
def test_every_example_parses_as_the_command_it_documents(command):
    examples = examples_in(render_help(command))
    assert examples, f"trig {command} --help has no `Example: trig {command} …`"
    for example in examples:
        argv = shlex.split(example)[1:]
        assert parse_without_running(argv) == command, f"trig {command} --help shows an example of another command: {example}"


def test_every_example_of_the_top_level_help_parses():
    examples = examples_in(render_help())
    assert len(examples) >= 3, examples
    for example in examples:
        parse_without_running(shlex.split(example)[1:])


def test_square_brackets_are_shown_not_swallowed():
    text = " ".join(render_help("config").split())
    assert "pyproject.toml with [tool.trig], from the current folder" in text
    assert "a [tool.trig.set] table of default --set values" in text
    assert "[tool.trig.set]" in " ".join(render_help("apply").split())


@pytest.mark.parametrize("command", ["logs", "fire", "apply", "destroy", "run", "plan", "check"])
def test_trigger_arguments_list_every_registered_type(command):
    text = " ".join(render_help(command).split())
    assert ", ".join(REGISTRY) in text, text


def test_examples_are_found_where_sentences_and_parentheses_end():
    text = ("Check it. Example: trig check api --timeout 60\n"
            "with --count (example: trig check api --count 5); or plan (example: trig plan all --out plan.md).\n"
            "Example: trig run all. Shell completion: trig --install-completion.")
    assert examples_in(text) == ["trig check api --timeout 60", "trig check api --count 5",
                                 "trig plan all --out plan.md", "trig run all"]


def test_an_example_of_another_command_would_be_caught():
    assert parse_without_running(["apply", "api", "s3"]) == "apply"
    with pytest.raises(Exception):
        parse_without_running(["apply", "api", "--timeout", "5"])
