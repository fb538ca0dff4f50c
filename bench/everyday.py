#!/usr/bin/env python3
"""Benchmark trig's everyday commands (issue 14) against plain Terraform on the same seven triggers, on one fresh MiniStack.

Run from the repository root with the project installed:  .venv/bin/python bench/everyday.py [--repeat 3]

What is compared, trig in one account and plain Terraform in others of the same emulator:
  plan      `trig plan all` with nothing changed  vs  one `terraform plan` of a single root holding the seven triggers
  destroy   `trig destroy all`                    vs  one `terraform destroy` of that root
  validate  `trig validate`                       vs  `terraform fmt -check -recursive terraform` + `terraform validate` of the root
  refresh   `trig apply api --refresh`, no change vs  `terraform apply` with nothing to do in the api trigger's own root

The single root is terraform/envs/localstack itself, run by hand with one tfvars file holding the seven triggers
(rendered by trig outside the timing, as a user would write it): one provider on the emulator, one instance of the
trigger stack per trigger, one state. trig and the baseline alternate within each round, so load from other work on
the machine falls on both; read the ratios, not the seconds. Each step runs --repeat times; medians are reported.
It prints every figure and ratio, with the issue's goal and a pass/miss mark, and writes them as JSON
(bench/everyday.json by default).
"""

from __future__ import annotations

import argparse
import json
import os
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
        home, tfvars = self.bench.rendered_tfvars(account, ALL, bucket=f"everyday-base-{account}", together=True)
        self.root_tfvars = tfvars["all"]
        self.root = ENV_DIR
        self.root_env, self.root_init = self.plain_root(home / "all")
        self.terraform(self.root, self.root_env, *self.root_init)
        self.apply_root()

        # The refreshed trigger alone, in a root of its own: the same root with a tfvars holding it alone, another account.
        account = str(next(self.bench.accounts))
        home, tfvars = self.bench.rendered_tfvars(account, (REFRESHED,), bucket=f"everyday-one-{account}")
        self.one_tfvars = tfvars[REFRESHED]
        self.one_env, init = self.plain_root(home / "one")
        self.terraform(ENV_DIR, self.one_env, *init)
        self.record(f"setup terraform apply {REFRESHED}",
                    self.terraform(ENV_DIR, self.one_env, "apply", "-auto-approve", "-input=false",
                                   f"-var-file={self.one_tfvars}")[0])

    def plain_root(self, folder: Path) -> tuple[dict[str, str], tuple[str, ...]]:
        """The environment and init arguments of a plain run of terraform/envs/localstack with its state in folder."""
        data_dir = folder / ".terraform"
        data_dir.mkdir(parents=True)
        return (self.bench.plain_terraform_env(data_dir, "default"),
                ("init", "-input=false", f"-backend-config=path={folder / 'terraform.tfstate'}"))

    def apply_root(self) -> None:
        self.record("setup terraform apply root",
                    self.terraform(self.root, self.root_env, "apply", "-auto-approve", "-input=false",
                                   f"-var-file={self.root_tfvars}")[0])

    def baseline_plan(self) -> None:
        seconds, result = self.terraform(self.root, self.root_env, "plan", "-input=false", "-detailed-exitcode",
                                         f"-var-file={self.root_tfvars}")
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
                    self.terraform(self.root, self.root_env, "destroy", "-auto-approve", "-input=false",
                                   f"-var-file={self.root_tfvars}")[0])

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
