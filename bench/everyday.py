#!/usr/bin/env python3
"""Benchmark trig's everyday commands (issue 14) against plain Terraform on the same seven triggers, on one fresh MiniStack.

Run from the repository root with the project installed:  .venv/bin/python bench/everyday.py [--repeat 3]

What is compared, trig in one account and plain Terraform in others of the same emulator:
  plan      `trig plan all` with nothing changed  vs  one `terraform plan` of a single root holding the seven triggers
  destroy   `trig destroy all`                    vs  one `terraform destroy` of that root
  validate  `trig validate`                       vs  `terraform fmt -check -recursive terraform` + `terraform validate` of the root
  refresh   `trig apply api --refresh`, no change vs  `terraform apply` with nothing to do in the api trigger's own root

The single root is generated into a temporary folder: one provider pointed at the emulator for every service
terraform/envs/localstack uses (fake credentials, no real AWS), and per trigger the repository's modules called with
the values trig's templates render. trig and the baseline alternate within each round, so load from other work on
the machine falls on both; read the ratios, not the seconds. Each step runs --repeat times; medians are reported.
It prints every figure and ratio, with the issue's goal and a pass/miss mark, and writes them as JSON
(bench/everyday.json by default).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ENV_DIR, REPO, Bench  # noqa: E402  (the plumbing of bench/bench.py)

ALL = ("api", "s3", "kinesis", "sns", "schedule", "dynamodb", "sqs")
REFRESHED = "api"  # the trigger of `trig apply TRIGGER --refresh`
GOALS = {  # issue 14: trig's time / plain Terraform's time
    "plan": 1.5,
    "destroy": 1.3,
    "validate": 2.0,
    "apply_refresh": 1.2,
}

# Per trigger: the module it uses and its inputs, as terraform/envs/localstack/<trigger>.tf passes them;
# `v` is the trigger's rendered tfvars read as one object, `f` the trigger's function module.
TRIGGER_INPUTS = {
    "api": ("api_trigger", """
  api_name            = {v}.api.name
  path_part           = {v}.api.path_part
  stage_name          = {v}.api.stage_name
  function_name       = {f}.function_name
  function_invoke_arn = {f}.invoke_arn
  tags                = local.tags"""),
    "s3": ("s3_trigger", """
  bucket_name        = {v}.s3.bucket_name
  filter_prefix      = {v}.s3.filter_prefix
  filter_suffix      = {v}.s3.filter_suffix
  function_name      = {f}.function_name
  function_arn       = {f}.function_arn
  function_role_name = {f}.role_name
  force_destroy      = true
  tags               = local.tags"""),
    "kinesis": ("kinesis_trigger", """
  stream_name        = {v}.kinesis.stream_name
  shard_count        = {v}.kinesis.shard_count
  batch_size         = {v}.kinesis.batch_size
  starting_position  = {v}.kinesis.starting_position
  function_name      = {f}.function_name
  function_role_name = {f}.role_name
  tags               = {{}}"""),
    "sns": ("sns_trigger", """
  topic_name         = {v}.sns.topic_name
  function_name      = {f}.function_name
  function_arn       = {f}.function_arn
  function_role_name = {f}.role_name
  tags               = local.tags"""),
    "schedule": ("schedule_trigger", """
  rule_name           = {v}.schedule.rule_name
  schedule_expression = {v}.schedule.schedule_expression
  event_source        = {v}.schedule.event_source
  function_name       = {f}.function_name
  function_arn        = {f}.function_arn
  function_role_name  = {f}.role_name
  tags                = local.tags"""),
    "dynamodb": ("dynamodb_trigger", """
  table_name         = {v}.dynamodb.table_name
  batch_size         = {v}.dynamodb.batch_size
  starting_position  = {v}.dynamodb.starting_position
  function_name      = {f}.function_name
  function_role_name = {f}.role_name
  tags               = local.tags"""),
    "sqs": ("sqs_trigger", """
  queue_name                         = {v}.sqs.queue_name
  batch_size                         = {v}.sqs.batch_size
  maximum_batching_window_in_seconds = {v}.sqs.maximum_batching_window_in_seconds
  max_receive_count                  = {v}.sqs.max_receive_count
  visibility_timeout_seconds         = {v}.sqs.visibility_timeout_seconds
  function_name                      = {f}.function_name
  function_role_name                 = {f}.role_name
  tags                               = local.tags"""),
}


def emulated_services() -> list[str]:
    """The services terraform/envs/localstack sends to the emulator (its `emulated_services` list)."""
    text = (ENV_DIR / "providers.tf").read_text(encoding="utf-8")
    found = re.search(r"emulated_services\s*=\s*\[([^\]]*)\]", text)
    if not found:
        raise SystemExit("no emulated_services list in terraform/envs/localstack/providers.tf")
    return re.findall(r'"([a-z0-9]+)"', found.group(1))


def single_root_text(root: Path, endpoint: str, account: str, tfvars: dict[str, Path]) -> str:
    """One Terraform root holding every trigger: the provider on the emulator only, then per trigger its function
    and its trigger module, fed with the trigger's rendered tfvars (which read as one HCL object each)."""
    services = emulated_services()
    for needed in ("sts", "iam", "lambda"):
        if needed not in services:
            raise SystemExit(f"{needed} is not in emulated_services: refusing a provider that could reach real AWS")
    width = max(map(len, services))
    endpoints = "\n".join(f"    {name:<{width}} = {json.dumps(endpoint)}" for name in services)
    modules = REPO / "terraform" / "modules"
    parts = [f"""terraform {{
  required_version = ">= 1.5"
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }}
  }}
}}

# Emulator only: fake credentials, the single allowed account, an endpoint for every service.
provider "aws" {{
  region              = "us-east-1"
  access_key          = "{account}"
  secret_key          = "fake-secret-for-emulator"
  allowed_account_ids = ["{account}"]

  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}

locals {{
  tags = {{ managed-by = "trig" }}
}}
"""]
    for name, path in tfvars.items():
        module, inputs = TRIGGER_INPUTS[name]
        rendered = "\n".join("    " + line if line.strip() else "" for line in path.read_text(encoding="utf-8").splitlines())
        source = os.path.relpath(modules / module, root)
        function_source = os.path.relpath(modules / "lambda_function", root)
        v, f = f"local.{name}", f"module.{name}_function"
        parts.append(f"""
locals {{
  {name} = {{
{rendered}
  }}
}}

module "{name}_function" {{
  source        = "{function_source}"
  function_name = {v}.function.name
  zip_path      = {v}.function.zip_path
  zip_hash      = {v}.function.zip_hash
  timeout       = {v}.function.timeout
  memory_size   = {v}.function.memory_size
  environment   = try({v}.function.environment, {{}})
  tags          = local.tags
}}

module "{name}" {{
  source = "{source}"

{inputs.format(v=v, f=f).strip(chr(10))}
}}
""")
    return "".join(parts)


class Everyday:
    def __init__(self, bench: Bench):
        self.bench = bench
        self.runs: dict[str, list[float]] = {}

    def record(self, step: str, seconds: float) -> float:
        self.runs.setdefault(step, []).append(seconds)
        print(f"  {step:<26} {seconds:7.1f} s   (load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
        return seconds

    # -- trig, in its own account ------------------------------------------------------------

    def setup_trig(self) -> None:
        self.trig_home, self.trig_account = self.bench.fresh()
        self.trig_sets = ("--set", f"bucket=everyday-trig-{self.trig_account}")
        self.record("setup trig apply all", self.bench.timed_trig(self.trig_home, self.trig_account, "apply", "all",
                                                                   *self.trig_sets)[0])

    def trig_step(self, step: str, *args: str, expect: str = "") -> None:
        seconds, result = self.bench.timed_trig(self.trig_home, self.trig_account, *args)
        if expect and expect not in result.stdout:
            raise SystemExit(f"trig {' '.join(args)}: expected {expect!r} in its output:\n{result.stdout}")
        self.record(step, seconds)

    # -- plain Terraform: the single root, and the refreshed trigger's own root ---------------

    def terraform(self, cwd: Path, env: dict[str, str], *args: str) -> tuple[float, subprocess.CompletedProcess]:
        started = time.perf_counter()
        result = subprocess.run(["terraform", *args], cwd=cwd, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"terraform {' '.join(args)} in {cwd} failed:\n{result.stdout}\n{result.stderr}")
        return seconds, result

    def setup_baseline(self) -> None:
        account = str(next(self.bench.accounts))
        home, tfvars = self.bench.rendered_tfvars(account, ALL, bucket=f"everyday-base-{account}")
        self.root = home / "single-root"
        self.root.mkdir()
        (self.root / "main.tf").write_text(single_root_text(self.root, self.bench.endpoint, account, tfvars),
                                           encoding="utf-8")
        data_dir = self.root / ".terraform"
        self.root_env = self.bench.plain_terraform_env(data_dir, "default")
        self.terraform(self.root, self.root_env, "init", "-input=false")
        self.apply_root()

        # The refreshed trigger alone, in its own root: terraform/envs/localstack with its tfvars, another account.
        account = str(next(self.bench.accounts))
        home, tfvars = self.bench.rendered_tfvars(account, (REFRESHED,), bucket=f"everyday-one-{account}")
        self.one_tfvars = tfvars[REFRESHED]
        data_dir = home / "plain" / ".terraform"
        data_dir.parent.mkdir(parents=True)
        self.one_env = self.bench.plain_terraform_env(data_dir, "default")
        state = data_dir.parent / "terraform.tfstate"
        self.terraform(ENV_DIR, self.one_env, "init", "-input=false", f"-backend-config=path={state}")
        self.record(f"setup terraform apply {REFRESHED}",
                    self.terraform(ENV_DIR, self.one_env, "apply", "-auto-approve", "-input=false",
                                   f"-var-file={self.one_tfvars}")[0])

    def apply_root(self) -> None:
        self.record("setup terraform apply root",
                    self.terraform(self.root, self.root_env, "apply", "-auto-approve", "-input=false")[0])

    def baseline_plan(self) -> None:
        seconds, result = self.terraform(self.root, self.root_env, "plan", "-input=false", "-detailed-exitcode")
        if "No changes" not in result.stdout:
            raise SystemExit(f"terraform plan of the single root found changes:\n{result.stdout}")
        self.record("plan terraform", seconds)

    def baseline_validate(self) -> None:
        fmt, _ = self.terraform(REPO, self.root_env, "fmt", "-check", "-recursive", "terraform")
        validate, _ = self.terraform(self.root, self.root_env, "validate")
        self.record("validate terraform", fmt + validate)

    def baseline_apply_refresh(self) -> None:
        seconds, result = self.terraform(ENV_DIR, self.one_env, "apply", "-auto-approve", "-input=false",
                                         f"-var-file={self.one_tfvars}")
        if "0 added, 0 changed, 0 destroyed" not in result.stdout:
            raise SystemExit(f"terraform apply of {REFRESHED} had something to do:\n{result.stdout}")
        self.record("apply_refresh terraform", seconds)

    def baseline_destroy(self) -> None:
        self.record("destroy terraform",
                    self.terraform(self.root, self.root_env, "destroy", "-auto-approve", "-input=false")[0])

    # -- one round: trig and plain Terraform alternate, who goes first swaps each round --------

    def round(self, index: int, last: bool) -> None:
        pairs = [
            (lambda: self.trig_step("plan trig", "plan", "all", *self.trig_sets, "--detailed-exitcode"),
             self.baseline_plan),
            (lambda: self.trig_step("validate trig", "validate"), self.baseline_validate),
            (lambda: self.trig_step("apply_refresh trig", "apply", REFRESHED, "--refresh",
                                    expect="0 added, 0 changed, 0 destroyed"), self.baseline_apply_refresh),
            (lambda: self.trig_step("destroy trig", "destroy", "all"), self.baseline_destroy),
        ]
        for trig, baseline in pairs:
            for measure in ((trig, baseline) if index % 2 == 0 else (baseline, trig)):
                measure()
        if not last:  # put both stacks back for the next round (not timed as a step)
            self.record("setup trig apply all", self.bench.timed_trig(self.trig_home, self.trig_account, "apply",
                                                                       "all", *self.trig_sets)[0])
            self.apply_root()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="rounds of every timed step (medians reported)")
    parser.add_argument("--out", default=str(REPO / "bench" / "everyday.json"), help="where to write the JSON")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (generated root, trig home) for reading")
    args = parser.parse_args()
    plugin_dir = os.environ.get("TRIG_PLUGIN_DIR") or ("/opt/tf-plugins" if Path("/opt/tf-plugins").is_dir() else None)

    from orchestrator.triggers import REGISTRY

    if set(REGISTRY) != set(ALL):
        raise SystemExit(f"trig registers {sorted(REGISTRY)}; this bench knows {sorted(ALL)}: update ALL and TRIGGER_INPUTS")
    load_start = os.getloadavg()
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="trig-everyday-"))
    bench = Bench(workdir, plugin_dir)
    bench.start_emulator()
    everyday = Everyday(bench)
    failure = ""
    try:
        print(f"emulator {bench.endpoint}; work folder {workdir}", file=sys.stderr, flush=True)
        everyday.setup_trig()
        everyday.setup_baseline()
        # One untimed-as-step warm-up: trig validate's first run initialises its roots and modules, as the
        # baseline root was initialised before its steps; the figure is kept apart.
        everyday.trig_step("validate trig (first run)", "validate")
        for index in range(args.repeat):
            print(f"round {index + 1} of {args.repeat}", file=sys.stderr, flush=True)
            everyday.round(index, last=index == args.repeat - 1)
    except SystemExit as exc:  # a failed step: still print and write what was measured before it
        failure = str(exc)
        print(failure, file=sys.stderr)
    finally:
        bench.stop_emulator()
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    load_end = os.getloadavg()

    runs = everyday.runs
    medians = {step: statistics.median(values) for step, values in runs.items()}
    measured = [name for name in GOALS if f"{name} trig" in medians and f"{name} terraform" in medians]
    ratios = {name: medians[f"{name} trig"] / medians[f"{name} terraform"] for name in measured}
    result = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "load_start": [round(x, 2) for x in load_start], "load_end": [round(x, 2) for x in load_end]},
        "repeat": args.repeat,
        "wall_seconds": round(time.perf_counter() - started, 1),
        "seconds": {step: {"median": round(medians[step], 2), "runs": [round(v, 2) for v in values]}
                    for step, values in runs.items()},
        "ratios": {name: round(value, 2) for name, value in ratios.items()},
        "goals": {name: {"at_most": goal, "ratio": round(ratios[name], 2), "met": ratios[name] <= goal}
                  for name, goal in GOALS.items() if name in ratios},
        "incomplete": failure or None,
    }
    print(f"load average at start {' '.join(f'{x:.1f}' for x in load_start)}, at end "
          f"{' '.join(f'{x:.1f}' for x in load_end)} ({os.cpu_count()} cpus); {args.repeat} round(s), "
          f"{result['wall_seconds']:.0f} s in all")
    for step in runs:
        print(f"{step:<28} median {medians[step]:7.2f} s   runs {', '.join(f'{v:.1f}' for v in runs[step])}")
    for name, goal in GOALS.items():
        if name not in ratios:
            print(f"ratio {name:<14} not measured (the run stopped before it)   goal <= {goal:.1f}")
            continue
        mark = "pass" if ratios[name] <= goal else "MISS"
        print(f"ratio {name:<14} trig {medians[f'{name} trig']:6.1f} s / terraform {medians[f'{name} terraform']:6.1f} s"
              f" = {ratios[name]:5.2f}   goal <= {goal:.1f}   {mark}")
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    if failure:
        raise SystemExit("incomplete run: " + failure.splitlines()[0])


if __name__ == "__main__":
    main()
