import pytest

from orchestrator.errors import UsageError
from orchestrator.set_values import check_sets, values_for
from orchestrator.triggers import REGISTRY, select_triggers
from orchestrator.triggers.base import Trigger, UserEvent


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
        check_sets([REGISTRY["s3"]], {"colour": "red"}, REGISTRY.values())
    with pytest.raises(UsageError, match="--set greeting: greeting is a setting of api, which is not selected"):
        check_sets([REGISTRY["s3"]], {"greeting": "hi"}, REGISTRY.values())
    check_sets(select_triggers(["all"]), {"greeting": "hi", "kinesis.batch_size": "10"}, REGISTRY.values())


def test_the_default_send_event_sends_the_check_event_through_the_one_verb():
    from orchestrator.triggers.base import AppliedTrigger, UserEvent
    from orchestrator.triggers.sqs import SqsTrigger

    calls = []

    class Recording(SqsTrigger):
        def send(self, target, texts, concurrency=1):
            calls.append((texts, concurrency))

    sent = Recording().send_event(AppliedTrigger(None, {}), UserEvent(), 12.0)
    [([text], concurrency)] = calls
    assert (text, concurrency) == (f"test-{sent.receipt['nonce']}", 1)
    assert sent.receipt == {"nonce": sent.receipt["nonce"]} and sent.marker == f"Body = {text}"


def test_every_trigger_type_sends_a_user_event_with_a_timeout():
    import inspect

    for trigger in REGISTRY.values():
        assert "timeout" in inspect.signature(trigger.send_event).parameters, trigger.name


class Recorded(Trigger):
    """A trigger type without its own `trig fire` options, recording what it is asked to send."""

    name, invocation, description, defaults = "recorded", "asynchronous", "", {}

    def __init__(self):
        self.calls = []

    def send(self, target, texts, concurrency=1):
        self.calls.append((texts, concurrency))

    def source(self, target):
        return "recorded-source"

    def marker(self, target, nonce):
        return f"Data = {self.payload(nonce)}"

    def probe_defaults(self, settings):
        return {"stream": "probe-stream"}

    def run_semantics(self, target, values, new_nonce, timeout):
        return []


def test_check_load_and_fire_all_go_through_send_with_the_check_payload():
    recorded = Recorded()
    assert recorded.fire_load(None, ["n1", "n2"], 4, 30.0) is None
    sent = recorded.send_event(None, UserEvent(), 12.0)
    assert recorded.calls == [(["test-n1", "test-n2"], 4), ([f"test-{sent.receipt['nonce']}"], 1)]
    assert sent.marker == f"Data = test-{sent.receipt['nonce']}"


def test_fire_sends_data_as_it_is_when_the_type_takes_it():
    recorded = Recorded()
    recorded.fire_options = {"data": "the message"}
    sent = recorded.send_event(None, UserEvent(data=b"order 7"), 12.0)
    assert recorded.calls == [(["order 7"], 1)] and sent.marker is None


def test_fire_without_options_refuses_options_the_type_does_not_take():
    with pytest.raises(UsageError, match="a recorded trigger takes no --data"):
        Recorded().send_event(None, UserEvent(data=b"x"), 12.0)


def test_a_probe_is_the_types_defaults_under_the_common_values_and_the_types_own():
    from orchestrator.settings import resolve_settings

    spec = Recorded().probe(resolve_settings())
    assert (spec.workspace, spec.template, spec.function_dir) == ("probe-recorded", "recorded.tfvars.j2", "probe")
    assert spec.defaults["stream"] == "probe-stream" and spec.defaults["function_name"] == "trig-probe-recorded"
    assert spec.defaults["state_bucket"].endswith("-recorded-state")
