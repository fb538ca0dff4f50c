"""Bad input: one line saying what was wrong and what to do, a non-zero exit, no traceback, nothing changed."""

from __future__ import annotations

import time

import pytest

from orchestrator.triggers import REGISTRY
from tests.conftest import Trig, tree_snapshot


@pytest.fixture(scope="module")
def applied_api(emulator_endpoint, tmp_path_factory):
    """One applied api trigger whose state the refused commands must leave as it is. Left in place at the end:
    its account is this module's alone, and stopping the run's emulator removes it."""
    trig = Trig(tmp_path_factory.mktemp("bad-input"), emulator_endpoint, "300000000001")
    trig.run("apply", "api")
    return trig


def assert_refused(result, code: int, message: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert lines[-1].startswith("trig: error: ") and message in lines[-1], lines
    assert [line for line in lines if line.startswith("trig: error")] == [lines[-1]]


def state_of(trig: Trig) -> dict[str, bytes]:
    return tree_snapshot(trig.home / "terraform" / "state")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["apply", "lambda"], 2, f"unknown trigger 'lambda': choose from {', '.join(REGISTRY)} or all."),
        (["apply", "api", "--set", "colour=red"], 2, "--set colour: unknown name for api; known names are"),
        (["apply", "api", "--set", "greeting"], 2, "--set 'greeting' is not NAME=VALUE: write it as --set greeting=hi."),
        (["apply", "api", "--set", "stage=no/slashes"], 2,
         "--set stage=no/slashes: stage is 1-128 letters, digits, hyphens or underscores."),
        (["apply", "api", "--set", "timeout=soon"], 2, "--set timeout=soon: timeout is a number of seconds from 1 to 900."),
        (["apply", "api", "--set", "s3.bucket=x"], 2, "--set s3.bucket: bucket is a setting of s3, which is not selected"),
        (["apply", "api", "--terraform-bin", "/nonexistent/terraform"], 2,
         "terraform binary '/nonexistent/terraform' not found: install Terraform >= 1.5 or pass --terraform-bin."),
        (["apply", "api", "--plugin-dir", "/nonexistent/mirror"], 2,
         "plugin dir /nonexistent/mirror does not exist: point --plugin-dir or TRIG_PLUGIN_DIR at a provider mirror."),
    ],
)
def test_bad_input_is_refused_and_state_is_unchanged(applied_api, args, code, message):
    before = state_of(applied_api)
    assert_refused(applied_api.run(*args, expect=None), code, message)
    assert state_of(applied_api) == before
    assert applied_api.run("apply", "api").stdout.startswith("api: 0 added, 0 changed, 0 destroyed")


def test_terraform_older_than_the_minimum_is_refused(applied_api, tmp_path):
    old = tmp_path / "terraform"
    old.write_text('#!/bin/sh\necho \'{"terraform_version": "1.4.6"}\'\n')
    old.chmod(0o755)
    before = state_of(applied_api)
    result = applied_api.run("apply", "api", "--terraform-bin", str(old), expect=None)
    assert_refused(result, 2, "Terraform 1.4.6 is older than 1.5: install a newer one or pass --terraform-bin.")
    assert state_of(applied_api) == before


def test_unreachable_endpoint_answers_within_seconds(applied_api):
    started = time.monotonic()
    result = applied_api.run("check", "--endpoint", "http://127.0.0.1:9", expect=None)
    assert time.monotonic() - started < 8
    assert_refused(result, 1, "no emulator answers at http://127.0.0.1:9: run `trig up` or pass --endpoint.")


def test_template_that_fails_to_render_is_refused(applied_api, project_copy):
    template = project_copy / "terraform" / "envs" / "localstack" / "templates" / "api.tfvars.j2"
    text = template.read_text()
    assert "{{ path | hcl }}" in text
    template.write_text(text.replace("{{ path | hcl }}", "{{ pth | hcl }}"))
    before = state_of(applied_api)
    result = applied_api.run("apply", "api", expect=None, TRIG_PROJECT=str(project_copy))
    assert_refused(result, 2, "template api.tfvars.j2 failed to render: 'pth' is undefined; fix the template.")
    assert state_of(applied_api) == before


def test_missing_function_folder_and_broken_handler_are_refused(applied_api, project_copy):
    handler = project_copy / "functions" / "api" / "handler.py"
    handler.write_text("import not_installed_anywhere\n" + handler.read_text())
    before = state_of(applied_api)
    result = applied_api.run("apply", "api", expect=None, TRIG_PROJECT=str(project_copy))
    assert_refused(result, 2, "does not import (ModuleNotFoundError: No module named 'not_installed_anywhere')")
    handler.parent.joinpath("handler.py").unlink()
    handler.parent.rmdir()
    result = applied_api.run("apply", "api", expect=None, TRIG_PROJECT=str(project_copy))
    assert_refused(result, 2, "functions/api does not exist: restore it or create it with a handler.py.")
    assert state_of(applied_api) == before


def test_failed_terraform_command_keeps_its_whole_output_and_names_the_file(make_trig, project_copy):
    """A module Terraform rejects: the one line gives the first error and where the full output was kept."""
    trig = make_trig()
    module = project_copy / "terraform" / "modules" / "s3_trigger" / "main.tf"
    module.write_text(module.read_text().replace("force_destroy = var.force_destroy",
                                                 "force_destroy = var.force_destroy\n  colour        = \"red\""))
    result = trig.run("apply", "s3", expect=1, TRIG_PROJECT=str(project_copy))
    kept = trig.home / "terraform" / "logs" / f"{trig.account}-us-east-1-apply.log"  # named by the place's workspace
    assert_refused(result, 1, "terraform apply of s3 failed: Unsupported argument")
    assert result.stderr.strip().endswith(f"(Terraform's full output: {kept})"), result.stderr
    assert 'An argument named "colour" is not expected here.' in kept.read_text()
    assert trig.client("s3").list_buckets()["Buckets"] == []
