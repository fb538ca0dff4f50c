"""The composite action (action.yml) is a thin caller of scripts/trig_action.py, its inputs passed as variables."""

from __future__ import annotations

from pathlib import Path

import yaml

ACTION = Path(__file__).resolve().parents[2] / "action.yml"


def test_the_action_is_composite_and_only_installs_trig_and_calls_the_script():
    action = yaml.safe_load(ACTION.read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"project", "root", "triggers", "terraform-version", "extra-args",
                                      "check-args"}
    runs = [step["run"] for step in action["runs"]["steps"] if "run" in step]
    assert runs[0] == 'python -m pip install --quiet "$GITHUB_ACTION_PATH"'
    assert runs[1].strip().splitlines()[-1] == 'python "$GITHUB_ACTION_PATH/scripts/trig_action.py"'
    # Inputs reach the script as variables, never pasted into a shell line (no injection through an input).
    assert all("inputs." not in run for run in runs)
    [script_step] = [step for step in action["runs"]["steps"] if step.get("id") == "trig"]
    assert script_step["env"]["TRIG_ACTION_ROOT"] == "${{ inputs.root }}"
    uploads = [step for step in action["runs"]["steps"] if step.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["if"] == "always()"
