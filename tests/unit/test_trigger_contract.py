"""Every registered trigger type has all its parts, and they agree: module, trigger-stack file, template,
function folder, the README's table; and nothing else names a type (the roots pass each trigger on whole).
Adding a type without one of its parts fails here, naming the type and the missing part."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestrator.settings import resolve_settings
from orchestrator.tfvars import FUNCTION_TEMPLATE
from orchestrator import type_table
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
def test_the_trigger_stack_composes_the_module_in_its_own_file(trigger):
    text = (PROJECT / "terraform" / "modules" / "trigger_stack" / f"{trigger.name}.tf").read_text(encoding="utf-8")
    assert f'source   = "../{trigger.module}"' in text and "for_each = local." in text
    assert f"try(trigger.{trigger.name}, null)" in text and f'output "{trigger.name}"' in text
    assert f'to   = module.{trigger.name}["{trigger.name}"]' in text  # stacks applied before keep their place


@pytest.mark.parametrize("root", ["localstack", "aws"])
def test_both_roots_pass_each_function_s_triggers_on_whole_and_name_no_type(root):
    text = (PROJECT / "terraform" / "envs" / root / "main.tf").read_text(encoding="utf-8")
    assert 'source   = "../../modules/trigger_stack"' in text and "triggers " in text and "each.value" in text
    named = [t.name for t in TYPES if re.search(rf"\b{t.name}\b", text)]
    assert not named, f"terraform/envs/{root}/main.tf names {named}: pass the trigger on whole"


class _Reads(dict):
    """The values a trigger's environment() reads."""

    def __init__(self, values):
        super().__init__(values)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


@pytest.mark.parametrize("trigger", TYPES, ids=lambda t: t.name)
def test_the_templates_read_every_default_and_probe_value(trigger):
    function = jinja_names(ENV / "templates" / FUNCTION_TEMPLATE)
    seed = jinja_names(ENV / "templates" / trigger.template) | function
    values = _Reads(trigger.defaults)
    trigger.environment(values)
    assert set(trigger.defaults) <= seed | values.read, (
        f"{trigger.template} never reads {set(trigger.defaults) - seed - values.read}")
    probe = trigger.probe(resolve_settings())
    read = jinja_names(ENV / "templates" / probe.template) | function
    unread = set(probe.defaults) - read - set(trigger.defaults)
    assert not unread, f"{probe.template} never reads the probe's {unread}"


@pytest.mark.parametrize("trigger", TYPES, ids=lambda t: t.name)
def test_the_function_folder_holds_the_handler(trigger):
    module = trigger.handler.rpartition(".")[0]
    folder = PROJECT / "functions" / trigger.function_dir
    assert any((folder / f"{module}{suffix}").is_file() for suffix in (".py", ".js", ".mjs")), folder


def test_the_readme_table_is_written_from_the_types_rows():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert type_table.replaced(readme, type_table.render(TYPES)) == readme, (
        "README.md's table of invocation types is out of date: run .venv/bin/python scripts/type_table.py")


@pytest.mark.parametrize("trigger", TYPES, ids=lambda t: t.name)
def test_each_row_names_where_its_confirmation_shows(trigger):
    named = f"/aws/lambda/{trigger.defaults['function_name']}" if trigger.name != "api" else "`GET /hello`"
    assert named in type_table.render([trigger]), trigger.row


@pytest.mark.parametrize("command", ["apply", "check", "destroy", "plan", "logs", "fire"])
def test_the_cli_help_lists_every_type(command):
    from typer.testing import CliRunner

    from orchestrator.cli import app

    result = CliRunner().invoke(app, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    missing = [t.name for t in TYPES if t.name not in result.output]
    assert not missing, f"trig {command} --help does not name {missing}"
