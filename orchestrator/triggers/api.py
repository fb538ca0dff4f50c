"""Synchronous: API Gateway waits for the function and returns its answer."""

from __future__ import annotations

import threading
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
import urllib.parse
import urllib.request

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_exponential

from orchestrator.aws import signed_headers
from orchestrator.errors import UsageError
from orchestrator.triggers.base import Confirmation, Sent, SyncAnswers, Target, Trigger, UserEvent


def invoke_url(target: Target, query: dict[str, str]) -> str:
    """The emulator's data-plane URL of the API's resource: {endpoint}/restapis/{id}/{stage}/_user_request_{path}."""
    api_id, stage, path = (target.outputs.of("api", key) for key in ("rest_api_id", "stage_name", "path"))
    base = f"{target.settings.endpoint}/restapis/{api_id}/{stage}/_user_request_{path}"
    return f"{base}?{urllib.parse.urlencode(query)}" if query else base


def http_get(url: str, headers: dict[str, str], timeout: float = 10.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError) as exc:
        return 0, str(exc)


# Answers a client retries: throttled, gateway errors, or nothing at all.
_RETRIED_STATUSES = {0, 429, 500, 502, 503, 504}


class ApiTrigger(Trigger):
    name = "api"
    invocation = "synchronous"
    description = "API Gateway REST API, GET /hello, AWS_PROXY to the function"
    defaults = {
        "function_name": "api-gateway-test",
        "greeting": "hello",
        "api_name": "API Gateway Test",
        "path": "hello",
        "stage": "prod",
        "timeout": 10,
        "memory_size": 128,
    }

    def fire_load(self, target: Target, nonces: list[str], concurrency: int, timeout: float) -> SyncAnswers:
        """GET once per nonce; a throttle (429), a gateway error (5xx) or no connection is retried, as a client would."""
        greeting = self.deployed_greeting(target)
        deadline = time.monotonic() + timeout
        answers = SyncAnswers(confirmed=set())
        lock = threading.Lock()

        def request(nonce: str) -> None:
            url = invoke_url(target, {"name": nonce})
            wait = 0.1
            while True:
                status, body = http_get(url, signed_headers("GET", url, target.settings))
                if (status, body) == (200, f"{greeting} {nonce}"):
                    with lock:
                        answers.confirmed.add(nonce)
                    return
                if status not in _RETRIED_STATUSES or time.monotonic() + wait > deadline:
                    with lock:
                        answers.unanswered[f"HTTP {status}" if status else "no connection"] += 1
                    return
                with lock:
                    answers.retried += 1
                time.sleep(wait)
                wait = min(wait * 2, 2.0)

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(request, nonces))
        return answers

    def deployed_greeting(self, target: Target) -> str:
        config = target.client("lambda").get_function_configuration(FunctionName=target.function_name)
        return config.get("Environment", {}).get("Variables", {}).get("GREETING", "hello")

    def fire_and_confirm(self, target: Target, nonce: str, timeout: float) -> Confirmation:
        expected = f"{self.deployed_greeting(target)} {nonce}"
        url = invoke_url(target, {"name": nonce})
        answers: list[str] = []

        def get() -> bool:
            status, body = http_get(url, signed_headers("GET", url, target.settings))
            answers.append(f"HTTP {status}: {body[:200]}")
            return status == 200 and body == expected

        retrying = Retrying(retry=retry_if_result(lambda ok: not ok), stop=stop_after_delay(timeout),
                            wait=wait_exponential(multiplier=0.1, min=0.1, max=1.0))
        try:
            retrying(get)
        except RetryError:
            return Confirmation(False, f"expected HTTP 200 {expected!r}, last answer {answers[-1]}", answers[-3:])
        return Confirmation(True, f"HTTP 200 {expected!r}", answers[-1:])

    def send_event(self, target: Target, event: UserEvent, timeout: float) -> Sent:
        """GET the API's resource with the user's query; the answer is the function's."""
        if event.data is not None or event.key is not None:
            raise UsageError("the api trigger answers GET requests: pass --query NAME=VALUE, not --data, --file or --key.")
        url = invoke_url(target, event.query)
        status, body = http_get(url, signed_headers("GET", url, target.settings))
        return Sent({"url": url}, status=status, body=body, expects_logs=False)
