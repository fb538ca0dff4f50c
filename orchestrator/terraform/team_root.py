"""Terraform on the copy of a team's root (`--root DIR`): init, apply, destroy and plan, under trig's watch.

The copy's override points every AWS provider at the emulator and its backend at a local state under
trig's home (orchestrator/roots); here the runs themselves: the same environment (no AWS setting of the
caller's, trig's CLI config), the same watch on the emulator and the same one-line failures as trig's own
root, with the team's variables passed through.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestrator.emulator import probe as emulator_probe
from orchestrator.errors import TerraformError
from orchestrator.roots.workcopy import RootCopy
from orchestrator.settings import Settings
import orchestrator.terraform.init as init
from orchestrator.terraform.adapter import DRIFT_NOTE, SavedPlan
from orchestrator.terraform.command import IsFlagged, TerraformCommand
from orchestrator.terraform.diagnostics import summarize_error
from orchestrator.terraform.environment import terraform_environment
from orchestrator.terraform.failures import failed_error, keep_failed_output, stopped_error
from orchestrator.watchdog import EmulatorWatch, EndpointGone


@dataclass(frozen=True)
class Variables:
    """The team's variables for a run: -var-file paths (absolute: Terraform runs in the copy) and -var values."""

    files: tuple[Path, ...] = ()
    values: tuple[str, ...] = ()

    def options(self) -> dict:
        return {"var_file": [str(p) for p in self.files] or None, "var": list(self.values) or None}


class TeamRootTerraform:
    """The runs of one team root's copy; each names the root in its errors."""

    def __init__(self, settings: Settings, copy: RootCopy, variables: Variables = Variables(),
                 base_env: Mapping[str, str] | None = None):
        self.settings = settings
        self.copy = copy
        self.variables = variables
        self.env = terraform_environment(os.environ if base_env is None else base_env, copy.folder, settings.plugin_dir)

    def _terraform(self) -> TerraformCommand:
        return TerraformCommand(self.copy.root, self.settings.terraform_bin, self.env)

    def _run(self, method: str, *args: str, ok_codes: tuple[int, ...] = (0,), **options):
        command = args[0] if method == "cmd" else method
        options.setdefault("watch", EmulatorWatch(self.settings.endpoint, probe=emulator_probe,
                                                  stall_seconds=self.settings.stall_seconds))
        try:
            code, out, err = getattr(self._terraform(), method)(*args, **options)
        except EndpointGone as gone:
            raise stopped_error(self.copy.folder, self.copy.name, command, gone, str(self.copy.directory)) from None
        if code not in ok_codes:
            raise failed_error(self.copy.folder, self.copy.name, method, command, code, out, err, str(self.copy.directory))
        return code, out, err

    def ensure_init(self) -> bool:
        """`terraform init` of the copy unless its sources, providers and backend are as last time; True if it ran."""
        stamp_file = self.copy.folder / "init.stamp"
        stamp = init.init_stamp(self.copy.root, self.copy.folder, self.settings.plugin_dir, self.settings.terraform_bin)
        if stamp_file.is_file() and stamp_file.read_text() == stamp and self.copy.data_dir.is_dir():
            return False
        init.check_version(self.settings.terraform_bin, self._terraform())
        code, out, err = self._terraform().init(input=False, upgrade=None, reconfigure=IsFlagged,
                                                **self.variables.options())
        if code != 0:
            kept = keep_failed_output(self.copy.folder, self.copy.name, "init", out, err)
            raise TerraformError(f"terraform init of {self.copy.directory} failed: {summarize_error(err)} "
                                 f"(Terraform's full output: {kept})", command="init", returncode=code, stderr=err)
        stamp_file.write_text(stamp)
        return True

    def apply(self, listen: Callable[[str], None] | None = None) -> str:
        _, out, _ = self._run("apply", skip_plan=True, listen=listen, **self.variables.options())
        return out

    def destroy(self, listen: Callable[[str], None] | None = None) -> str:
        # python-terraform's default `-force` was removed in Terraform 0.15.
        _, out, _ = self._run("destroy", force=None, auto_approve=IsFlagged, listen=listen, **self.variables.options())
        return out

    def plan_to_file(self, plan_file: Path) -> SavedPlan:
        """A plan against the state trig applied, without a refresh: what the team's change would do to it (the
        emulator's copy of a function carries trig's redirect only while a check runs)."""
        plan_file.parent.mkdir(parents=True, exist_ok=True)
        code, out, _ = self._run("plan", ok_codes=(0, 2), out=str(plan_file), refresh="false", lock_timeout="60s",
                                 **self.variables.options())
        return SavedPlan(changes=code == 2, drifted=DRIFT_NOTE in out)

    def show_plan(self, plan_file: Path) -> dict:
        _, out, _ = self._run("cmd", "show", str(plan_file), json=IsFlagged, no_color=IsFlagged, watch=None)
        try:
            return json.loads(out)
        except ValueError:
            raise TerraformError(f"terraform show -json of {self.copy.directory}'s plan printed no JSON: run the plan "
                                 "again.", command="show", returncode=0, stderr=out[-2000:]) from None
