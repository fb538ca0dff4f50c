#!/usr/bin/env python3
"""Benchmark `--root DIR` on a team's own root (issue 16) against plain Terraform with a hand-written override, on
one fresh MiniStack.

Run from the repository root with the project installed:  .venv/bin/python bench/team_root.py

The root is tests/fixtures/roots/team (nine functions, ten triggers, 53 resources, written for real AWS), copied
twice into a temporary folder with its zips built. What is compared, trig in one account and plain Terraform in
another:
  apply     `trig apply --root DIR`      vs  `terraform apply` of the copy with an override written by hand
  plan      `trig plan --root DIR`       vs  `terraform plan -refresh=false` (what trig's plan runs) of that copy
  destroy   `trig destroy --root DIR`    vs  `terraform destroy` of that copy
and, with no baseline (plain Terraform proves nothing), `trig check --root DIR`. It prints every figure and ratio
with the goal and a pass/miss mark, and writes them as JSON (bench/team_root.json by default).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fixtures.roots import copy_with_zips  # noqa: E402  (the fixture roots, built as the tests build them)
from bench import REPO, Bench, goal_ratios, measure_on_a_fresh_emulator, machine, print_goal_ratios  # noqa: E402  (the plumbing of bench/bench.py)

FIXTURE = REPO / "tests" / "fixtures" / "roots" / "team"
GOALS = {"apply": 1.15, "plan": 1.5, "destroy": 1.3}  # trig's time / plain Terraform's time
SERVICES = ("apigateway", "apigatewayv2", "dynamodb", "events", "iam", "kinesis", "lambda", "logs", "s3", "sns",
            "sqs", "sts")


def team_root(folder: Path) -> Path:
    return copy_with_zips("team", folder)


def hand_override(endpoint: str, account: str, state: Path) -> str:
    """What a competent user writes to run the root on an emulator (as tflocal would, plus a local backend)."""
    endpoints = "\n".join(f'    {service} = "{endpoint}"' for service in SERVICES)
    provider = ('  access_key = "{a}"\n  secret_key = "test"\n  skip_credentials_validation = true\n'
                '  skip_metadata_api_check = true\n  skip_requesting_account_id = true\n  s3_use_path_style = true\n'
                '  endpoints {{\n{e}\n  }}\n').format(a=account, e=endpoints)
    return (f'terraform {{\n  backend "local" {{\n    path = "{state}"\n  }}\n}}\n\n'
            f'provider "aws" {{\n{provider}}}\n\nprovider "aws" {{\n  alias = "events"\n{provider}}}\n')


class TeamRoot:
    def __init__(self, bench: Bench, workdir: Path):
        self.bench = bench
        self.workdir = workdir
        self.figures: dict[str, float] = {}

    def record(self, step: str, seconds: float) -> None:
        self.figures[step] = round(seconds, 2)
        print(f"  {step:<20} {seconds:7.1f} s   (load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)

    def trig(self, step: str, *args: str, expect: str = "", codes: tuple[int, ...] = (0,)) -> None:
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "orchestrator", *args, "--root", str(self.trig_root)],
                                env=self.bench.trig_env(self.home, self.account), capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if result.returncode not in codes or expect not in result.stdout:
            raise SystemExit(f"trig {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        self.record(step, seconds)

    def terraform(self, step: str, *args: str, expect: str = "") -> None:
        started = time.perf_counter()
        result = subprocess.run(["terraform", *args], cwd=self.plain_root, env=self.plain_env, capture_output=True,
                                text=True)
        seconds = time.perf_counter() - started
        if result.returncode != 0 or expect not in result.stdout:
            raise SystemExit(f"terraform {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        if step:
            self.record(step, seconds)

    def measure(self) -> None:
        self.home, self.account = self.bench.fresh()
        self.trig_root = team_root(self.workdir / "trig")
        plain_home, plain_account = self.bench.fresh()
        self.plain_root = team_root(self.workdir / "plain")
        (self.plain_root / "emulator_override.tf").write_text(
            hand_override(self.bench.endpoint, plain_account, plain_home / "terraform.tfstate"))
        data_dir = plain_home / ".terraform"
        data_dir.mkdir(parents=True)
        self.plain_env = {**self.bench.plain_terraform_env(data_dir, "default"), "AWS_EC2_METADATA_DISABLED": "true"}
        self.plain_env.pop("TF_WORKSPACE")
        self.terraform("", "init", "-input=false")
        self.trig("apply trig", "apply", expect="53 added")
        self.terraform("apply terraform", "apply", "-auto-approve", "-input=false", expect="53 added")
        self.trig("check trig", "check", codes=(1,), expect="refund service unavailable")
        self.trig("plan trig", "plan")
        self.terraform("plan terraform", "plan", "-input=false", "-refresh=false")
        self.trig("destroy trig", "destroy", expect="53 destroyed")
        self.terraform("destroy terraform", "destroy", "-auto-approve", "-input=false", expect="53 destroyed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "bench" / "team_root.json"), help="where to write the JSON")
    args = parser.parse_args()
    figures, failure, load_start = measure_on_a_fresh_emulator("trig-root-", lambda bench, workdir: TeamRoot(bench, workdir))
    ratios = goal_ratios(figures, GOALS)
    result = {
        "machine": machine(load_start),
        "root": str(FIXTURE.relative_to(REPO)),
        "seconds": figures,
        "ratios": ratios,
        "goals": GOALS,
        "failure": failure,
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print("tests/fixtures/roots/team, 53 resources (seconds; ratio = trig / plain Terraform with a hand-written override):")
    print_goal_ratios(figures, ratios, GOALS)
    if "check trig" in figures:
        print(f"  check    trig {figures['check trig']:7.1f}  (ten triggers; no baseline: plain Terraform proves nothing)")
    print(f"wrote {args.out}")
    if failure:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
