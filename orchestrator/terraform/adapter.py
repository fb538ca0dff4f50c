"""The one adapter for Terraform: every terraform command trig runs on the trigger root goes through here.

A facade over the package: command (python-terraform builds the command lines), process
(runs them), environment, init, state, failures and static_checks.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestrator.emulator import probe as emulator_probe
from orchestrator.errors import TerraformError
from orchestrator.preflight import check_endpoint_coverage
from orchestrator.settings import Settings
import orchestrator.terraform.init as init
import orchestrator.terraform.static_checks as static_checks
from orchestrator.terraform.command import IsFlagged, TerraformCommand
from orchestrator.terraform.diagnostics import summarize_error
from orchestrator.terraform.environment import terraform_environment
from orchestrator.terraform.failures import failed_error, stopped_error
from orchestrator.terraform.state import Outputs, State, instance_prefix, state_path, trigger_view
from orchestrator.watchdog import EmulatorWatch, EndpointGone

# The methods whose runs let the provider talk to AWS (besides `import`): refused unless every service is overridden.
_TALKS_TO_AWS = ("apply", "destroy", "plan")


# What Terraform's plan prints when its refresh found objects changed outside Terraform.
DRIFT_NOTE = "Objects have changed outside of Terraform"


@dataclass(frozen=True)
class SavedPlan:
    """What a saved plan holds, as its exit code and output say (read without `terraform show`)."""

    changes: bool
    drifted: bool


def targets(names: list[str]) -> list[str]:
    """The -target addresses of the named triggers' instances of the trigger stack."""
    return [instance_prefix(name) for name in names]


def name_of(target: str) -> str:
    """The trigger a -target address names: `module.trigger["api"]` gives `api`."""
    return json.loads(target.removeprefix("module.trigger[").removesuffix("]"))


class TerraformAdapter:
    """Init, apply, destroy and read outputs of the localstack root: one workspace (state) per place, holding
    every trigger applied there as one instance of the trigger stack; runs target the named triggers only."""

    def __init__(self, settings: Settings, base_env: Mapping[str, str] | None = None):
        self.settings = settings
        self.root = settings.env_dir
        self.work = settings.home / "terraform"
        self.env = terraform_environment(os.environ if base_env is None else base_env, self.work, settings.plugin_dir)

    def _terraform(self) -> TerraformCommand:
        return TerraformCommand(self.root, self.settings.terraform_bin, self.env)

    # -- set-up ---------------------------------------------------------------------------

    def check_version(self) -> str:
        """Refuse a missing binary or one older than the minimum; return e.g. "Terraform 1.11.4" or "OpenTofu 1.8.0"."""
        return init.check_version(self.settings.terraform_bin, self._terraform())

    def ensure_init(self) -> bool:
        """Run `terraform init` unless this working copy is already initialised for the same sources; True if it ran."""
        stamp_file = self.work / "init.stamp"
        with init.init_lock(self.work):
            stamp = init.init_stamp(self.root, self.work, self.settings.plugin_dir, self.settings.terraform_bin)
            # init writes the lock file into the root: a root without one (a fresh copy of an installed trig's) needs init.
            if (stamp_file.exists() and stamp_file.read_text() == stamp and (self.work / "data").is_dir()
                    and (self.root / ".terraform.lock.hcl").is_file()):
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
        """Call one python-terraform method (apply, destroy, cmd, ...) in a workspace; raise on an unexpected exit code
        (an error names the triggers targeted, or those given as names=, when there are)."""
        named = options.pop("names", None) or [name_of(address) for address in options.get("target") or []]
        subject = ", ".join(named)
        command = args[0] if method == "cmd" else method
        if method in _TALKS_TO_AWS or (method == "cmd" and command in ("import", "apply")):
            # Every path that lets the provider talk to AWS passes here: refuse one that could reach real AWS.
            check_endpoint_coverage(self.root)
            options["watch"] = self.watch()
        try:
            code, out, err = getattr(self._terraform(), method)(*args, env={"TF_WORKSPACE": workspace}, **options)
        except EndpointGone as gone:
            raise stopped_error(self.work, workspace, command, gone, subject) from None
        if code not in ok_codes:
            raise failed_error(self.work, workspace, method, command, code, out, err, subject)
        return code, out, err

    def watch(self) -> EmulatorWatch:
        """What decides, while a Terraform run that talks to the emulator goes on, that it must stop."""
        return EmulatorWatch(self.settings.endpoint, probe=emulator_probe,
                             stall_seconds=self.settings.stall_seconds)

    def apply(self, workspace: str, var_file: Path, names: list[str],
              listen: Callable[[str], None] | None = None) -> str:
        """Apply the named triggers in a place's workspace with its tfvars (the others there are left alone);
        returns Terraform's output (listen, when given, hears each line as it comes)."""
        self.ensure_init()
        self.ensure_workspace(workspace)
        _, out, _ = self._run(workspace, "apply", skip_plan=True, var_file=str(var_file), var=None,
                              target=targets(names), listen=listen)
        return out

    def destroy(self, workspace: str, var_file: Path, names: list[str]) -> str:
        """Destroy the named triggers' resources in a place's workspace."""
        self.ensure_init()
        self.ensure_workspace(workspace)
        # python-terraform's default `-force` was removed in Terraform 0.15.
        _, out, _ = self._run(workspace, "destroy", force=None, auto_approve=IsFlagged, var_file=str(var_file), var=None,
                              target=targets(names))
        return out

    def apply_if_changed(self, workspace: str, var_file: Path, names: list[str]) -> str | None:
        """Plan the named triggers and apply that saved plan only when it changes anything; None when it does not.

        For an apply expected to find nothing to do (`trig apply --refresh` with unchanged inputs): a plain
        `terraform apply` with no changes still starts the provider again for its empty apply (2 to 3 s here)."""
        plan_file = self.work / "plans" / f"{workspace}.apply.tfplan"
        try:
            if not self.plan_to_file(workspace, var_file, names, plan_file).changes:
                return None
            # A saved plan takes no -target: it holds only what the targeted plan found.
            _, out, _ = self._run(workspace, "cmd", "apply", str(plan_file), input=False, no_color=IsFlagged,
                                  names=names)
            return out
        finally:
            plan_file.unlink(missing_ok=True)

    # -- state ----------------------------------------------------------------------------

    def state_file(self, workspace: str) -> Path:
        return state_path(self.settings.home, workspace)

    def outputs(self, workspace: str) -> Outputs:
        """The workspace's root outputs, read-only; empty when nothing is applied."""
        if not self.state_file(workspace).exists():
            return Outputs()
        state = State.read(self.state_file(workspace))
        if state is not None:
            return state.outputs
        self.ensure_init()
        _, out, _ = self._run(workspace, "cmd", "output", json=IsFlagged, no_color=IsFlagged)
        return Outputs.from_output_json(out)

    def trigger_outputs(self, workspace: str, name: str) -> Outputs:
        """One trigger's outputs in its place's state; empty when it has none."""
        state = State.read(self.state_file(workspace))
        return Outputs() if state is None else trigger_view(state, name).outputs

    def trigger_addresses(self, workspace: str, name: str) -> list[str]:
        """Addresses of one trigger's managed resources in its place's state, relative to its instance."""
        state = State.read(self.state_file(workspace))
        return [] if state is None else [resource.address for resource in trigger_view(state, name).resources]

    def state_resources(self, workspace: str) -> list[str]:
        """Addresses of the managed resources in a workspace's state."""
        if not self.state_file(workspace).exists():
            return []
        state = State.read(self.state_file(workspace))
        if state is not None:
            return [resource.address for resource in state.resources]
        self.ensure_init()
        _, out, _ = self._run(workspace, "cmd", "state list", ok_codes=(0, 1))
        return [line for line in out.splitlines() if line.strip() and not line.startswith("data.")]

    # -- plan review ----------------------------------------------------------------------

    def plan_to_file(self, workspace: str, var_file: Path, names: list[str], plan_file: Path) -> SavedPlan:
        """Save a plan of the named triggers to plan_file; whether it holds changes (-detailed-exitcode 2), and
        whether the refresh found objects changed outside Terraform."""
        self.ensure_init()
        self.ensure_workspace(workspace)
        plan_file.parent.mkdir(parents=True, exist_ok=True)
        code, out, _ = self._run(workspace, "plan", ok_codes=(0, 2), var_file=str(var_file), var=None,
                                 out=str(plan_file), lock_timeout="60s", target=targets(names))
        return SavedPlan(changes=code == 2, drifted=DRIFT_NOTE in out)

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
        return static_checks.fmt_check(self.settings.terraform_bin, self.env, directory)

    def validate_config(self, directory: Path, data_dir: Path) -> list[dict]:
        """`terraform init -backend=false` then `terraform validate -json` of one configuration; its diagnostics."""
        return static_checks.validate_config(self.settings.terraform_bin, self.env, directory, data_dir)
