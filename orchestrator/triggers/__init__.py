"""The trigger types trig knows; adding one means one file here and one line below."""

from __future__ import annotations

from orchestrator.errors import UsageError
from orchestrator.set_values import Settable
from orchestrator.settings import Settings
from orchestrator.triggers.api import ApiTrigger
from orchestrator.triggers.base import ProbeSpec, Trigger
from orchestrator.triggers.dynamodb import DynamodbTrigger
from orchestrator.triggers.kinesis import KinesisTrigger
from orchestrator.triggers.s3 import S3Trigger
from orchestrator.triggers.schedule import ScheduleTrigger
from orchestrator.triggers.sns import SnsTrigger
from orchestrator.triggers.sqs import SqsTrigger

REGISTRY: dict[str, Trigger] = {t.name: t for t in (ApiTrigger(), S3Trigger(), KinesisTrigger(), SnsTrigger(), ScheduleTrigger(), DynamodbTrigger(), SqsTrigger())}


def select_triggers(names: list[str]) -> list[Trigger]:
    """The triggers named, in registry order; 'all' means every one; an unknown name is a UsageError."""
    if not names:
        raise UsageError(f"name at least one trigger: {', '.join(REGISTRY)} or all.")
    wanted: set[str] = set()
    for name in names:
        if name == "all":
            wanted.update(REGISTRY)
        elif name in REGISTRY:
            wanted.add(name)
        else:
            raise UsageError(f"unknown trigger {name!r}: choose from {', '.join(REGISTRY)} or all.")
    return [trigger for key, trigger in REGISTRY.items() if key in wanted]


def trigger_named(name: str) -> Trigger:
    """The one trigger called name (for commands that take exactly one); an unknown name is a UsageError."""
    if name not in REGISTRY:
        raise UsageError(f"unknown trigger {name!r}: choose from {', '.join(REGISTRY)}.")
    return REGISTRY[name]


def fire_option_help(option: str) -> str:
    """What a `trig fire` option means for each type that takes it: `the object key for s3, the partition key for kinesis`."""
    return ", ".join(f"{t.fire_options[option]} for {t.name}" for t in REGISTRY.values() if option in t.fire_options)


def probe_specs(settings: Settings) -> dict[str, ProbeSpec]:
    """Every type's probe stack, by type name."""
    return {name: trigger.probe(settings) for name, trigger in REGISTRY.items()}


def settables(settings: Settings) -> list[Settable]:
    """Every setting each type has, for its seed stack or its probe stack: what a config file's set table may name."""
    probes = probe_specs(settings)
    return [Settable(name, {**trigger.defaults, **probes[name].defaults}) for name, trigger in REGISTRY.items()]
