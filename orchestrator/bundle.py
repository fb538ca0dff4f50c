"""The terraform/ and functions/ folders an installed trig carries, and their working copy under .trig/.

The wheel holds them in orchestrator/bundled/ (setup.py puts them there). trig never writes
into the installed package: Terraform writes its lock file into the root it runs in, and trig
imports each handler to check it, so both run on a copy under the project's .trig/, made once
and made again whenever the installed files differ from the ones it was copied from.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"
FOLDERS = ("terraform", "functions")
_STAMP = ".bundle.sha256"


def installed_bundle() -> Path | None:
    """The folder of the installed package holding terraform/ and functions/, or None (a checkout's editable install)."""
    if all((BUNDLED_DIR / name).is_dir() for name in FOLDERS):
        return BUNDLED_DIR
    return None


@functools.cache
def bundle_digest(bundle: Path) -> str:
    """A digest of every file's path and bytes under the bundle; the installed files do not change while trig runs."""
    digest = hashlib.sha256()
    for path in sorted(p for p in bundle.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(bundle).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def working_copy(bundle: Path, target: Path) -> Path:
    """target, holding a copy of the bundle's terraform/ and functions/ as installed now; copied only when they differ.

    One trig at a time copies (a file lock beside target); the copy is built beside target and
    renamed into place, so no trig sees half of one. The new root has no Terraform lock file,
    so the adapter runs init there again.
    """
    wanted = bundle_digest(bundle)
    if _stamp(target) == wanted:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f"{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _stamp(target) != wanted:  # unless another trig copied it while this one waited
            _replace_copy(bundle, target, wanted)
    return target


def _stamp(target: Path) -> str | None:
    try:
        return (target / _STAMP).read_text().strip()
    except OSError:
        return None


def _replace_copy(bundle: Path, target: Path, digest: str) -> None:
    fresh = Path(tempfile.mkdtemp(prefix=f"{target.name}.new-", dir=target.parent))
    for name in FOLDERS:
        shutil.copytree(bundle / name, fresh / name, ignore=shutil.ignore_patterns("__pycache__"))
    (fresh / _STAMP).write_text(digest + "\n")
    stale = Path(tempfile.mkdtemp(prefix=f"{target.name}.old-", dir=target.parent))
    if target.exists():
        os.replace(target, stale)  # a rename onto an empty folder
    os.replace(fresh, target)
    shutil.rmtree(stale, ignore_errors=True)
