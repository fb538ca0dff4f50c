"""trig's local Terraform states read as files, parsed once into read-only objects: resources and outputs.

Reading the JSON takes milliseconds; `terraform show -json` would start Terraform and load
the AWS provider's schema (seconds) to say the same about a local state of format 4.
This module imports nothing else of trig but its errors, so the watch and the readers of
addresses can use it without loading the adapter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from orchestrator.errors import TrigError

STATE_FORMAT = 4
_REQUIRED = object()


def _frozen(value: object) -> object:
    """A JSON value made read-only all the way down: objects become mapping proxies, arrays tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value


class OutputNotFound(TrigError, KeyError):
    """An output (or a key of an object output) that the applied workspace does not have.

    A KeyError too, so a caller that looked a raw dict up before still catches it.
    """

    def __init__(self, path: str, available: list[str]):
        super().__init__(f"the applied outputs have no {path} (they have {', '.join(available) or 'none'}): "
                         "apply the trigger again with this version of trig.")
        self.path = path

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(frozen=True, eq=False)
class Outputs(Mapping[str, object]):
    """A workspace's root outputs as plain, read-only values: `outputs.of("kinesis", "stream_name")`.

    A mapping of output name to value as well, so `not outputs` still means "nothing applied".
    """

    values: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _frozen(dict(self.values)))

    @classmethod
    def from_state(cls, state: Mapping) -> Outputs:
        """The outputs recorded in a state document (each `{"value": ..., "type": ...}`)."""
        return cls({name: item.get("value") for name, item in (state.get("outputs") or {}).items()})

    @classmethod
    def from_output_json(cls, text: str) -> Outputs:
        """The outputs printed by `terraform output -json` (the same shape as in a state)."""
        return cls({name: item.get("value") for name, item in json.loads(text or "{}").items()})

    def of(self, name: str, key: str | None = None, *, default: object = _REQUIRED):
        """The output called name, or one key of that object output; default (if given) when there is none."""
        container = self.values if key is None else self.values.get(name)
        wanted = name if key is None else key
        if isinstance(container, Mapping) and wanted in container:
            return container[wanted]
        if default is not _REQUIRED:
            return default
        raise OutputNotFound(name if key is None else f"{name}.{key}",
                             sorted(container) if isinstance(container, Mapping) else [])

    def for_trigger(self, type_name: str, key: str) -> Outputs:
        """The outputs of a function's stack as one of its triggers sees them: its type's output holds that
        trigger's values only (`of("sqs", "queue_url")` is then this trigger's queue)."""
        per_trigger = self.values.get(type_name)
        return Outputs({**self.values, type_name: per_trigger.get(key) if isinstance(per_trigger, Mapping) else None})

    @property
    def function_name(self) -> str:
        return str(self.of("function_name"))

    @property
    def log_group_name(self) -> str:
        return str(self.of("log_group_name"))

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return f"Outputs({dict(self.values)!r})"


@dataclass(frozen=True)
class StateResource:
    """One managed resource instance of a state: `module.s3[0].aws_s3_bucket.this`, its type and attributes."""

    address: str
    type: str
    attributes: Mapping[str, object]

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", _frozen(dict(self.attributes)))


@dataclass(frozen=True)
class State:
    """One workspace's state as trig reads it: its managed resource instances and its root outputs."""

    resources: tuple[StateResource, ...]
    outputs: Outputs

    @classmethod
    def parse(cls, document: Mapping) -> State:
        return cls(tuple(managed_resources(document)), Outputs.from_state(document))

    @classmethod
    def read(cls, path: Path) -> State | None:
        """The state in path; None if it is absent, unreadable or of another format."""
        document = read_state(path)
        return None if document is None else cls.parse(document)


def state_path(home: Path, workspace: str) -> Path:
    """Where the local backend keeps a workspace's state under trig's home."""
    return home / "terraform" / "state" / workspace / "terraform.tfstate"


def read_state(path: Path) -> dict | None:
    """A state file of the format this module reads; None if it is absent, unreadable or of another format."""
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("version") == STATE_FORMAT else None


def _address(resource: Mapping, instance: Mapping) -> str:
    key = instance.get("index_key")
    index = "" if key is None else f"[{json.dumps(key)}]"
    return ".".join(filter(None, [resource.get("module"), resource["type"], resource["name"]])) + index


def managed_resources(state: Mapping) -> list[StateResource]:
    """The state's managed resource instances (data sources left out), in the state's order."""
    return [StateResource(_address(resource, instance), resource["type"], instance.get("attributes") or {})
            for resource in state.get("resources", []) if resource.get("mode") == "managed"
            for instance in resource.get("instances", [])]


def workspace_resources(home: Path, workspace: str) -> list[StateResource] | None:
    """The managed resources of a workspace's state: [] when there is no state, None when it cannot be read here."""
    path = state_path(home, workspace)
    if not path.exists():
        return []
    state = State.read(path)
    return None if state is None else list(state.resources)


def instance_prefix(name: str) -> str:
    """The address of a trigger's instance of the trigger stack in its place's state: `module.trigger["api"]`."""
    return f"module.trigger[{json.dumps(name)}]"


def strip_instance(address: str, name: str) -> str | None:
    """address relative to the trigger's instance (`module.function.aws_iam_role.this`); None when it is another's."""
    prefix = instance_prefix(name) + "."
    return address[len(prefix):] if address.startswith(prefix) else None


def trigger_view(state: State, name: str) -> State:
    """One trigger's part of its place's state: its resources, addressed as if its stack were the root, and its outputs."""
    resources = tuple(StateResource(relative, r.type, r.attributes) for r in state.resources
                      if (relative := strip_instance(r.address, name)) is not None)
    outputs = state.outputs.of("triggers", default={})
    mine = outputs.get(name) if isinstance(outputs, Mapping) else None
    return State(resources, Outputs(mine if isinstance(mine, Mapping) else {}))


def trigger_resources(home: Path, workspace: str, name: str) -> list[StateResource] | None:
    """A trigger's resources in its place's state: [] when there is none, None when the state cannot be read here."""
    path = state_path(home, workspace)
    if not path.exists():
        return []
    state = State.read(path)
    return None if state is None else list(trigger_view(state, name).resources)


def triggers_in(home: Path, workspace: str) -> list[str]:
    """The names of the triggers that hold resources in a place's state, in the state's order."""
    state = State.read(state_path(home, workspace))
    names = [] if state is None else [re.match(r'module\.trigger\["([^"]+)"\]', r.address) for r in state.resources]
    return list(dict.fromkeys(match.group(1) for match in names if match))


def resource_type(address: str) -> str:
    """The resource type in an address: `module.s3[0].aws_s3_bucket.this` gives `aws_s3_bucket`."""
    parts = [part for part in re.sub(r"\[[^\]]*\]", "", address).split(".") if part]
    return parts[-2] if len(parts) >= 2 else ""
