"""trig's pytest plugin, run by pytest's own pytester in a subprocess against the real emulator: stacks applied once
per session and destroyed after, a readable failure, --trig-keep, two xdist workers on one emulator, --trig-root."""

from __future__ import annotations

import json
import re

import boto3

from orchestrator.emulator import is_healthy
from tests.conftest import new_account
from tests.fixtures.roots import copy_with_zips


STACK_TESTS = '''
def test_the_api_answers(trig_stack):
    stack = trig_stack("api")
    fired = stack.fire(query={"name": "pytest"})
    assert (fired.status, fired.body) == (200, "hello pytest")
    assert stack.settings.account_id == "{account}"


def test_the_topic_delivers_and_the_function_logs_it(trig_stack):
    stack = trig_stack("sns")
    fired = stack.fire(data="order 7").wait_logged("Message = order 7", within=30)
    assert fired.duration_ms is not None and stack.outputs.function_name == stack.function_name
    assert stack.invoke({"Records": []}).error is None


def test_a_line_never_logged_fails_readably(trig_stack):
    trig_stack("sns").fire(data="order 8").wait_logged("stored order 8", within=3)
'''


def functions_of(endpoint: str, account: str) -> list[str]:
    client = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=account,
                          aws_secret_access_key="test")
    return sorted(f["FunctionName"] for f in client.list_functions()["Functions"])


def test_stacks_are_applied_once_fired_and_destroyed_and_a_failed_wait_shows_what_was_logged(pytester,
                                                                                            emulator_endpoint):
    account = new_account()
    pytester.makepyfile(test_orders=STACK_TESTS.replace("{account}", account))
    result = pytester.runpytest_subprocess("--trig-endpoint", emulator_endpoint, "--trig-account", account,
                                           "-p", "no:cacheprovider", timeout=600)
    result.assert_outcomes(passed=2, failed=1)  # applied in the account given, whichever worker runs pytester
    result.stdout.fnmatch_lines(["*'stored order 8' not logged by sns-trigger-test within 3 s of firing sns; its "
                                 "last lines:*", "*Message = order 8*"])
    assert functions_of(emulator_endpoint, account) == []  # destroyed at the session's end


def test_keep_leaves_the_stack_for_a_look(pytester, emulator_endpoint, make_trig, tmp_path):
    account = new_account()
    pytester.makepyfile(test_api='''
        def test_the_api_answers(trig_stack):
            assert trig_stack("api").fire(query={"name": "kept"}).body == "hello kept"
        ''')
    result = pytester.runpytest_subprocess("--trig-endpoint", emulator_endpoint, "--trig-account", account,
                                           "--trig-keep", "-p", "no:cacheprovider", timeout=600)
    result.assert_outcomes(passed=1)
    [kept] = [line for line in result.outlines if line.startswith("trig: kept api at ")]
    assert f"for account {account}" in kept, kept
    assert functions_of(emulator_endpoint, account) == ["api-gateway-test"]
    home = re.search(r"TRIG_HOME=(\S+)\)", kept).group(1)
    trig = make_trig()
    trig.run("destroy", "all", TRIG_HOME=home, TRIG_ACCOUNT=account)
    assert functions_of(emulator_endpoint, account) == []


def test_two_xdist_workers_share_one_emulator_each_in_an_account_of_its_own(pytester, tmp_path):
    seen = tmp_path / "seen"
    seen.mkdir()
    for name in ("first", "second"):
        pytester.makepyfile(**{f"test_{name}": f'''
            import json, pathlib

            def test_{name}(trig_stack, trig_emulator):
                stack = trig_stack("api")
                assert stack.fire(query={{"name": "{name}"}}).body == "hello {name}"
                record = {{"endpoint": trig_emulator.endpoint, "account": stack.settings.account_id}}
                pathlib.Path({str(seen)!r}, "{name}.json").write_text(json.dumps(record))
            '''})
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist", "--dist", "loadfile", "-p", "no:cacheprovider",
                                           "--trig-account", new_account(), timeout=600)
    result.assert_outcomes(passed=2)
    records = [json.loads(path.read_text()) for path in sorted(seen.iterdir())]
    assert len({r["endpoint"] for r in records}) == 1, records  # one emulator for both workers
    assert len({r["account"] for r in records}) == 2, records
    assert not is_healthy(records[0]["endpoint"])  # the plugin started it, and stopped it at the end


def test_trig_root_runs_one_generated_test_per_trigger_found(pytester, emulator_endpoint, tmp_path):
    root = copy_with_zips("tiny", tmp_path)
    account = new_account()
    pytester.makepyfile(test_nothing="")
    result = pytester.runpytest_subprocess("--trig-root", str(root), "--trig-endpoint", emulator_endpoint,
                                           "--trig-account", account, "-v", "-p", "no:cacheprovider", timeout=600)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*function_url aws_lambda_function_url.hello PASSED*",
                                 "*s3 aws_s3_bucket_notification.uploads PASSED*"])
    assert functions_of_region(emulator_endpoint, account) == []  # the root destroyed at the end


def functions_of_region(endpoint: str, account: str) -> list[str]:
    client = boto3.client("lambda", endpoint_url=endpoint, region_name="eu-central-1", aws_access_key_id=account,
                          aws_secret_access_key="test")
    return [f["FunctionName"] for f in client.list_functions()["Functions"]]


def test_the_plugin_is_registered_for_pytest(pytester):
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--trig-endpoint=URL*", "*--trig-keep*", "*--trig-root=DIR*"])
