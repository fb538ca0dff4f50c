"""The override file trig adds to the copy of a team's root: every AWS provider configuration of the root
module (aliases included) pointed at the emulator for the services the root uses, with fake credentials, and a
local backend under trig's home, so the root's real backend is never contacted. Everything else of the root,
its providers' regions included, stays as written.

Terraform merges a `*_override.tf` file's blocks into the blocks of the same header: arguments set here
replace the team's, and the `endpoints` block here replaces theirs. A root with no default `provider "aws"`
block gets one in a plain file (an override needs a block to merge into).
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator.aws import FAKE_SECRET_KEY
from orchestrator.roots.source import OVERRIDE_FILE, PROVIDER_FILE, TeamRoot


def _provider(alias: str | None, endpoint: str, account: str, services: frozenset[str], region: str | None) -> str:
    q = json.dumps
    lines = ['provider "aws" {']
    if alias is not None:
        lines.append(f"  alias = {q(alias)}")
    if region is not None:
        lines.append(f"  region = {q(region)}")
    lines += [
        f"  access_key = {q(account)}",
        f"  secret_key = {q(FAKE_SECRET_KEY)}",
        "  token = null",
        "  profile = null",
        f"  allowed_account_ids = [{q(account)}]",
        "  forbidden_account_ids = null",
        "  skip_credentials_validation = true",
        "  skip_metadata_api_check = true",
        "  skip_region_validation = true",
        "  s3_use_path_style = true",
        "  endpoints {",
        *(f"    {service} = {q(endpoint)}" for service in sorted(services)),
        "  }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def write_override(root: TeamRoot, copy_root: Path, state_file: Path, endpoint: str, account: str,
                   default_region: str) -> None:
    """Write the override (and, when the root has no default aws provider, a provider file) into the copy."""
    header = f"# Written by trig for an emulator run of {root.directory}; it lives only in trig's copy.\n\n"
    backend = f'terraform {{\n  backend "local" {{\n    path = {json.dumps(str(state_file))}\n  }}\n}}\n'
    blocks = [_provider(p.alias, endpoint, account, root.services, None) for p in root.providers]
    (copy_root / OVERRIDE_FILE).write_text(header + "\n".join([backend, *blocks]))
    extra = copy_root / PROVIDER_FILE
    if root.has_default_provider:
        extra.unlink(missing_ok=True)
    else:
        extra.write_text(header + _provider(None, endpoint, account, root.services, default_region))
