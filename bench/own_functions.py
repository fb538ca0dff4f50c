#!/usr/bin/env python3
"""Benchmark a project of 20 functions of one's own, one SQS trigger each (issue 15), against plain Terraform on one
fresh MiniStack.

Run from the repository root with the project installed:  .venv/bin/python bench/own_functions.py

A generated project (trig.toml and 20 Python functions in a temporary folder). What is compared, trig in one account
and plain Terraform in another of the same emulator:
  run       `trig run all` from clean (apply, then check every trigger)  vs  one `terraform apply` of a single root
            holding the same 20 functions (the competent user's script; it proves nothing)
  again     a second `trig apply all` with nothing changed (goal: 3 s at most, no ratio)
  plan      `trig plan all` with nothing changed  vs  one `terraform plan` of that root
  destroy   `trig destroy all`                    vs  one `terraform destroy` of that root
The single root is terraform/envs/localstack with one tfvars file holding the 20 functions, rendered by trig outside
the timing as a user would write it. It prints every figure and ratio with the goal and a pass/miss mark, and writes
them as JSON (bench/own_functions.json by default).
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
from bench import ENV_DIR, REPO, Bench, goal_ratios, measure_on_a_fresh_emulator, machine, print_goal_ratios  # noqa: E402  (the plumbing of bench/bench.py)

FUNCTIONS = 20
GOALS = {"run": 1.5, "plan": 1.5}  # trig's time / plain Terraform's time
AGAIN_GOAL_SECONDS = 3.0
HANDLER = "def handler(event, context):\n    return {'records': len(event.get('Records', []))}\n"


def write_project(folder: Path, count: int) -> Path:
    """A project file with count functions, each with one SQS trigger, and their code."""
    lines = []
    for index in range(count):
        name = f"fn{index:02d}"
        (folder / "src" / name).mkdir(parents=True)
        (folder / "src" / name / "app.py").write_text(HANDLER)
        lines += [f"[functions.{name}]", f'source = "src/{name}"', 'handler = "app.handler"', "",
                  f"[functions.{name}.triggers.queue]", 'type = "sqs"', ""]
    project = folder / "trig.toml"
    project.write_text("\n".join(lines))
    return project


class OwnFunctions:
    def __init__(self, bench: Bench, project: Path):
        self.bench = bench
        self.project = project
        self.figures: dict[str, float] = {}

    def record(self, step: str, seconds: float) -> None:
        self.figures[step] = round(seconds, 2)
        print(f"  {step:<24} {seconds:7.1f} s   (load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)

    def trig(self, step: str, *args: str, expect: str = "") -> None:
        env = {**self.bench.trig_env(self.home, self.account), "TRIG_CONFIG": str(self.project)}
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "orchestrator", *args], env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if result.returncode != 0 or expect not in result.stdout:
            raise SystemExit(f"trig {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        self.record(step, seconds)

    def terraform(self, step: str, *args: str, expect: str = "") -> None:
        started = time.perf_counter()
        result = subprocess.run(["terraform", *args], cwd=ENV_DIR, env=self.root_env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if result.returncode != 0 or expect not in result.stdout:
            raise SystemExit(f"terraform {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        if step:
            self.record(step, seconds)

    def render_root(self) -> None:
        """The single root's tfvars: the same 20 functions, rendered by trig in an account of their own."""
        home, account = self.bench.fresh()
        from orchestrator.functions import catalogue
        from orchestrator.settings import resolve_settings
        from orchestrator.tfvars import write_function_tfvars, write_place_tfvars

        os.environ.update(TRIG_HOME=str(home), TRIG_ACCOUNT=account, TRIG_ENDPOINT=self.bench.endpoint,
                          TRIG_CONFIG=str(self.project))
        settings = resolve_settings()
        parts = {name: write_function_tfvars(settings, function) for name, function in catalogue(settings).items()}
        self.root_tfvars = write_place_tfvars(settings, parts, home / "root.tfvars")
        data_dir = home / "root" / ".terraform"
        data_dir.mkdir(parents=True)
        self.root_env = self.bench.plain_terraform_env(data_dir, "default")
        self.terraform("", "init", "-input=false", f"-backend-config=path={home / 'root' / 'terraform.tfstate'}")

    def measure(self) -> None:
        self.home, self.account = self.bench.fresh()
        self.render_root()
        var_file = f"-var-file={self.root_tfvars}"
        self.trig("run trig", "run", "all", expect="fn19.queue")
        self.terraform("run terraform", "apply", "-auto-approve", "-input=false", var_file)
        self.trig("again trig", "apply", "all", expect="0 added, 0 changed, 0 destroyed")
        self.trig("plan trig", "plan", "all", "--detailed-exitcode")
        self.terraform("plan terraform", "plan", "-input=false", "-detailed-exitcode", var_file, expect="No changes")
        self.trig("destroy trig", "destroy", "all")
        self.terraform("destroy terraform", "destroy", "-auto-approve", "-input=false", var_file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=FUNCTIONS, help="how many functions the project holds")
    parser.add_argument("--out", default=str(REPO / "bench" / "own_functions.json"), help="where to write the JSON")
    args = parser.parse_args()
    figures, failure, load_start = measure_on_a_fresh_emulator("trig-own-", lambda bench, workdir: OwnFunctions(bench, write_project(workdir / "project", args.functions)))
    ratios = goal_ratios(figures, GOALS)
    result = {
        "machine": machine(load_start),
        "functions": args.functions,
        "seconds": figures,
        "ratios": ratios,
        "goals": {**GOALS, "again_seconds": AGAIN_GOAL_SECONDS},
        "failure": failure,
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"{args.functions} functions, one SQS trigger each (seconds; ratio = trig / plain Terraform):")
    print_goal_ratios(figures, ratios, GOALS)
    if "again trig" in figures:
        mark = "met" if figures["again trig"] <= AGAIN_GOAL_SECONDS else "MISSED"
        print(f"  again    trig {figures['again trig']:7.1f}  goal <= {AGAIN_GOAL_SECONDS} s  {mark}")
    if "destroy trig" in figures and "destroy terraform" in figures:
        print(f"  destroy  trig {figures['destroy trig']:7.1f}  terraform {figures['destroy terraform']:7.1f}  "
              f"ratio {figures['destroy trig'] / figures['destroy terraform']:.2f}")
    print(f"wrote {args.out}")
    if failure:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
