"""The functions trig applies, each with its triggers: the project file's (`[functions.NAME]`), or, when none
declares any, the walk-through's seven, one per trigger type and named after it. Each function is one
instance of the trigger stack in its place's workspace; commands name a function (`orders`), one of its
triggers (`orders.queue`) or `all`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import UsageError
from orchestrator.location import recorded_names
from orchestrator.project import Project, ProjectFunction, ProjectTrigger, read_project, source_name
from orchestrator.set_values import check_sets, merge_config_sets, rule_for, values_for
from orchestrator.settings import Settings, config_where, read_config_table
from orchestrator.triggers import REGISTRY, select_triggers
from orchestrator.triggers.base import Trigger

# The function's own settings among a walk-through type's defaults (the rest are its trigger's).
FUNCTION_SETTINGS = ("function_name", "timeout", "memory_size")


@dataclass(frozen=True)
class Wired:
    """One trigger of a function: its name in the function, its type, and its values (the type's defaults,
    then the project file's or --set's)."""

    function: str
    key: str
    type: Trigger
    values: Mapping[str, object]
    own: bool = False  # a trigger of the user's function: its checks read what the redirect records
    expect_log: str | None = None
    event: Path | None = None
    expect_status: int | None = None

    @property
    def name(self) -> str:
        """How commands and results name it: `orders.queue`; the walk-through's by their type (`sqs`)."""
        return f"{self.function}.{self.key}" if self.own else self.function

    @property
    def invocation(self) -> str:
        return self.type.invocation


@dataclass(frozen=True)
class Function:
    """One function and its triggers, as trig applies it: where its code is, how it runs, what invokes it."""

    name: str  # its instance of the trigger stack, and how commands name it
    source: Path
    handler: str
    runtime: str
    values: Mapping[str, object]  # function_name, timeout, memory_size
    environment: Mapping[str, str]
    triggers: tuple[Wired, ...]
    own: bool = False  # the user's code: wrapped on the emulator by the redirect (orchestrator/redirect)

    @property
    def language(self) -> str:
        return "node" if self.runtime.startswith("nodejs") else "python"


def walkthrough_function(settings: Settings, trigger: Trigger, sets: Mapping[str, str]) -> Function:
    """The walk-through's function of one type: functions/<type>, one trigger named after the type."""
    values = values_for(trigger, sets)
    return Function(trigger.name, settings.functions_dir / trigger.function_dir, trigger.handler, "python3.12",
                    {k: values[k] for k in FUNCTION_SETTINGS}, trigger.environment(values),
                    (Wired(trigger.name, trigger.name, trigger, values),))


def trigger_settings() -> dict[str, frozenset[str]]:
    """What a project file's trigger of each type may set: its type's settings that are not the function's."""
    return {name: frozenset(t.defaults) - set(FUNCTION_SETTINGS) - t.function_only for name, t in REGISTRY.items()}


def load_project(settings: Settings) -> Project | None:
    """The project file's functions, checked; None when the config file declares none (the walk-through then)."""
    table = read_config_table(settings.config_file)
    if "functions" not in table:
        return None
    project = read_project(settings.config_file, table, trigger_settings(),
                           {name: t.source_setting for name, t in REGISTRY.items()})
    for function in project.functions:
        for trigger in function.triggers:
            _check_trigger_values(project.path, trigger)
    return project


def _check_trigger_values(path: Path, trigger: ProjectTrigger) -> None:
    """Each setting a project trigger gives, and the source name it is given by default, as --set checks them."""
    kind = REGISTRY[trigger.type]
    values = {**trigger.settings, kind.source_setting: source_name(trigger, kind.source_setting)}
    for name, value in values.items():
        rule = rule_for(trigger.type, name)
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        if rule is None or rule.accepts(text):
            continue
        given = name in trigger.settings
        key = ("functions", trigger.function, "triggers", trigger.name, *((name,) if given else ()))
        how = "" if given else f" (named after the function and the trigger): set {name} to one that is"
        raise UsageError(f"{config_where(path, key)}: {'.'.join(key)}: {name} {text!r} is not {rule.says}{how}.")


def project_function(function: ProjectFunction) -> Function:
    """A project file's function as trig applies it; each trigger's source is named after it unless set."""
    wired = []
    for trigger in function.triggers:
        kind = REGISTRY[trigger.type]
        values = {**kind.defaults, **trigger.settings,
                  kind.source_setting: source_name(trigger, kind.source_setting), "function_name": function.resource_name}
        wired.append(Wired(function.name, trigger.name, kind, values, True, trigger.expect_log, trigger.event,
                           trigger.expect_status))
    return Function(function.name, function.source, function.handler, function.runtime,
                    {"function_name": function.resource_name, "timeout": function.timeout,
                     "memory_size": function.memory_size}, dict(function.environment), tuple(wired), True)


def catalogue(settings: Settings, sets: Mapping[str, str] | None = None) -> dict[str, Function]:
    """Every function trig knows here, by name: the project file's, else the walk-through's (with --set values)."""
    project = load_project(settings)
    if project is None:
        return {name: walkthrough_function(settings, t, sets or {}) for name, t in REGISTRY.items()}
    if sets or settings.default_sets:
        raise UsageError(f"--set and the set table change the walk-through's triggers; {project.path} declares "
                         "functions of its own: give their settings there.")
    return {f.name: project_function(f) for f in project.functions}


def _unknown(name: str, known: Mapping[str, Function], or_all: bool = True) -> UsageError:
    triggers = [t.name for f in known.values() for t in f.triggers if t.own]
    choices = ", ".join([*known, *triggers]) + (" or all" if or_all else "")
    return UsageError(f"unknown {'function or trigger' if triggers else 'trigger'} {name!r}: choose from {choices}.")


def select_functions(known: Mapping[str, Function], names: list[str]) -> list[Function]:
    """The functions named (a trigger `orders.queue` names its function), in the catalogue's order; 'all' every one."""
    if not names:
        raise UsageError(f"name at least one: {', '.join(known)} or all.")
    wanted: set[str] = set()
    for name in names:
        if name == "all":
            wanted.update(known)
            continue
        function, _, key = name.partition(".")
        if function not in known or (key and key not in {t.key for t in known[function].triggers}):
            raise _unknown(name, known)
        wanted.add(function)
    return [f for name, f in known.items() if name in wanted]


def select_wired(known: Mapping[str, Function], names: list[str]) -> list[Wired]:
    """The triggers named: a function names all of its triggers, `orders.queue` one; 'all' every one."""
    picked: list[Wired] = []
    for function in select_functions(known, names):
        whole = "all" in names or function.name in names
        picked.extend(t for t in function.triggers if whole or f"{function.name}.{t.key}" in names)
    return picked


def wired_named(known: Mapping[str, Function], name: str, any_of_function: bool = False) -> Wired:
    """The one trigger called name (for `trig fire`): a function with a single trigger names it; with
    any_of_function (`trig logs`, which reads the function's logs), a function names its first."""
    function, _, key = name.partition(".")
    if function not in known:
        raise _unknown(name, known, or_all=False)
    triggers = [t for t in known[function].triggers if not key or t.key == key]
    if any_of_function and triggers:
        return triggers[0]
    if len(triggers) != 1:
        if not triggers:
            raise _unknown(name, known, or_all=False)
        raise UsageError(f"{function} has {len(triggers)} triggers: name one, such as {triggers[0].name}.")
    return triggers[0]


def chosen_functions(settings: Settings, names: list[str], sets: Mapping[str, str] | None = None) -> list[Function]:
    """The functions apply, plan and destroy work on: the walk-through's triggers named, with the --set values
    (checked) over the config file's; or the project file's functions named (a trigger names its function)."""
    project = load_project(settings)
    if project is None:
        triggers = select_triggers(names)
        check_sets(triggers, sets or {}, REGISTRY.values())
        merged = merge_config_sets(settings, triggers, sets or {})
        return [walkthrough_function(settings, t, merged) for t in triggers]
    return select_functions(catalogue(settings, sets), names)


def undeclared_applied(settings: Settings, known: Mapping[str, Function]) -> list[str]:
    """Functions applied here that the catalogue no longer declares (taken out of the project file, or applied
    without one): `destroy all` and `status` still find them, so nothing applied is lost track of."""
    probes = {f"probe-{name}" for name in REGISTRY}
    return [name for name in recorded_names(settings) if name not in known and name not in probes]
