"""JSON documents and JUnit XML of check results; invocations split out of log lines; durations."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from orchestrator import reports
from orchestrator.errors import UsageError
from orchestrator.fire import group_invocations
from orchestrator.load import LoadResult
from orchestrator.logwatch import LogEvent
from orchestrator.experiments.verdicts import FAIL, NOT_MODELLED, PASS, Row
from orchestrator.checking import CheckResult
from orchestrator.function_logs import parse_duration

RESULTS = [CheckResult("api", "synchronous", True, 0.2, "HTTP 200 'hello x'"),
           CheckResult("s3", "asynchronous", False, 30.0, "no 'S3 trigger Lambda' line", ("last log line: <oops> & more",))]


def test_junit_has_one_case_per_trigger_and_a_failure_with_its_detail():
    root = ET.fromstring(reports.junit_xml("trig check", reports.check_cases(RESULTS)))
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases["api"].find("failure") is None
    failure = cases["s3"].find("failure")
    assert failure.get("message") == "no 'S3 trigger Lambda' line"
    assert "last log line: <oops> & more" in failure.text  # escaped in the file, intact when parsed


def test_semantics_cases_fail_and_skip_by_verdict():
    rows = [Row("api", "synchronous", "p1", "e", "o", PASS), Row("s3", "asynchronous", "p2", "e", "o", FAIL),
            Row("kinesis", "stream", "p3", "e", "o", NOT_MODELLED)]
    suite = ET.fromstring(reports.junit_xml("s", reports.semantics_cases(rows))).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")
    assert [c.get("classname") for c in suite.iter("testcase")] == ["trig.semantics.api", "trig.semantics.s3", "trig.semantics.kinesis"]
    assert reports.semantics_document(rows)["ok"] is False


def test_documents_are_json_and_say_whether_all_passed():
    document = json.loads(json.dumps(reports.check_document(RESULTS)))
    assert document["ok"] is False
    assert [r["verdict"] for r in document["results"]] == ["ok", "FAILED"]
    load = reports.load_document([LoadResult("api", "synchronous", 10, 10, 0, 0, 1.0)])
    assert load["ok"] is True and load["results"][0]["fired"] == 10


def test_write_junit_to_an_unwritable_place_is_a_usage_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(UsageError, match="cannot write"):
        reports.write_junit(tmp_path / "file" / "x.xml", "s", [])


def test_invocations_are_split_per_stream_and_request_id():
    events = [LogEvent(1, "START RequestId: a Version: $LATEST", "s1"), LogEvent(2, "START RequestId: b Version: $LATEST", "s2"),
              LogEvent(3, "line of a", "s1"), LogEvent(3, "line of b", "s2"), LogEvent(4, "END RequestId: a", "s1"),
              LogEvent(5, "REPORT RequestId: a\tDuration: 1 ms", "s1"), LogEvent(6, "orphan", "s1")]
    a, b = group_invocations(events)
    assert (a.request_id, a.complete, a.lines[1:3]) == ("a", True, ["line of a", "END RequestId: a"])
    assert a.lines[-1].startswith("REPORT")
    assert (b.request_id, b.complete, b.lines) == ("b", False, ["START RequestId: b Version: $LATEST", "line of b"])


@pytest.mark.parametrize("text, seconds", [("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86400), ("45", 45)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_a_bad_duration_is_refused():
    with pytest.raises(UsageError, match="is not a duration"):
        parse_duration("ten minutes")
