"""trig's pytest plugin (entry point `pytest11`): the project's functions applied on an emulator for a test session,
and assertions about what they did with an event.

Fixtures:
  trig_emulator  (session) an endpoint that answers (`--trig-endpoint`, TRIG_ENDPOINT), else the embedded MiniStack
                 started on a free port and stopped at the end; each pytest-xdist worker gets its own account on
                 the one emulator.
  trig_stack     (session) a factory: `trig_stack("orders")` applies a function of the project file (or a built-in
                 example: api, s3, kinesis, sns, schedule, dynamodb, sqs) once per session, destroys it at the end
                 unless `--trig-keep`, and returns a TrigStack.
`pytest --trig-root DIR` applies a team's Terraform root and runs one generated test per trigger found in it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from orchestrator import deploy, emulator
from orchestrator.applied import AppliedTrigger, now_ms
from orchestrator.checking import applied_target
from orchestrator.confirmation import wait_for_lines
from orchestrator.errors import TrigError
from orchestrator.fire import fire_event
from orchestrator.function_logs import parse_duration
from orchestrator.logwatch import LogEvent, read_log_events
from orchestrator.own_checks import OUTCOME
from orchestrator.settings import Settings, resolve_settings
from orchestrator.triggers.base import UserEvent

# The first account of a session's workers (gw0 gets it, gw1 the next, ...), unless --trig-account names another.
ACCOUNT_BASE = 900000000000
_REPORT = re.compile(r"REPORT RequestId: \S+\s+Duration: ([\d.]+) ms")
_SHOWN = 12  # log lines a failed wait shows


def pytest_addoption(parser) -> None:
    group = parser.getgroup("trig", "trig: Lambda functions and their triggers on an emulator")
    group.addoption("--trig-endpoint", metavar="URL", default=None,
                    help="An emulator that answers, to use instead of starting MiniStack (env TRIG_ENDPOINT).")
    group.addoption("--trig-account", metavar="ID", default=None,
                    help=f"The 12-digit account of the first worker (default {ACCOUNT_BASE}); worker N gets it plus N.")
    group.addoption("--trig-keep", action="store_true", default=False,
                    help="Keep the stacks (and an emulator trig started) after the session, to look at them.")
    group.addoption("--trig-root", metavar="DIR", default=None,
                    help="Apply this Terraform root on the emulator and run one test per Lambda trigger found in it.")


# -- the emulator ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrigEmulator:
    """The session's emulator, as one worker sees it: where, as which account, and this worker's trig home."""

    endpoint: str
    account: str
    home: Path
    started: bool  # trig started it for this session (and stops it at the end)

    def settings(self) -> Settings:
        return dataclasses.replace(resolve_settings(endpoint=self.endpoint, account=self.account), home=self.home)


def _worker_id(config) -> str | None:
    """This process's pytest-xdist worker id (gw0, gw1, ...); None when it is not a worker. Read from the config,
    not from PYTEST_XDIST_WORKER, which a pytest run started inside a worker's test inherits."""
    workerinput = getattr(config, "workerinput", None)
    return workerinput.get("workerid") if workerinput else None


def _worker_index(config) -> int:
    return int((_worker_id(config) or "gw0").removeprefix("gw") or 0)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _shared_folder(config) -> Path:
    """A folder every worker of this run shares (pytest's base temporary folder of the run)."""
    base = config._tmp_path_factory.getbasetemp()
    return (base.parent if _worker_id(config) else base) / "trig-emulator"


def _users(shared: Path, change: int) -> int:
    path = shared / "users"
    count = int(path.read_text() or 0) if path.exists() else 0
    count += change
    path.write_text(str(count))
    return count


def _start_emulator(config) -> TrigEmulator:
    keep = config.getoption("--trig-keep")
    base = int(config.getoption("--trig-account") or os.environ.get("TRIG_ACCOUNT_BASE") or ACCOUNT_BASE)
    account = f"{base + _worker_index(config):012d}"
    home = (resolve_settings().home / "pytest" / account if keep
            else config._tmp_path_factory.mktemp(f"trig-{account}"))
    wanted = config.getoption("--trig-endpoint") or os.environ.get("TRIG_ENDPOINT")
    if wanted:
        if not emulator.is_healthy(wanted):
            raise pytest.UsageError(f"trig: nothing answers at {wanted} (--trig-endpoint or TRIG_ENDPOINT): start "
                                    "the emulator, or drop the option to let trig start MiniStack.")
        return TrigEmulator(wanted, account, home, started=False)
    shared = _shared_folder(config)
    with _locked(shared / "lock"):
        record = emulator.running_record(shared)
        if record is None or not emulator.is_healthy(record.endpoint):
            record, _ = emulator.start(shared, emulator.free_port())
        _users(shared, +1)
    return TrigEmulator(record.endpoint, account, home, started=True)


def _stop_emulator(config, session_emulator: TrigEmulator) -> None:
    if not session_emulator.started or config.getoption("--trig-keep"):
        return
    shared = _shared_folder(config)
    with _locked(shared / "lock"):
        if _users(shared, -1) <= 0:
            emulator.stop(shared)


_EMULATOR = pytest.StashKey[TrigEmulator]()


def session_emulator(config) -> TrigEmulator:
    """This process's emulator for the session, started (or found) once."""
    if _EMULATOR not in config.stash:
        config.stash[_EMULATOR] = _start_emulator(config)
    return config.stash[_EMULATOR]


@pytest.fixture(scope="session")
def trig_emulator(request) -> Iterator[TrigEmulator]:
    yield session_emulator(request.config)


def pytest_unconfigure(config) -> None:
    if _EMULATOR in config.stash:
        _stop_emulator(config, config.stash[_EMULATOR])


# -- stacks ---------------------------------------------------------------------------------------


class Attributes(Mapping):
    """Terraform outputs read as attributes: `stack.outputs.function_name`, `stack.outputs.sqs["queue"].queue_url`."""

    def __init__(self, values: Mapping):
        self._values = dict(values)

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no output {name!r}: the outputs are {', '.join(self._values)}") from None

    def __getitem__(self, key):
        value = self._values[key]
        return Attributes(value) if isinstance(value, Mapping) else value

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Attributes({self._values!r})"


def _lines(events: list[LogEvent]) -> list[str]:
    return [e.message for e in sorted(events, key=lambda e: (e.timestamp, e.event_id))]


@dataclass(frozen=True)
class Fired:
    """What one fired event gave: the answer of a synchronous trigger, or the log lines, outcome and duration of the
    invocation it caused; `wait_logged` waits for a line of the function's."""

    target: AppliedTrigger
    trigger: str
    started_ms: int
    status: int | None = None
    body: str | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str | None:
        """`returned`, or `raised ValueError: ...`, as trig's redirect recorded it (None when it recorded nothing)."""
        for line in self.lines:
            at = line.find(OUTCOME)
            if at >= 0:
                record = json.loads(line[at + len(OUTCOME):])
                return "returned" if record.get("ok") else f"raised {record.get('error')}"
        return None

    @property
    def duration_ms(self) -> float | None:
        match = next((m for line in self.lines if (m := _REPORT.search(line))), None)
        return float(match.group(1)) if match else None

    def wait_logged(self, text: str, within: float = 10.0) -> Fired:
        """Wait until the function logs a line holding text (after the event was sent); fail showing what it logged."""
        watched = wait_for_lines(self.target, self.started_ms, within,
                                 lambda events: any(text in e.message for e in events))
        if not watched.found:
            seen = _lines(watched.seen)[-_SHOWN:]
            shown = "\n".join(f"    {line}" for line in seen) if seen else "    (nothing)"
            raise AssertionError(f"{text!r} not logged by {self.target.function_name} within {within:g} s of firing "
                                 f"{self.trigger}; its last lines:\n{shown}")
        return self


@dataclass(frozen=True)
class Invoked:
    """A direct invocation's answer: the payload (parsed when JSON) and the error the function raised, if any."""

    payload: object
    error: str | None


class TrigStack:
    """One applied function of the session: its outputs, and events through its triggers."""

    def __init__(self, settings: Settings, name: str):
        self.settings = settings
        self.name = name
        _, self._target = applied_target(settings, name, any_of_function=True)

    @property
    def outputs(self) -> Attributes:
        return Attributes(self._target.outputs.values)

    @property
    def function_name(self) -> str:
        return self._target.function_name

    def client(self, service: str):
        """A boto3 client of the emulator, in the stack's account and region (to read what the function wrote)."""
        return self._target.client(service)

    def fire(self, trigger: str | None = None, data: str | bytes | None = None, key: str | None = None,
             query: Mapping[str, str] | None = None, timeout: float = 30.0) -> Fired:
        """One event through a trigger (the function's only one when not named), with trig fire's options."""
        name = self.name if trigger is None or "." in self.name or trigger == self.name else f"{self.name}.{trigger}"
        body = data.encode() if isinstance(data, str) else data
        started = now_ms()
        try:
            result = fire_event(self.settings, name, UserEvent(body, key, dict(query or {})), timeout)
        except TrigError as exc:
            raise AssertionError(f"firing {name} failed: {exc}") from None
        lines = [line for invocation in result.invocations for line in invocation.lines]
        return Fired(self._target, name, started, result.sent.status, result.sent.body, lines)

    def logs(self, since: str = "10m") -> list[str]:
        """The function's log lines of the last `since` (30s, 10m, 2h)."""
        start = now_ms() - int(parse_duration(since) * 1000)
        return _lines(read_log_events(self.client("logs"), self._target.log_group, start))

    def invoke(self, payload: object = None) -> Invoked:
        """Invoke the function directly (RequestResponse) with a JSON payload."""
        answer = self.client("lambda").invoke(FunctionName=self.function_name, Payload=json.dumps(payload).encode())
        text = answer["Payload"].read().decode("utf-8", errors="replace")
        try:
            value: object = json.loads(text) if text else None
        except ValueError:
            value = text
        return Invoked(value, answer.get("FunctionError"))


@pytest.fixture(scope="session")
def trig_stack(trig_emulator, request):
    """`trig_stack(name)`: apply the function once per session; destroyed at the end unless --trig-keep."""
    settings = trig_emulator.settings()
    stacks: dict[str, TrigStack] = {}

    def make(name: str) -> TrigStack:
        if name not in stacks:
            try:
                deploy.apply_triggers(settings, [name], {})
                stacks[name] = TrigStack(settings, name)
            except TrigError as exc:
                pytest.fail(f"trig could not apply {name}: {exc}", pytrace=False)
        return stacks[name]

    yield make
    if not stacks:
        return
    if request.config.getoption("--trig-keep"):
        _say(request.config, f"trig: kept {', '.join(stacks)} at {settings.endpoint} for account "
                             f"{settings.account_id} (TRIG_HOME={settings.home})")
        return
    deploy.destroy_triggers(settings, list(stacks))


_NOTES = pytest.StashKey[list]()


def _say(config, line: str) -> None:
    """A line for the end of the session's report (a fixture's teardown output would be captured)."""
    config.stash.setdefault(_NOTES, []).append(line)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    for line in config.stash.get(_NOTES, []):
        terminalreporter.write_line(line)


# -- a team's root: one generated test per trigger found --------------------------------------------


class TriggerFailed(Exception):
    """A discovered trigger's check failed: its detail and what was seen."""


class RootTrigger(pytest.Item):
    """One trigger found in the team's root; its check runs with the others' the first time one is run."""

    def __init__(self, *, runner: RootRunner, label: str, **kwargs):
        super().__init__(**kwargs)
        self.runner = runner
        self.label = label

    def runtest(self) -> None:
        result = self.runner.result(self.label)
        if result.skipped:
            pytest.skip(result.detail)
        if not result.ok:
            raise TriggerFailed("\n".join([result.detail, *(f"seen: {line}" for line in result.seen)]))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, TriggerFailed):
            return f"{self.label}: {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"trig check --root: {self.label}"


class RootRunner:
    """Applies the root once, at collection; checks every trigger at the first test; destroys it at the end."""

    def __init__(self, config, directory: Path):
        from orchestrator.roots import checks, runs
        from orchestrator.terraform.team_root import Variables

        self.config = config
        self.directory = directory
        self.settings = session_emulator(config).settings()
        runs.apply_root(self.settings, directory, Variables(), lambda message: None)
        copy = runs.copy_for(self.settings.home, directory)
        self.found = checks.discovered(copy)[0]
        self._results: dict | None = None

    @property
    def labels(self) -> list[str]:
        return [f.label for f in self.found]

    def result(self, label: str):
        from orchestrator.roots import checks

        if self._results is None:
            rows = checks.check_root(self.settings, self.directory, 30.0, lambda message: None)
            self._results = {row.case_name: row for row in rows}
        return self._results[label]

    def finish(self) -> None:
        from orchestrator.roots import runs
        from orchestrator.terraform.team_root import Variables

        if self.config.getoption("--trig-keep"):
            _say(self.config, f"trig: kept {self.directory} at {self.settings.endpoint} for account "
                              f"{self.settings.account_id} (TRIG_HOME={self.settings.home})")
            return
        runs.destroy_root(self.settings, self.directory, Variables(), lambda message: None)


_ROOT = pytest.StashKey[RootRunner]()


def pytest_configure(config) -> None:
    if config.getoption("--trig-root") and getattr(config.option, "numprocesses", None):
        raise pytest.UsageError("--trig-root runs in one process: drop -n (the root is applied once, in one account).")


def pytest_collection_modifyitems(session, config, items) -> None:
    directory = config.getoption("--trig-root")
    if not directory:
        return
    try:
        runner = RootRunner(config, Path(directory))
    except TrigError as exc:
        raise pytest.UsageError(f"trig: {exc}") from None
    config.stash[_ROOT] = runner
    items.extend(RootTrigger.from_parent(session, name=label, runner=runner, label=label) for label in runner.labels)


def pytest_sessionfinish(session, exitstatus) -> None:
    runner = session.config.stash.get(_ROOT, None)
    if runner is not None:
        runner.finish()
