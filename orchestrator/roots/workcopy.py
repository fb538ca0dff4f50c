"""The copy of a team's root that trig runs Terraform in, under its home: the team's folder is only ever read.

The copy is a tree of folders and links: from an anchor (the repository holding the root, else its parent)
down to the root, each folder is a real one holding links to its neighbours, so `../modules/x`,
`${path.module}/../src` and the root's own files resolve as they do in the team's checkout. The root's copy
holds links to its files (without its .terraform, state and lock file, which Terraform would write), trig's
override file, and its own lock file. The state lives beside the tree, under a local backend.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Written by Terraform or trig in a root; a link to them would let a run write into the team's folder.
_NOT_LINKED = {".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup", ".trig", ".git"}


@dataclass(frozen=True)
class RootCopy:
    """Where one team root's emulator run lives under trig's home: `roots/<folder name>-<hash of its path>/`."""

    directory: Path  # the team's root, resolved
    folder: Path

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def tree(self) -> Path:
        return self.folder / "tree"

    @property
    def state_file(self) -> Path:
        return self.folder / "terraform.tfstate"

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def record_file(self) -> Path:
        return self.folder / "applied.json"

    @property
    def root(self) -> Path:
        """The copy of the root itself, where Terraform runs."""
        anchor = Path(json.loads((self.folder / "anchor.json").read_text())["anchor"])
        return self.tree / self.directory.relative_to(anchor)


def copy_for(home: Path, directory: Path) -> RootCopy:
    resolved = directory.resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:8]
    slug = re.sub(r"[^A-Za-z0-9_.-]", "-", resolved.name) or "root"
    return RootCopy(resolved, home / "roots" / f"{slug}-{digest}")


def applied_copies(home: Path) -> list[RootCopy]:
    """The team roots whose copies hold a state with resources, or a record of an apply (begun or done)."""
    found = []
    for folder in sorted((home / "roots").glob("*")) if (home / "roots").is_dir() else []:
        try:
            directory = Path(json.loads((folder / "anchor.json").read_text())["directory"])
        except (OSError, ValueError, KeyError):
            continue
        found.append(RootCopy(directory, folder))
    return found


def _anchor(directory: Path, modules: list[Path]) -> Path:
    repository = next((p for p in [directory, *directory.parents] if (p / ".git").exists()), directory.parent)
    return Path(os.path.commonpath([repository, directory, *modules]))


@contextlib.contextmanager
def held(copy: RootCopy) -> Iterator[None]:
    """Hold the copy's lock for one command: two trig commands on one root never rebuild it under each other."""
    copy.folder.mkdir(parents=True, exist_ok=True)
    with open(copy.folder / "command.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def rebuild(copy: RootCopy, modules: list[Path]) -> Path:
    """Lay the copy's tree out afresh from the team's folder (its links follow any change there); its root."""
    anchor = _anchor(copy.directory, modules)
    lock_file = copy.root / ".terraform.lock.hcl" if (copy.folder / "anchor.json").exists() else None
    kept_lock = lock_file.read_bytes() if lock_file is not None and lock_file.is_file() else None
    if copy.tree.exists():
        shutil.rmtree(copy.tree)
    (copy.folder).mkdir(parents=True, exist_ok=True)
    (copy.folder / "anchor.json").write_text(json.dumps({"anchor": str(anchor), "directory": str(copy.directory)}))
    real, shadow = anchor, copy.tree
    shadow.mkdir(parents=True)
    for part in copy.directory.relative_to(anchor).parts:
        for entry in real.iterdir():
            if entry.name != part and entry.name not in _NOT_LINKED:
                (shadow / entry.name).symlink_to(entry)
        real, shadow = real / part, shadow / part
        shadow.mkdir()
    for entry in real.iterdir():
        if entry.name not in _NOT_LINKED:
            (shadow / entry.name).symlink_to(entry)
    if kept_lock is not None:
        (shadow / ".terraform.lock.hcl").write_bytes(kept_lock)
    return shadow
