#!/usr/bin/env python3
"""Are trig's verdicts still right on a busy machine? `trig check all --semantics` and `trig check all`,
--runs and --checks times, while a second account of the same emulator keeps the machine's cores busy.

It starts its own MiniStack (`trig up --port <free>` under a TRIG_HOME of its own) and applies `all` in a
first account. In a second account of that emulator (its own TRIG_HOME, TRIG_ENDPOINT pointing at it) it
applies api, s3, kinesis and sqs and runs `trig check api s3 kinesis sqs --count N --concurrency C` in a
loop, beside --hogs pure-CPU processes, so that every core is busy. Once the load average has risen (or
--settle seconds passed), the first account runs `trig check all --semantics --json` and `trig check all
--json`. A `fail` row or a failed check is a false verdict: the triggers are wired and the engine is the
same one an idle machine passes with. It reports those (target 0), the runs that gave no rows at all, the
slowest confirmation and the longest semantics wait, every row's waited seconds, the invocations only the
probe's own records showed, and what the load loop saw (its missing events split as `check --count` splits
them). --out writes it all as JSON; --summarise FILE prints the summary of such a file again.

Run from the repository root with the project installed (it takes tens of minutes):
    TRIG_PLUGIN_DIR=/opt/tf-plugins .venv/bin/python bench/busy_verdicts.py [--runs 5] [--checks 5] [--hogs 1] \\
        [--out bench/busy_verdicts.json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_fixed

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import REPO, free_port  # noqa: E402  (the plumbing of bench/bench.py)

from orchestrator.experiments.verdicts import FAIL  # noqa: E402

LOAD_TRIGGERS = ("api", "s3", "kinesis", "sqs")
LOAD_FIELDS = ("fired", "confirmed", "missing", "unconfirmed", "lost", "overdue", "invocations",
               "silent_invocations", "waited")


@dataclass
class TrigAccount:
    """One emulator account driven through the real CLI, with a TRIG_HOME of its own."""

    home: Path
    account: str
    endpoint: str | None
    plugin_dir: str | None
    running: subprocess.Popen | None = field(default=None, repr=False)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIG_", "AWS_"))}
        env.update(TRIG_HOME=str(self.home), TRIG_PROJECT=str(REPO), TRIG_ACCOUNT=self.account)
        if self.endpoint:
            env["TRIG_ENDPOINT"] = self.endpoint
        if self.plugin_dir:
            env["TRIG_PLUGIN_DIR"] = self.plugin_dir
        return env

    def run(self, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
        """trig args, its output kept; killed after timeout seconds (its exit code then says so)."""
        self.running = subprocess.Popen([sys.executable, "-m", "orchestrator", *args], env=self.env(), cwd=REPO,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = self.running.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.running.kill()
            out, err = self.running.communicate()
        return subprocess.CompletedProcess(args, self.running.returncode, out, err)

    def run_ok(self, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
        result = self.run(*args, timeout=timeout)
        if result.returncode != 0:
            raise SystemExit(f"trig {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
        return result

    def stop_running(self) -> None:
        if self.running is not None and self.running.poll() is None:
            self.running.terminate()


@dataclass
class Measured:
    """One `trig check all` run in the checked account: its rows (--semantics) or results, as its JSON gave them."""

    kind: str  # "semantics" or "check"
    run: int
    exit: int
    seconds: float
    load_average: float
    entries: list[dict]
    error: str | None = None


@dataclass
class LoadRound:
    """One `trig check … --count` run of the load loop."""

    seconds: float
    exit: int
    results: list[dict]
    error: str | None = None


def document_of(result: subprocess.CompletedProcess) -> dict:
    try:
        document = json.loads(result.stdout)
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def spin(stop_at: float) -> None:
    """Pure CPU until stop_at, as other work on a shared machine would be."""
    while time.time() < stop_at:
        sum(i * i for i in range(10000))


class LoadLoop(threading.Thread):
    """`trig check api s3 kinesis sqs --count N --concurrency C` in the loaded account, again and again until stopped."""

    def __init__(self, account: TrigAccount, count: int, concurrency: int):
        super().__init__(daemon=True)
        self.account, self.count, self.concurrency = account, count, concurrency
        self.stopping = threading.Event()
        self.rounds: list[LoadRound] = []

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            result = self.account.run("check", *LOAD_TRIGGERS, "--count", str(self.count),
                                      "--concurrency", str(self.concurrency), "--json", timeout=900)
            if self.stopping.is_set() and result.returncode not in (0, 1):
                return  # terminated midway: not a measurement
            document = document_of(result)
            self.rounds.append(LoadRound(
                seconds=round(time.monotonic() - started, 1), exit=result.returncode,
                results=[{"trigger": r.get("trigger"), **{k: r.get(k) for k in LOAD_FIELDS}}
                         for r in document.get("results", [])],
                error=None if document else result.stderr.strip()[-300:]))

    def stop(self) -> None:
        self.stopping.set()
        self.account.stop_running()
        self.join(timeout=60)


def one_minute_load() -> float:
    return round(os.getloadavg()[0], 1)


def wait_until_busy(cpus: int, budget: float) -> float:
    """Wait (at most budget seconds) until the 1-minute load average reaches the number of cores; return it."""
    retrying = Retrying(retry=retry_if_result(lambda load: load < cpus), stop=stop_after_delay(budget),
                        wait=wait_fixed(5))
    try:
        return retrying(one_minute_load)
    except RetryError:
        return one_minute_load()  # measured all the same: the summary shows the load each run saw


def measure(account: TrigAccount, kind: str, run: int) -> Measured:
    args = ("check", "all", "--semantics", "--json") if kind == "semantics" else ("check", "all", "--json")
    key = "rows" if kind == "semantics" else "results"
    started = time.monotonic()
    result = account.run(*args)
    entries = document_of(result).get(key, [])
    return Measured(kind=kind, run=run, exit=result.returncode, seconds=round(time.monotonic() - started, 1),
                    load_average=one_minute_load(), entries=entries,
                    error=None if entries else result.stderr.strip()[-500:])


def is_false(kind: str, entry: dict) -> bool:
    return entry.get("verdict") == FAIL if kind == "semantics" else not entry.get("ok", False)


def summarise(measured: list[Measured], rounds: list[LoadRound]) -> dict:
    """What the runs say: false verdicts first, then how long confirmations and experiments waited."""
    semantics = [m for m in measured if m.kind == "semantics"]
    checks = [m for m in measured if m.kind == "check"]
    false_rows = [{"run": m.run, "trigger": e["trigger"], "property": e["property"], "observed": e["observed"],
                   "waited": e.get("waited")} for m in semantics for e in m.entries if is_false(m.kind, e)]
    false_checks = [{"run": m.run, "trigger": e["trigger"], "detail": e["detail"], "waited": e.get("waited")}
                    for m in checks for e in m.entries if is_false(m.kind, e)]
    waited: dict[str, list[float]] = defaultdict(list)
    unlogged: dict[str, int] = defaultdict(int)
    for m in semantics:
        for e in m.entries:
            name = f"{e['trigger']}: {e['property']}"
            waited[name].append(e.get("waited", 0.0))
            unlogged[name] += e.get("unlogged", 0)
    check_seconds: dict[str, list[float]] = defaultdict(list)
    for m in checks:
        for e in m.entries:
            check_seconds[e["trigger"]].append(e["seconds"])
    confirmed = [(e["seconds"], e["trigger"], m.run) for m in checks for e in m.entries if e.get("ok")]
    slowest = max(confirmed, default=None)
    longest_wait = max(((w, name) for name, values in waited.items() for w in values), default=None)
    load_totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for load_round in rounds:
        for r in load_round.results:
            for name in ("fired", "missing", "unconfirmed", "lost", "overdue"):
                load_totals[r["trigger"]][name] += r.get(name) or 0
    averages = [m.load_average for m in measured]
    return {
        "false_verdicts": len(false_rows) + len(false_checks),
        "runs_without_rows": [{"kind": m.kind, "run": m.run, "exit": m.exit,
                               "error": (m.error or "").splitlines()[-1] if m.error else ""}
                              for m in measured if not m.entries],
        "semantics_fail_rows": false_rows, "check_failures": false_checks,
        "slowest_confirmation": ({"seconds": slowest[0], "trigger": slowest[1], "run": slowest[2]}
                                 if slowest else None),
        "longest_semantics_wait": {"waited": longest_wait[0], "row": longest_wait[1]} if longest_wait else None,
        "row_waited_seconds": dict(waited),
        "rows_with_unlogged_invocations": {name: n for name, n in unlogged.items() if n},
        "check_seconds": dict(check_seconds),
        "load_rounds": len(rounds), "load_totals": {t: dict(v) for t, v in load_totals.items()},
        "load_average": {"min": min(averages, default=0), "max": max(averages, default=0),
                         "mean": round(sum(averages) / len(averages), 1) if averages else 0},
    }


def print_summary(summary: dict) -> None:
    print(f"\nfalse verdicts (fail rows and failed checks): {summary['false_verdicts']} (target 0)")
    for run in summary["runs_without_rows"]:
        print(f"  {run['kind']} run {run['run']} gave no rows (exit {run['exit']}): {run['error']}")
    for row in summary["semantics_fail_rows"]:
        print(f"  semantics run {row['run']}: {row['trigger']} {row['property']!r}: {row['observed']} "
              f"(waited {row['waited']} s)")
    for row in summary["check_failures"]:
        print(f"  check run {row['run']}: {row['trigger']}: {row['detail']}")
    if summary["slowest_confirmation"]:
        slowest = summary["slowest_confirmation"]
        print(f"slowest confirmation (trig check all): {slowest['seconds']:.2f} s "
              f"({slowest['trigger']}, run {slowest['run']})")
    if summary["longest_semantics_wait"]:
        longest = summary["longest_semantics_wait"]
        print(f"longest semantics wait: {longest['waited']:.1f} s ({longest['row']})")
    print("\nwaited seconds per semantics row, run by run:")
    for name, values in summary["row_waited_seconds"].items():
        print(f"  {name:<58} {' '.join(f'{v:5.1f}' for v in values)}")
    print("\ncheck seconds per trigger, run by run:")
    for name, values in summary["check_seconds"].items():
        print(f"  {name:<10} {' '.join(f'{v:5.2f}' for v in values)}")
    if summary["rows_with_unlogged_invocations"]:
        print("\ninvocations counted from the probe's own records (the engine never logged them):")
        for name, count in summary["rows_with_unlogged_invocations"].items():
            print(f"  {name}: {count}")
    print(f"\nload loop: {summary['load_rounds']} round(s) of check {' '.join(LOAD_TRIGGERS)} --count; totals:")
    for trigger, totals in summary["load_totals"].items():
        print(f"  {trigger:<8} " + ", ".join(f"{name} {value}" for name, value in totals.items()))
    average = summary["load_average"]
    print(f"1-minute load average after each run: {average['min']}-{average['max']} (mean {average['mean']})")


def passed(summary: dict) -> bool:
    return summary["false_verdicts"] == 0 and not summary["runs_without_rows"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs of `trig check all --semantics`")
    parser.add_argument("--checks", type=int, default=5, help="runs of `trig check all`")
    parser.add_argument("--load-count", type=int, default=50, help="--count of the load loop's checks")
    parser.add_argument("--load-concurrency", type=int, default=10, help="--concurrency of the load loop's checks")
    parser.add_argument("--hogs", type=int, default=1, help="pure-CPU processes beside the load loop")
    parser.add_argument("--settle", type=float, default=90.0,
                        help="seconds to wait at most for the load average to reach the number of cores")
    parser.add_argument("--plugin-dir", default=os.environ.get("TRIG_PLUGIN_DIR"),
                        help="provider mirror (default: TRIG_PLUGIN_DIR)")
    parser.add_argument("--out", type=Path, help="write the summary and every run as JSON")
    parser.add_argument("--summarise", type=Path, metavar="JSON", help="print the summary of an earlier --out file")
    return parser.parse_args()


def summarise_saved(path: Path) -> int:
    saved = json.loads(path.read_text())
    measured = [Measured(**m) for m in saved["measured"]]
    rounds = [LoadRound(**r) for r in saved["load"]]
    summary = summarise(measured, rounds)
    print_summary(summary)
    return 0 if passed(summary) else 1


def main() -> int:
    args = parse_args()
    if args.summarise:
        return summarise_saved(args.summarise)
    measured: list[Measured] = []
    loop: LoadLoop | None = None
    with tempfile.TemporaryDirectory(prefix="busy-verdicts-") as workdir:
        first, second = (str(n) for n in random.sample(range(10**11, 10**12), 2))
        checked = TrigAccount(Path(workdir) / "checked", first, None, args.plugin_dir)
        port = free_port()
        checked.run_ok("up", "--port", str(port), timeout=120)
        endpoint = f"http://127.0.0.1:{port}"
        loaded = TrigAccount(Path(workdir) / "loaded", second, endpoint, args.plugin_dir)
        hogs: list[multiprocessing.Process] = []
        try:
            print(f"emulator {endpoint}; all in account {checked.account}, "
                  f"{' '.join(LOAD_TRIGGERS)} in account {loaded.account}", file=sys.stderr)
            checked.run_ok("apply", "all")
            loaded.run_ok("apply", *LOAD_TRIGGERS, "--set", f"s3.bucket=trig-load-{loaded.account}")
            loop = LoadLoop(loaded, args.load_count, args.load_concurrency)
            loop.start()
            hogs = [multiprocessing.Process(target=spin, args=(time.time() + 6 * 3600,), daemon=True)
                    for _ in range(args.hogs)]
            for hog in hogs:
                hog.start()
            cpus = os.cpu_count() or 1
            print(f"load average {wait_until_busy(cpus, args.settle)} on {cpus} core(s); measuring", file=sys.stderr)
            plan = [("semantics", run) for run in range(1, args.runs + 1)]
            plan += [("check", run) for run in range(1, args.checks + 1)]
            for kind, run in plan:
                measured.append(measure(checked, kind, run))
                m = measured[-1]
                print(f"{kind} run {run}: exit {m.exit}, {len(m.entries)} rows, "
                      f"{sum(is_false(kind, e) for e in m.entries)} false, {m.seconds} s, load {m.load_average}",
                      file=sys.stderr)
        finally:
            if loop is not None:
                loop.stop()
            for hog in hogs:
                hog.terminate()
            checked.run("down", timeout=60)
    rounds = loop.rounds if loop is not None else []
    summary = summarise(measured, rounds)
    print_summary(summary)
    if args.out:
        settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
        args.out.write_text(json.dumps({"summary": summary, "measured": [asdict(m) for m in measured],
                                        "load": [asdict(r) for r in rounds], "settings": settings,
                                        "machine": {"cpus": os.cpu_count()}}, indent=2) + "\n")
    return 0 if passed(summary) else 1


if __name__ == "__main__":
    sys.exit(main())
