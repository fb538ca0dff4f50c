"""--set names and values are checked before Terraform, naming what the user typed."""

from __future__ import annotations

import pytest

from orchestrator.errors import UsageError
from orchestrator.triggers import probe_specs
from orchestrator.set_values import FREE_TEXT, RULES, check_sets, rule_for
from orchestrator.settings import resolve_settings
from orchestrator.triggers import REGISTRY, select_triggers


def refused(names: list[str], sets: dict[str, str]) -> str:
    with pytest.raises(UsageError) as caught:
        check_sets(select_triggers(names), sets, REGISTRY.values())
    return str(caught.value)


@pytest.mark.parametrize(("names", "sets", "message"), [
    (["api"], {"api.timeout": "abc"}, "--set api.timeout=abc: timeout is a number of seconds from 1 to 900."),
    (["api"], {"timeout": "0"}, "--set timeout=0: timeout is a number of seconds from 1 to 900."),
    (["api"], {"memory_size": "64"}, "--set memory_size=64: memory_size is a number of MB from 128 to 10240."),
    (["kinesis"], {"starting_position": "EARLIEST"},
     "--set starting_position=EARLIEST: starting_position is TRIM_HORIZON or LATEST."),
    (["kinesis"], {"shard_count": "1.5"}, "--set shard_count=1.5: shard_count is a whole number of at least 1."),
    (["sqs"], {"batch_size": "0"}, "--set batch_size=0: batch_size is a whole number from 1 to 10000."),
    (["sqs"], {"visibility_timeout": "x"},
     "--set visibility_timeout=x: visibility_timeout is a whole number of seconds from 0 to 43200."),
    (["sqs"], {"max_receive_count": "1001"}, "--set max_receive_count=1001: max_receive_count is a whole number from 1 to 1000."),
    (["sqs"], {"maximum_batching_window_in_seconds": "301"},
     "--set maximum_batching_window_in_seconds=301: maximum_batching_window_in_seconds is a number of seconds from 0 to 300."),
    (["api"], {"stage": "no/slashes"}, "--set stage=no/slashes: stage is 1-128 letters, digits, hyphens or underscores."),
    (["s3"], {"bucket": "Upper_Case"}, "--set bucket=Upper_Case: bucket is 3-63 lowercase letters"),
    (["schedule"], {"schedule_expression": "hourly"}, "--set schedule_expression=hourly: schedule_expression is rate(N minutes)"),
    (["schedule"], {"event_source": "aws.events"}, "event_source is empty, or 1-256 letters"),
    (["api"], {"function_name": "x" * 65}, "function_name is 1-64 letters, digits, hyphens or underscores."),
    (["api", "s3"], {"timeout": "1e3"}, "--set timeout=1e3: timeout is a number of seconds"),
])
def test_a_value_its_setting_refuses_is_named_as_typed(names, sets, message):
    assert message in refused(names, sets)


def test_values_within_the_rules_pass():
    check_sets(select_triggers(["all"]), {"timeout": "900", "memory_size": "128", "kinesis.batch_size": "10000",
                                          "starting_position": "LATEST", "schedule_expression": "rate(5 minutes)",
                                          "sqs.maximum_batching_window_in_seconds": "0.5", "greeting": 'a "b" ${c}',
                                          "event_source": "", "bucket": "my.bucket-1"}, REGISTRY.values())


def test_a_setting_of_an_unselected_trigger_says_so():
    assert refused(["api"], {"s3.bucket": "x"}) == (
        "--set s3.bucket: bucket is a setting of s3, which is not selected: add s3 to the triggers, or drop it.")
    assert refused(["api"], {"batch_size": "5"}).startswith(
        "--set batch_size: batch_size is a setting of kinesis, dynamodb and sqs, which are not selected: add kinesis")


def test_unknown_names_and_triggers_list_what_is_known():
    assert refused(["api"], {"colour": "red"}) == (
        "--set colour: unknown name for api; known names are api_name, function_name, greeting, memory_size, path, "
        "stage, timeout.")
    assert refused(["api"], {"s3.bogus": "1"}).startswith("--set s3.bogus: unknown name for s3; known names are bucket, ")
    assert refused(["api"], {"lambda.timeout": "1"}).startswith("--set lambda.timeout: unknown trigger 'lambda'; choose from api, s3")


def test_probe_settings_have_the_rules_of_their_module(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIG_HOME", str(tmp_path))
    specs = probe_specs(resolve_settings())
    with pytest.raises(UsageError, match=r"maximum_retry_attempts is a whole number from 0 to 2\."):
        check_sets([specs["s3"]], {"maximum_retry_attempts": "5"}, specs.values())
    check_sets([specs["kinesis"]], {"maximum_retry_attempts": "-1"}, specs.values())
    assert rule_for("dynamodb", "maximum_retry_attempts").accepts("10000")


def test_every_setting_of_every_trigger_and_probe_has_a_rule_or_is_free_text(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIG_HOME", str(tmp_path))
    names = {name for t in REGISTRY.values() for name in t.defaults}
    names |= {name for spec in probe_specs(resolve_settings()).values() for name in spec.defaults}
    assert names - set(RULES) - FREE_TEXT == set()
    for trigger in REGISTRY.values():
        for name, default in trigger.defaults.items():
            rule = rule_for(trigger.name, name)
            if rule is not None and default is not None:
                assert rule.accepts(str(default)), f"{trigger.name}.{name} = {default!r} breaks its own rule"
