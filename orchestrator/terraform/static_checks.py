"""Terraform's static checks of a folder: `fmt -check` and `validate`, neither of which needs the emulator."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from orchestrator.errors import TerraformError
from orchestrator.terraform.command import IsFlagged, TerraformCommand
from orchestrator.terraform.diagnostics import summarize_error


def fmt_check(terraform_bin: str, env: Mapping[str, str], directory: Path) -> tuple[int, list[str], str]:
    """`terraform fmt -check -recursive` of a folder: exit code, files not formatted (relative to its parent), stderr."""
    runner = TerraformCommand(directory.parent, terraform_bin, env)
    code, out, err = runner.cmd("fmt", directory.name, check=IsFlagged, recursive=IsFlagged, list=True, no_color=IsFlagged)
    return code, [line.strip() for line in out.splitlines() if line.strip()], err


def validate_config(terraform_bin: str, env: Mapping[str, str], directory: Path, data_dir: Path) -> list[dict]:
    """`terraform init -backend=false` then `terraform validate -json` of one configuration; its diagnostics."""
    runner = TerraformCommand(directory, terraform_bin, {**env, "TF_DATA_DIR": str(data_dir)})
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
