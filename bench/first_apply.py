#!/usr/bin/env python3
"""The README's first command, again and again: `trig apply all` then `trig check all`, each time from an
empty .trig/ on a freshly started emulator. Prints every run, the median, the slowest and its ratio to the
median, and writes them as JSON.

Run from the repository root with the project installed:
    .venv/bin/python bench/first_apply.py [--runs 20] [--stall-seconds 150]

A run that takes longer than --stall-seconds gets a thread dump of the emulator (py-spy, when installed)
saved beside its logs, so a stall can be read after the fact; the run is then left to finish or fail.
With --tf-log, Terraform's debug log of each run is kept and every request the provider's SDK sent
again (its "retrying request" lines: an answer it did not get) is counted and named per run, and so
is every recovery trig reported.
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
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def trig_env(home: Path, plugin_dir: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIG_", "AWS_"))}
    env.update(TRIG_HOME=str(home), TRIG_PROJECT=str(REPO))
    if plugin_dir:
        env["TRIG_PLUGIN_DIR"] = plugin_dir
    return env


def trig(env: dict[str, str], *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orchestrator", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def dump_threads_after(delay: float, home: Path, done: threading.Event) -> None:
    """Save a py-spy dump of the emulator if the run is still going after delay seconds."""
    if done.wait(delay) or shutil.which("py-spy") is None:
        return
    try:
        pid = json.loads((home / "emulator.json").read_text())["pid"]
    except (OSError, ValueError, KeyError):
        return
    dump = subprocess.run(["py-spy", "dump", "--pid", str(pid)], capture_output=True, text=True)
    (home / "emulator-threads.txt").write_text(dump.stdout + dump.stderr)


_RETRIED = re.compile(r"retrying request (\S+), attempt")


def resent_requests(debug_log: Path) -> list[str]:
    """Operations the provider's SDK sent again because no answer came (from TF_LOG=DEBUG)."""
    try:
        text = debug_log.read_text(errors="replace")
    except OSError:
        return []
    return _RETRIED.findall(text)


def one_run(index: int, workdir: Path, plugin_dir: str | None, stall_seconds: float, tf_log: bool) -> dict:
    home = workdir / f"run-{index:02d}"
    env = trig_env(home, plugin_dir)
    if tf_log:
        home.mkdir(parents=True, exist_ok=True)
        env.update(TF_LOG="DEBUG", TF_LOG_PATH=str(home / "terraform-debug.log"))
    up = trig(env, "up", "--port", str(free_port()), timeout=120)
    if up.returncode != 0:
        return {"run": index, "ok": False, "step": "up", "error": up.stderr.strip()[-300:]}
    done = threading.Event()
    watcher = threading.Thread(target=dump_threads_after, args=(stall_seconds, home, done), daemon=True)
    watcher.start()
    record: dict = {"run": index, "home": str(home)}
    try:
        started = time.perf_counter()
        apply = trig(env, "apply", "all")
        record["apply_seconds"] = round(time.perf_counter() - started, 1)
        record["apply_stderr"] = apply.stderr.strip()[-400:]
        record["recoveries"] = [line for line in apply.stderr.splitlines() if "answer was lost" in line or "Terraform stopped" in line]
        if tf_log:
            record["resent_requests"] = resent_requests(home / "terraform-debug.log")
        if apply.returncode != 0:
            return {**record, "ok": False, "step": "apply"}
        started = time.perf_counter()
        check = trig(env, "check", "all", "--json")
        record["check_seconds"] = round(time.perf_counter() - started, 1)
        if check.returncode != 0:
            return {**record, "ok": False, "step": "check", "error": (check.stdout + check.stderr)[-600:]}
        record["total_seconds"] = round(record["apply_seconds"] + record["check_seconds"], 1)
        return {**record, "ok": True}
    finally:
        done.set()
        trig(env, "down", timeout=60)


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--stall-seconds", type=float, default=150.0)
    parser.add_argument("--plugin-dir", default=os.environ.get("TRIG_PLUGIN_DIR"))
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "first_apply.json")
    parser.add_argument("--keep", action="store_true", help="keep every run's .trig/ (always kept for failed runs)")
    parser.add_argument("--tf-log", action="store_true", help="keep Terraform's debug log and count resent requests")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="trig-first-apply-"))
    runs = []
    for index in range(1, args.runs + 1):
        record = one_run(index, workdir, args.plugin_dir, args.stall_seconds, args.tf_log)
        runs.append(record)
        status = "ok" if record["ok"] else f"FAILED at {record['step']}"
        extra = "".join(f"; {key}: {record[key]}" for key in ("recoveries", "resent_requests") if record.get(key))
        print(f"run {index:2d}: {status}; apply {record.get('apply_seconds', '-')} s, check {record.get('check_seconds', '-')} s{extra}",
              flush=True)
        if record["ok"] and not args.keep:
            shutil.rmtree(record["home"], ignore_errors=True)
    totals = [r["total_seconds"] for r in runs if r["ok"]]
    summary = {"runs": len(runs), "succeeded": len(totals), "failed": len(runs) - len(totals),
               "runs_with_recoveries": sum(1 for r in runs if r.get("recoveries")),
               "runs_with_resent_requests": sum(1 for r in runs if r.get("resent_requests"))}
    if totals:
        median = statistics.median(totals)
        summary.update(median_seconds=round(median, 1), slowest_seconds=max(totals), fastest_seconds=min(totals),
                       slowest_over_median=round(max(totals) / median, 2))
    print(json.dumps(summary))
    args.json.write_text(json.dumps({"summary": summary, "runs": runs}, indent=2))
    ok = summary["failed"] == 0 and summary.get("slowest_over_median", 99) <= 2.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
