"""The CLI's one error boundary: whatever goes wrong ends as one line on stderr and an exit code.

Click (inside Typer) reports a usage error as a usage line, a hint and a boxed message;
trig reports every error the same way: `trig: error: <what was wrong and what to do>`.
Exit codes: 2 for usage errors, a TrigError's own code, 70 (EX_SOFTWARE) for a bug.
"""

from __future__ import annotations

import difflib
import re
import sys
import traceback
from collections.abc import Sequence

import typer
from typer.core import TyperGroup

try:  # Typer 0.2x carries its own copy of Click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older Typer depends on Click itself
    from click import exceptions as click_errors

from orchestrator.commands.common import GlobalOptions
from orchestrator.errors import TrigError

EXIT_USAGE = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE in sysexits.h: an error in trig itself

# Click's and Pydantic's wording of a rejected value, as trig says it (checked in order).
_VALUE_MESSAGES = (
    (re.compile(r"greater than or equal to (\S+?)\.?$"), r"must be at least \1"),
    (re.compile(r"less than or equal to (\S+?)\.?$"), r"must be at most \1"),
    (re.compile(r"greater than (\S+?)\.?$"), r"must be more than \1"),
    (re.compile(r"less than (\S+?)\.?$"), r"must be less than \1"),
    (re.compile(r"is not in the range (-?\d+(?:\.\d+)?)<=x<=(-?\d+(?:\.\d+)?)\.?$"), r"must be from \1 to \2"),
    (re.compile(r"is not in the range x>=(-?\d+(?:\.\d+)?)\.?$"), r"must be at least \1"),
    (re.compile(r"is not in the range x<=(-?\d+(?:\.\d+)?)\.?$"), r"must be at most \1"),
    (re.compile(r"valid (integer|int)\b.*$", re.IGNORECASE), "must be a whole number"),
    (re.compile(r"valid (number|float)\b.*$", re.IGNORECASE), "must be a number"),
)
_EXAMPLE = re.compile(r"Example: (.+?)(?:\)|;|\.(?:\s|$)|$)")


class UnknownCommand(click_errors.UsageError):
    """A command name trig does not have, with the close ones."""

    def __init__(self, name: str, suggestions: list[str], ctx=None):
        super().__init__(f"no such command {name!r}", ctx)
        self.name = name
        self.suggestions = suggestions


class TrigGroup(TyperGroup):
    """trig's command group: Typer's, with every failure reported as one line (see report_failure)."""

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            raise UnknownCommand(name, difflib.get_close_matches(name, list(self.commands)), ctx)
        return super().resolve_command(ctx, args)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        # This command line's own -q/-v, filled in by the callback: the boundary needs -v after the command ended.
        options = extra.setdefault("obj", GlobalOptions())
        try:
            outcome = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            code = outcome if isinstance(outcome, int) else 0
        except Exception as exc:  # the boundary: nothing gets past it as a traceback
            code = report_failure(exc, argv, self, verbose=getattr(options, "verbose", False))
            if code == EXIT_USAGE and "--detailed-exitcode" in argv:
                code = 1  # there 2 means "changes", so every error exits 1, as Terraform's do
        if standalone_mode:
            sys.exit(code)
        return code


def report_failure(exc: Exception, argv: list[str], group=None, verbose: bool = False) -> int:
    """Print one line for exc on stderr (and its traceback first with -v, when it is a bug); return the exit code."""
    if isinstance(exc, click_errors.NoArgsIsHelpError):
        typer.echo(exc.format_message())  # `trig` alone: the help, as asked for
        return EXIT_USAGE
    if isinstance(exc, click_errors.UsageError):
        try:
            message = describe_usage_error(exc, argv, group)
        except Exception:  # noqa: BLE001 - Click's own words are better than a second failure
            message = one_line(exc.format_message())
        typer.echo(f"trig: error: {message}", err=True)
        return EXIT_USAGE
    if isinstance(exc, click_errors.ClickException):
        typer.echo(f"trig: error: {one_line(exc.format_message())}", err=True)
        return exc.exit_code
    if isinstance(exc, TrigError):
        typer.echo(f"trig: error: {one_line(str(exc))}", err=True)
        return exc.exit_code
    if isinstance(exc, typer.Abort):
        typer.echo("trig: error: aborted.", err=True)
        return 1
    if verbose:
        typer.echo("".join(traceback.format_exception(exc)).rstrip(), err=True)
        typer.echo(f"trig: internal error: {type(exc).__name__}: {one_line(str(exc))}", err=True)
    else:
        typer.echo(f"trig: internal error: {type(exc).__name__}: {one_line(str(exc))} "
                   "(rerun with -v for the traceback)", err=True)
    return EXIT_INTERNAL


def one_line(text: str) -> str:
    """text with its lines and runs of spaces joined into one line."""
    return " ".join(text.split())


def describe_usage_error(exc, argv: list[str], group=None) -> str:
    """What Click refused, said as trig says things: what was wrong, and what to type instead."""
    ctx = exc.ctx
    if isinstance(exc, UnknownCommand):
        if exc.suggestions:
            return f"no such command {exc.name!r} (did you mean {' or '.join(exc.suggestions)}?)"
        return f"no such command {exc.name!r}: choose from {', '.join(ctx.command.commands)}."
    if isinstance(exc, click_errors.NoSuchOption):
        return describe_unknown_option(exc.option_name, exc.possibilities or [], ctx)
    if isinstance(exc, click_errors.MissingParameter) and exc.param is not None:
        return describe_missing(exc.param, ctx)
    if isinstance(exc, click_errors.BadParameter) and exc.param is not None:
        return describe_bad_value(exc.param, exc.message, argv)
    if isinstance(exc, click_errors.BadOptionUsage) and "requires an argument" in exc.message:
        return describe_missing_value(exc.option_name, argv, group)
    if ctx is not None and exc.message == "Missing command.":
        return f"name a command: {', '.join(ctx.command.commands)} (see `trig --help`)."
    message = one_line(exc.message)
    hint = f": see `{ctx.command_path} --help`." if ctx is not None else ""
    return f"{message[:1].lower()}{message[1:]}".rstrip(".") + hint


def _option_names(command) -> set[str]:
    return {name for param in command.params for name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ()))
            if name.startswith("-")}


def describe_unknown_option(name: str, possibilities: Sequence[str], ctx) -> str:
    """An option trig does not know where it stands: one of another level, a typo, or unknown."""
    root = ctx.find_root() if ctx is not None else None
    if root is not None and ctx is root:
        owners = [cmd_name for cmd_name, cmd in root.command.commands.items() if name in _option_names(cmd)]
        if owners:
            listed = ", ".join(owners[:-1]) + f" and {owners[-1]}" if len(owners) > 1 else owners[0]
            return (f"{name} is an option of {listed}, not of trig itself: put it after the command, "
                    f"as in `trig {owners[0]} {name} …`.")
    elif root is not None and name in _option_names(root.command):
        return (f"{name} is an option of trig itself, not of {ctx.info_name}: put it before the command, "
                f"as in `trig {name} {ctx.info_name} …`.")
    if possibilities:
        return f"no such option {name} (did you mean {' or '.join(sorted(possibilities))}?)"
    where = ctx.command_path if ctx is not None else "trig"
    return f"no such option {name}: see `{where} --help`."


def _argument_label(param) -> str:
    label = (getattr(param, "metavar", None) or param.name or "").upper()
    return label.replace("...", "").strip("[]")


def describe_missing(param, ctx) -> str:
    """A missing argument or option, with the example its help gives."""
    if getattr(param, "param_type_name", "") == "option":
        what = f"option {max(param.opts, key=len)}"
    else:
        what = _argument_label(param)
    example = _EXAMPLE.search(one_line(getattr(param, "help", None) or ""))
    if example:
        return f"missing {what} (example: {example.group(1)})"
    return f"missing {what}: see `{ctx.command_path} --help`."


def describe_missing_value(option: str, argv: list[str], group) -> str:
    """An option given last without its value: `--set needs a value (example: --set greeting=hi)`."""
    commands = getattr(group, "commands", {})
    command = next((commands[token] for token in argv if token in commands), group)
    param = next((p for p in getattr(command, "params", ()) if option in getattr(p, "opts", ())), None)
    example = _EXAMPLE.search(one_line(getattr(param, "help", None) or ""))
    return f"{option} needs a value (example: {example.group(1)})" if example else f"{option} needs a value."


def typed_value(argv: list[str], opts: Sequence[str]) -> str | None:
    """The value the user typed for an option (the last one given), as `--opt VALUE` or `--opt=VALUE`."""
    found = None
    for index, token in enumerate(argv):
        if token == "--":
            break
        if token in opts and index + 1 < len(argv):
            found = argv[index + 1]
        for opt in opts:
            if opt.startswith("--") and token.startswith(opt + "="):
                found = token[len(opt) + 1:]
    return found


def humane_value_message(message: str) -> str:
    """Click's or Pydantic's words for a rejected value as a short rule: `must be at least 1`."""
    for pattern, replacement in _VALUE_MESSAGES:
        match = pattern.search(message)
        if match:
            return match.expand(replacement)
    text = one_line(message).rstrip(".")
    return text[:1].lower() + text[1:]


def describe_bad_value(param, message: str, argv: list[str]) -> str:
    """`--timeout 0: must be at least 1`: the option, what was typed, what it must be."""
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("-")]
    if opts:
        name = max(opts, key=len)
        value = typed_value(argv, opts)
        return f"{name} {value}: {humane_value_message(message)}" if value is not None else f"{name}: {humane_value_message(message)}"
    return f"{_argument_label(param)}: {humane_value_message(message)}"
