"""The one adapter for Terraform: every terraform command trig runs goes through here.

python-terraform 0.10.1 builds the command lines (its flag tables); this module
runs them, because that release cannot pass a custom environment, forward
Ctrl-C gracefully, or read Terraform >= 0.15 exit conventions (it passes
`destroy -force`, so destroy is called with force=None and auto-approve).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import NoReturn

import python_terraform

from orchestrator import tfstate
from orchestrator.emulator import probe as emulator_probe
from orchestrator.errors import TerraformError, TerraformStopped, UsageError
from orchestrator.watchdog import WATCH_INTERVAL, EmulatorWatch, EndpointGone
from orchestrator.preflight import check_endpoint_coverage
from orchestrator.settings import Settings

log = logging.getLogger(__name__)
# Terraform's own output, line by line; silent unless the CLI turns it on (--verbose).
output_log = logging.getLogger(f"{__name__}.output")

IsFlagged = python_terraform.IsFlagged
MINIMUM_VERSION = (1, 5)
_SOURCE_LINE = re.compile(r"^\s*(source|version)\s*=.*$", re.MULTILINE)
_APPLY_SUMMARY = re.compile(r"Resources: (\d+) added, (\d+) changed, (\d+) destroyed")
_DESTROY_SUMMARY = re.compile(r"Resources: (\d+) destroyed")


def change_counts(apply_output: str) -> dict[str, int]:
    """Added, changed and destroyed counts from the summary line of `terraform apply` or `destroy`."""
    if match := _APPLY_SUMMARY.search(apply_output):
        return dict(zip(("added", "changed", "destroyed"), map(int, match.groups())))
    if match := _DESTROY_SUMMARY.search(apply_output):
        return {"added": 0, "changed": 0, "destroyed": int(match.group(1))}
    return {"added": 0, "changed": 0, "destroyed": 0}


# Niceness of a Terraform run that must not slow the slowest one of a parallel apply down:
# on a small machine the provider processes' start-up competes for the cores, and only
# the run that finishes last sets the wall time.
YIELDING_NICENESS = 10


class _Terraform(python_terraform.Terraform):
    """python-terraform's command builder with trig's runner: own environment, Ctrl-C forwarded once."""

    def __init__(self, working_dir: Path, terraform_bin: str, env: Mapping[str, str]):
        super().__init__(working_dir=str(working_dir), terraform_bin_path=terraform_bin)
        self.env = dict(env)

    def cmd(self, cmd, *args, **kwargs):  # noqa: D401 - python-terraform's signature
        kwargs.pop("capture_output", None)
        kwargs.pop("raise_on_error", None)
        extra_env = kwargs.pop("env", {})
        yield_cpu = kwargs.pop("yield_cpu", False)
        watch = kwargs.pop("watch", None)
        command = self.generate_cmd_string(cmd, *args, **kwargs)
        if yield_cpu and shutil.which("nice"):
            # nice execs Terraform in its place: the pid, the signals and the exit code stay Terraform's.
            command = ["nice", "-n", str(YIELDING_NICENESS), *command]
        try:
            return run_process(command, cwd=self.working_dir, env={**self.env, **extra_env}, watch=watch)
        finally:
            self.temp_var_files.clean_up()


_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


def _signal_running(signum: int) -> None:
    with _running_lock:
        processes = list(_running)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signum)


def wait_through_interrupts(wait: Callable[[], object]) -> NoReturn:
    """After a first Ctrl-C, let running Terraform finish, escalating on each further Ctrl-C; then re-raise it.

    A Terraform stopped while the AWS provider waits for a resource it just created
    forgets that resource (measured with a Kinesis stream), leaving it orphaned and
    the next apply failing with "already exists". So the first Ctrl-C waits; the
    second asks Terraform to stop (SIGINT, its graceful stop); the third kills it.
    """
    log.warning("interrupted: letting Terraform finish what it is doing so its state stays consistent "
                "(Ctrl-C again to stop Terraform now, which may orphan a resource being created)")
    presses = 1
    while True:
        try:
            wait()
            break
        except KeyboardInterrupt:
            presses += 1
            if presses == 2:
                log.warning("stopping Terraform (its graceful stop); Ctrl-C once more to kill it")
                _signal_running(signal.SIGINT)
            else:
                log.warning("killing Terraform")
                _signal_running(signal.SIGKILL)
    raise KeyboardInterrupt


def run_process(command: list[str], cwd: str | None, env: Mapping[str, str],
                watch: EmulatorWatch | None = None) -> tuple[int, str, str]:
    """Run a command to completion; Ctrl-C is handled by wait_through_interrupts.

    Terraform runs in its own process group, so a terminal's Ctrl-C reaches trig only and
    trig decides what Terraform gets. It stays in trig's session: Linux schedules each session
    as one group (autogroup), where a lower priority (YIELDING_NICENESS) would count for nothing.
    With a watch, it is asked every few seconds; when it names a reason, Terraform is stopped
    (its graceful stop, then killed) and EndpointGone carries the reason.
    """
    log.debug("running %s in %s", " ".join(command), cwd)
    try:
        process = subprocess.Popen(
            command, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
            process_group=0,
        )
    except FileNotFoundError:
        raise UsageError(f"terraform binary {command[0]!r} not found: install Terraform >= 1.5 or pass --terraform-bin.") from None
    with _running_lock:
        _running.add(process)
    try:
        out, err, reason = _collect_while_watching(process, watch)
    finally:
        with _running_lock:
            _running.discard(process)
    if reason is not None:
        raise EndpointGone(reason, out, err)
    return process.returncode, out, err


def _collect_while_watching(process: subprocess.Popen, watch: EmulatorWatch | None) -> tuple[str, str, str | None]:
    """Drain stdout and stderr (logging each line with --verbose), asking the watch while the process runs.

    Reader threads drain the pipes; this thread only waits for the process and asks the watch,
    so a Ctrl-C here goes through wait_through_interrupts.
    """
    collected: dict[str, list[str]] = {"out": [], "err": []}
    label = process.args[1] if isinstance(process.args, list) and len(process.args) > 1 else ""
    verbose = output_log.isEnabledFor(logging.INFO)

    def drain(pipe, name: str) -> None:
        for line in pipe:
            collected[name].append(line)
            if watch is not None and name == "out":
                watch.progress.feed(line)
            if verbose:
                output_log.info("  [terraform %s] %s", label, line.rstrip("\n"))

    readers = [threading.Thread(target=drain, args=(process.stdout, "out"), daemon=True),
               threading.Thread(target=drain, args=(process.stderr, "err"), daemon=True)]
    for reader in readers:
        reader.start()
    reason = None
    try:
        while True:
            try:
                process.wait(timeout=WATCH_INTERVAL if watch is not None else None)
                break
            except subprocess.TimeoutExpired:
                reason = watch()
                if reason is not None:
                    _stop(process)
                    break
    except KeyboardInterrupt:
        wait_through_interrupts(process.wait)
    for reader in readers:
        reader.join()
    return "".join(collected["out"]), "".join(collected["err"]), reason


def _stop(process: subprocess.Popen, grace: float = 5.0) -> None:
    """Terraform's graceful stop (SIGINT: it saves its state), then a kill if it does not end in grace seconds."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    # Terraform leads its own process group (process_group=0): its provider plugins go with it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def diagnostic_lines(stderr: str) -> list[str]:
    """Terraform's diagnostics as plain lines: the box drawn around each one on a terminal taken off."""
    return [line[2:] if line.startswith(("│ ", "╷", "╵")) else line for line in stderr.splitlines()]


def summarize_error(stderr: str) -> str:
    """The first 'Error:' of Terraform's diagnostics with its explanation, on one line.

    In Terraform's plain output the source snippet under an error is indented and the
    explanation is not, so the explanation is the first unindented line after it.
    """
    lines = diagnostic_lines(stderr)
    for index, line in enumerate(lines):
        if line.startswith("Error: "):
            summary = line[len("Error: "):].strip()
            paragraph: list[str] = []
            for detail in lines[index + 1:]:
                if detail.startswith("Error: ") or (paragraph and not detail.strip()):
                    break
                if detail.strip() and not detail[0].isspace():
                    paragraph.append(detail.strip())  # Terraform wraps its explanation over several lines
            return f"{summary}: {' '.join(paragraph)}" if paragraph else summary
    tail = [line.strip() for line in lines if line.strip()]
    return tail[-1] if tail else "no error output"


def scrubbed_environment(base: Mapping[str, str]) -> dict[str, str]:
    """The caller's environment without any AWS setting, so a real profile or key can never leak in."""
    env = {k: v for k, v in base.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
    )
    env.pop("TF_WORKSPACE", None)
    return env


class TerraformAdapter:
    """Init, apply, destroy and read outputs of the localstack root, one workspace (state) per trigger."""

    def __init__(self, settings: Settings, base_env: Mapping[str, str] | None = None):
        self.settings = settings
        self.root = settings.env_dir
        self.work = settings.home / "terraform"
        self.env = scrubbed_environment(os.environ if base_env is None else base_env)
        self.env["TF_DATA_DIR"] = str(self.work / "data")
        if settings.plugin_dir is not None:
            self.env["TF_CLI_CONFIG_FILE"] = str(self._write_cli_config(settings.plugin_dir))

    # -- set-up ---------------------------------------------------------------------------

    def _write_cli_config(self, plugin_dir: Path) -> Path:
        path = self.work / "terraform.tfrc"
        content = (
            "# Written by trig: install providers from the mirror only.\n"
            "provider_installation {\n"
            f"  filesystem_mirror {{\n    path = {json.dumps(str(plugin_dir))}\n  }}\n"
            "}\n"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != content:
            path.write_text(content)
        return path

    def _terraform(self) -> _Terraform:
        return _Terraform(self.root, self.settings.terraform_bin, self.env)

    def check_version(self) -> str:
        """Refuse a missing binary or one older than the minimum; return e.g. "Terraform 1.11.4" or "OpenTofu 1.8.0"."""
        if shutil.which(self.settings.terraform_bin) is None:
            raise UsageError(
                f"terraform binary {self.settings.terraform_bin!r} not found: install Terraform >= 1.5 or pass --terraform-bin."
            )
        code, out, err = self._terraform().cmd("version", json=IsFlagged)
        try:
            version = json.loads(out)["terraform_version"]  # OpenTofu reports its own version under this key too
        except (ValueError, KeyError):
            raise UsageError(f"{self.settings.terraform_bin!r} did not report a Terraform version: pass a Terraform >= 1.5 binary.") from None
        # Only the plain output names the product ("OpenTofu v1.8.0" / "Terraform v1.11.4").
        _, text, _ = self._terraform().cmd("version")
        product = "OpenTofu" if text.lstrip().startswith("OpenTofu") else "Terraform"
        if tuple(int(p) for p in version.split(".")[:2]) < MINIMUM_VERSION:
            raise UsageError(f"{product} {version} is older than 1.5: install a newer one or pass --terraform-bin.")
        return f"{product} {version}"

    def _init_stamp(self) -> str:
        """What init depends on: module sources, provider versions, mirror and state folder."""
        digest = hashlib.sha256()
        for path in sorted(self.root.glob("*.tf")):
            text = path.read_text()
            digest.update(path.name.encode())
            digest.update("\n".join(m.group(0) for m in _SOURCE_LINE.finditer(text)).encode())
        digest.update(str(self.settings.plugin_dir).encode())
        digest.update(self.settings.terraform_bin.encode())
        digest.update(str(self.work).encode())
        # Another checkout (TRIG_PROJECT) has its own lock file, which init must write.
        digest.update(str(self.root).encode())
        return digest.hexdigest()

    @contextlib.contextmanager
    def _init_lock(self) -> Iterator[None]:
        self.work.mkdir(parents=True, exist_ok=True)
        with open(self.work / "init.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure_init(self) -> bool:
        """Run `terraform init` unless this working copy is already initialised for the same sources; True if it ran."""
        stamp_file = self.work / "init.stamp"
        with self._init_lock():
            stamp = self._init_stamp()
            if stamp_file.exists() and stamp_file.read_text() == stamp and (self.work / "data").is_dir():
                return False
            self.check_version()
            (self.work / "state").mkdir(parents=True, exist_ok=True)
            code, out, err = self._terraform().init(
                backend_config={"workspace_dir": str(self.work / "state")},
                input=False, upgrade=None, var=None,
            )
            if code != 0:
                raise TerraformError(f"terraform init failed: {summarize_error(err)}", command="init", returncode=code, stderr=err)
            stamp_file.write_text(stamp)
            return True

    def ensure_workspace(self, workspace: str) -> None:
        if (self.work / "state" / workspace).is_dir():
            return
        code, out, err = self._terraform().cmd("workspace new", workspace, no_color=IsFlagged)
        if code != 0 and "already exists" not in err:
            raise TerraformError(f"terraform workspace new {workspace} failed: {summarize_error(err)}",
                                 command="workspace new", returncode=code, stderr=err)

    # -- commands -------------------------------------------------------------------------

    def _run(self, workspace: str, method: str, *args: str, ok_codes: tuple[int, ...] = (0,), **options):
        """Call one python-terraform method (apply, destroy, cmd, ...) in a workspace; raise on an unexpected exit code."""
        if method in ("apply", "destroy", "plan") or (method == "cmd" and args[:1] == ("import",)):
            # Every path that lets the provider talk to AWS passes here: refuse one that could reach real AWS.
            check_endpoint_coverage(self.root)
            options["watch"] = self.watch()
        try:
            code, out, err = getattr(self._terraform(), method)(*args, env={"TF_WORKSPACE": workspace}, **options)
        except EndpointGone as gone:
            command = args[0] if method == "cmd" else method
            self._keep_failed_output(workspace, command, gone.stdout, gone.stderr)
            raise TerraformStopped(str(gone), workspace=workspace, command=command, stderr=gone.stderr,
                                   endpoint_died="stopped answering" in str(gone)) from None
        if code not in ok_codes and "Error acquiring the state lock" in err:
            raise TerraformError(
                f"the {workspace} state is locked by another Terraform run: wait for it to finish; if none is running, "
                f"remove the stale lock with `terraform force-unlock`.", command=method, returncode=code, stderr=err)
        if code not in ok_codes:
            command = args[0] if method == "cmd" else method
            kept = self._keep_failed_output(workspace, command, out, err)
            raise TerraformError(
                f"terraform {command} of {workspace} failed: {summarize_error(err)} (Terraform's full output: {kept})",
                command=command, returncode=code, stderr=err,
            )
        return code, out, err

    def watch(self) -> EmulatorWatch:
        """What decides, while a Terraform run that talks to the emulator goes on, that it must stop."""
        return EmulatorWatch(self.settings.endpoint, probe=emulator_probe,
                             stall_seconds=self.settings.stall_seconds)

    def _keep_failed_output(self, workspace: str, command: str, out: str, err: str) -> Path:
        """Write a failed command's whole output next to the state, for the diagnosis one line cannot carry.

        The environment Terraform ran with holds no real credential (scrubbed_environment), and the
        provider's fake keys are never echoed by Terraform, so the file is safe to attach to a report.
        """
        path = self.work / "logs" / f"{workspace}-{command}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"$ terraform {command} (workspace {workspace})\n\n--- stdout ---\n{out}\n--- stderr ---\n{err}")
        return path

    def apply(self, workspace: str, var_file: Path, yield_cpu: bool = False) -> str:
        """Apply the root in a workspace with the given tfvars; returns Terraform's output.

        yield_cpu runs Terraform (and so its provider) at a lower priority, for an apply that
        runs beside a slower one whose wall time it should not add to.
        """
        self.ensure_init()
        self.ensure_workspace(workspace)
        _, out, _ = self._run(workspace, "apply", skip_plan=True, var_file=str(var_file), var=None,
                              yield_cpu=yield_cpu)
        return out

    def import_resource(self, workspace: str, var_file: Path, address: str, import_id: str) -> None:
        """Bring a resource that exists in the emulator into the workspace's state (`terraform import`)."""
        self._run(workspace, "cmd", "import", address, import_id, var_file=str(var_file), var=None,
                  input=False, no_color=IsFlagged)

    def destroy(self, workspace: str, var_file: Path) -> str:
        """Destroy everything in a workspace's state."""
        self.ensure_init()
        self.ensure_workspace(workspace)
        # python-terraform's default `-force` was removed in Terraform 0.15.
        _, out, _ = self._run(workspace, "destroy", force=None, auto_approve=IsFlagged, var_file=str(var_file), var=None)
        return out

    def has_changes(self, workspace: str, var_file: Path) -> bool:
        """True when `terraform plan` finds anything to change (python-terraform's -detailed-exitcode: 2)."""
        self.ensure_init()
        self.ensure_workspace(workspace)
        code, _, _ = self._run(workspace, "plan", ok_codes=(0, 2), var_file=str(var_file), var=None, input=False)
        return code == 2

    def state_file(self, workspace: str) -> Path:
        return tfstate.state_path(self.settings.home, workspace)

    def _read_state(self, workspace: str) -> dict | None:
        """The workspace's local state, read without starting Terraform; None if absent or of another format."""
        return tfstate.read_state(self.state_file(workspace))

    def outputs(self, workspace: str) -> dict[str, object]:
        """The workspace's root outputs as plain values; empty when nothing is applied."""
        if not self.state_file(workspace).exists():
            return {}
        state = self._read_state(workspace)
        if state is not None:
            return {name: item.get("value") for name, item in state.get("outputs", {}).items()}
        self.ensure_init()
        _, out, _ = self._run(workspace, "cmd", "output", json=IsFlagged, no_color=IsFlagged)
        return {name: item.get("value") for name, item in json.loads(out or "{}").items()}

    def state_resources(self, workspace: str) -> list[str]:
        """Addresses of the managed resources in a workspace's state."""
        if not self.state_file(workspace).exists():
            return []
        state = self._read_state(workspace)
        if state is not None:
            return [resource.address for resource in tfstate.managed_resources(state)]
        self.ensure_init()
        _, out, _ = self._run(workspace, "cmd", "state list", ok_codes=(0, 1))
        return [line for line in out.splitlines() if line.strip() and not line.startswith("data.")]

    # -- plan review ----------------------------------------------------------------------

    def plan_to_file(self, workspace: str, var_file: Path, plan_file: Path) -> bool:
        """Save a plan of the workspace to plan_file; True when it holds changes (-detailed-exitcode 2)."""
        self.ensure_init()
        self.ensure_workspace(workspace)
        plan_file.parent.mkdir(parents=True, exist_ok=True)
        code, _, _ = self._run(workspace, "plan", ok_codes=(0, 2), var_file=str(var_file), var=None,
                               out=str(plan_file), lock_timeout="60s")
        return code == 2

    def show_plan(self, workspace: str, plan_file: Path) -> dict:
        """A saved plan as Terraform's JSON plan representation (`terraform show -json`)."""
        _, out, _ = self._run(workspace, "cmd", "show", str(plan_file), json=IsFlagged, no_color=IsFlagged)
        try:
            return json.loads(out)
        except ValueError:
            raise TerraformError(f"terraform show -json of {workspace}'s plan printed no JSON: rerun `trig plan {workspace}`.",
                                 command="show", returncode=0, stderr=out[-2000:]) from None

    # -- static checks --------------------------------------------------------------------

    def fmt_check(self, directory: Path) -> tuple[int, list[str], str]:
        """`terraform fmt -check -recursive` of a folder: exit code, files not formatted (relative to its parent), stderr."""
        runner = _Terraform(directory.parent, self.settings.terraform_bin, self.env)
        code, out, err = runner.cmd("fmt", directory.name, check=IsFlagged, recursive=IsFlagged, list=True, no_color=IsFlagged)
        return code, [line.strip() for line in out.splitlines() if line.strip()], err

    def validate_config(self, directory: Path, data_dir: Path) -> list[dict]:
        """`terraform init -backend=false` then `terraform validate -json` of one configuration; its diagnostics."""
        env = {**self.env, "TF_DATA_DIR": str(data_dir)}
        runner = _Terraform(directory, self.settings.terraform_bin, env)
        code, out, err = runner.init(backend=False, input=False, upgrade=None, var=None, no_color=IsFlagged)
        if code != 0:
            raise TerraformError(f"terraform init of {directory} failed: {summarize_error(err)}",
                                 command="init", returncode=code, stderr=err)
        code, out, err = runner.cmd("validate", json=IsFlagged, no_color=IsFlagged)
        try:
            return json.loads(out).get("diagnostics", [])
        except ValueError:
            raise TerraformError(f"terraform validate of {directory} printed no JSON: {summarize_error(err)}",
                                 command="validate", returncode=code, stderr=err) from None
