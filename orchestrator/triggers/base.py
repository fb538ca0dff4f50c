"""What every trigger type provides: its names and defaults, how to fire its event and what confirms it."""

from __future__ import annotations

import logging
import time
from collections import Counter
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from orchestrator.aws import make_client
from orchestrator.errors import UsageError
from orchestrator.logwatch import LogEvent, Watched, group_invocations, read_log_events, watch
from orchestrator.settings import Settings

if TYPE_CHECKING:
    from orchestrator.semantics.verdicts import Row

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Confirmation:
    """The outcome of one fired event: confirmed or not, and what was seen."""

    confirmed: bool
    detail: str
    seen: list[str] = field(default_factory=list)
    waited: float = 0.0  # seconds spent waiting for the evidence (the whole budget when it never came)
    released: int = 0  # invocations trig made to release output the engine held back (see HeldOutput)


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
    outputs: dict

    @property
    def function_name(self) -> str:
        return str(self.outputs["function_name"])

    @property
    def log_group(self) -> str:
        return str(self.outputs["log_group_name"])

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

    def events_per_invocation(self, target: Target) -> int:
        """The most events one invocation of the function can carry (S3, SNS, EventBridge: one)."""
        return 1

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
            ok = nonce in answered.confirmed
            return Sent({"nonce": nonce}, status=200 if ok else None,
                        body="answered as `trig check` expects" if ok else "not answered as `trig check` expects",
                        expects_logs=False)
        return Sent({"nonce": nonce}, marker=self.marker(target, nonce))


class MappedTrigger(Trigger):
    """A trigger whose function an event source mapping invokes (a stream or a queue Lambda polls).

    Its module outputs the mapping's UUID as event_source_mapping_uuid, under the trigger's name.
    """

    def events_per_invocation(self, target: Target) -> int:
        """The mapping's batch size, as the engine reports it (the applied value when it cannot be read)."""
        uuid = target.outputs[self.name].get("event_source_mapping_uuid")
        try:
            return int(target.client("lambda").get_event_source_mapping(UUID=uuid)["BatchSize"])
        except (ClientError, BotoCoreError, KeyError, TypeError, ValueError):
            return int(target.outputs[self.name].get("batch_size") or self.defaults.get("batch_size") or 1)

    def diagnose(self, target: Target) -> list[str]:
        lines = super().diagnose(target)
        uuid = target.outputs[self.name].get("event_source_mapping_uuid")
        try:
            mapping = target.client("lambda").get_event_source_mapping(UUID=uuid)
            lines.insert(1, f"event source mapping {uuid}: state {mapping.get('State', '?')}, "
                            f"last processing result {mapping.get('LastProcessingResult', '?')}")
        except ClientError as exc:
            lines.insert(1, f"event source mapping {uuid}: {exc.response['Error']['Code']}")
        return lines


def confirm_marker(target: Target, start_ms: int, timeout: float, expected: str, sent: str = "") -> Confirmation:
    """Wait for a log line ending with expected; sent says what was sent, for the message when none comes."""
    held = HeldOutput(target)
    watched = wait_for_lines(target, start_ms, timeout, lambda evs: any(e.message.endswith(expected) for e in evs),
                             held)
    if watched.found:
        return Confirmation(True, f"{expected!r} in {target.log_group}{held.note(True)}", waited=watched.waited,
                            released=held.released)
    return Confirmation(False, f"no {expected!r} line in {target.log_group}{f' after {sent}' if sent else ''}"
                        f"{silent_note(watched.seen)}{held.note(False)} (waited {watched.waited:.1f} s)",
                        last_lines(watched.seen), watched.waited, held.released)


def now_ms() -> int:
    return int(time.time() * 1000)


def wait_for_lines(target: Target, start_ms: int, timeout: float, matches,
                   held: HeldOutput | None = None) -> Watched[list[LogEvent]]:
    """Wait until the function's log group, read from start_ms, satisfies matches(events), for at most timeout s;
    with held, output the engine holds back is asked for on the way."""
    logs = target.client("logs")

    def read() -> list[LogEvent]:
        # A second of slack: the emulator's clock and ours are the same machine, but stamps are rounded.
        events = read_log_events(logs, target.log_group, start_ms - 1000)
        if held is not None and not matches(events):
            held.release_if_silent(events)
        return events

    return watch(read, matches, timeout)


def silent_invocations(events: list[LogEvent]) -> list[str]:
    """Request ids of the complete invocations that logged nothing of the function's own."""
    return [i.request_id for i in group_invocations(events) if i.complete and not i.output]


def silent_note(events: list[LogEvent]) -> str:
    """Say so when the function was invoked but logged nothing of its own: the engine lost its output.

    MiniStack, under load, logs a warm worker's output late (with that worker's next invocation)
    or never; bench/s3_notification_loss.py measures it.
    """
    silent = silent_invocations(events)
    if not silent:
        return ""
    return (f"; the function was invoked {len(silent)} time(s) without logging anything of its own "
            f"(RequestId {', '.join(silent[:3])}): the engine lost the function's output")


# How many times a check invokes the function itself to release output the engine holds back.
RELEASES = 3


def should_release(events: list[LogEvent], released: int) -> bool:
    """True while invocations without a line of their own outnumber the releases made, up to RELEASES.

    A release of a function that logs nothing for an empty event is itself such an invocation,
    hence the limit.
    """
    return released < RELEASES and len(silent_invocations(events)) > released


@dataclass
class HeldOutput:
    """Asks the engine for a function's output it holds back.

    MiniStack reads a warm worker's output for 50 ms after the answer; under load the rest stays
    with the worker and is logged with that worker's next invocation, or never if none comes
    (bench/s3_notification_loss.py). When the function was invoked without a line of its own, a
    check invokes it directly with an empty event so the engine logs what it holds. On AWS no
    invocation of trig's functions is silent, so this never happens.
    """

    target: Target
    released: int = 0

    def release_if_silent(self, events: list[LogEvent]) -> None:
        if not should_release(events, self.released):
            return
        self.released += 1
        try:
            self.target.client("lambda").invoke(FunctionName=self.target.function_name, Payload=b"{}")
        except (ClientError, BotoCoreError) as exc:
            log.debug("releasing the output of %s failed: %s", self.target.function_name, exc)

    def note(self, confirmed: bool) -> str:
        if not self.released:
            return ""
        if confirmed:
            return (f"; logged only once trig invoked the function {self.released} more time(s) with an empty event: "
                    "the engine had held the function's output back")
        return f"; trig invoked the function {self.released} more time(s) with an empty event to release it, in vain"


def last_lines(events: list[LogEvent], count: int = 5) -> list[str]:
    return [e.message for e in events[-count:]]
