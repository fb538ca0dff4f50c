#!/usr/bin/env python3
"""Does MiniStack lose S3 notifications under load, or only the function's output? boto3 alone, no trig code.

For each (concurrency, count, function duration) it creates, in a fresh account: a bucket notifying a
Python function on s3:ObjectCreated:*, and a second bucket where the function marks each key it ran for
(a record that does not depend on CloudWatch Logs). It puts `count` objects `concurrency` at a time and
waits until every key is logged or --wait seconds pass, then counts:

  ran        keys the function marked in the second bucket within the wait (an invocation got that far)
  logged     keys whose line reached /aws/lambda/<function> (what a log-based check sees)
  late       lines logged inside another invocation's START..END block (their request id differs)
  silent     invocations (START lines) whose own line is nowhere in the log group, and that did not fail
  recovered  keys first logged after a flush: the function invoked directly, `concurrency` at a time
  never ran  keys still unmarked after the flush and a second wait as long as the first: notifications
             lost by the engine, or every attempt failed before marking (failed: invocations that logged a
             traceback or a timeout within the first wait; the engine retries those). A key marked only in
             the second wait was slow, not lost: on a loaded machine the engine runs events late
  never logged  keys whose line is still nowhere in the log group at the very end

Usage (starts its own MiniStack on a free port unless --endpoint is given):
    .venv/bin/python bench/s3_notification_loss.py --concurrency 1 4 10 20 --count 50 200 --sleep-ms 0 500 \
        [--busy 2] [--out bench/s3_notification_loss.json]

--busy N runs N pure-CPU processes during the puts and the wait, as other work on a shared machine would.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_exponential

HANDLER = '''
import os, time
from urllib.parse import unquote_plus

import boto3

_marks = boto3.client("s3")


def handler(event, context):
    keys = [unquote_plus(r["s3"]["object"]["key"]) for r in event.get("Records", []) if "s3" in r]
    for key in keys:
        _marks.put_object(Bucket=os.environ["MARK_BUCKET"], Key="ran/" + key, Body=context.aws_request_id.encode())
    time.sleep(int(os.environ.get("SLEEP_MS", "0")) / 1000)
    for key in keys:
        print(f"LOSS-PROBE request={context.aws_request_id} key={key}", flush=True)
    return {"keys": keys}
'''

LINE = re.compile(r"LOSS-PROBE request=(\S+) key=(\S+)")
START = re.compile(r"^START RequestId: (\S+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_ministack(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(GATEWAY_PORT=str(port), BIND_HOST="127.0.0.1")
    log = open(workdir / "ministack.log", "ab")
    process = subprocess.Popen([sys.executable, "-m", "ministack"], stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, env=env, cwd=workdir, start_new_session=True)
    endpoint = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(endpoint + "/_ministack/health", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    Retrying(retry=retry_if_result(lambda ok: not ok), stop=stop_after_delay(60),
             wait=wait_exponential(multiplier=0.1, max=1))(healthy)
    return process, endpoint


def clients(endpoint: str, account: str):
    config = Config(retries={"max_attempts": 5, "mode": "standard"}, max_pool_connections=64)

    def make(service: str):
        return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=account,
                            aws_secret_access_key="test", config=config)
    return make


def function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", HANDLER)
    return buffer.getvalue()


def set_up(make, account: str, sleep_ms: int) -> dict:
    """Bucket, mark bucket, function and notification in the account (bucket names are global)."""
    s3, lam = make("s3"), make("lambda")
    names = {"bucket": f"loss-events-{account}", "marks": f"loss-marks-{account}", "function": "loss-probe"}
    s3.create_bucket(Bucket=names["bucket"])
    s3.create_bucket(Bucket=names["marks"])
    role = make("iam").create_role(RoleName="loss-probe", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    arn = lam.create_function(FunctionName=names["function"], Runtime="python3.12", Role=role,
                              Handler="handler.handler", Code={"ZipFile": function_zip()}, Timeout=30,
                              Environment={"Variables": {"MARK_BUCKET": names["marks"],
                                                         "SLEEP_MS": str(sleep_ms)}})["FunctionArn"]
    Retrying(retry=retry_if_result(lambda state: state != "Active"), stop=stop_after_delay(30),
             wait=wait_exponential(multiplier=0.1, max=1))(
        lambda: lam.get_function_configuration(FunctionName=names["function"]).get("State"))
    lam.add_permission(FunctionName=names["function"], StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{names['bucket']}")
    s3.put_bucket_notification_configuration(Bucket=names["bucket"], NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
    return names


def read_logs(logs, group: str, start_ms: int) -> list[dict]:
    kwargs = {"logGroupName": group, "startTime": start_ms}
    events: list[dict] = []
    try:
        while True:
            page = logs.filter_log_events(**kwargs)
            events.extend(page.get("events", []))
            if not page.get("nextToken"):
                return events
            kwargs["nextToken"] = page["nextToken"]
    except logs.exceptions.ResourceNotFoundException:
        return events


def marked_keys(s3, bucket: str) -> set[str]:
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="ran/"):
        keys.update(item["Key"][len("ran/"):] for item in page.get("Contents", []))
    return keys


def marked_within(s3, bucket: str, keys: set[str], wait: float) -> set[str]:
    """The keys marked once all are, or once wait seconds have passed."""
    retrying = Retrying(retry=retry_if_result(lambda marked: len(marked) < len(keys)), stop=stop_after_delay(wait),
                        wait=wait_exponential(multiplier=0.5, max=5))
    try:
        return retrying(lambda: marked_keys(s3, bucket) & keys)
    except RetryError as exc:
        return exc.last_attempt.result()


def tally(events: list[dict], keys: set[str]) -> dict:
    """Keys logged, lines logged inside another invocation's block, and invocations whose own line is missing."""
    block_of: dict[str, str] = {}  # log stream -> the request id of the START last seen in it
    starts: list[str] = []
    failed: set[str] = set()
    lines: list[tuple[str, str, str]] = []  # (request id in the line, key, request id of the block it sits in)
    for event in sorted(events, key=lambda e: (e["timestamp"], e.get("eventId", ""))):
        message, stream = event.get("message", ""), event.get("logStreamName", "")
        if match := START.match(message):
            block_of[stream] = match.group(1)
            starts.append(match.group(1))
        elif match := LINE.search(message):
            lines.append((match.group(1), match.group(2), block_of.get(stream, "")))
        elif message.startswith("Traceback") or "Task timed out" in message:
            failed.add(block_of.get(stream, ""))
    logged = {key for _, key, _ in lines if key in keys}
    own = {request for request, _, _ in lines}
    return {"logged": logged, "starts": starts, "late": sum(1 for request, _, block in lines if request != block),
            "silent": sum(1 for request in starts if request not in own and request not in failed),
            "failed": len(failed)}


def busy(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sum(i * i for i in range(10000))


def one_trial(endpoint: str, concurrency: int, count: int, sleep_ms: int, wait: float, hogs: int) -> dict:
    account = f"{random.randrange(10**11, 10**12)}"
    make = clients(endpoint, account)
    names = set_up(make, account, sleep_ms)
    s3, logs, lam = make("s3"), make("logs"), make("lambda")
    group = f"/aws/lambda/{names['function']}"
    run = uuid.uuid4().hex[:8]
    keys = [f"{run}-{i:05d}.txt" for i in range(count)]
    pool = multiprocessing.Pool(hogs) if hogs else None
    if pool:
        pool.map_async(busy, [wait + 60] * hogs)
    try:
        start_ms = int(time.time() * 1000) - 1000
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=concurrency) as threads:
            list(threads.map(lambda key: s3.put_object(Bucket=names["bucket"], Key=key, Body=b"x"), keys))
        put_seconds = time.monotonic() - started

        def all_logged(_) -> bool:
            return len(tally(read_logs(logs, group, start_ms), set(keys))["logged"]) == count

        try:
            Retrying(retry=retry_if_result(lambda done: not done), stop=stop_after_delay(wait),
                     wait=wait_exponential(multiplier=0.2, max=2))(lambda: all_logged(None))
        except RetryError:
            pass
        waited = time.monotonic() - started
        before = tally(read_logs(logs, group, start_ms), set(keys))
        ran = marked_keys(s3, names["marks"]) & set(keys)
    finally:
        if pool:
            pool.terminate()
    # Flush: invoke the function directly; a worker holding output it has not logged yet logs it now.
    flush_ms = int(time.time() * 1000)
    with ThreadPoolExecutor(max_workers=concurrency) as threads:
        list(threads.map(lambda _: lam.invoke(FunctionName=names["function"], Payload=b'{"Records": []}'),
                         range(2 * concurrency)))
    time.sleep(2)
    after = tally(read_logs(logs, group, start_ms), set(keys))
    flushed_starts = sum(1 for e in read_logs(logs, group, flush_ms) if START.match(e.get("message", "")))
    # An event not run within the first wait may only be slow on a loaded machine: give it the wait again.
    eventually = marked_within(s3, names["marks"], set(keys), wait)
    final = tally(read_logs(logs, group, start_ms), set(keys))
    return {
        "concurrency": concurrency, "count": count, "sleep_ms": sleep_ms, "cpu_hogs": hogs, "account": account,
        "load_average": round(os.getloadavg()[0], 1),
        "put_seconds": round(put_seconds, 2), "waited_seconds": round(waited, 1),
        "ran": len(ran), "invocations": len(before["starts"]), "logged": len(before["logged"]),
        "late_lines": before["late"], "silent_invocations": before["silent"], "failed_invocations": before["failed"],
        "not_run_within_wait": count - len(ran), "ran_but_not_logged": len(ran - before["logged"]),
        "recovered_after_flush": len(after["logged"] - before["logged"]),
        "still_missing_after_flush": count - len(after["logged"]), "flush_invocations": flushed_starts,
        "never_ran": count - len(eventually), "never_logged": count - len(final["logged"]),
        "never_ran_examples": sorted(set(keys) - eventually)[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", help="an emulator already running (default: start MiniStack on a free port)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 10, 20])
    parser.add_argument("--count", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--sleep-ms", type=int, nargs="+", default=[0])
    parser.add_argument("--busy", type=int, default=0, help="pure-CPU processes running during each trial")
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for every key to be logged")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--emulator-log", type=Path, help="keep the started MiniStack's log here")
    args = parser.parse_args()

    process = None
    with tempfile.TemporaryDirectory(prefix="s3-loss-") as workdir:
        endpoint = args.endpoint
        if endpoint is None:
            process, endpoint = start_ministack(Path(workdir))
        try:
            trials = []
            for sleep_ms in args.sleep_ms:
                for count in args.count:
                    for concurrency in args.concurrency:
                        try:
                            trial = one_trial(endpoint, concurrency, count, sleep_ms, args.wait, args.busy)
                        except (BotoCoreError, ClientError) as exc:  # the emulator gave up under the load
                            trial = {"concurrency": concurrency, "count": count, "sleep_ms": sleep_ms,
                                     "cpu_hogs": args.busy, "error": str(exc)[:300]}
                        trials.append(trial)
                        print(json.dumps(trial), flush=True)
        finally:
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:  # a loaded machine: its workers may take long to go
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                if args.emulator_log:
                    args.emulator_log.write_bytes((Path(workdir) / "ministack.log").read_bytes())
    print(f"\n{'C':>3} {'N':>4} {'SLEEP':>5} {'HOGS':>4} {'RAN':>4} {'INVOKED':>7} {'FAILED':>6} {'LOGGED':>6} "
          f"{'LATE':>4} {'SILENT':>6} {'RECOVERED':>9} {'NEVER RAN':>9} {'NEVER LOGGED':>12} {'WAITED':>6} {'LOAD':>5}")
    for t in trials:
        if "error" in t:
            print(f"{t['concurrency']:>3} {t['count']:>4} {t['sleep_ms']:>5} {t['cpu_hogs']:>4}  error: {t['error'][:80]}")
            continue
        print(f"{t['concurrency']:>3} {t['count']:>4} {t['sleep_ms']:>5} {t['cpu_hogs']:>4} {t['ran']:>4} "
              f"{t['invocations']:>7} {t['failed_invocations']:>6} {t['logged']:>6} {t['late_lines']:>4} "
              f"{t['silent_invocations']:>6} {t['recovered_after_flush']:>9} {t['never_ran']:>9} "
              f"{t['never_logged']:>12} {t['waited_seconds']:>6} {t['load_average']:>5}")
    if args.out:
        from importlib.metadata import version
        args.out.write_text(json.dumps({"ministack": version("ministack"), "cpus": os.cpu_count(),
                                        "trials": trials}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
