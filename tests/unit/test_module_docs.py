"""The module README generator: reading variable and output blocks, rendering the tables, keeping hand-written text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.module_docs import (
    BEGIN, END, HclError, Output, Variable, one_line, parse_hcl, read_module, refreshed_readme, render_tables,
    stale_readmes, string_value, write_readmes,
)
from tests.conftest import PROJECT_DIR

VARIABLES = r'''
# A comment with "quotes" and { braces } that must not confuse the reader.
variable "function" {
  description = "The trigger's Lambda function: name, zip built by trig, and settings."
  type = object({
    name        = string
    zip_path    = string # the zip trig builds
    handler     = optional(string, "handler.handler")
    environment = optional(map(string), {})
    timeout     = optional(number, 10)
  })
}

variable "retries" {
  description = <<-EOT
    Retries of a failing batch: -1 until the records expire,
    0-10000 caps them; null keeps the default.
  EOT
  type        = number
  default     = null

  validation {
    condition     = var.retries == null || (coalesce(var.retries, 0) >= -1 && coalesce(var.retries, 0) <= 10000)
    error_message = "retries must be from -1 to 10000 }, or null."
  }
}

variable "events" {
  description = "S3 event types | one per entry, such as \"s3:ObjectCreated:*\"."
  type        = list(string)
  default = [
    "s3:ObjectCreated:*",
    "s3:ObjectRemoved:*",
  ]
}

variable "name_template" {
  description = "A name with $${literal} dollars."
  type        = string
  default     = "${"x"}-fn" /* an inline comment */
}

variable "untyped" {}
'''

OUTPUTS = '''
output "url" {
  description = "URL of the queue."
  value       = aws_sqs_queue.this.url
}

output "names" {
  value = { for k, v in module.x : k => v.name }
}
'''


@pytest.fixture
def module(tmp_path: Path) -> Path:
    directory = tmp_path / "terraform" / "modules" / "example"
    directory.mkdir(parents=True)
    (directory / "variables.tf").write_text(VARIABLES)
    (directory / "outputs.tf").write_text(OUTPUTS)
    (directory / "main.tf").write_text('resource "aws_sqs_queue" "this" {\n  name = var.function.name\n}\n')
    return directory


def test_variables_are_read_in_order_with_types_defaults_and_descriptions(module):
    variables, outputs = read_module(module)
    assert [v.name for v in variables] == ["function", "retries", "events", "name_template", "untyped"]
    function, retries, events, template, untyped = variables
    assert function.type == ('object({ name = string, zip_path = string, handler = optional(string, "handler.handler"), '
                             'environment = optional(map(string), {}), timeout = optional(number, 10) })')
    assert function.required and function.default is None
    assert function.description == "The trigger's Lambda function: name, zip built by trig, and settings."
    # A heredoc's indentation goes; its lines stay lines until the table folds them.
    assert retries.description == ("Retries of a failing batch: -1 until the records expire,\n"
                                   "0-10000 caps them; null keeps the default.")
    assert (retries.type, retries.default, retries.required) == ("number", "null", False)
    assert events.default == '["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]'
    assert events.description == 'S3 event types | one per entry, such as "s3:ObjectCreated:*".'
    assert template.description == "A name with ${literal} dollars."
    assert template.default == '"${"x"}-fn"'
    assert (untyped.type, untyped.description, untyped.required) == ("any", "", True)
    assert outputs == [Output("url", "URL of the queue."), Output("names", "")]


def test_the_tables_show_required_inputs_and_escape_pipes():
    text = render_tables(
        [Variable("name", "Name | with a pipe.", "string", None),
         Variable("tags", "Tags\nfor the queue.", "map(string)", "{}"),
         Variable("odd", "Backticks in a default.", "string", '"`x`"')],
        [Output("arn", "ARN of the queue.")])
    assert text == (
        "## Inputs\n\n"
        "| Name | Description | Type | Default | Required |\n|---|---|---|---|---|\n"
        "| `name` | Name \\| with a pipe. | `string` | n/a | yes |\n"
        "| `tags` | Tags for the queue. | `map(string)` | `{}` | no |\n"
        '| `odd` | Backticks in a default. | `string` | ``"`x`"`` | no |\n'
        "\n## Outputs\n\n| Name | Description |\n|---|---|\n| `arn` | ARN of the queue. |\n")
    assert render_tables([], []) == "## Inputs\n\nNone.\n\n## Outputs\n\nNone.\n"


@pytest.mark.parametrize(("source", "expected"), [
    ('{\n  a = 1\n  b = "x"\n}', '{ a = 1, b = "x" }'),
    ("[\n  1,\n  2,\n]", "[1, 2]"),
    ("map(object({\n    x = number\n  }))", "map(object({ x = number }))"),
    ('{ managed-by   =   "trig" }', '{ managed-by = "trig" }'),
    ('"a  #  b"', '"a  #  b"'),
    ("(\n  var.a &&\n  var.b\n)", "(var.a && var.b)"),
    ('<<EOT\nline one\nline "two"\nEOT', '"line one\\nline \\"two\\""'),
])
def test_one_line(source, expected):
    assert one_line(source) == expected


def test_string_value_decodes_escapes_and_refuses_templates():
    assert string_value(r'"tab\there \"quoted\" back\\slash \u00e9"') == 'tab\there "quoted" back\\slash é'
    with pytest.raises(ValueError, match="template"):
        string_value('"hello ${var.name}"')
    assert string_value("<<EOT\n  kept indent\nEOT") == "  kept indent"


def test_parse_errors_name_the_line():
    with pytest.raises(HclError, match="line 3"):
        parse_hcl('variable "x" {\n  type = string\n  default = "unterminated\n}\n')
    with pytest.raises(HclError, match="missing"):
        parse_hcl('variable "x" {\n  type = string\n')
    with pytest.raises(HclError, match="never closed"):
        parse_hcl('variable "x" {\n  description = <<EOT\n  text\n}\n')


def test_nested_blocks_and_single_line_blocks_are_read():
    [resource, data] = parse_hcl('resource "terraform_data" "a" { input = "q" }\n'
                                 'data "aws_iam_policy_document" "b" {\n  statement {\n    actions = ["s3:Get*"]\n  }\n}\n')
    assert (resource.type, resource.labels, resource.attributes) == ("resource", ["terraform_data", "a"], {"input": '"q"'})
    assert data.blocks[0].type == "statement" and data.blocks[0].attributes == {"actions": '["s3:Get*"]'}


def test_refreshing_keeps_the_hand_written_text(module):
    readme = module / "README.md"
    readme.write_text(f"# example\n\nHand-written.\n\n{BEGIN}\nold tables\n{END}\n\nMore hand-written text.\n")
    write_readmes(module.parent)
    text = readme.read_text()
    assert text.startswith("# example\n\nHand-written.\n\n" + BEGIN + "\n## Inputs\n")
    assert text.endswith(END + "\n\nMore hand-written text.\n")
    assert "old tables" not in text and "| `retries` | Retries of a failing batch: -1 until the records expire, 0-10000" in text
    # Refreshing again changes nothing.
    assert write_readmes(module.parent) == []


def test_a_readme_without_markers_gets_the_section_appended_and_bad_markers_are_refused():
    assert refreshed_readme("# x\n\nText.\n", "S") == "# x\n\nText.\n\nS\n"
    with pytest.raises(ValueError, match="exactly one"):
        refreshed_readme(f"{END}\n{BEGIN}\n", "S")


def test_stale_readmes_names_each_drifted_or_missing_readme(module):
    project = module.parent.parent.parent
    other = module.parent / "other"
    other.mkdir()
    (other / "variables.tf").write_text('variable "a" {\n  type = string\n}\n')
    assert stale_readmes(module.parent, project) == [
        "terraform/modules/example/README.md is missing: run python scripts/module_docs.py, "
        "then describe the module above the tables",
        "terraform/modules/other/README.md is missing: run python scripts/module_docs.py, "
        "then describe the module above the tables",
    ]
    write_readmes(module.parent)
    assert stale_readmes(module.parent, project) == []
    variables = module / "variables.tf"
    variables.write_text(variables.read_text().replace("S3 event types", "Event types"))
    assert stale_readmes(module.parent, project) == [
        "terraform/modules/example/README.md is out of date with its variables.tf/outputs.tf: "
        "run python scripts/module_docs.py"]
    (other / "variables.tf").write_text('variable "a" {\n  type = string\n')
    assert stale_readmes(module.parent, project)[1].startswith("terraform/modules/other/variables.tf:3: ")


def test_the_committed_module_readmes_are_up_to_date():
    assert stale_readmes(PROJECT_DIR / "terraform" / "modules", PROJECT_DIR) == []


def test_the_script_checks_and_writes_without_trig_installed(module):
    script = PROJECT_DIR / "scripts" / "module_docs.py"
    # -S -E: no site-packages and no PYTHON* variables, so only the checkout's own code can be imported.
    run = [sys.executable, "-S", "-E", str(script), "--modules", str(module.parent)]
    checked = subprocess.run([*run, "--check"], capture_output=True, text=True)
    assert checked.returncode == 1 and "example/README.md is missing" in checked.stderr
    written = subprocess.run(run, capture_output=True, text=True)
    assert written.returncode == 0, written.stderr
    assert written.stdout == "wrote terraform/modules/example/README.md\n"
    assert subprocess.run([*run, "--check"], capture_output=True, text=True).returncode == 0
