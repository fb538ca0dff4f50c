"""What an apply consumed, recorded so that an apply with the same inputs can skip Terraform.

A trigger's fingerprint covers its part of the rendered tfvars (which carries the zip's hash), the
endpoint, region and account it is applied at, every .tf file of the root and its modules, and the Terraform
binary and mirror. It is removed before each apply or destroy and written only after a
successful apply, so an interrupted or failed run never leaves a stale one behind.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from orchestrator.preflight import configuration_files
from orchestrator.settings import Settings


def _path(settings: Settings, workspace: str) -> Path:
    return settings.home / "terraform" / "applied" / f"{workspace}.sha256"


def input_fingerprint(settings: Settings, var_file: Path) -> str:
    digest = hashlib.sha256()
    digest.update(var_file.read_bytes())
    for path in configuration_files(settings.env_dir):
        digest.update(str(path.relative_to(settings.source_dir)).encode())
        digest.update(path.read_bytes())
    digest.update(f"{settings.terraform_bin}\0{settings.plugin_dir}".encode())
    # A trigger's part of the tfvars leaves its place to the place's own tfvars: count it here.
    digest.update(f"\0{settings.endpoint}\0{settings.region}\0{settings.account_id}".encode())
    return digest.hexdigest()


def recorded_fingerprint(settings: Settings, workspace: str) -> str | None:
    try:
        return _path(settings, workspace).read_text().strip()
    except OSError:
        return None


def record_fingerprint(settings: Settings, workspace: str, value: str) -> None:
    path = _path(settings, workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value + "\n")


def forget_fingerprint(settings: Settings, workspace: str) -> None:
    _path(settings, workspace).unlink(missing_ok=True)
