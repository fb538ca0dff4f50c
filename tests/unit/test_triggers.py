import pytest

from orchestrator.errors import UsageError
from orchestrator.stack import check_set_names, values_for
from orchestrator.triggers import REGISTRY, select_triggers
from orchestrator.triggers.base import SyncAnswers, Trigger, UserEvent


def test_all_selects_every_trigger_in_registry_order():
    assert [t.name for t in select_triggers(["all"])] == ["api", "s3", "kinesis", "sns", "schedule", "dynamodb", "sqs"]
    assert [t.name for t in select_triggers(["kinesis", "api", "api"])] == ["api", "kinesis"]


def test_unknown_trigger_lists_the_known_ones():
    with pytest.raises(UsageError, match=f"unknown trigger 'lambda': choose from {', '.join(REGISTRY)} or all"):
        select_triggers(["lambda"])


def test_defaults_are_the_walkthrough_names():
    assert REGISTRY["api"].defaults["function_name"] == "api-gateway-test"
    assert REGISTRY["api"].defaults["api_name"] == "API Gateway Test"
    assert REGISTRY["s3"].defaults["bucket"] == "test-bucket"
    assert REGISTRY["kinesis"].defaults["stream"] == "lambda-test"
    assert REGISTRY["sns"].defaults["topic"] == "lambda-test-topic"
    assert REGISTRY["schedule"].defaults["schedule_expression"] == "rate(1 minute)"


def test_schedule_periods_come_from_rate_expressions():
    from orchestrator.triggers.schedule import rate_seconds

    assert rate_seconds("rate(1 minute)") == 60
    assert rate_seconds("rate(5 minutes)") == 300
    assert rate_seconds("rate(2 hours)") == 7200
    assert rate_seconds("cron(0 12 * * ? *)") is None


def test_set_applies_to_triggers_that_know_the_name_and_scoped_names_to_one():
    api, s3 = REGISTRY["api"], REGISTRY["s3"]
    assert values_for(api, {"greeting": "hi"})["greeting"] == "hi"
    assert "greeting" not in values_for(s3, {"greeting": "hi"})
    assert values_for(s3, {"api.function_name": "x"})["function_name"] == "s3-trigger-test"
    assert values_for(api, {"api.function_name": "x"})["function_name"] == "x"


def test_unknown_set_name_is_refused_with_the_known_names():
    with pytest.raises(UsageError, match="--set colour: unknown name for s3; known names are bucket, "):
        check_set_names([REGISTRY["s3"]], {"colour": "red"})
    with pytest.raises(UsageError, match="--set greeting: greeting is a setting of api, which is not selected"):
        check_set_names([REGISTRY["s3"]], {"greeting": "hi"})
    check_set_names(select_triggers(["all"]), {"greeting": "hi", "kinesis.batch_size": "10"})


def test_the_slowest_apply_keeps_the_cpu_and_a_single_one_yields_nothing():
    from orchestrator.stack import slowest_to_apply

    assert slowest_to_apply([REGISTRY["api"], REGISTRY["kinesis"], REGISTRY["s3"]]) is REGISTRY["kinesis"]
    assert slowest_to_apply([REGISTRY["kinesis"], REGISTRY["sqs"]]) is REGISTRY["sqs"]
    assert slowest_to_apply([REGISTRY["api"]]) is None


def test_the_default_send_event_fires_the_check_event_within_the_timeout():
    from orchestrator.triggers.base import Target, UserEvent
    from orchestrator.triggers.sqs import SqsTrigger

    calls = []

    class Recording(SqsTrigger):
        def fire_load(self, target, nonces, concurrency, timeout):
            calls.append((nonces, concurrency, timeout))
            return None

    sent = Recording().send_event(Target(None, {}), UserEvent(), 12.0)
    [(nonces, concurrency, timeout)] = calls
    assert (len(nonces), concurrency, timeout) == (1, 1, 12.0)
    assert sent.receipt == {"nonce": nonces[0]} and sent.marker == f"Body = test-{nonces[0]}"


def test_every_trigger_type_sends_a_user_event_with_a_timeout():
    import inspect

    for trigger in REGISTRY.values():
        assert "timeout" in inspect.signature(trigger.send_event).parameters, trigger.name


class Recorded(Trigger):
    """A trigger type without its own `trig fire` options, answering as told."""

    name, invocation, description, defaults = "recorded", "asynchronous", "", {}

    def __init__(self, answer):
        self.answer, self.calls = answer, []

    def fire_load(self, target, nonces, concurrency, timeout):
        self.calls.append((nonces, concurrency, timeout))
        return self.answer(nonces) if self.answer else None

    def marker(self, target, nonce):
        return f"Data = {nonce}"

    def fire_and_confirm(self, target, nonce, timeout):
        raise AssertionError("not used")


def test_fire_without_options_sends_the_check_event_and_reads_its_answer_or_its_marker():
    queued = Recorded(None)
    sent = queued.send_event(None, UserEvent(), 12.0)
    assert sent.marker == f"Data = {sent.receipt['nonce']}" and queued.calls[0][1:] == (1, 12.0)
    answered = Recorded(lambda nonces: SyncAnswers(confirmed=set(nonces)))
    assert answered.send_event(None, UserEvent(), 12.0).status == 200
    refused = Recorded(lambda nonces: SyncAnswers(confirmed=set()))
    assert refused.send_event(None, UserEvent(), 12.0).status is None
