#!/usr/bin/env python3
"""Benchmark trig on the three seed triggers against a naive by-hand baseline and the provider's own floor, on one fresh MiniStack.

Run from the repository root with the project installed:  .venv/bin/python bench/bench.py [--repeat 3]
It prints every figure and the ratios, and writes them as JSON (bench/results.json by default).
Each timed step runs --repeat times in fresh accounts of the same emulator; medians are reported.
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

REPO = Path(__file__).resolve().parent.parent
ENV_DIR = REPO / "terraform" / "envs" / "localstack"
TRIGGERS = ("api", "s3", "kinesis")


class Bench:
    def __init__(self, workdir: Path, plugin_dir: str | None):
        self.workdir = workdir
        self.plugin_dir = plugin_dir
        self.accounts = iter(range(900000000001, 900000000999))
        self.endpoint = ""

    # -- plumbing ------------------------------------------------------------------------

    def trig_env(self, home: Path, account: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIG_", "AWS_"))}
        env.update(TRIG_HOME=str(home), TRIG_ACCOUNT=account, TRIG_PROJECT=str(REPO))
        if self.endpoint:
            env["TRIG_ENDPOINT"] = self.endpoint
        if self.plugin_dir:
            env["TRIG_PLUGIN_DIR"] = self.plugin_dir
        return env

    def trig(self, home: Path, account: str, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "orchestrator", *args], env=self.trig_env(home, account),
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"trig {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def timed_trig(self, home: Path, account: str, *args: str) -> tuple[float, subprocess.CompletedProcess]:
        started = time.perf_counter()
        result = self.trig(home, account, *args)
        return time.perf_counter() - started, result

    def fresh(self) -> tuple[Path, str]:
        account = str(next(self.accounts))
        return Path(tempfile.mkdtemp(prefix=f"trig-{account}-", dir=self.workdir)), account

    # -- the emulator --------------------------------------------------------------------

    def start_emulator(self) -> None:
        home = self.workdir / "emulator"
        out = self.trig(home, "000000000000", "up", "--port", str(free_port())).stdout
        self.endpoint = out.strip().splitlines()[-1]
        self.emulator_home = home

    def stop_emulator(self) -> None:
        subprocess.run([sys.executable, "-m", "orchestrator", "down"], env=self.trig_env(self.emulator_home, "0" * 12),
                       capture_output=True)

    # -- 1. trig run all ---------------------------------------------------------------

    def trig_run_all(self) -> float:
        home, account = self.fresh()
        seconds, _ = self.timed_trig(home, account, "run", *TRIGGERS, "--set", f"bucket=bench-run-{account}")
        return seconds

    # -- 2. the naive baseline ------------------------------------------------------------

    def plain_terraform_env(self, data_dir: Path, workspace: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "AWS_"))}
        env.update(TF_DATA_DIR=str(data_dir), TF_WORKSPACE=workspace, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
        if self.plugin_dir:
            rc = data_dir.parent / "cli.tfrc"
            rc.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{self.plugin_dir}"\n  }}\n}}\n')
            env["TF_CLI_CONFIG_FILE"] = str(rc)
        return env

    def rendered_tfvars(self, account: str, triggers: tuple[str, ...] = TRIGGERS, bucket: str = "",
                        together: bool = False) -> tuple[Path, dict[str, Path]]:
        """tfvars of terraform/envs/localstack as a user would have written them by hand, rendered by trig outside
        the timing: per trigger one file holding that trigger alone, or (together) one file holding them all,
        under the key "all"."""
        home, _ = self.fresh()
        from orchestrator.settings import resolve_settings
        from orchestrator.functions import walkthrough_function
        from orchestrator.tfvars import write_function_tfvars, write_place_tfvars
        from orchestrator.triggers import REGISTRY

        os.environ.update(TRIG_HOME=str(home), TRIG_ACCOUNT=account, TRIG_ENDPOINT=self.endpoint)
        settings = resolve_settings()
        sets = {"bucket": bucket or f"bench-base-{account}"}
        parts = {name: write_function_tfvars(settings, walkthrough_function(settings, REGISTRY[name], sets))
                 for name in triggers}
        if together:
            return home, {"all": write_place_tfvars(settings, parts, home / "all.tfvars")}
        return home, {name: write_place_tfvars(settings, {name: part}, home / f"{name}-alone.tfvars")
                      for name, part in parts.items()}

    def aws_cli(self, account: str, *args: str) -> str:
        env = {**os.environ, "AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "test",
               "AWS_DEFAULT_REGION": "us-east-1"}
        return subprocess.run(["aws", "--endpoint-url", self.endpoint, *args], env=env, capture_output=True,
                              text=True, check=True).stdout

    def wait_by_sleeping(self, account: str, group: str, needle: str, since_ms: int) -> None:
        """The loop a user writes: look, sleep one second, look again."""
        for _ in range(120):
            out = self.aws_cli(account, "logs", "filter-log-events", "--log-group-name", group,
                               "--start-time", str(since_ms), "--query", "events[].message", "--output", "json")
            if needle in out:
                return
            time.sleep(1)
        raise SystemExit(f"baseline: {needle!r} never reached {group}")

    def baseline(self) -> float:
        account = str(next(self.accounts))
        home, tfvars = self.rendered_tfvars(account)
        started = time.perf_counter()
        outputs = {}
        for name in TRIGGERS:
            data_dir = home / f"plain-{name}" / ".terraform"
            data_dir.parent.mkdir(parents=True)
            env = self.plain_terraform_env(data_dir, "default")
            state = home / f"plain-{name}" / "terraform.tfstate"
            subprocess.run(["terraform", "init", "-input=false", f"-backend-config=path={state}"], cwd=ENV_DIR,
                           env=env, check=True, capture_output=True)
            subprocess.run(["terraform", "apply", "-auto-approve", "-input=false", f"-var-file={tfvars[name]}"],
                           cwd=ENV_DIR, env=env, check=True, capture_output=True)
            outputs[name] = json.loads(subprocess.run(["terraform", "output", "-json"], cwd=ENV_DIR, env=env, check=True,
                                                      capture_output=True, text=True).stdout)
        nonce = f"{account}-{int(time.time())}"
        api = outputs["api"]["triggers"]["value"]["api"]["api"]
        url = (f"{self.endpoint}/restapis/{api['rest_api_id']}/prod/_user_request_/hello?name={nonce}")
        curl = subprocess.run(["curl", "-s", "-H", f"Authorization: AWS4-HMAC-SHA256 Credential={account}/x/us-east-1/execute-api/aws4_request", url],
                              capture_output=True, text=True, check=True).stdout
        assert curl == f"hello {nonce}", curl
        since = int(time.time() * 1000) - 1000
        sample = home / f"{nonce}.txt"
        sample.write_text("sample\n")
        self.aws_cli(account, "s3", "cp", str(sample), f"s3://bench-base-{account}/{sample.name}")
        self.wait_by_sleeping(account, "/aws/lambda/s3-trigger-test", f"key = {sample.name}", since)
        self.aws_cli(account, "kinesis", "put-record", "--stream-name", "lambda-test", "--partition-key", "123",
                     "--data", f"test-{nonce}")
        self.wait_by_sleeping(account, "/aws/lambda/kinesis-trigger-test", f"Data = test-{nonce}", since)
        return time.perf_counter() - started

    # -- 3. the floor ---------------------------------------------------------------------

    def floor(self) -> float:
        """The slowest trigger's apply alone (already initialised, tfvars ready) plus one check."""
        home, account = self.fresh()
        self.trig(home, account, "apply", "api")  # initialises this home; not timed
        started = time.perf_counter()
        self.trig(home, account, "apply", "kinesis")
        self.trig(home, account, "check", "kinesis")
        return time.perf_counter() - started

    # -- 4. and 5. on one applied stack -----------------------------------------------------

    def applied_stack(self) -> tuple[Path, str]:
        home, account = self.fresh()
        self.trig(home, account, "apply", *TRIGGERS, "--set", f"bucket=bench-stack-{account}")
        return home, account

    def reapply(self, home: Path, account: str) -> float:
        seconds, result = self.timed_trig(home, account, "apply", *TRIGGERS, "--set", f"bucket=bench-stack-{account}")
        assert "0 added, 0 changed, 0 destroyed" in result.stdout, result.stdout
        return seconds

    def check_latencies(self, home: Path, account: str, repeat: int) -> tuple[dict[str, list[float]], list[float]]:
        per_trigger: dict[str, list[float]] = {name: [] for name in TRIGGERS}
        walls = []
        for _ in range(repeat):
            seconds, result = self.timed_trig(home, account, "check", *TRIGGERS)
            walls.append(seconds)
            for line in result.stdout.splitlines()[1:]:
                fields = line.split()
                if fields and fields[0] in per_trigger and fields[2] == "ok":
                    per_trigger[fields[0]].append(float(fields[3]))
        return per_trigger, walls


def measure_on_a_fresh_emulator(prefix: str, make) -> tuple[dict[str, float], str, tuple[float, ...]]:
    """Start an emulator in a fresh work folder, build the measurer make(bench, workdir) and run its measure();
    its figures, the failure that stopped it ("" when none) and the load at the start. The emulator and the
    folder go at the end, whatever happened."""
    plugin_dir = os.environ.get("TRIG_PLUGIN_DIR") or ("/opt/tf-plugins" if Path("/opt/tf-plugins").is_dir() else None)
    load_start = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    bench = Bench(workdir, plugin_dir)
    bench.start_emulator()
    measurer = make(bench, workdir)
    failure = ""
    try:
        print(f"emulator {bench.endpoint}; work folder {workdir}", file=sys.stderr, flush=True)
        measurer.measure()
    except SystemExit as exc:  # still print and write what was measured before the failed step
        failure = str(exc)
        print(failure, file=sys.stderr)
    finally:
        bench.stop_emulator()
        shutil.rmtree(workdir, ignore_errors=True)
    return measurer.figures, failure, load_start


def machine(load_start: tuple[float, ...]) -> dict:
    """The machine a bench ran on, and its load at the start and the end (read the ratios, not the seconds)."""
    return {"cpus": os.cpu_count(), "python": sys.version.split()[0],
            "load_start": [round(x, 2) for x in load_start], "load_end": [round(x, 2) for x in os.getloadavg()]}


def goal_ratios(figures: dict[str, float], goals: dict[str, float]) -> dict[str, float]:
    """trig's time over plain Terraform's for each step with a goal that both were measured for."""
    return {name: round(figures[f"{name} trig"] / figures[f"{name} terraform"], 2) for name in goals
            if f"{name} trig" in figures and f"{name} terraform" in figures}


def print_goal_ratios(figures: dict[str, float], ratios: dict[str, float], goals: dict[str, float]) -> None:
    for name, goal in goals.items():
        if name in ratios:
            mark = "met" if ratios[name] <= goal else "MISSED"
            print(f"  {name:<8} trig {figures[f'{name} trig']:7.1f}  terraform {figures[f'{name} terraform']:7.1f}  "
                  f"ratio {ratios[name]:.2f}  goal <= {goal}  {mark}")


def free_port() -> int:
    from orchestrator.emulator import free_port as pick

    return pick()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timed step (medians reported)")
    parser.add_argument("--checks", type=int, default=20, help="runs of `trig check all` for the latency figures")
    parser.add_argument("--out", default=str(REPO / "bench" / "results.json"), help="where to write the JSON")
    args = parser.parse_args()
    plugin_dir = os.environ.get("TRIG_PLUGIN_DIR") or ("/opt/tf-plugins" if Path("/opt/tf-plugins").is_dir() else None)
    if shutil.which("aws") is None or shutil.which("curl") is None:
        raise SystemExit("the baseline needs the AWS CLI and curl on PATH")

    workdir = Path(tempfile.mkdtemp(prefix="trig-bench-"))
    bench = Bench(workdir, plugin_dir)
    bench.start_emulator()
    try:
        runs = {"trig_run_all": [], "baseline": [], "floor": [], "reapply_no_change": []}
        for round_ in range(args.repeat):
            for step, measure in (("trig_run_all", bench.trig_run_all), ("baseline", bench.baseline),
                                  ("floor", bench.floor)):
                runs[step].append(measure())
                print(f"round {round_ + 1}: {step} {runs[step][-1]:.1f} s", file=sys.stderr)
        home, account = bench.applied_stack()
        for _ in range(args.repeat):
            runs["reapply_no_change"].append(bench.reapply(home, account))
        latencies, walls = bench.check_latencies(home, account, args.checks)
    finally:
        bench.stop_emulator()
        shutil.rmtree(workdir, ignore_errors=True)

    medians = {step: statistics.median(values) for step, values in runs.items()}
    result = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "repeat": args.repeat,
        "seconds": {step: {"median": round(medians[step], 2), "runs": [round(v, 2) for v in values]}
                    for step, values in runs.items()},
        "check_seconds": {name: {"p50": round(percentile(v, 0.5), 2), "p95": round(percentile(v, 0.95), 2), "n": len(v)}
                          for name, v in latencies.items()},
        "check_all_wall_seconds": {"p50": round(percentile(walls, 0.5), 2), "p95": round(percentile(walls, 0.95), 2)},
        "ratios": {
            "trig_run_all / baseline": round(medians["trig_run_all"] / medians["baseline"], 2),
            "trig_run_all / floor": round(medians["trig_run_all"] / medians["floor"], 2),
        },
        "targets": {
            "trig_run_all / baseline <= 0.5": medians["trig_run_all"] / medians["baseline"] <= 0.5,
            "trig_run_all / floor <= 1.2": medians["trig_run_all"] / medians["floor"] <= 1.2,
            "reapply_no_change <= 5 s": medians["reapply_no_change"] <= 5,
            "check p50 <= 1.5 s per trigger": all(percentile(v, 0.5) <= 1.5 for v in latencies.values() if v),
        },
    }
    for step in runs:
        print(f"{step:<20} median {medians[step]:7.2f} s   runs {', '.join(f'{v:.1f}' for v in runs[step])}")
    for name, figures in result["check_seconds"].items():
        print(f"check {name:<14} p50 {figures['p50']:5.2f} s   p95 {figures['p95']:5.2f} s   (n={figures['n']})")
    for name, value in result["ratios"].items():
        print(f"{name:<27} {value:.2f}")
    for name, met in result["targets"].items():
        print(f"target {name:<33} {'met' if met else 'NOT met'}")
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
