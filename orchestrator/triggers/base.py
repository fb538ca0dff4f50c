"""The trigger protocol: what every trigger type declares (names, defaults, module, probe) and does (send, confirm, experiments).

A type is one class in a module of its own in this package; orchestrator/triggers/__init__.py finds it. It fires events one way
only, `send` (used by `check`, `check --count`, `fire` and the semantics probes), says which log
line proves an event arrived (`marker`), and composes its `--semantics` experiments from
orchestrator/experiments.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator.applied import AppliedTrigger, now_ms
from orchestrator.confirmation import Confirmation, confirm_marker
from orchestrator.errors import UsageError
from orchestrator.experiments.verdicts import Row
from orchestrator.logwatch import read_log_events
from orchestrator.settings import Settings

NewNonce = Callable[[], str]
PROBE_FUNCTION_DIR = "probe"
# How long a probe function may run before the engine kills it (see probe()).
PROBE_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class UserEvent:
    """An event of the user's choosing for `trig fire`: body bytes, a key (object key, partition key), a query."""

    data: bytes | None = None
    key: str | None = None
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sent:
    """What the service answered to one sent event, and how to find the invocation it caused."""

    receipt: dict[str, str]
    status: int | None = None  # synchronous triggers: the HTTP answer
    body: str | None = None
    marker: str | None = None  # text of a log line proving this event arrived; None: any invocation after sending
    expects_logs: bool = True
    note: str = ""


@dataclass
class SyncAnswers:
    """What a synchronous trigger answered under load: the nonces answered correctly, and how it went."""

    confirmed: set[str]
    retried: int = 0
    unanswered: Counter = field(default_factory=Counter)  # last answer of each request never answered right


@dataclass(frozen=True)
class TypeRow:
    """The type's row in the README's table of invocation types (orchestrator/type_table.py writes it)."""

    trigger: str  # the resource the walk-through names, as the user knows it
    aws_does: str  # what AWS does with an event: waits, queues and retries, polls in batches
    check_fires: str  # what `trig check` sends
    confirms: str  # what proves it arrived


@dataclass(frozen=True)
class ProbeSpec:
    """One trigger type's probe stack for `check --semantics`: the probe function wired to the type's
    module as instance probe-<name>, from the type's own template (--set can override its values)."""

    name: str
    invocation: str
    defaults: dict[str, object] = field(default_factory=dict)
    handler: str = "handler.handler"
    function_dir: str = PROBE_FUNCTION_DIR

    @property
    def workspace(self) -> str:
        return f"probe-{self.name}"

    @property
    def template(self) -> str:
        return f"{self.name}.tfvars.j2"

    @staticmethod
    def environment(values: dict[str, object], endpoint: str) -> dict[str, str]:
        """The probe function's environment: where it keeps its counters and records, and how to reach them."""
        return {"PROBE_STATE_BUCKET": str(values["state_bucket"]), "PROBE_ENDPOINT": endpoint}


class Trigger(ABC):
    """One trigger type: a Terraform module, a function folder, a tfvars template, an event and its experiments."""

    name: ClassVar[str]
    # Where the type comes in lists (help, README, `all`): the walk-through's three first.
    listed: ClassVar[int]
    invocation: ClassVar[str]
    row: ClassVar[TypeRow]
    defaults: ClassVar[dict[str, object]]
    handler: ClassVar[str] = "handler.handler"
    # The call `send` makes, to say what was sent when nothing arrives (PutRecords, Publish...).
    action: ClassVar[str] = ""
    # The line the sample function prints before the marker's line, if it prints one (see confirmation.cut_after).
    banner: ClassVar[str | None] = None
    # What `trig fire`'s --data, --key and --query mean for this type, if it takes them (its help says so).
    fire_options: ClassVar[dict[str, str]] = {}
    # The longest wait inside the AWS provider while this trigger is applied (measured against
    # MiniStack): a Lambda function's create takes about 5 s. Parallel applies let the slowest
    # one go first on the CPU.
    provider_wait_seconds: ClassVar[float] = 5.0
    # The setting naming the trigger's source (queue, bucket, stream...): a project file's trigger that does not
    # set it gets `<function>-<trigger>`, and no two triggers of a type may share one.
    source_setting: ClassVar[str]
    # Settings among the defaults that only the walk-through's function of this type reads (a project file's
    # trigger cannot set them).
    function_only: ClassVar[frozenset[str]] = frozenset()

    @property
    def function_dir(self) -> str:
        return self.name

    @property
    def template(self) -> str:
        return f"{self.name}.tfvars.j2"

    def environment(self, values: dict[str, object]) -> dict[str, str]:
        """The function's environment variables, from the trigger's values (none unless a type says so)."""
        return {}

    @property
    def module(self) -> str:
        """The folder under terraform/modules/ that wires this type's trigger to a function."""
        return f"{self.name}_trigger"

    # Firing: one verb.

    @abstractmethod
    def send(self, target: AppliedTrigger, texts: list[str], concurrency: int = 1) -> None:
        """Put one event per text into the trigger's source, in order: the text is what the function reads
        (the object key's last segment, the record's data, the message body...)."""

    @abstractmethod
    def source(self, target: AppliedTrigger) -> str:
        """The trigger's source as the user knows it (bucket, stream, queue URL...), to say where events went."""

    def payload(self, nonce: str) -> str:
        """The text of the event `trig check` fires, carrying nonce."""
        return f"test-{nonce}"

    @abstractmethod
    def marker(self, target: AppliedTrigger, nonce: str) -> str:
        """The end of the log line that proves the event carrying nonce reached the function."""

    def fire_load(self, target: AppliedTrigger, nonces: list[str], concurrency: int, timeout: float) -> SyncAnswers | None:
        """Fire one event per nonce; a synchronous trigger returns its answers, others None (their logs confirm)."""
        self.send(target, [self.payload(n) for n in nonces], concurrency)
        return None

    def fire_and_confirm(self, target: AppliedTrigger, nonce: str, timeout: float) -> Confirmation:
        """Send one event carrying nonce through the real trigger and wait, within timeout s, until its line shows."""
        start = now_ms()
        self.send(target, [self.payload(nonce)])
        return confirm_marker(target, start, timeout, self.marker(target, nonce),
                              f"{self.action} to {self.source(target)}", self.banner)

    def events_per_invocation(self, target: AppliedTrigger) -> int:
        """The most events one invocation of the function can carry (S3, SNS, EventBridge: one)."""
        return 1

    # Proving the semantics.

    @abstractmethod
    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        """This type's own values of its probe stack; the function name, timeout, memory and state bucket
        every probe has are added by probe()."""

    def probe(self, settings: Settings) -> ProbeSpec:
        """This type's probe stack; bucket names carry the account, since they are global."""
        # A minute, not the seed functions' 10 s: on a busy machine the engine's cold start (a new worker
        # process importing boto3) took more than 10 s, and an attempt killed by the timeout spoils the experiment.
        common = {"function_name": f"trig-probe-{self.name}", "timeout": PROBE_TIMEOUT_SECONDS, "memory_size": 128,
                  "state_bucket": f"trig-probe-{settings.account_id}-{self.name}-state"}
        return ProbeSpec(self.name, self.invocation, {**self.defaults, **common, **self.probe_defaults(settings)})

    @abstractmethod
    def run_semantics(self, target: AppliedTrigger, values: dict, new_nonce: NewNonce, timeout: float) -> list[Row]:
        """Run this type's `--semantics` experiments on its applied probe stack; one row per property."""

    # Explaining and `trig fire`.

    def diagnose(self, target: AppliedTrigger) -> list[str]:
        """What the emulator says about the function, to explain an event that was not confirmed."""
        return function_diagnosis(target)

    def send_event(self, target: AppliedTrigger, event: UserEvent, timeout: float) -> Sent:
        """Send one event of the user's choosing through the real trigger (`trig fire`), within timeout seconds.

        This default sends the event `trig check` sends, carrying a fresh nonce, so every
        trigger type has `trig fire` without options; a type whose fire_options name data sends
        the user's --data as it is (its invocation is then any after sending); a type overrides
        it to take --key or --query.
        """
        if event.data is not None and "data" in self.fire_options and event.key is None and not event.query:
            self.send(target, [event.data.decode("utf-8", errors="replace")])
            return Sent({})
        if event.data is not None or event.key is not None or event.query:
            raise UsageError(f"a {self.name} trigger takes no --data, --file, --key or --query yet: fire it "
                             f"without them to send the event `trig check` sends.")
        nonce = uuid.uuid4().hex[:12]
        self.send(target, [self.payload(nonce)])
        return Sent({"nonce": nonce}, marker=self.marker(target, nonce))


def function_diagnosis(target: AppliedTrigger) -> list[str]:
    """What the emulator says about a function (its state, the log groups, its last lines), to explain an event
    that was not confirmed."""
    lines = [f"region: {target.settings.region}, endpoint: {target.settings.endpoint}"]
    try:
        config = target.client("lambda").get_function_configuration(FunctionName=target.function_name)
        lines.append(f"function {target.function_name}: state {config.get('State', '?')}, "
                     f"last update {config.get('LastUpdateStatus', '?')}")
        groups = target.client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
        lines.append("log groups: " + (", ".join(g["logGroupName"] for g in groups) or "none"))
        recent = read_log_events(target.client("logs"), target.log_group, now_ms() - 10 * 60 * 1000)
        lines.extend(f"last log line: {e.message}" for e in recent[-5:])
    except (ClientError, BotoCoreError) as exc:
        lines.append(f"could not read the function's state: {exc}")
    return lines


class MappedTrigger(Trigger):
    """A trigger whose function an event source mapping invokes (a stream or a queue Lambda polls).

    Its module outputs the mapping's UUID as event_source_mapping_uuid, under the trigger's name.
    """

    def events_per_invocation(self, target: AppliedTrigger) -> int:
        """The mapping's batch size, as the engine reports it (the applied value when it cannot be read)."""
        uuid = target.outputs.of(self.name, "event_source_mapping_uuid", default=None)
        try:
            return int(target.client("lambda").get_event_source_mapping(UUID=uuid)["BatchSize"])
        except (ClientError, BotoCoreError, KeyError, TypeError, ValueError):
            return int(target.outputs.of(self.name, "batch_size", default=None) or self.defaults.get("batch_size") or 1)

    def diagnose(self, target: AppliedTrigger) -> list[str]:
        lines = super().diagnose(target)
        uuid = target.outputs.of(self.name, "event_source_mapping_uuid", default=None)
        try:
            mapping = target.client("lambda").get_event_source_mapping(UUID=uuid)
            lines.insert(1, f"event source mapping {uuid}: state {mapping.get('State', '?')}, "
                            f"last processing result {mapping.get('LastProcessingResult', '?')}")
        except ClientError as exc:
            lines.insert(1, f"event source mapping {uuid}: {exc.response['Error']['Code']}")
        return lines
