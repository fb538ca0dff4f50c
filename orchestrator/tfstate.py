"""trig's local Terraform states read as files: each managed resource instance with its address and attributes.

Reading the JSON takes milliseconds; `terraform show -json` would start Terraform and load
the AWS provider's schema (seconds) to say the same about a local state of format 4.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

STATE_FORMAT = 4


@dataclass(frozen=True)
class StateResource:
    """One managed resource instance of a state: `module.s3[0].aws_s3_bucket.this`, its type and attributes."""

    address: str
    type: str
    attributes: Mapping[str, object]


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
    state = read_state(path)
    return None if state is None else managed_resources(state)


def resource_type(address: str) -> str:
    """The resource type in an address: `module.s3[0].aws_s3_bucket.this` gives `aws_s3_bucket`."""
    parts = [part for part in re.sub(r"\[[^\]]*\]", "", address).split(".") if part]
    return parts[-2] if len(parts) >= 2 else ""
