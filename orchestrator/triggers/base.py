"""What every trigger type provides: its names and defaults, how to fire its event and what confirms it."""

from __future__ import annotations

import time
from collections import Counter
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator.aws import make_client
from orchestrator.errors import UsageError
from orchestrator.logwatch import LogEvent, read_log_events, wait_for_log_events
from orchestrator.settings import Settings
from orchestrator.terraform.state import Outputs

if TYPE_CHECKING:
    from orchestrator.semantics.verdicts import Row


@dataclass(frozen=True)
class Confirmation:
    """The outcome of one fired event: confirmed or not, and what was seen."""

    confirmed: bool
    detail: str
    seen: list[str] = field(default_factory=list)


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
class Target:
    """An applied trigger as its Terraform outputs describe it."""

    settings: Settings
    outputs: Outputs

    @property
    def function_name(self) -> str:
        return self.outputs.function_name

    @property
    def log_group(self) -> str:
        return self.outputs.log_group_name

    def client(self, service: str):
        return make_client(service, self.settings)


class Trigger(ABC):
    """One trigger type: a Terraform module, a function folder, a tfvars template and an event."""

    name: ClassVar[str]
    invocation: ClassVar[str]
    description: ClassVar[str]
    defaults: ClassVar[dict[str, object]]
    handler: ClassVar[str] = "handler.handler"
    # The longest wait inside the AWS provider while this trigger is applied (measured against
    # MiniStack): a Lambda function's create takes about 5 s. Parallel applies let the slowest
    # one go first on the CPU.
    provider_wait_seconds: ClassVar[float] = 5.0

    @property
    def function_dir(self) -> str:
        return self.name

    @property
    def template(self) -> str:
        return f"{self.name}.tfvars.j2"

    @abstractmethod
    def fire_and_confirm(self, target: Target, nonce: str, timeout: float) -> Confirmation:
        """Send one event carrying nonce through the real trigger and wait until its effect shows."""

    @abstractmethod
    def fire_load(self, target: Target, nonces: list[str], concurrency: int, timeout: float) -> SyncAnswers | None:
        """Fire one event per nonce; a synchronous trigger returns its answers, others None (their logs confirm)."""

    def marker(self, target: Target, nonce: str) -> str:
        """The end of the log line that proves the event carrying nonce reached the function."""
        raise NotImplementedError(f"{self.name} is confirmed by its answer, not by its logs")

    def probe_defaults(self, settings: Settings) -> dict[str, object] | None:
        """The values of this type's probe stack (template probe-<name>.tfvars.j2) for `check --semantics`;
        None when the type has no probe. Names, timeout and state bucket are added by the probe itself."""
        return None

    def run_semantics(self, target: Target, values: dict, new_nonce, timeout: float) -> list[Row]:
        """Run this type's `--semantics` experiments on its applied probe stack; one row per property."""
        raise NotImplementedError(f"{self.name} has no semantics experiments")

    def diagnose(self, target: Target) -> list[str]:
        """What the emulator says about the function, to explain an event that was not confirmed."""
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


    def send_event(self, target: Target, event: UserEvent, timeout: float) -> Sent:
        """Send one event of the user's choosing through the real trigger (`trig fire`), within timeout seconds.

        This default sends the event `trig check` sends, carrying a fresh nonce, so every
        trigger type has `trig fire` without options; a type overrides it to take the
        user's --data, --key or --query.
        """
        if event.data is not None or event.key is not None or event.query:
            raise UsageError(f"trig fire {self.name} takes no --data, --file, --key or --query yet: "
                             f"run `trig fire {self.name}` alone to send the event `trig check` sends.")
        nonce = uuid.uuid4().hex[:12]
        answered = self.fire_load(target, [nonce], 1, timeout)
        if answered is not None:
            ok = nonce in answered
            return Sent({"nonce": nonce}, status=200 if ok else None,
                        body="answered as `trig check` expects" if ok else "not answered as `trig check` expects",
                        expects_logs=False)
        return Sent({"nonce": nonce}, marker=self.marker(target, nonce))


class MappedTrigger(Trigger):
    """A trigger whose function an event source mapping invokes (a stream or a queue Lambda polls).

    Its module outputs the mapping's UUID as event_source_mapping_uuid, under the trigger's name.
    """

    def diagnose(self, target: Target) -> list[str]:
        lines = super().diagnose(target)
        uuid = target.outputs.of(self.name, "event_source_mapping_uuid", default=None)
        try:
            mapping = target.client("lambda").get_event_source_mapping(UUID=uuid)
            lines.insert(1, f"event source mapping {uuid}: state {mapping.get('State', '?')}, "
                            f"last processing result {mapping.get('LastProcessingResult', '?')}")
        except ClientError as exc:
            lines.insert(1, f"event source mapping {uuid}: {exc.response['Error']['Code']}")
        return lines


def confirm_marker(target: Target, start_ms: int, timeout: float, expected: str, sent: str = "") -> Confirmation:
    """Wait for a log line ending with expected; sent says what was sent, for the message when none comes."""
    found_it, events = wait_for_lines(target, start_ms, timeout,
                                      lambda evs: any(e.message.endswith(expected) for e in evs))
    if found_it:
        return Confirmation(True, f"{expected!r} in {target.log_group}")
    return Confirmation(False, f"no {expected!r} line in {target.log_group}{f' after {sent}' if sent else ''}",
                        last_lines(events))


def now_ms() -> int:
    return int(time.time() * 1000)


def wait_for_lines(target: Target, start_ms: int, timeout: float, matches) -> tuple[bool, list[LogEvent]]:
    """Wait until the function's log group, read from start_ms, satisfies matches(events)."""
    logs = target.client("logs")
    # A second of slack: the emulator's clock and ours are the same machine, but stamps are rounded.
    return wait_for_log_events(lambda: read_log_events(logs, target.log_group, start_ms - 1000), matches, timeout)


def last_lines(events: list[LogEvent], count: int = 5) -> list[str]:
    return [e.message for e in events[-count:]]
