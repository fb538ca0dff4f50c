"""Where trig works and what it talks to, resolved once per command.

Each value comes from the first of: the command-line flag, the TRIG_* environment
variable, the config file (`[tool.trig]` in pyproject.toml, or trig.toml), the default.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import os
import re
import socket
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from orchestrator import bundle
from orchestrator.errors import UsageError
from orchestrator.watchdog import DEFAULT_STALL_SECONDS

DEFAULT_ENDPOINT = "http://localhost:4566"
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "000000000000"
EMULATOR_STATE_FILE = "emulator.json"
STARTED_BY_TRIG_UP = "emulator started by trig up"


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    home: Path
    endpoint: str
    region: str
    account_id: str
    plugin_dir: Path | None
    terraform_bin: str
    # Where each value came from (flag, env TRIG_X, config file path, default), for `trig config`.
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    # Default --set values from the config file; the command line's --set beats them.
    default_sets: dict[str, str] = field(default_factory=dict, compare=False)
    config_file: Path | None = None
    # The installed package's terraform/ and functions/, when trig runs outside a checkout; None in one.
    bundle_dir: Path | None = None

    @property
    def source_dir(self) -> Path:
        """The folder holding terraform/ and functions/: the checkout, or the working copy of the installed ones in home."""
        if self.bundle_dir is None:
            return self.project_dir
        return bundle.working_copy(self.bundle_dir, self.home / "bundled")

    @property
    def env_dir(self) -> Path:
        return self.source_dir / "terraform" / "envs" / "localstack"

    @property
    def functions_dir(self) -> Path:
        return self.source_dir / "functions"

    @property
    def stall_seconds(self) -> float:
        """How long a resource may wait for the emulator's answer before trig stops Terraform (TRIG_STALL_SECONDS)."""
        text = os.environ.get("TRIG_STALL_SECONDS", "")
        if not text:
            return DEFAULT_STALL_SECONDS
        try:
            seconds = float(text)
        except ValueError:
            seconds = 0.0
        if seconds <= 0:
            raise UsageError(f"TRIG_STALL_SECONDS={text!r} is not a positive number of seconds: unset it or give e.g. 150.")
        return seconds


def find_project_dir() -> Path | None:
    """The checkout holding terraform/ and functions/: TRIG_PROJECT, else the nearest one above the cwd, else trig's own.

    None when trig is installed (not run from a checkout) and the cwd is in none.
    """
    if os.environ.get("TRIG_PROJECT"):
        return Path(os.environ["TRIG_PROJECT"]).resolve()
    for candidate in [Path.cwd(), *Path.cwd().parents]:
        if _is_project(candidate):
            return candidate
    own = Path(__file__).resolve().parent.parent
    return own if _is_project(own) else None


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


CONFIG_KEYS = ("endpoint", "region", "plugin_dir", "terraform_bin", "account")
ENVIRONMENT = {"endpoint": "TRIG_ENDPOINT", "region": "TRIG_REGION", "plugin_dir": "TRIG_PLUGIN_DIR",
               "terraform_bin": "TRIG_TERRAFORM", "account": "TRIG_ACCOUNT"}
DEFAULTS = {"endpoint": DEFAULT_ENDPOINT, "region": DEFAULT_REGION, "plugin_dir": None,
            "terraform_bin": "terraform", "account": DEFAULT_ACCOUNT}


@dataclass(frozen=True)
class ConfigFile:
    """The [tool.trig] table of a pyproject.toml, or a whole trig.toml, as read."""

    path: Path | None
    values: dict[str, str]
    sets: dict[str, str]


def find_config_file(start: Path | None = None) -> Path | None:
    """TRIG_CONFIG if set, else the nearest trig.toml, or pyproject.toml with [tool.trig], from the cwd upwards."""
    if os.environ.get("TRIG_CONFIG"):
        return Path(os.environ["TRIG_CONFIG"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / "trig.toml").is_file():
            return folder / "trig.toml"
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "tool" in _read_toml(pyproject) and "trig" in _read_toml(pyproject)["tool"]:
            return pyproject
    return None


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror}; fix TRIG_CONFIG or the file.") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}; fix it.") from None


def _table_root(path: Path) -> tuple[str, ...]:
    """Where trig's keys live in a config file: [tool.trig] in a pyproject.toml, the top level of a trig.toml."""
    return ("tool", "trig") if path.name == "pyproject.toml" else ()


def config_where(path: Path, key: tuple[str, ...]) -> str:
    """`config file PATH, line N` for the line that sets key (under trig's table), or without the line if not found."""
    line = config_key_line(path, key)
    return f"config file {path}" + (f", line {line}" if line else "")


def read_config_table(path: Path | None) -> dict:
    """trig's table of a config file as TOML reads it: [tool.trig] of a pyproject.toml, a whole trig.toml."""
    if path is None:
        return {}
    data = _read_toml(path)
    return data.get("tool", {}).get("trig", {}) if path.name == "pyproject.toml" else data


def read_config_file(path: Path | None) -> ConfigFile:
    """The trig table of a config file: known keys only, values as strings, `set` as a NAME -> VALUE table."""
    if path is None:
        return ConfigFile(None, {}, {})
    table = read_config_table(path)
    for key in table:
        if key not in CONFIG_KEYS and key not in ("set", "functions"):
            close = difflib.get_close_matches(key, [*CONFIG_KEYS, "set"], n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise UsageError(f"{config_where(path, (key,))}: unknown key {key!r}{hint}; known keys are "
                             f"{', '.join(CONFIG_KEYS)}, the set table and the functions tables.")
    sets = table.get("set", {})
    if not isinstance(sets, dict) or any(isinstance(v, (dict, list)) for v in sets.values()):
        raise UsageError(f"{config_where(path, ('set',))}: `set` must be a table of NAME = VALUE, such as greeting = \"hi\".")
    values = {}
    for key in CONFIG_KEYS:
        if key in table:
            value = table[key]
            if isinstance(value, (dict, list, bool)):
                raise UsageError(f"{config_where(path, (key,))}: {key} must be a string.")
            values[key] = str(value)
    if "plugin_dir" in values:  # relative to the file, as a user reading the file expects
        values["plugin_dir"] = str((path.parent / values["plugin_dir"]).resolve())
    return ConfigFile(path, values, {str(k): _set_text(v) for k, v in sets.items()})


_KEY_PART = re.compile(r"""\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\s*""")


def _dotted_key(text: str) -> tuple[tuple[str, ...], str]:
    """The dotted key at the start of text (bare, "basic" or 'literal' parts) and the text after it."""
    parts: list[str] = []
    while True:
        match = _KEY_PART.match(text)
        if not match or match.end() == 0:
            return tuple(parts), text
        bare, basic, literal = match.groups()
        if basic is not None:
            try:
                basic = json.loads(f'"{basic}"')
            except ValueError:
                pass
        parts.append(next(p for p in (bare, basic, literal) if p is not None))
        text = text[match.end():]
        if not text.startswith("."):
            return tuple(parts), text
        text = text[1:]


def config_key_line(path: Path | None, key: tuple[str, ...]) -> int | None:
    """The line of a config file that sets key (a path under trig's table), read line by line as TOML lays it out.

    tomllib keeps no positions, so this follows table headers and dotted keys; a key set inside an
    inline table is found at the line of that table. None when the file or the key is not found.
    """
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    wanted = _table_root(path) + tuple(key)
    table: tuple[str, ...] = ()
    enclosing = None
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("["):
            table, _ = _dotted_key(text.lstrip("["))
            continue
        parts, rest = _dotted_key(text)
        if not parts or not rest.startswith("="):
            continue
        defined = table + parts
        if defined == wanted:
            return number
        if enclosing is None and wanted[:len(defined)] == defined:
            enclosing = number
    return enclosing


def _set_text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _pick(key: str, flag: str | None, config: ConfigFile) -> tuple[str | None, str]:
    """A value and its source: the flag, then the environment, then the config file, then the default."""
    if flag:
        return flag, "flag"
    if os.environ.get(ENVIRONMENT[key]):
        return os.environ[ENVIRONMENT[key]], f"env {ENVIRONMENT[key]}"
    if key in config.values:
        return config.values[key], f"config {config.path}"
    return DEFAULTS[key], "default"


def resolve_settings(
    endpoint: str | None = None,
    plugin_dir: str | None = None,
    terraform_bin: str | None = None,
    allow_remote: bool = False,
    region: str | None = None,
    account: str | None = None,
) -> Settings:
    """Settings from the command-line values given, the TRIG_* environment, the config file, then defaults."""
    project_dir, bundle_dir = find_project_dir(), None
    if project_dir is None:  # installed trig outside a checkout: the cwd is the project, the sources are the package's
        project_dir, bundle_dir = Path.cwd().resolve(), bundle.installed_bundle()
        if bundle_dir is None:
            raise UsageError("no terraform/ and functions/ found: run trig in its checkout, set TRIG_PROJECT to one, "
                             "or reinstall trig from its wheel, which carries them.")
    config = read_config_file(find_config_file())
    # A project of one's own functions keeps trig's working data beside its project file.
    own = config.path is not None and "functions" in read_config_table(config.path)
    home = Path(os.environ.get("TRIG_HOME") or (config.path.parent if own else project_dir) / ".trig").resolve()
    picked = {key: _pick(key, flag, config) for key, flag in
              (("endpoint", endpoint), ("region", region), ("plugin_dir", plugin_dir),
               ("terraform_bin", terraform_bin), ("account", account))}
    endpoint, endpoint_source = picked["endpoint"]
    if endpoint_source == "default" and (started := read_emulator_endpoint(home)):
        endpoint, endpoint_source = started, f"{STARTED_BY_TRIG_UP} ({home / EMULATOR_STATE_FILE})"
        picked["endpoint"] = (endpoint, endpoint_source)
    plugin = picked["plugin_dir"][0]
    account_id = picked["account"][0]
    if not (account_id.isdigit() and len(account_id) == 12):
        raise UsageError(f"account must be 12 digits, got {account_id!r} (from {picked['account'][1]}): "
                         "set TRIG_ACCOUNT or `account` to an account id such as 000000000000.")
    check_endpoint(endpoint, allow_remote or os.environ.get("TRIG_ALLOW_REMOTE") == "1")
    if plugin is not None and not Path(plugin).is_dir():
        raise UsageError(f"plugin dir {plugin} does not exist: point --plugin-dir or TRIG_PLUGIN_DIR at a provider mirror.")
    return Settings(
        project_dir=project_dir,
        home=home,
        endpoint=endpoint.rstrip("/"),
        region=picked["region"][0],
        account_id=account_id,
        plugin_dir=Path(plugin).resolve() if plugin else None,
        terraform_bin=picked["terraform_bin"][0],
        sources={key: source for key, (_, source) in picked.items()},
        default_sets=config.sets,
        config_file=config.path,
        bundle_dir=bundle_dir,
    )
