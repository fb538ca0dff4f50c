"""Every registered trigger type has all its parts, and they agree: module, root file, templates,
function folder, the AWS root, the README's table. Adding a type without one of them fails here,
naming the type and the missing part."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestrator.settings import resolve_settings
from orchestrator.triggers import REGISTRY

PROJECT = Path(__file__).resolve().parents[2]
ENV = PROJECT / "terraform" / "envs" / "localstack"
TYPES = list(REGISTRY.values())


def jinja_names(template: Path) -> set[str]:
    """The names a template reads, its includes' too."""
    text = template.read_text(encoding="utf-8")
    for include in re.findall(r'{%\s*include\s+"([^"]+)"', text):
        text += (template.parent / include).read_text(encoding="utf-8")
    return set(re.findall(r"{{\s*([A-Za-z_]\w*)", text)) | set(re.findall(r"{%\s*if\s+([A-Za-z_]\w*)", text))


@pytest.mark.parametrize("trigger", TYPES, ids=lambda t: t.name)
def test_the_module_has_the_standard_files(trigger):
    folder = PROJECT / "terraform" / "modules" / trigger.module
    missing = [f for f in ("main.tf", "variables.tf", "outputs.tf", "README.md") if not (folder / f).is_file()]
    assert not missing, f"{trigger.name}: {folder} lacks {missing}"


@pytest.mark.parametrize("trigger", TYPES, ids=lambda t: t.name)
def test_the_trigger_stack_composes_the_module_in_its_own_file_and_the_root_passes_it_on(trigger):
    text = (ENV.parent.parent / "modules" / "trigger_stack" / f"{trigger.name}.tf").read_text(encoding="utf-8")
    assert f'source = "../{trigger.module}"' in text
    assert f'variable "{trigger.name}"' in text and f'output "{trigger.name}"' in text
    root = (ENV / "main.tf").read_text(encoding="utf-8")
    assert re.search(rf"^\s*{trigger.name}\s*=\s*try\(each\.value\.{trigger.name}, null\)$", root, re.MULTILINE), (
        f"terraform/envs/localstack/main.tf does not pass {trigger.name} to the trigger stack")


@pytest.mark.parametrize("trigger", TYPES, ids=lambda t: t.name)
def test_the_templates_read_every_default_and_probe_value(trigger):
    seed = jinja_names(ENV / "templates" / trigger.template)
    assert set(trigger.defaults) <= seed, f"{trigger.template} never reads {set(trigger.defaults) - seed}"
    probe = trigger.probe(resolve_settings())
    read = jinja_names(ENV / "templates" / probe.template)
    assert set(probe.defaults) <= read, f"{probe.template} never reads {set(probe.defaults) - read}"


@pytest.mark.parametrize("trigger", TYPES, ids=lambda t: t.name)
def test_the_function_folder_holds_the_handler(trigger):
    module = trigger.handler.rpartition(".")[0]
    folder = PROJECT / "functions" / trigger.function_dir
    assert any((folder / f"{module}{suffix}").is_file() for suffix in (".py", ".js", ".mjs")), folder


@pytest.mark.parametrize("trigger", TYPES, ids=lambda t: t.name)
def test_the_aws_root_composes_every_type(trigger):
    text = (PROJECT / "terraform" / "envs" / "aws" / "main.tf").read_text(encoding="utf-8")
    assert f'source = "../../modules/{trigger.module}"' in text


def test_the_readme_table_has_one_row_per_type_in_registry_order():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Why: the invocation types", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| type")]
    assert len(rows) == len(TYPES)
    for row, trigger in zip(rows, TYPES):
        assert row.startswith(f"| {trigger.invocation} |"), (trigger.name, row)
        named = f"/aws/lambda/{trigger.defaults['function_name']}" if trigger.name != "api" else "`GET /hello`"
        assert named in row, (trigger.name, row)


@pytest.mark.parametrize("command", ["apply", "check", "destroy", "plan", "logs", "fire"])
def test_the_cli_help_lists_every_type(command):
    from typer.testing import CliRunner

    from orchestrator.cli import app

    result = CliRunner().invoke(app, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    missing = [t.name for t in TYPES if t.name not in result.output]
    assert not missing, f"trig {command} --help does not name {missing}"
