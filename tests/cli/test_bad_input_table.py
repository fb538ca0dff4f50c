"""Bad input, as a user meets it: the real `python -m orchestrator` in a subprocess, for options, values, config
files and an emulator that does not answer. Each must print exactly one line on stderr, nothing on stdout, and exit
2 (a usage error) or 1 (trig's own error). No emulator runs and Terraform is not on the PATH: each answers at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from orchestrator.emulator import free_port
from orchestrator.settings import find_config_file
from tests.conftest import PROJECT_DIR

DEAD = f"http://127.0.0.1:{free_port()}"  # nothing listens there
NOT_THERE = f"no emulator answers at {DEAD}: run `trig up` or pass --endpoint."


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    code: int
    message: str
    config: tuple[str, str] | None = None  # (file name, text), found through TRIG_CONFIG
    env: dict[str, str] = field(default_factory=dict)


CASES = [
    # Options and arguments.
    Case("misspelled option", ("apply", "api", "--sett", "greeting=hi"), 2, "no such option --sett (did you mean --set?)"),
    Case("misspelled command", ("aply", "api"), 2, "no such command 'aply' (did you mean apply?)"),
    Case("timeout zero", ("check", "api", "--timeout", "0"), 2, "--timeout 0: must be at least 1"),
    Case("timeout not a number", ("check", "api", "--timeout", "soon"), 2, "--timeout soon: must be a number"),
    Case("command option before the command", ("--timeout", "5", "check"), 2,
         "--timeout is an option of check, fire and run, not of trig itself: put it after the command"),
    Case("global option after the command", ("apply", "api", "-q"), 2,
         "-q is an option of trig itself, not of apply: put it before the command, as in `trig -q apply …`."),
    Case("missing triggers", ("apply",), 2, "missing TRIGGER (example: trig apply api s3)"),
    Case("missing trigger", ("logs",), 2, "missing TRIGGER (example: trig logs sqs)"),
    Case("missing command", ("-q",), 2, "name a command: up, down, status"),
    Case("extra argument", ("logs", "api", "s3"), 2, "got unexpected extra argument(s) (s3)"),
    Case("option without its value", ("apply", "api", "--set"), 2, "--set needs a value (example: --set greeting=hi)"),
    Case("count zero", ("check", "api", "--count", "0"), 2, "--count 0: must be at least 1"),
    Case("concurrency too high", ("check", "api", "--count", "5", "--concurrency", "500"), 2,
         "--concurrency 500: must be at most 200"),
    Case("port out of range", ("up", "--port", "70000"), 2, "--port 70000: must be at most 65535"),
    Case("quiet and verbose", ("--quiet", "--verbose", "status"), 2, "--quiet and --verbose contradict each other"),
    Case("unknown engine", ("up", "--engine", "moto"), 2, "--engine 'moto' is not one of ministack, localstack."),
    # Values.
    Case("unknown trigger", ("apply", "lambda"), 2, "unknown trigger 'lambda': choose from api, s3, kinesis"),
    Case("set without a value", ("apply", "api", "--set", "greeting"), 2, "--set 'greeting' is not NAME=VALUE"),
    Case("unknown set name", ("apply", "api", "--set", "colour=red"), 2, "--set colour: unknown name for api; known names are"),
    Case("setting of an unselected trigger", ("apply", "api", "--set", "s3.bucket=x"), 2,
         "--set s3.bucket: bucket is a setting of s3, which is not selected"),
    Case("timeout not a number in --set", ("apply", "api", "--set", "api.timeout=abc"), 2,
         "--set api.timeout=abc: timeout is a number of seconds from 1 to 900."),
    Case("memory too small", ("plan", "api", "--set", "memory_size=64"), 2, "memory_size is a number of MB from 128 to 10240."),
    Case("starting position", ("apply", "kinesis", "--set", "starting_position=EARLIEST"), 2,
         "--set starting_position=EARLIEST: starting_position is TRIM_HORIZON or LATEST."),
    Case("batch size zero", ("plan", "sqs", "--set", "batch_size=0"), 2, "batch_size is a whole number from 1 to 10000."),
    Case("bucket name", ("apply", "s3", "--set", "bucket=Upper_Case"), 2, "--set bucket=Upper_Case: bucket is 3-63 lowercase"),
    Case("schedule expression", ("apply", "schedule", "--set", "schedule_expression=hourly"), 2,
         "schedule_expression is rate(N minutes)"),
    Case("probe retries", ("check", "s3", "--semantics", "--set", "maximum_retry_attempts=5"), 2,
         "maximum_retry_attempts is a whole number from 0 to 2."),
    Case("set without semantics", ("check", "api", "--set", "greeting=hi"), 2, "--set and --keep go with --semantics"),
    Case("since not a duration", ("logs", "kinesis", "--since", "soon"), 2, "--since 'soon' is not a duration"),
    Case("unknown trigger for logs", ("logs", "ses"), 2, "unknown trigger 'ses': choose from api, s3"),
    Case("data and file", ("fire", "s3", "--data", "x", "--file", "/etc/hostname"), 2, "pass --data or --file, not both."),
    Case("unreadable file", ("fire", "s3", "--file", "/nonexistent/body"), 2, "cannot read --file /nonexistent/body"),
    Case("json and markdown", ("plan", "api", "--json", "--format", "markdown"), 2, "--json means --format json"),
    Case("unknown format", ("plan", "api", "--format", "yaml"), 2, "--format 'yaml' is not one of text, markdown, json."),
    Case("short account", ("status", "--account", "123"), 2, "account must be 12 digits, got '123' (from flag)"),
    Case("endpoint not a URL", ("status", "--endpoint", "ftp://x"), 2, "endpoint 'ftp://x' is not an http(s) URL"),
    Case("remote endpoint", ("status", "--endpoint", "http://192.0.2.10:4566"), 2, "is not on this machine: pass --allow-remote"),
    Case("missing plugin dir", ("apply", "api", "--plugin-dir", "/nonexistent/mirror"), 2,
         "plugin dir /nonexistent/mirror does not exist"),
    # Config files.
    Case("config: unknown key", ("config",), 2, "trig.toml, line 2: unknown key 'greting'",
         config=("trig.toml", 'region = "eu-west-1"\ngreting = "typo"\n')),
    Case("config: unknown set name", ("config",), 2, "trig.toml, line 3: set s3.bogus: unknown name for s3",
         config=("trig.toml", '[set]\ngreeting = "hi"\n"s3.bogus" = 1\n')),
    Case("config: bad set value", ("apply", "api"), 2,
         "trig.toml, line 2: set api.timeout = abc: timeout is a number of seconds from 1 to 900.",
         config=("trig.toml", '[set]\n"api.timeout" = "abc"\n')),
    Case("config: unknown key in pyproject", ("status",), 2, "pyproject.toml, line 4: unknown key 'regoin' (did you mean region?)",
         config=("pyproject.toml", '[project]\nname = "app"\n[tool.trig]\nregoin = "eu-west-1"\n')),
    Case("config: not TOML", ("config",), 2, "is not valid TOML", config=("trig.toml", 'region = \n')),
    Case("config: file missing", ("config",), 2, "cannot read config file", env={"TRIG_CONFIG": "/nonexistent/trig.toml"}),
    # The emulator down, for every command that needs it (api, sqs and the s3 probe are applied in the home).
    Case("down: apply", ("apply", "api"), 1, NOT_THERE),
    Case("down: plan", ("plan", "api"), 1, NOT_THERE),
    Case("down: check", ("check",), 1, NOT_THERE),
    Case("down: check --count", ("check", "api", "--count", "3"), 1, NOT_THERE),
    Case("down: check --semantics", ("check", "s3", "--semantics"), 1, NOT_THERE),
    Case("down: logs", ("logs", "api"), 1, NOT_THERE),
    Case("down: fire api", ("fire", "api", "--query", "name=x"), 1, NOT_THERE),
    Case("down: fire sqs", ("fire", "sqs"), 1, NOT_THERE),
    Case("down: destroy", ("destroy", "api"), 1, NOT_THERE),
    Case("down: destroy --probes", ("destroy", "s3", "--probes"), 1, NOT_THERE),
    Case("down: run at a named endpoint", ("run", "api", "--endpoint", DEAD), 1, NOT_THERE),
]


def applied_state(triggers: dict[str, dict]) -> str:
    """The state of a place (format 4) as trig reads it: each trigger's outputs and one managed resource of it."""
    return json.dumps({"version": 4, "outputs": {"triggers": {"value": triggers}},
                       "resources": [{"mode": "managed", "module": f'module.trigger["{name}"].module.function',
                                      "type": "aws_lambda_function", "name": "this",
                                      "instances": [{"attributes": {"function_name": "f"}}]} for name in triggers]})


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    """A trig home where api, sqs and the s3 probe look applied; a folder with no config file above it."""
    root = tmp_path_factory.mktemp("bad-input-table")
    assert find_config_file(root) is None, "a config file above the sandbox would change what trig reads"
    function = {"function_name": "f", "log_group_name": "/aws/lambda/f"}
    triggers = {
        "api": {**function, "api": {"rest_api_id": "a1", "stage_name": "prod", "path": "/hello"}},
        "sqs": {**function, "sqs": {"queue_url": f"{DEAD}/000000000000/q", "event_source_mapping_uuid": "u"}},
        "probe-s3": function,
    }
    state = root / "home" / "terraform" / "state" / "000000000000-us-east-1" / "terraform.tfstate"
    state.parent.mkdir(parents=True)
    state.write_text(applied_state(triggers))
    (root / "empty-path").mkdir()
    return root


def run_trig(sandbox: Path, case: Case) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIG_", "AWS_"))}
    env.update(TRIG_HOME=str(sandbox / "home"), TRIG_PROJECT=str(PROJECT_DIR), TRIG_ENDPOINT=DEAD,
               PATH=str(sandbox / "empty-path"))  # no Terraform, no emulator CLI: none may be needed
    if case.config is not None:
        name, text = case.config
        folder = sandbox / case.name.replace(" ", "-").replace(":", "")
        folder.mkdir(exist_ok=True)
        (folder / name).write_text(text)
        env["TRIG_CONFIG"] = str(folder / name)
    env.update(case.env)
    return subprocess.run([sys.executable, "-m", "orchestrator", *case.args], env=env, cwd=sandbox,
                          capture_output=True, text=True, timeout=30)


def test_the_table_is_large_and_covers_each_kind():
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)
    assert {c.code for c in CASES} == {1, 2}
    assert sum(c.config is not None or "TRIG_CONFIG" in c.env for c in CASES) >= 5


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_one_line_on_stderr_and_nothing_on_stdout(sandbox, case):
    result = run_trig(sandbox, case)
    shown = f"trig {' '.join(case.args)}\nexit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.stdout == "", shown
    lines = result.stderr.splitlines()
    assert len(lines) == 1, shown
    assert lines[0].startswith("trig: error: ") and case.message in lines[0], shown
    assert result.returncode == case.code, shown
