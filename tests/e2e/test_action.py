"""scripts/trig_action.py as the composite action runs it, against the shared emulator and a loopback GitHub."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.scripts.fake_github import FakeGitHub

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "trig_action.py"


def test_the_action_plans_into_the_comment_and_the_summary_then_applies_checks_and_writes_the_reports(make_trig,
                                                                                                     tmp_path):
    trig = make_trig()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 9, "head": {"sha": "fedcba9876543210"}}}))
    summary, reports = tmp_path / "summary.md", tmp_path / "reports"
    with FakeGitHub() as github:
        env = trig.env(GITHUB_EVENT_PATH=str(event), GITHUB_REPOSITORY="acme/shop", GITHUB_API_URL=github.url,
                       GITHUB_TOKEN=github.token, GITHUB_STEP_SUMMARY=str(summary), TRIG_ACTION_TRIGGERS="api",
                       TRIG_ACTION_REPORTS=str(reports), TRIG_ACTION_CHECK_ARGS="--timeout 60")
        result = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=600,
                                cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        [comment] = github.comments[9]
    body = comment["body"]
    assert body.startswith("<!-- trig-plan-review -->\n\n`trig validate`: formatted and valid at fedcba987654.\n")
    assert "### api: 11 to add" in body and summary.read_text() == body
    document = json.loads((reports / "trig.json").read_text())
    assert document["ok"] and [r["trigger"] for r in document["results"]] == ["api"]
    assert [case.get("name") for case in ET.parse(reports / "trig.xml").getroot().iter("testcase")] == ["api"]
    assert "$ trig check api --timeout 60 --json --junit" in result.stderr
