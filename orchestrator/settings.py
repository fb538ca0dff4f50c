"""Where trig works and what it talks to, resolved once per command: flag, then environment, then default."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import UsageError

DEFAULT_ENDPOINT = "http://localhost:4566"
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "000000000000"
EMULATOR_STATE_FILE = "emulator.json"


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    home: Path
    endpoint: str
    region: str
    account_id: str
    plugin_dir: Path | None
    terraform_bin: str

    @property
    def env_dir(self) -> Path:
        return self.project_dir / "terraform" / "envs" / "localstack"

    @property
    def functions_dir(self) -> Path:
        return self.project_dir / "functions"


def find_project_dir() -> Path:
    """The checkout holding terraform/ and functions/: TRIG_PROJECT, else the nearest one above the cwd, else trig's own."""
    if os.environ.get("TRIG_PROJECT"):
        return Path(os.environ["TRIG_PROJECT"]).resolve()
    for candidate in [Path.cwd(), *Path.cwd().parents]:
        if _is_project(candidate):
            return candidate
    return Path(__file__).resolve().parent.parent


def _is_project(path: Path) -> bool:
    return (path / "terraform" / "envs" / "localstack").is_dir() and (path / "functions").is_dir()


def read_emulator_endpoint(home: Path) -> str | None:
    """The endpoint of the emulator `trig up` started, if its record is there."""
    try:
        return json.loads((home / EMULATOR_STATE_FILE).read_text())["endpoint"]
    except (OSError, ValueError, KeyError):
        return None


def is_loopback_endpoint(endpoint: str) -> bool:
    """True when every address the endpoint's host resolves to is a loopback address."""
    host = urllib.parse.urlsplit(endpoint).hostname
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def check_endpoint(endpoint: str, allow_remote: bool) -> None:
    """Refuse a malformed endpoint, and one off this machine unless the user allowed it."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"endpoint {endpoint!r} is not an http(s) URL: pass one such as http://localhost:4566.")
    if not allow_remote and not is_loopback_endpoint(endpoint):
        raise UsageError(f"endpoint {endpoint} is not on this machine: pass --allow-remote if you mean an emulator elsewhere.")


def resolve_settings(
    endpoint: str | None = None,
    plugin_dir: str | None = None,
    terraform_bin: str | None = None,
    allow_remote: bool = False,
) -> Settings:
    """Settings from the command-line values given, the TRIG_* environment, then defaults."""
    project_dir = find_project_dir()
    home = Path(os.environ.get("TRIG_HOME") or project_dir / ".trig").resolve()
    endpoint = endpoint or os.environ.get("TRIG_ENDPOINT") or read_emulator_endpoint(home) or DEFAULT_ENDPOINT
    plugin = plugin_dir or os.environ.get("TRIG_PLUGIN_DIR") or None
    account_id = os.environ.get("TRIG_ACCOUNT", DEFAULT_ACCOUNT)
    if not (account_id.isdigit() and len(account_id) == 12):
        raise UsageError(f"TRIG_ACCOUNT must be 12 digits, got {account_id!r}: set it to an account id such as 000000000000.")
    check_endpoint(endpoint, allow_remote or os.environ.get("TRIG_ALLOW_REMOTE") == "1")
    if plugin is not None and not Path(plugin).is_dir():
        raise UsageError(f"plugin dir {plugin} does not exist: point --plugin-dir or TRIG_PLUGIN_DIR at a provider mirror.")
    return Settings(
        project_dir=project_dir,
        home=home,
        endpoint=endpoint.rstrip("/"),
        region=os.environ.get("TRIG_REGION", DEFAULT_REGION),
        account_id=account_id,
        plugin_dir=Path(plugin).resolve() if plugin else None,
        terraform_bin=terraform_bin or os.environ.get("TRIG_TERRAFORM") or "terraform",
    )
