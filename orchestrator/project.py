"""A project file's functions and their triggers (`[functions.NAME]` in trig.toml, or under [tool.trig] in
pyproject.toml), read and checked before anything runs: every mistake is one line naming the file, the
line, the table and the key.

    [functions.orders]
    source = "src/orders"          # a folder, or a .zip
    handler = "app.handler"
    runtime = "python3.12"

    [functions.orders.triggers.queue]
    type = "sqs"
    batch_size = 5
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from orchestrator.errors import UsageError
from orchestrator.settings import config_where

# What a function's table may set, and what it takes when it does not.
FUNCTION_KEYS = ("source", "handler", "runtime", "timeout", "memory_size", "environment", "name", "triggers")
FUNCTION_DEFAULTS = {"handler": "handler.handler", "runtime": "python3.12", "timeout": 10, "memory_size": 128}
# Beside a type's own settings, every trigger's table may set these.
TRIGGER_KEYS = ("type", "expect_log", "event", "expect_status")
# The runtimes the engine runs as local processes (MiniStack: the machine's python3 and node).
RUNTIME = re.compile(r"^(python3\.(9|1[0-3])|nodejs(18|20|22)\.x)$")
# Trigger types whose event is not a body trig could read from a file.
NO_EVENT_FILE = {"api": "a GET of its path", "s3": "a new object's key", "dynamodb": "a new item's key"}
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class ProjectTrigger:
    """One trigger of a project function: its type and the settings the file gives it."""

    function: str
    name: str
    type: str
    settings: dict[str, object]
    expect_log: str | None = None
    event: Path | None = None
    expect_status: int | None = None

    @property
    def qualified(self) -> str:
        """How commands name it: `orders.queue`."""
        return f"{self.function}.{self.name}"


@dataclass(frozen=True)
class ProjectFunction:
    """One function of a project file: where its code is, how the engine runs it, and its triggers."""

    name: str
    resource_name: str
    source: Path
    handler: str
    runtime: str
    timeout: int
    memory_size: int
    environment: dict[str, str] = field(default_factory=dict)
    triggers: tuple[ProjectTrigger, ...] = ()


@dataclass(frozen=True)
class Project:
    path: Path
    functions: tuple[ProjectFunction, ...]


class _Where:
    """Error lines for one project file: `config file PATH, line N: functions.orders.timeout: ...`."""

    def __init__(self, path: Path, root: tuple[str, ...]):
        self.path, self.root = path, root

    def error(self, key: tuple[str, ...], message: str) -> UsageError:
        return UsageError(f"{config_where(self.path, key)}: {'.'.join(key)}: {message}")


def _unknown(where: _Where, key: tuple[str, ...], name: str, known: list[str], what: str) -> UsageError:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return where.error(key, f"unknown {what} {name!r}{hint}; known: {', '.join(sorted(known))}.")


def read_project(path: Path, table: Mapping[str, object], trigger_settings: Mapping[str, frozenset[str]],
                 resource_settings: Mapping[str, str] | None = None) -> Project:
    """The functions of a project file's trig table; trigger_settings says, per trigger type, which settings a
    trigger of that type may give, resource_settings which of them names its source (queue, bucket...), which
    two triggers of one type must not share. Raises UsageError, one line, at the first mistake."""
    where = _Where(path, ())
    functions = table.get("functions", {})
    if not isinstance(functions, dict) or not functions:
        raise where.error(("functions",), "must hold at least one [functions.NAME] table.")
    read = tuple(_function(where, path.parent, name, body, trigger_settings) for name, body in functions.items())
    _refuse_duplicate_names(where, read)
    _refuse_shared_sources(where, read, resource_settings or {})
    return Project(path, read)


def _function(where: _Where, base: Path, name: str, body: object,
              trigger_settings: Mapping[str, frozenset[str]]) -> ProjectFunction:
    key = ("functions", name)
    if not NAME.match(name):
        raise where.error(key, "a function's name takes letters, digits, - and _ (64 at most), starting with a letter.")
    if not isinstance(body, dict):
        raise where.error(key, "must be a table, such as [functions.orders] with source and handler.")
    for item in body:
        if item not in FUNCTION_KEYS:
            raise _unknown(where, (*key, item), item, list(FUNCTION_KEYS), "key")
    values = {**FUNCTION_DEFAULTS, **body}
    if "source" not in values:
        raise where.error((*key, "source"), "missing: give the folder (or .zip) that holds the function's code.")
    source = (base / str(values["source"])).resolve()
    if not source.exists():
        raise where.error((*key, "source"), f"{source} does not exist: create it, or point source at the code.")
    runtime = str(values["runtime"])
    if not RUNTIME.match(runtime):
        raise where.error((*key, "runtime"), f"{runtime!r} is not a runtime the engine runs here: use pythonX.Y "
                                             "(3.9 to 3.13) or nodejsNN.x (18, 20, 22).")
    handler = str(values["handler"])
    _check_handler(where, (*key, "handler"), source, handler, runtime)
    for number in ("timeout", "memory_size"):
        if not isinstance(values[number], int) or isinstance(values[number], bool) or values[number] <= 0:
            raise where.error((*key, number), "must be a whole number above 0.")
    environment = values.get("environment", {})
    if not isinstance(environment, dict) or any(isinstance(v, (dict, list)) for v in environment.values()):
        raise where.error((*key, "environment"), "must be a table of NAME = \"value\".")
    resource_name = str(values.get("name", name))
    if not NAME.match(resource_name):
        raise where.error((*key, "name"), "a Lambda function's name takes letters, digits, - and _ (64 at most).")
    triggers = values.get("triggers", {})
    if not isinstance(triggers, dict) or not triggers:
        raise where.error((*key, "triggers"), "give the function at least one trigger, such as "
                                              f"[functions.{name}.triggers.http] with type = \"api\".")
    return ProjectFunction(name, resource_name, source, handler, runtime, values["timeout"], values["memory_size"],
                           {str(k): str(v) for k, v in environment.items()},
                           tuple(_trigger(where, base, name, t, b, trigger_settings) for t, b in triggers.items()))


def _trigger(where: _Where, base: Path, function: str, name: str, body: object,
             trigger_settings: Mapping[str, frozenset[str]]) -> ProjectTrigger:
    key = ("functions", function, "triggers", name)
    if not NAME.match(name):
        raise where.error(key, "a trigger's name takes letters, digits, - and _, starting with a letter.")
    if not isinstance(body, dict) or "type" not in body:
        raise where.error(key, f"give its type, such as type = \"sqs\" (one of {', '.join(trigger_settings)}).")
    kind = str(body["type"])
    if kind not in trigger_settings:
        raise _unknown(where, (*key, "type"), kind, list(trigger_settings), "trigger type")
    allowed = trigger_settings[kind]
    for item in body:
        if item not in TRIGGER_KEYS and item not in allowed:
            raise _unknown(where, (*key, item), item, [*allowed, *TRIGGER_KEYS], f"setting of a {kind} trigger")
    event = None
    if "event" in body:
        if kind in NO_EVENT_FILE:
            raise where.error((*key, "event"), f"a {kind} trigger's event is {NO_EVENT_FILE[kind]}: leave event out.")
        event = (base / str(body["event"])).resolve()
        if not event.is_file():
            raise where.error((*key, "event"), f"{event} does not exist: point event at a file holding the body to send.")
        if "{nonce}" not in event.read_text(encoding="utf-8", errors="replace"):
            raise where.error((*key, "event"), f"{event} has no {{nonce}}: put it where the event's identity goes "
                                               "(trig replaces it, to tell this event from any other).")
    status = body.get("expect_status")
    if status is not None and (kind != "api" or not isinstance(status, int) or not 100 <= status <= 599):
        raise where.error((*key, "expect_status"), "only an api trigger takes it, as an HTTP status such as 404.")
    settings = {k: v for k, v in body.items() if k not in TRIGGER_KEYS}
    return ProjectTrigger(function, name, kind, settings, body.get("expect_log"), event, status)


def _check_handler(where: _Where, key: tuple[str, ...], source: Path, handler: str, runtime: str) -> None:
    """The handler's module is in the source and defines the function it names (read, never imported)."""
    module, _, function = handler.rpartition(".")
    if not module or not function:
        raise where.error(key, f"{handler!r} must be MODULE.FUNCTION, such as app.handler.")
    if source.suffix == ".zip":
        return  # a built package: the engine finds out (its contents are the user's build)
    if runtime.startswith("python"):
        path = source.joinpath(*module.split(".")).with_suffix(".py")
        if not path.is_file():
            raise where.error(key, f"{path} does not exist: the handler's module must be in the source folder.")
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        except (SyntaxError, UnicodeDecodeError) as exc:
            raise where.error(key, f"{path} does not parse ({exc.__class__.__name__}: {exc}).") from None
        defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        defined |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        if function not in defined:
            raise where.error(key, f"{path} defines no function {function!r} at its top level.")
        return
    candidates = [source / f"{module}{suffix}" for suffix in (".js", ".mjs", ".cjs")]
    path = next((c for c in candidates if c.is_file()), None)
    if path is None:
        raise where.error(key, f"no {module}.js, .mjs or .cjs in {source}: the handler's module must be there.")
    text = path.read_text(encoding="utf-8", errors="replace")
    exported = (rf"\bexports\.{re.escape(function)}\s*=", rf"\bexport\s+(async\s+)?function\s+{re.escape(function)}\b",
                rf"\bexport\s+(const|let|var)\s+{re.escape(function)}\b",
                rf"module\.exports\s*=\s*\{{[^}}]*\b{re.escape(function)}\b")
    if not any(re.search(pattern, text) for pattern in exported):
        raise where.error(key, f"{path} exports no {function!r}.")


def _refuse_duplicate_names(where: _Where, functions: tuple[ProjectFunction, ...]) -> None:
    seen: dict[str, str] = {}
    for function in functions:
        other = seen.setdefault(function.resource_name, function.name)
        if other != function.name:
            raise where.error(("functions", function.name, "name"),
                              f"{function.resource_name!r} is also the name of function {other}: give one a name of its own.")


def source_name(trigger: ProjectTrigger, setting: str) -> str:
    """The name of a trigger's source: as the file sets it, else `<function>-<trigger>` (unique by construction)."""
    return str(trigger.settings.get(setting, f"{trigger.function}-{trigger.name}"))


def _refuse_shared_sources(where: _Where, functions: tuple[ProjectFunction, ...], settings: Mapping[str, str]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for trigger in (t for f in functions for t in f.triggers if t.type in settings):
        name = source_name(trigger, settings[trigger.type])
        other = seen.setdefault((trigger.type, name), trigger.qualified)
        if other != trigger.qualified:
            raise where.error(("functions", trigger.function, "triggers", trigger.name, settings[trigger.type]),
                              f"{trigger.type} {name!r} is also the source of {other}: give each trigger its own.")
