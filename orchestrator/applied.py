"""An applied trigger as its Terraform outputs describe it, with clients for the emulator it lives in."""

from __future__ import annotations

import time
from dataclasses import dataclass

from orchestrator.aws import make_client
from orchestrator.settings import Settings
from orchestrator.terraform.state import Outputs


@dataclass(frozen=True)
class AppliedTrigger:
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


def now_ms() -> int:
    """Milliseconds since the epoch, as log events are stamped."""
    return int(time.time() * 1000)
