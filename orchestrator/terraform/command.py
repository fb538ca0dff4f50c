"""python-terraform's command builder with trig's runner underneath.

python-terraform 0.10.1 builds the command lines (its flag tables: IsFlagged, lists, dicts);
trig runs them (process.run_process), because that release cannot pass a custom environment,
forward Ctrl-C gracefully, or read Terraform >= 0.15 exit conventions (it passes
`destroy -force`, so destroy is called with force=None and auto-approve).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import python_terraform

from orchestrator.terraform.process import run_process
from orchestrator.watchdog import EmulatorWatch

IsFlagged = python_terraform.IsFlagged

# How many resource operations one Terraform run keeps in flight (Terraform's default is 10). The AWS
# provider creates functions given by `filename` one at a time under a lock held through its 5 s wait
# for the function to become active; at 10, nine such functions waiting for that lock fill every slot
# and a queue or stream (which then wait 20-25 s inside the provider) cannot even start. An emulator
# has no API rate limits to protect.
PARALLELISM = 64
# The commands that walk resources (and so take -parallelism).
_WALKS = ("apply", "destroy", "plan")


class TerraformCommand(python_terraform.Terraform):
    """One working folder's Terraform: python-terraform's methods (apply, init, plan, cmd, ...) run by trig.

    cmd takes trig's own run options by name, beside Terraform's flags in **options:
    env (added to the environment), watch (stops a run whose emulator is gone) and listen (called with
    each line of Terraform's output as it comes).
    """

    def __init__(self, working_dir: Path, terraform_bin: str, env: Mapping[str, str]):
        super().__init__(working_dir=str(working_dir), terraform_bin_path=terraform_bin)
        self.env = dict(env)

    def cmd(self, cmd, *args, env: Mapping[str, str] | None = None,
            watch: EmulatorWatch | None = None, listen: Callable[[str], None] | None = None,
            **options) -> tuple[int, str, str]:
        if cmd in _WALKS and options.get("parallelism") is None:  # python-terraform passes its own None
            options["parallelism"] = PARALLELISM
        command = self.generate_cmd_string(cmd, *args, **options)
        try:
            return run_process(command, cwd=self.working_dir, env={**self.env, **(env or {})}, watch=watch,
                               listen=listen)
        finally:
            self.temp_var_files.clean_up()
