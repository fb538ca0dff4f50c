"""Values given with --set reach Terraform exactly as typed: rendered, parsed back by Terraform, compared."""

from __future__ import annotations

import json
import os
import subprocess
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.render import hcl

ROOT = """
variable "values" {
  type = list(string)
}

output "values" {
  value = var.values
}
"""

# Any Unicode text Terraform can hold (no surrogates, no NUL), with the sequences HCL interprets made likely.
hostile_text = st.lists(
    st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20),
        st.sampled_from(['"', "\\", "$", "%", "{", "}", "${", "%{", "$${", "%%{", "\n", "\r", "\t", "é", "😀", "\u2028"]),
    ),
    max_size=30,
).map("".join)


def terraform_reads_back(folder, values: list[str]) -> list[str]:
    (folder / "values.tfvars").write_text(f"values = {hcl(values)}\n", encoding="utf-8")
    env = {**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"}
    result = subprocess.run(["terraform", "apply", "-auto-approve", "-input=false", "-no-color", "-json",
                             "-var-file=values.tfvars"], cwd=folder, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    # str.splitlines() would also split at U+0085 and U+2028 inside the JSON strings.
    for line in filter(None, result.stdout.split("\n")):
        message = json.loads(line)
        if message.get("type") == "outputs" and "value" in message["outputs"].get("values", {}):
            return message["outputs"]["values"]["value"]
    raise AssertionError("terraform printed no output values")


# Many values per Terraform run, few runs: each run costs Terraform's start (0.1 s of CPU beside the suite's
# other workers); 30 runs of up to 40 values hold as many values as 200 runs of up to 4 did.
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(hostile_text, min_size=1, max_size=40))
def test_rendered_values_parse_back_identically(tmp_path, values):
    (tmp_path / "main.tf").write_text(ROOT)
    # HCL normalises every string it reads to Unicode NFC (U+2F800 becomes U+4E3D), whatever the quoting:
    # what reaches Terraform is the typed text in that form, and nothing else changes.
    assert terraform_reads_back(tmp_path, values) == [unicodedata.normalize("NFC", v) for v in values]


def test_long_values_parse_back_identically(tmp_path):
    (tmp_path / "main.tf").write_text(ROOT)
    values = ["${x}%{y}\"\\\n" * 2000, "é" * 50000]
    assert terraform_reads_back(tmp_path, values) == values


# A hostile greeting applied through the api trigger and read back from the API: test_core's lifecycle.
