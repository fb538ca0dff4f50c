"""The pure rules of `trig check --semantics`: observations in, verdicts out."""

import importlib.util
import json

import pytest

from orchestrator.errors import UsageError
from orchestrator.logwatch import LogEvent
from orchestrator.semantics.probe import probe_values
from orchestrator.triggers import probe_specs
from orchestrator.experiments.verdicts import (
    FAIL, NOT_MODELLED, PASS, ProbeLine, judge_async_always_raise, judge_async_fail_once, judge_async_returns_first,
    judge_batch_sizes, judge_exactly_once_in_order, judge_retry_until_success, judge_stream_retry_limit,
    judge_redrive, judge_sync_answer, judge_sync_raise, lines_for, merge_probe_lines, parse_probe_json,
    parse_probe_lines, unlogged,
)
from orchestrator.settings import Settings
from tests.conftest import PROJECT_DIR


def probe_event(request_id, ids, outcome="ok", started=0, nonce="n1", attempts=None):
    line = {"request_id": request_id, "nonces": [nonce], "ids": ids, "attempts": attempts or {}, "outcome": outcome,
            "started_ms": started, "finished_ms": started + 5}
    return LogEvent(started, "PROBE " + json.dumps(line), "stream")


def line(ids, ok=True, started=0):
    return ProbeLine(f"req-{started}", ("n",), tuple(ids), {}, "ok" if ok else "raise", started, started + 1)


def test_probe_lines_are_parsed_deduplicated_and_ordered_by_start():
    events = [probe_event("b", ["r1"], started=20), LogEvent(1, "START RequestId: a", "s"),
              probe_event("a", ["r0"], started=10), probe_event("b", ["r1"], started=20),
              LogEvent(2, "PROBE {not json", "s"), probe_event("c", ["x"], nonce="other", started=5)]
    lines = parse_probe_lines(events)
    assert [line.request_id for line in lines] == ["c", "a", "b"]
    assert [line.ids for line in lines_for(lines, "n1")] == [("r0",), ("r1",)]


def test_records_fill_in_the_invocations_the_engine_never_logged():
    logged = parse_probe_lines([probe_event("a", ["r0"], started=10), probe_event("b", ["r1"], started=20)])
    record = json.loads(probe_event("c", ["r2"], outcome="raise", started=15).message[len("PROBE "):])
    recorded = [parse_probe_json(json.dumps(record), logged=False),
                parse_probe_json(probe_event("b", ["r1"], started=20).message[len("PROBE "):], logged=False)]
    lines = merge_probe_lines(logged, recorded)
    assert [(line.request_id, line.logged) for line in lines] == [("a", True), ("c", False), ("b", True)]
    assert unlogged(lines) == 1 and unlogged(logged) == 0
    assert parse_probe_json("{not json") is None and parse_probe_json('{"nonces": []}') is None


def test_sync_answer_needs_200_the_function_answer_and_one_invocation():
    body = json.dumps({"answer": "probe n a"})
    assert judge_sync_answer(200, body, "probe n a", 1).verdict == PASS
    assert judge_sync_answer(200, body, "probe other a", 1).verdict == FAIL
    assert judge_sync_answer(502, body, "probe n a", 1).verdict == FAIL
    assert judge_sync_answer(200, "not json", "probe n a", 1).verdict == FAIL
    assert judge_sync_answer(200, body, "probe n a", 2).verdict == FAIL


@pytest.mark.parametrize("status,invocations,verdict", [(502, 1, PASS), (500, 1, PASS), (502, 2, FAIL),
                                                         (200, 1, FAIL), (502, 0, FAIL)])
def test_sync_raise_is_a_5xx_and_exactly_one_invocation(status, invocations, verdict):
    judged = judge_sync_raise(status, invocations)
    assert judged.verdict == verdict
    assert judged.counts == {"status": status, "invocations": invocations}


def test_async_put_must_return_before_the_function_finishes():
    assert judge_async_returns_first(1000, 1020, 3100).verdict == PASS
    assert judge_async_returns_first(1000, 3200, 3100).verdict == FAIL
    assert judge_async_returns_first(1000, 1020, None).verdict == FAIL


def test_async_always_raise_counts_retries_and_needs_the_destination():
    assert judge_async_always_raise(2, 1, True).verdict == PASS
    assert judge_async_always_raise(3, 2, True).verdict == PASS
    assert judge_async_always_raise(3, 1, True).verdict == FAIL  # the retry limit was not obeyed
    assert judge_async_always_raise(2, 1, False).verdict == FAIL


def test_async_single_invocation_is_not_modelled_only_when_the_settings_read_back():
    judged = judge_async_always_raise(1, 1, False, accepted=True)
    assert judged.verdict == NOT_MODELLED and "no retry" in judged.observed
    assert judge_async_always_raise(1, 1, False, accepted=False).verdict == FAIL
    assert judge_async_always_raise(1, 1, False).verdict == FAIL
    assert judge_async_always_raise(3, 1, False, accepted=True).verdict == FAIL  # retried too often: wrong, not absent
    assert judge_async_always_raise(2, 1, True, accepted=True).verdict == PASS
    assert judge_async_fail_once(1, False, False, accepted=True).verdict == NOT_MODELLED
    assert judge_async_fail_once(1, False, False, accepted=False).verdict == FAIL
    assert judge_async_fail_once(2, True, False, accepted=True).verdict == PASS


def test_async_queued_row_names_the_call():
    assert judge_async_returns_first(1000, 1020, 3100, "Publish").observed.startswith("Publish returned after 20 ms")


def test_redrive_needs_the_count_and_the_dead_letter_queue():
    assert judge_redrive(2, 2, True, True).verdict == PASS
    assert judge_redrive(3, 2, False, True).verdict == NOT_MODELLED
    assert judge_redrive(1, 2, True, True).verdict == FAIL  # moved too early
    assert judge_redrive(2, 2, False, True).verdict == FAIL
    assert judge_redrive(2, 2, True, False).verdict == FAIL


def test_async_fail_once_is_two_invocations_and_nothing_in_the_destination():
    assert judge_async_fail_once(2, True, False).verdict == PASS
    assert judge_async_fail_once(2, True, True).verdict == FAIL
    assert judge_async_fail_once(1, False, False).verdict == FAIL
    assert judge_async_fail_once(3, True, False).verdict == FAIL


def test_batches_must_respect_batch_size():
    assert judge_batch_sizes([["a"] * 10, ["b"] * 10, ["c"] * 5], 10).verdict == PASS
    judged = judge_batch_sizes([["a"] * 25], 10)
    assert (judged.verdict, judged.counts["sizes"]) == (FAIL, [25])
    assert judge_batch_sizes([], 10).verdict == FAIL


def test_exactly_once_in_order():
    sent = ["r0", "r1", "r2"]
    assert judge_exactly_once_in_order([["r0", "r1"], ["r2"]], sent).verdict == PASS
    assert judge_exactly_once_in_order([["r0", "r1"], ["r1", "r2"]], sent).verdict == FAIL
    assert judge_exactly_once_in_order([["r1", "r0"], ["r2"]], sent).verdict == FAIL
    assert judge_exactly_once_in_order([["r0", "r1"]], sent).verdict == FAIL


def test_retry_until_success_keeps_order():
    good = [line(["h"], False, 1), line(["h", "b1"], False, 2), line(["h", "b1", "b2"], True, 3)]
    judged = judge_retry_until_success(good, "h", 2, ["b1", "b2"])
    assert (judged.verdict, judged.counts["invocations"]) == (PASS, 3)
    skipped_ahead = [line(["h"], False, 1), line(["b1", "b2"], True, 2), line(["h"], False, 3), line(["h"], True, 4)]
    assert judge_retry_until_success(skipped_ahead, "h", 2, ["b1", "b2"]).verdict == FAIL
    gave_up = [line(["h"], False, 1), line(["h"], False, 2)]
    assert judge_retry_until_success(gave_up, "h", 2, ["b1", "b2"]).verdict == FAIL
    assert judge_retry_until_success([], "h", 2, ["b1"]).verdict == FAIL


def test_stream_retry_limit_distinguishes_pass_fail_and_not_modelled():
    assert judge_stream_retry_limit(3, 2, True, True).verdict == PASS
    assert judge_stream_retry_limit(6, 2, False, True).verdict == NOT_MODELLED
    assert judge_stream_retry_limit(6, 2, False, False).verdict == FAIL  # the setting never reached the mapping
    assert judge_stream_retry_limit(3, 2, False, True).verdict == FAIL  # stopped, but nothing sent on
    assert judge_stream_retry_limit(1, 2, True, True).verdict == FAIL


def settings():
    return Settings(PROJECT_DIR, PROJECT_DIR / ".trig", "http://x", "us-east-1", "123456789012", None, "terraform")


def test_probe_values_apply_set_and_refuse_a_non_number():
    spec = probe_specs(settings())["s3"]
    assert probe_values(spec, {})["maximum_retry_attempts"] == 1
    assert probe_values(spec, {"s3.maximum_retry_attempts": "2"})["maximum_retry_attempts"] == 2
    assert probe_values(spec, {"s3.bucket": "b"})["bucket"] == "b"
    with pytest.raises(UsageError, match="must be a whole number"):
        probe_values(spec, {"maximum_retry_attempts": "two"})


def test_probe_buckets_carry_the_account():
    specs = probe_specs(settings())
    assert specs["s3"].defaults["bucket"] == "trig-probe-123456789012-events"
    # Every registered type with experiments has its probe, in its own workspace.
    assert {s.workspace for s in specs.values()} == {f"probe-{name}" for name in specs}
    assert {"api", "s3", "kinesis"} <= set(specs)


def load_probe():
    spec = importlib.util.spec_from_file_location("probe_handler", PROJECT_DIR / "functions" / "probe" / "handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_probe_reads_instructions_from_each_event_shape():
    probe = load_probe()
    assert probe.parse_instruction("fail-2.abc.head") == {"action": "fail", "arg": 2, "nonce": "abc", "id": "head"}
    assert probe.parse_instruction("dance.abc.x") is None
    api = {"httpMethod": "GET", "queryStringParameters": {"name": "raise.n.a"}}
    s3 = {"Records": [{"s3": {"object": {"key": "probe/sleep-2000.n.a.txt"}}}]}
    kinesis = {"Records": [{"kinesis": {"data": "YW5zd2VyLm4ucjAx"}}]}  # answer.n.r01
    assert [i["action"] for i in probe.instructions(api)] == ["raise"]
    assert [(i["action"], i["arg"]) for i in probe.instructions(s3)] == [("sleep", 2000)]
    assert [i["id"] for i in probe.instructions(kinesis)] == ["r01"]
    sns = {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "raise.n.s"}}]}
    events = {"detail-type": "trig", "source": "trig.probe", "detail": {"nonce": "fail-1.n.e"}}
    scheduled = {"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}}
    dynamodb = {"Records": [{"eventName": "INSERT", "dynamodb": {"NewImage": {"nonce": {"S": "answer.n.d1"}}}},
                            {"eventName": "REMOVE", "dynamodb": {"OldImage": {"nonce": {"S": "answer.n.d0"}}}}]}
    sqs = {"Records": [{"eventSource": "aws:sqs", "body": "answer.n.q1"}, {"eventSource": "aws:sqs", "body": "hi"}]}
    assert [i["action"] for i in probe.instructions(sns)] == ["raise"]
    assert [(i["action"], i["arg"], i["id"]) for i in probe.instructions(events)] == [("fail", 1, "e")]
    assert probe.instructions(scheduled) == []
    assert [i["id"] for i in probe.instructions(dynamodb)] == ["d1"]
    assert [i["id"] for i in probe.instructions(sqs)] == ["q1"]


def test_probe_answers_and_raises_as_told(capsys):
    probe = load_probe()
    answer = probe.handler({"httpMethod": "GET", "queryStringParameters": {"name": "answer.n.a"}}, None)
    assert answer["statusCode"] == 200 and json.loads(answer["body"])["answer"] == "probe n a"
    with pytest.raises(probe.ProbeFailure):
        probe.handler({"Records": [{"kinesis": {"data": "cmFpc2Uubi5y"}}]}, None)  # raise.n.r
    lines = [json.loads(text[len("PROBE "):]) for text in capsys.readouterr().out.splitlines()]
    assert [(entry["ids"], entry["outcome"]) for entry in lines] == [(["a"], "ok"), (["r"], "raise")]


class FakeStateBucket:
    """Stands in for the probe's boto3 S3 client: keeps what is put, or fails every put."""

    def __init__(self, fail: bool = False):
        self.objects: dict[str, bytes] = {}
        self.fail = fail

    def put_object(self, Bucket, Key, Body):  # noqa: N803 (boto3's names)
        if self.fail:
            raise ConnectionError("emulator busy")
        self.objects[f"{Bucket}/{Key}"] = Body


class Context:
    aws_request_id = "req-1"


def test_probe_records_each_invocation_before_it_logs_or_raises(monkeypatch, capsys):
    probe = load_probe()
    bucket = FakeStateBucket()
    monkeypatch.setenv("PROBE_STATE_BUCKET", "state")
    monkeypatch.setattr(probe, "_clients", [bucket])
    probe.handler({"Records": [{"kinesis": {"data": "YW5zd2VyLm4ucjAx"}}]}, Context())  # answer.n.r01
    with pytest.raises(probe.ProbeFailure):
        probe.handler({"Records": [{"kinesis": {"data": "cmFpc2UubS5y"}}]}, Context())  # raise.m.r
    logged = [text[len("PROBE "):] for text in capsys.readouterr().out.splitlines()]
    assert bucket.objects == {"state/invocations/n/req-1": logged[0].encode(),
                              "state/invocations/m/req-1": logged[1].encode()}


def test_a_probe_that_cannot_record_still_answers_and_logs(monkeypatch, capsys):
    probe = load_probe()
    monkeypatch.setenv("PROBE_STATE_BUCKET", "state")
    monkeypatch.setattr(probe, "_clients", [FakeStateBucket(fail=True)])
    answer = probe.handler({"httpMethod": "GET", "queryStringParameters": {"name": "answer.n.a"}}, Context())
    assert answer["statusCode"] == 200
    out = capsys.readouterr().out
    assert "PROBE-RECORD-FAILED n: emulator busy" in out and '"outcome": "ok"' in out
