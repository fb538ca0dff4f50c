"""The environment every Terraform run gets: no AWS setting of the caller's, trig's data folder, its CLI config."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

# Go's garbage collector target for Terraform and the provider it starts, unless the caller set GOGC. Most of
# a Terraform run's CPU is the AWS provider building and encoding its schema, once per provider start (three
# or four starts per command); at Go's default of 100 the collector runs through much of it. Measured on a
# 2-core machine, `terraform plan` of one trigger: 10.1-12.4 CPU seconds at 100, 8.0 at 400 (peak memory of
# a process 450 MB -> 590 MB), 7.2 at 800 (850 MB). On two cores, CPU seconds are what parallel runs wait for.
GO_GC_PERCENT = "400"


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
    env.setdefault("GOGC", GO_GC_PERCENT)
    env.pop("TF_WORKSPACE", None)
    return env


def write_cli_config(work: Path, plugin_dir: Path) -> Path:
    """A Terraform CLI config file under work that installs providers from plugin_dir only; rewritten only on change."""
    path = work / "terraform.tfrc"
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


def terraform_environment(base: Mapping[str, str], work: Path, plugin_dir: Path | None) -> dict[str, str]:
    """The scrubbed environment with trig's own data folder under work and, given a mirror, its CLI config."""
    env = scrubbed_environment(base)
    env["TF_DATA_DIR"] = str(work / "data")
    if plugin_dir is not None:
        env["TF_CLI_CONFIG_FILE"] = str(write_cli_config(work, plugin_dir))
    return env
