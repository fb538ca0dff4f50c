"""A team's own Terraform root, read without running it: its AWS provider configurations, the services its
resources and data sources use, and what trig must refuse before pointing it at an emulator.

Refused, each in one line naming the file: a folder that is not a root, a resource type trig cannot map to an
emulator service (it would reach real AWS), a module that declares its own AWS provider (an override of the
root cannot reach it), and a provider that assumes a role (the emulator would hand out another account).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import UsageError
from orchestrator.preflight import service_of
from orchestrator.roots.hcl import Block, blocks, without_comments

# Providers that talk to AWS but have no endpoint trig can set: their resources are refused.
_UNMAPPABLE_PROVIDERS = ("awscc_",)
OVERRIDE_FILE = "zz_trig_emulator_override.tf"
PROVIDER_FILE = "zz_trig_emulator_provider.tf"


@dataclass(frozen=True)
class ProviderConfig:
    """One `provider "aws"` block of the root module: its alias (None for the default one), where it is."""

    alias: str | None
    file: Path
    line: int


@dataclass(frozen=True)
class TeamRoot:
    """What trig needs of a root before it runs Terraform on a copy of it."""

    directory: Path
    providers: tuple[ProviderConfig, ...]
    services: frozenset[str]

    @property
    def has_default_provider(self) -> bool:
        return any(p.alias is None for p in self.providers)


def _parsed(path: Path) -> list[Block]:
    return blocks(without_comments(path.read_text(encoding="utf-8", errors="replace")))


def _where(path: Path, line: int, base: Path) -> str:
    try:
        shown = path.relative_to(base)
    except ValueError:
        shown = path
    return f"{shown}:{line}"


def module_folders(directory: Path, data_dir: Path | None = None, run_dir: Path | None = None) -> dict[str, Path]:
    """The folders of every module the root calls: local sources read from the .tf files (transitively), and,
    once `terraform init` has run in run_dir with data_dir, those it downloaded (its modules.json)."""
    found: dict[str, Path] = {}
    pending = [("", directory)]
    while pending:
        prefix, folder = pending.pop()
        for path in sorted(folder.glob("*.tf")):
            for block in _parsed(path):
                source = block.literal("source") if block.type == "module" and block.labels else None
                if source and source.startswith(("./", "../")):
                    key = f"{prefix}{block.labels[0]}"
                    child = (folder / source).resolve()
                    if key not in found and child.is_dir():
                        found[key] = child
                        pending.append((key + ".", child))
    manifest = data_dir / "modules" / "modules.json" if data_dir is not None else None
    if manifest is not None and manifest.is_file():
        for entry in json.loads(manifest.read_text()).get("Modules", []):
            key, folder = entry.get("Key", ""), ((run_dir or directory) / entry.get("Dir", "")).resolve()
            if key and key not in found and folder.is_dir():
                found[key] = folder
    return found


def read_root(directory: Path, data_dir: Path | None = None, run_dir: Path | None = None) -> TeamRoot:
    """Read the root in directory (and its modules); refuse, in one line, what trig cannot run safely."""
    shown = str(directory)
    if not directory.is_dir():
        raise UsageError(f"--root {shown}: no such folder; give the folder that holds the root's .tf files.")
    files = sorted(directory.glob("*.tf"))
    if not files:
        raise UsageError(f"--root {shown} holds no .tf file: give the folder of a Terraform root module.")
    base = directory.resolve()
    providers: list[ProviderConfig] = []
    for path in files:
        if path.name in (OVERRIDE_FILE, PROVIDER_FILE):
            continue
        for block in _parsed(path):
            if block.type == "provider" and block.labels[:1] == ("aws",):
                if block.blocks("assume_role") or block.blocks("assume_role_with_web_identity"):
                    raise UsageError(f"--root {shown}: the aws provider at {_where(path, block.line, base)} assumes a "
                                     "role, which the emulator would answer with another account's keys; move the "
                                     "assume_role block behind a variable's condition or a separate file, then retry.")
                providers.append(ProviderConfig(block.literal("alias"), path, block.line))
    modules = module_folders(directory, data_dir, run_dir)
    for key, folder in modules.items():
        for path in sorted(folder.glob("*.tf")):
            for block in _parsed(path):
                if block.type == "provider" and block.labels[:1] == ("aws",):
                    raise UsageError(f"--root {shown}: module {key!r} declares its own aws provider "
                                     f"({_where(path, block.line, base)}), which an override of the root cannot point "
                                     "at the emulator; pass the provider in from the root (providers = { aws = aws }).")
    services = {"sts"}  # the provider asks STS for the account allowed_account_ids names
    for folder in [directory, *modules.values()]:
        for path in sorted(folder.glob("*.tf")):
            for block in _parsed(path):
                if block.type not in ("resource", "data") or not block.labels:
                    continue
                kind = block.labels[0]
                if kind.startswith(_UNMAPPABLE_PROVIDERS) or kind.startswith("aws_"):
                    try:
                        service = None if kind.startswith(_UNMAPPABLE_PROVIDERS) else service_of(kind, block.type)
                    except UsageError:
                        service = ""
                    if service == "" or kind.startswith(_UNMAPPABLE_PROVIDERS):
                        raise UsageError(f"--root {shown}: {_where(path, block.line, base)} uses {kind}, which trig "
                                         "cannot map to an emulator service, so it would reach real AWS; trig refuses "
                                         "the whole root rather than let that resource through.")
                    if service:
                        services.add(service)
    return TeamRoot(directory, tuple(providers), frozenset(services))
