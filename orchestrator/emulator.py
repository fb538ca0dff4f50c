"""The embedded emulator's lifecycle: start MiniStack in the background, wait for health, stop it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_exponential, wait_fixed

from orchestrator import plain_http as http
from orchestrator.errors import EmulatorError
from orchestrator.watchdog import ANSWERED, REFUSED, SILENT
from orchestrator.settings import EMULATOR_STATE_FILE

HEALTH_PATH = "/_ministack/health"
DEFAULT_PORT = 4566
_START_TIMEOUT = 30.0
_STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class EmulatorRecord:
    pid: int
    port: int
    endpoint: str
    log_file: str


def health(endpoint: str, timeout: float = 2.0) -> dict | None:
    """The emulator's health document, or None when nothing healthy answers at endpoint."""
    for path in (HEALTH_PATH, "/_localstack/health"):
        answer = http.get(endpoint.rstrip("/") + path, timeout=timeout)
        if answer.status == 200:
            try:
                return json.loads(answer.body or b"{}")
            except ValueError:
                continue
    return None


def probe(endpoint: str, timeout: float) -> str:
    """What the health path at endpoint does now: answered, refused (nothing listens) or silent (no answer in time)."""
    answer = http.get(endpoint.rstrip("/") + HEALTH_PATH, timeout=timeout)
    if answer.status:
        return ANSWERED  # any status: something answers (/_ministack/health is MiniStack's own path)
    return REFUSED if answer.failure == http.REFUSED else SILENT


def is_healthy(endpoint: str) -> bool:
    return health(endpoint) is not None


def unreachable_message(endpoint: str) -> str:
    """What every command says when nothing answers at the endpoint it needs."""
    return f"no emulator answers at {endpoint}: run `trig up` or pass --endpoint."


def require_healthy(endpoint: str) -> None:
    """Fail fast, in seconds, when nothing answers at the endpoint."""
    if not is_healthy(endpoint):
        raise EmulatorError(unreachable_message(endpoint))


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_record(home: Path) -> EmulatorRecord | None:
    try:
        data = json.loads((home / EMULATOR_STATE_FILE).read_text())
        return EmulatorRecord(**data)
    except (OSError, ValueError, TypeError):
        return None


def running_record(home: Path) -> EmulatorRecord | None:
    """The record of the emulator trig started, if its process is still alive."""
    record = read_record(home)
    if record is not None and _process_alive(record.pid):
        return record
    return None


def _wait_until_healthy(endpoint: str, process: subprocess.Popen, timeout: float) -> None:
    def not_ready(ready: bool) -> bool:
        return not ready

    def probe() -> bool:
        if process.poll() is not None:
            raise EmulatorError(f"MiniStack exited with code {process.returncode} while starting: see its log.")
        return is_healthy(endpoint)

    retrying = Retrying(retry=retry_if_result(not_ready), stop=stop_after_delay(timeout),
                        wait=wait_exponential(multiplier=0.05, max=0.5))
    try:
        retrying(probe)
    except RetryError:
        raise EmulatorError(f"MiniStack did not become healthy at {endpoint} within {timeout:.0f} s: see its log.") from None


def start(home: Path, port: int | None = None, timeout: float = _START_TIMEOUT) -> tuple[EmulatorRecord, bool]:
    """Start MiniStack on 127.0.0.1 unless trig's emulator already runs; returns (record, started_now)."""
    record = running_record(home)
    if record is not None and is_healthy(record.endpoint) and port in (None, record.port):
        return record, False
    if record is not None:
        stop(home)
    port = port or DEFAULT_PORT
    if _port_in_use(port):
        raise EmulatorError(f"port {port} is already in use: stop what listens there or pass --port with a free port.")
    home.mkdir(parents=True, exist_ok=True)
    log_file = home / "emulator.log"
    env = {**os.environ, "GATEWAY_PORT": str(port), "BIND_HOST": "127.0.0.1"}
    env = {k: v for k, v in env.items() if not k.startswith("AWS_")}
    with open(log_file, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "ministack"], stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=env, cwd=str(home), start_new_session=True,
        )
    endpoint = f"http://127.0.0.1:{port}"
    record = EmulatorRecord(pid=process.pid, port=port, endpoint=endpoint, log_file=str(log_file))
    try:
        _wait_until_healthy(endpoint, process, timeout)
    except EmulatorError:
        _terminate(process.pid)
        raise
    (home / EMULATOR_STATE_FILE).write_text(json.dumps(record.__dict__))
    return record, True


def _still_running(exited: bool) -> bool:
    return not exited


def _exited(pid: int) -> bool:
    """True once the process has exited (reaped here when it is our child)."""
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return not _process_alive(pid)
    return bool(finished)


def _terminate(pid: int, timeout: float = _STOP_TIMEOUT) -> None:
    """SIGTERM the emulator's process group; SIGKILL it if it has not exited within timeout seconds."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    retrying = Retrying(retry=retry_if_result(_still_running), stop=stop_after_delay(timeout),
                        wait=wait_fixed(0.05))
    try:
        retrying(_exited, pid)
    except RetryError:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def stop(home: Path) -> bool:
    """Stop the emulator trig started; True if one was running."""
    record = running_record(home)
    (home / EMULATOR_STATE_FILE).unlink(missing_ok=True)
    if record is None:
        return False
    _terminate(record.pid)
    return True
