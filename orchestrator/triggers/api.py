"""Synchronous: API Gateway waits for the function and returns its answer."""

from __future__ import annotations

import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_exponential

from orchestrator import plain_http as http
from orchestrator.aws import signed_headers
from orchestrator.confirmation import Confirmation
from orchestrator.errors import UsageError
from orchestrator.experiments.answered import run_answer_experiments
from orchestrator.experiments.verdicts import Row
from orchestrator.settings import Settings
from orchestrator.triggers.base import AppliedTrigger, NewNonce, Sent, SyncAnswers, Trigger, TypeRow, UserEvent


def invoke_url(target: AppliedTrigger, query: dict[str, str]) -> str:
    """The emulator's data-plane URL of the API's resource: {endpoint}/restapis/{id}/{stage}/_user_request_{path}."""
    api_id, stage, path = (target.outputs.of("api", key) for key in ("rest_api_id", "stage_name", "path"))
    base = f"{target.settings.endpoint}/restapis/{api_id}/{stage}/_user_request_{path}"
    return f"{base}?{urllib.parse.urlencode(query)}" if query else base


def http_get(url: str, headers: dict[str, str], timeout: float = 10.0) -> tuple[int, str]:
    """(HTTP status, body); (0, the error) when nothing answered."""
    answer = http.get(url, headers, timeout)
    return answer.status, answer.text


def _not_answered(answered: bool) -> bool:
    return not answered


# Answers a client retries: throttled, gateway errors, or nothing at all.
_RETRIED_STATUSES = {0, 429, 500, 502, 503, 504}


class ApiTrigger(Trigger):
    name = "api"
    listed = 1
    invocation = "synchronous"
    source_setting = "api_name"
    function_only = frozenset({"greeting"})  # the walk-through function's GREETING
    fire_options = {"query": "a query parameter"}
    row = TypeRow(
        trigger="API Gateway REST API `GET /hello` (`AWS_PROXY`)",
        aws_does="waits for the function and returns its answer; no retries",
        check_fires="`GET /restapis/{id}/prod/_user_request_/hello?name=<nonce>`",
        confirms="the body `hello <nonce>`",
    )
    defaults = {
        "function_name": "api-gateway-test",
        "greeting": "hello",
        "api_name": "API Gateway Test",
        "path": "hello",
        "stage": "prod",
        "timeout": 10,
        "memory_size": 128,
    }

    def get(self, target: AppliedTrigger, query: dict[str, str]) -> tuple[int, str]:
        """GET the API's resource with query: the one way trig calls this trigger. Returns (HTTP status, body)."""
        url = invoke_url(target, query)
        return http_get(url, signed_headers("GET", url, target.settings))

    def send(self, target: AppliedTrigger, texts: list[str], concurrency: int = 1) -> None:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(lambda text: self.get(target, {"name": text}), texts))

    def source(self, target: AppliedTrigger) -> str:
        return invoke_url(target, {})

    def payload(self, nonce: str) -> str:
        return nonce

    def marker(self, target: AppliedTrigger, nonce: str) -> str:
        raise NotImplementedError("the api trigger is confirmed by its answer, not by its logs")

    def environment(self, values: dict[str, object]) -> dict[str, str]:
        return {"GREETING": str(values["greeting"])}

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        return {"api_name": "trig probe", "path": "probe", "stage": "test"}

    def run_semantics(self, target: AppliedTrigger, values: dict, new_nonce: NewNonce, timeout: float) -> list[Row]:
        return run_answer_experiments(target, self.name, lambda instruction: self.get(target, {"name": instruction}),
                                      new_nonce, timeout)

    def fire_load(self, target: AppliedTrigger, nonces: list[str], concurrency: int, timeout: float) -> SyncAnswers:
        """GET once per nonce; a throttle (429), a gateway error (5xx) or no connection is retried, as a client would."""
        greeting = self.deployed_greeting(target)
        deadline = time.monotonic() + timeout
        answers = SyncAnswers(confirmed=set())
        lock = threading.Lock()

        def request(nonce: str) -> None:
            expected = (200, f"{greeting} {nonce}")
            tries: list[tuple[int, str]] = []

            def get() -> tuple[int, str]:
                tries.append(self.get(target, {"name": nonce}))
                return tries[-1]

            def retried_by_a_client(answer: tuple[int, str]) -> bool:
                return answer != expected and answer[0] in _RETRIED_STATUSES

            retrying = Retrying(retry=retry_if_result(retried_by_a_client),
                                stop=stop_after_delay(max(0.0, deadline - time.monotonic())),
                                wait=wait_exponential(multiplier=0.1, min=0.1, max=2.0))
            try:
                retrying(get)
            except RetryError:
                pass
            status, _ = tries[-1]
            with lock:
                answers.retried += len(tries) - 1
                if tries[-1] == expected:
                    answers.confirmed.add(nonce)
                else:
                    answers.unanswered[f"HTTP {status}" if status else "no connection"] += 1

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(request, nonces))
        return answers

    def deployed_greeting(self, target: AppliedTrigger) -> str:
        config = target.client("lambda").get_function_configuration(FunctionName=target.function_name)
        return config.get("Environment", {}).get("Variables", {}).get("GREETING", "hello")

    def fire_and_confirm(self, target: AppliedTrigger, nonce: str, timeout: float) -> Confirmation:
        expected = f"{self.deployed_greeting(target)} {nonce}"
        answers: list[str] = []
        started = time.monotonic()

        def get() -> bool:
            status, body = self.get(target, {"name": nonce})
            answers.append(f"HTTP {status}: {body[:200]}")
            return status == 200 and body == expected

        retrying = Retrying(retry=retry_if_result(_not_answered), stop=stop_after_delay(timeout),
                            wait=wait_exponential(multiplier=0.1, min=0.1, max=1.0))
        try:
            retrying(get)
        except RetryError:
            waited = round(time.monotonic() - started, 1)
            return Confirmation(False, f"expected HTTP 200 {expected!r}, last answer {answers[-1]} (waited {waited:.1f} s)",
                                answers[-3:], waited)
        return Confirmation(True, f"HTTP 200 {expected!r}", answers[-1:], round(time.monotonic() - started, 1))

    def send_event(self, target: AppliedTrigger, event: UserEvent, timeout: float) -> Sent:
        """GET the API's resource with the user's query; the answer is the function's."""
        if event.data is not None or event.key is not None:
            raise UsageError("the api trigger answers GET requests: pass --query NAME=VALUE, not --data, --file or --key.")
        status, body = self.get(target, event.query)
        return Sent({"url": invoke_url(target, event.query)}, status=status, body=body, expects_logs=False)
