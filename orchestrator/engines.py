"""Which engine answers at an endpoint (MiniStack, LocalStack or unknown), and starting LocalStack.

MiniStack serves its own health path, /_ministack/health, besides LocalStack's;
LocalStack serves only /_localstack/health. That difference, not the documents'
contents (MiniStack copies LocalStack's shape), tells them apart.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_exponential

from orchestrator import plain_http as http
from orchestrator.errors import EmulatorError
from orchestrator.settings import EMULATOR_STATE_FILE

MINISTACK, LOCALSTACK, UNKNOWN, NONE = "ministack", "localstack", "unknown", "none"
ENGINES = (MINISTACK, LOCALSTACK)
_LOCALSTACK_START_TIMEOUT = 180.0


@dataclass(frozen=True)
class Engine:
    """What answers at an endpoint: name (ministack, localstack, unknown, none), version and edition if told."""

    name: str
    version: str = ""
    edition: str = ""

    def describe(self) -> str:
        if self.name == NONE:
            return "nothing answers"
        label = {MINISTACK: "MiniStack", LOCALSTACK: "LocalStack"}.get(self.name, "unknown engine")
        details = " ".join(filter(None, [self.version, f"({self.edition} edition)" if self.edition else ""]))
        return f"{label} {details}".strip()

    def as_dict(self) -> dict:
        return asdict(self)


def _get(url: str, timeout: float) -> tuple[int, bytes] | None:
    answer = http.get(url, timeout=timeout)
    return (answer.status, answer.body) if answer.status else None


def _json(body: bytes) -> dict | None:
    try:
        document = json.loads(body or b"null")
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def detect_engine(endpoint: str, timeout: float = 2.0) -> Engine:
    """Ask the endpoint's health paths which engine it is."""
    base = endpoint.rstrip("/")
    own = _get(base + "/_ministack/health", timeout)
    if own is None:
        return Engine(NONE)
    if own[0] == 200 and (doc := _json(own[1])) is not None:
        return Engine(MINISTACK, str(doc.get("version", "")), str(doc.get("edition", "")))
    shared = _get(base + "/_localstack/health", timeout)
    if shared and shared[0] == 200 and (doc := _json(shared[1])) is not None and "services" in doc:
        return Engine(LOCALSTACK, str(doc.get("version", "")), str(doc.get("edition", "")))
    return Engine(UNKNOWN)


def missing_for_localstack(env: dict[str, str] | None = None) -> list[str]:
    """What starting LocalStack needs and this machine lacks: its CLI, a running Docker engine, the auth token."""
    env = dict(os.environ if env is None else env)
    missing = []
    if shutil.which("localstack", path=env.get("PATH")) is None:
        missing.append("the localstack CLI (pip install localstack)")
    docker = shutil.which("docker", path=env.get("PATH"))
    if docker is None:
        missing.append("Docker (the docker command)")
    else:
        try:
            running = subprocess.run([docker, "info", "--format", "{{.ServerVersion}}"], capture_output=True,
                                     timeout=15, env=env).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            running = False
        if not running:
            missing.append("a running Docker engine (`docker info` fails)")
    if not env.get("LOCALSTACK_AUTH_TOKEN"):
        missing.append("LOCALSTACK_AUTH_TOKEN (LocalStack requires an auth token; get one from your LocalStack account)")
    return missing


def _not_localstack_yet(engine) -> bool:
    """While the endpoint does not answer as LocalStack (it may answer as nothing yet)."""
    return engine.name != LOCALSTACK


def start_localstack(home: Path, port: int, timeout: float = _LOCALSTACK_START_TIMEOUT) -> str:
    """Start LocalStack in Docker on 127.0.0.1:port with its own CLI, wait for health; returns the endpoint."""
    missing = missing_for_localstack()
    if missing:
        raise EmulatorError(f"cannot start LocalStack: missing {'; '.join(missing)}. "
                            "Or use the default engine: trig up.")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["GATEWAY_LISTEN"] = f"127.0.0.1:{port}"
    home.mkdir(parents=True, exist_ok=True)
    log_file = home / "emulator.log"
    with open(log_file, "ab") as log:
        code = subprocess.run(["localstack", "start", "--detached"], stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, env=env).returncode
    if code != 0:
        raise EmulatorError(f"`localstack start --detached` exited with code {code}: see {log_file}.")
    endpoint = f"http://127.0.0.1:{port}"
    retrying = Retrying(retry=retry_if_result(_not_localstack_yet),
                        stop=stop_after_delay(timeout), wait=wait_exponential(multiplier=0.5, max=5))
    try:
        retrying(lambda: detect_engine(endpoint))
    except RetryError:
        raise EmulatorError(f"LocalStack did not become healthy at {endpoint} within {timeout:.0f} s: see {log_file}.") from None
    record = {"pid": 0, "port": port, "endpoint": endpoint, "log_file": str(log_file), "engine": LOCALSTACK}
    (home / EMULATOR_STATE_FILE).write_text(json.dumps(record))
    return endpoint


def stop_localstack(home: Path) -> None:
    """Stop the LocalStack container `trig up --engine localstack` started."""
    subprocess.run(["localstack", "stop"], capture_output=True, stdin=subprocess.DEVNULL)
    (home / EMULATOR_STATE_FILE).unlink(missing_ok=True)


def recorded_engine(home: Path) -> str:
    """The engine `trig up` last started in this home (ministack when the record predates engines)."""
    try:
        return json.loads((home / EMULATOR_STATE_FILE).read_text()).get("engine", MINISTACK)
    except (OSError, ValueError):
        return ""
