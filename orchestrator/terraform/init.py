"""Getting a working copy ready: the binary's version, and `terraform init` only when what it depends on changed.

Parallel applies share one working copy, so init runs under a file lock, and a stamp of its
inputs (module sources, provider versions, mirror, binary, folders) lets it be skipped.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from orchestrator.errors import UsageError
from orchestrator.terraform.command import IsFlagged, TerraformCommand

MINIMUM_VERSION = (1, 5)
_SOURCE_LINE = re.compile(r"^\s*(source|version)\s*=.*$", re.MULTILINE)


def check_version(terraform_bin: str, runner: TerraformCommand) -> str:
    """Refuse a missing binary or one older than the minimum; return e.g. "Terraform 1.11.4" or "OpenTofu 1.8.0"."""
    if shutil.which(terraform_bin) is None:
        raise UsageError(f"terraform binary {terraform_bin!r} not found: install Terraform >= 1.5 or pass --terraform-bin.")
    code, out, err = runner.cmd("version", json=IsFlagged)
    try:
        version = json.loads(out)["terraform_version"]  # OpenTofu reports its own version under this key too
    except (ValueError, KeyError):
        raise UsageError(f"{terraform_bin!r} did not report a Terraform version: pass a Terraform >= 1.5 binary.") from None
    # Only the plain output names the product ("OpenTofu v1.8.0" / "Terraform v1.11.4").
    _, text, _ = runner.cmd("version")
    product = "OpenTofu" if text.lstrip().startswith("OpenTofu") else "Terraform"
    if tuple(int(p) for p in version.split(".")[:2]) < MINIMUM_VERSION:
        raise UsageError(f"{product} {version} is older than 1.5: install a newer one or pass --terraform-bin.")
    return f"{product} {version}"


def init_stamp(root: Path, work: Path, plugin_dir: Path | None, terraform_bin: str) -> str:
    """What init depends on: module sources, provider versions, mirror and state folder."""
    digest = hashlib.sha256()
    for path in sorted(root.glob("*.tf")):
        text = path.read_text()
        digest.update(path.name.encode())
        digest.update("\n".join(m.group(0) for m in _SOURCE_LINE.finditer(text)).encode())
    digest.update(str(plugin_dir).encode())
    digest.update(terraform_bin.encode())
    digest.update(str(work).encode())
    # Another checkout (TRIG_PROJECT) has its own lock file, which init must write.
    digest.update(str(root).encode())
    return digest.hexdigest()


@contextlib.contextmanager
def init_lock(work: Path) -> Iterator[None]:
    """Hold work's init lock: one `terraform init` at a time per working copy, across processes."""
    work.mkdir(parents=True, exist_ok=True)
    with open(work / "init.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
