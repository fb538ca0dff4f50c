"""One apply or destroy at a time per workspace, across trig processes (a file lock under .trig/locks)."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator

from orchestrator.errors import TrigError
from orchestrator.settings import Settings


@contextlib.contextmanager
def workspace_lock(settings: Settings, workspace: str) -> Iterator[None]:
    """Hold the workspace's lock for an apply or destroy; a second run on the same one is refused at once."""
    path = settings.home / "locks" / f"{workspace}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TrigError(f"another trig run is applying or destroying {workspace} (lock {path}): "
                            "wait for it to finish, then run this again.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
