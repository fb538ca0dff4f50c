"""The PR comment upsert of scripts/plan_comment.py against a loopback GitHub stand-in."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.scripts.fake_github import SCRIPT, FakeGitHub, load_script

plan_comment = load_script()
REPO = "acme/trig"


def test_first_run_creates_then_every_run_updates_the_same_comment():
    with FakeGitHub() as github:
        github.add(7, "LGTM")
        first = plan_comment.upsert_comment(github.url, REPO, 7, github.token, f"{plan_comment.MARKER}\nplan one")
        second = plan_comment.upsert_comment(github.url, REPO, 7, github.token, f"{plan_comment.MARKER}\nplan two")
        assert first[0] == "created" and second == ("updated", first[1])
        assert [c["body"] for c in github.comments[7]] == ["LGTM", f"{plan_comment.MARKER}\nplan two"]


def test_the_marked_comment_is_found_on_a_later_page():
    with FakeGitHub(page_size=2) as github:
        for text in ("a", "b", "c", "d"):
            github.add(3, text)
        marked = github.add(3, f"{plan_comment.MARKER}\nold plan")
        verb, comment_id = plan_comment.upsert_comment(github.url, REPO, 3, github.token, f"{plan_comment.MARKER}\nnew")
        assert (verb, comment_id) == ("updated", marked)
        assert len(github.comments[3]) == 5
        assert sum(1 for method, path in github.requests if method == "GET") == 3


def test_comments_of_other_pull_requests_are_left_alone():
    with FakeGitHub() as github:
        other = github.add(1, f"{plan_comment.MARKER}\nplan of PR 1")
        verb, _ = plan_comment.upsert_comment(github.url, REPO, 2, github.token, f"{plan_comment.MARKER}\nplan of PR 2")
        assert verb == "created"
        assert github.comments[1] == [{"id": other, "body": f"{plan_comment.MARKER}\nplan of PR 1"}]


def test_a_refused_token_is_one_clear_error():
    with FakeGitHub() as github:
        with pytest.raises(plan_comment.CommentError, match="HTTP 401: .*Bad credentials"):
            plan_comment.upsert_comment(github.url, REPO, 2, "wrong", "body")


def test_main_posts_the_report_for_the_pull_request_of_the_event(tmp_path, monkeypatch):
    """The posting half of main(), with the report (which needs Terraform) replaced by a fixed body."""
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 12, "head": {"sha": "abc123"}}}))
    summary = tmp_path / "summary.md"
    with FakeGitHub() as github:
        monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
        monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
        monkeypatch.setenv("GITHUB_API_URL", github.url)
        monkeypatch.setenv("GITHUB_TOKEN", github.token)
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
        seen = []
        monkeypatch.setattr(plan_comment, "build_report",
                            lambda out, port, revision: (seen.append(revision) or f"{plan_comment.MARKER}\nbody\n", True))
        assert plan_comment.main(["--out", str(tmp_path / "c.md")]) == 0
        assert plan_comment.main(["--out", str(tmp_path / "c.md")]) == 0
        assert seen == ["abc123", "abc123"]
        assert [c["body"] for c in github.comments[12]] == [f"{plan_comment.MARKER}\nbody\n"]
        assert summary.read_text().count("body") == 2


def test_comment_body_lists_validate_failures_and_cuts_to_fit():
    body = plan_comment.comment_body(plan_comment.Step(False, "terraform/a.tf: not formatted\n"),
                                     plan_comment.Step(True, "## trig plan\n" + "x\n" * 40_000))
    assert body.startswith(plan_comment.MARKER)
    assert "### `trig validate` failed\n\n- `terraform/a.tf: not formatted`" in body
    assert len(body) <= 65_536 and body.endswith("the full summary is in the job summary.\n")


def test_the_workflow_is_a_thin_caller_of_the_script():
    workflow = yaml.safe_load((SCRIPT.parents[1] / ".github" / "workflows" / "plan.yml").read_text())
    assert list(workflow[True]) == ["pull_request"]  # YAML 1.1 reads the key `on` as true
    assert workflow["permissions"]["pull-requests"] == "write"
    runs = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    assert runs == ['python scripts/plan_comment.py --install --out "$RUNNER_TEMP/trig-plan.md"']
    assert SCRIPT.is_file()
