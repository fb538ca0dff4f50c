"""--set names and values, checked before anything is rendered or run.

The rules mirror the `validation` blocks and types of the modules' variables.tf, so a
value Terraform would refuse is refused here first, naming what the user typed
(`--set api.timeout=abc: timeout is a number of seconds from 1 to 900.`) instead of the
module variable it ends up in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from orchestrator.errors import UsageError
from orchestrator.settings import Settings, config_where, resolve_settings


class Named(Protocol):
    """A trigger or a probe spec: a name and the settings it has."""

    name: str
    defaults: Mapping[str, object]


@dataclass(frozen=True)
class Rule:
    """What a setting accepts, and how to say it: `a whole number from 1 to 10000`."""

    accepts: Callable[[str], bool]
    says: str


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_WHOLE = re.compile(r"-?\d+")


def number(low: float, high: float | None = None, whole: bool = False, unit: str = "") -> Rule:
    """A number (a whole one if whole) from low to high (no upper bound when high is None)."""
    def accepts(text: str) -> bool:
        if not (_WHOLE if whole else _NUMBER).fullmatch(text):
            return False
        value = float(text)
        return value >= low and (high is None or value <= high)

    kind = ("a whole number" if whole else "a number") + (f" of {unit}" if unit else "")
    bounds = f"from {low:g} to {high:g}" if high is not None else f"of at least {low:g}"
    return Rule(accepts, f"{kind} {bounds}")


def matching(pattern: str, says: str, allow_empty: bool = False) -> Rule:
    compiled = re.compile(pattern)
    return Rule(lambda text: (allow_empty and text == "") or compiled.fullmatch(text) is not None, says)


def one_of(*choices: str) -> Rule:
    return Rule(lambda text: text in choices, " or ".join(choices))


def _bucket_name(text: str) -> bool:
    return re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", text) is not None and ".." not in text


_BUCKET = Rule(_bucket_name, "3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit")
_RETRIES_ASYNC = number(0, 2, whole=True)  # Lambda's asynchronous invocation config
_RETRIES_STREAM = number(-1, 10000, whole=True)  # an event source mapping's; -1 is "until the record expires"

# By setting name; "trigger.name" where one trigger's module differs. Names not here are free text.
RULES: dict[str, Rule] = {
    "function_name": matching(r"[A-Za-z0-9_-]{1,64}", "1-64 letters, digits, hyphens or underscores"),
    "timeout": number(1, 900, unit="seconds"),
    "memory_size": number(128, 10240, unit="MB"),
    "api_name": Rule(lambda text: 0 < len(text.strip()) and len(text) <= 1024, "a non-empty name of at most 1024 characters"),
    "path": matching(r"[A-Za-z0-9._-]+", "one path segment of letters, digits, dots, hyphens or underscores"),
    "stage": matching(r"[A-Za-z0-9_-]{1,128}", "1-128 letters, digits, hyphens or underscores"),
    "bucket": _BUCKET,
    "state_bucket": _BUCKET,
    "stream": matching(r"[A-Za-z0-9_.-]{1,128}", "1-128 letters, digits, underscores, hyphens or dots"),
    "shard_count": number(1, whole=True),
    "batch_size": number(1, 10000, whole=True),
    "starting_position": one_of("TRIM_HORIZON", "LATEST"),
    "topic": matching(r"[A-Za-z0-9_-]{1,256}", "1-256 letters, digits, hyphens or underscores"),
    "rule": matching(r"[A-Za-z0-9_.-]{1,64}", "1-64 letters, digits, dots, hyphens or underscores"),
    "schedule_expression": matching(r"rate\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\)|cron\(.+\)",
                                    "rate(N minutes), rate(N hours), rate(N days) or cron(...)"),
    "event_source": Rule(lambda text: text == "" or (re.fullmatch(r"[A-Za-z0-9_.-]{1,256}", text) is not None
                                                     and not text.startswith("aws.")),
                         "empty, or 1-256 letters, digits, dots, hyphens or underscores, not starting with \"aws.\""),
    "table": matching(r"[A-Za-z0-9_.-]{3,255}", "3-255 letters, digits, underscores, hyphens or dots"),
    "queue": matching(r"[A-Za-z0-9_-]{1,76}", "1-76 letters, digits, hyphens or underscores"),
    "maximum_batching_window_in_seconds": number(0, 300, unit="seconds"),
    "max_receive_count": number(1, 1000, whole=True),
    "visibility_timeout": number(0, 43200, whole=True, unit="seconds"),
    "maximum_retry_attempts": _RETRIES_ASYNC,
    "kinesis.maximum_retry_attempts": _RETRIES_STREAM,
    "dynamodb.maximum_retry_attempts": _RETRIES_STREAM,
    "bisect_batch_on_function_error": one_of("true", "false"),
    "on_failure_queue": matching(r"[A-Za-z0-9_-]{1,80}", "empty, or 1-80 letters, digits, hyphens or underscores",
                                 allow_empty=True),
}
# Taken as typed, whatever it holds (the templates escape it for HCL).
FREE_TEXT = frozenset({"greeting", "filter_prefix", "filter_suffix"})


def rule_for(trigger: str, name: str) -> Rule | None:
    """The rule of one trigger's setting; None for free text."""
    return RULES.get(f"{trigger}.{name}") or RULES.get(name)


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def check_sets(selected: Iterable[Named], sets: Mapping[str, str], every: Iterable[Named],
               subject: Callable[[str, str | None], str] | None = None) -> None:
    """Refuse a set name no selected trigger has (saying which unselected one has it) and a value its rule refuses.

    every holds all triggers of the kind (seed triggers or probe specs); subject(name, value) names what the
    user typed in the message: `--set NAME=VALUE` by default.
    """
    selected, every = list(selected), list(every)
    subject = subject or (lambda name, value: f"--set {name}" if value is None else f"--set {name}={value}")
    for name, value in sets.items():
        having = _having(selected, every, name, subject)
        bare = name.rpartition(".")[2]
        for trigger in having:
            rule = rule_for(trigger.name, bare)
            if rule is not None and not rule.accepts(value):
                raise UsageError(f"{subject(name, value)}: {bare} is {rule.says}.")


def _having(selected: list[Named], every: list[Named], name: str, subject) -> list[Named]:
    """The selected triggers that have the setting name (NAME or TRIGGER.NAME); refused when there are none."""
    scope, _, bare = name.rpartition(".")
    by_name = {t.name: t for t in every}
    if scope and scope not in by_name:
        raise UsageError(f"{subject(name, None)}: unknown trigger {scope!r}; choose from {', '.join(by_name)}.")
    if scope and bare not in by_name[scope].defaults:
        raise UsageError(f"{subject(name, None)}: unknown name for {scope}; known names are "
                         f"{', '.join(sorted(by_name[scope].defaults))}.")
    having = [t for t in selected if scope in ("", t.name) and bare in t.defaults]
    if having:
        return having
    owners = [t.name for t in every if scope in ("", t.name) and bare in t.defaults]
    if owners:
        raise UsageError(f"{subject(name, None)}: {bare} is a setting of {_listed(owners)}, which "
                         f"{'is' if len(owners) == 1 else 'are'} not selected: add {owners[0]} to the triggers, "
                         "or drop it.")
    if len(selected) == len(every):
        raise UsageError(f"{subject(name, None)}: no trigger has a setting called {bare!r}; "
                         "the README's --set table lists them.")
    known = sorted({n for t in selected for n in t.defaults})
    raise UsageError(f"{subject(name, None)}: unknown name for {', '.join(t.name for t in selected)}; "
                     f"known names are {', '.join(known)}.")


@dataclass(frozen=True)
class Settable:
    """Every setting one trigger type has, for its seed stack or its probe stack."""

    name: str
    defaults: Mapping[str, object]


def check_config_sets(settings: Settings, every: Iterable[Named]) -> None:
    """Refuse a config file's set name that none of every (each type's seed and probe settings) has, or a value
    its rule refuses, naming file and line."""
    if not settings.default_sets:
        return
    every = list(every)

    def subject(name: str, value: str | None) -> str:
        where = config_where(settings.config_file, ("set", name))
        return f"{where}: set {name}" + (f" = {value}" if value is not None else "")

    check_sets(every, settings.default_sets, every, subject)


def checked_settings(every: Callable[[Settings], Iterable[Named]], **flags) -> Settings:
    """resolve_settings, with the config file's set table checked as the command line's --set is against
    every(settings), the settings each trigger type has."""
    settings = resolve_settings(**flags)
    check_config_sets(settings, every(settings))
    return settings


def values_for(named: Named, sets: Mapping[str, str]) -> dict[str, object]:
    """named's defaults overridden by the --set values that apply to it (NAME or TRIGGER.NAME)."""
    values = dict(named.defaults)
    for name, value in sets.items():
        scope, _, bare = name.rpartition(".")
        if scope in ("", named.name) and bare in named.defaults:
            values[bare] = value
    return values


def merge_config_sets(settings: Settings, selected: Iterable[Named], sets: Mapping[str, str]) -> dict[str, str]:
    """The config file's set values that apply to the selected triggers, overridden by the command line's."""
    selected = list(selected)
    merged = {}
    for name, value in settings.default_sets.items():
        scope, _, bare = name.rpartition(".")
        if any(scope in ("", t.name) and bare in t.defaults for t in selected):
            merged[name] = value
    merged.update(sets)
    return merged
