#!/usr/bin/env python3
"""The composite GitHub Action's work (action.yml): validate, plan into the job summary and one sticky pull-request
comment, apply and check, and leave the JSON and JUnit reports for the action to upload.

The action calls only this script, so everything it does is tested outside GitHub:

    python scripts/trig_action.py [--project FILE | --root DIR] [--triggers "all"] [--extra-args "..."]
                                  [--check-args "..."] [--reports DIR] [--port N]

It starts the embedded emulator (`trig up`, unless TRIG_ENDPOINT names one), runs `trig validate` (trig's own
Terraform; a team root is validated by its plan), `trig plan … --format markdown`, writes the comment body into
the job summary and, on a pull request with GITHUB_TOKEN, into the comment carrying plan_comment.MARKER; then
`trig apply …` and `trig check … --json --junit`, writing trig.json and trig.xml into --reports. Exit status 0
when every step passed.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plan_comment  # noqa: E402  (the comment body and the GitHub calls the plan workflow already uses)
from plan_comment import Step  # noqa: E402


def target_args(root: str, triggers: str) -> list[str]:
    """What names the work: --root DIR, or the functions and triggers named (all by default)."""
    return ["--root", root] if root else (shlex.split(triggers) or ["all"])


def run_job(args: argparse.Namespace, revision: str) -> tuple[str, bool]:
    """Every step; the comment body and whether all passed. The emulator it started is stopped at the end."""
    trig = plan_comment.trig
    targets = target_args(args.root, args.triggers)
    extra, check_extra = shlex.split(args.extra_args), shlex.split(args.check_args)
    started = False
    if not os.environ.get("TRIG_ENDPOINT"):
        if trig("up", *(["--port", str(args.port)] if args.port else [])).returncode != 0:
            return plan_comment.comment_body(Step(True, ""), Step(False, "trig up failed: the emulator did not start.")), False
        started = True
    checked = None
    try:
        # trig validate checks trig's own Terraform; a team's root is validated by its plan.
        validate = Step(True, "") if args.root else plan_comment.run_validate()
        plan = plan_comment.run_plan(args.reports / "plan.md", (*targets, *extra))
        applied = trig("apply", *targets, *extra)
        if applied.returncode == 0:
            checked = trig("check", *targets, *check_extra, "--json", "--junit", str(args.reports / "trig.xml"))
            (args.reports / "trig.json").write_text(checked.stdout, encoding="utf-8")
    finally:
        if started:
            trig("down")
    body = plan_comment.comment_body(validate, plan, revision)
    return body, validate.ok and plan.ok and checked is not None and checked.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default=os.environ.get("TRIG_ACTION_PROJECT", ""), help="the project file")
    parser.add_argument("--root", default=os.environ.get("TRIG_ACTION_ROOT", ""), help="a team's Terraform root")
    parser.add_argument("--triggers", default=os.environ.get("TRIG_ACTION_TRIGGERS", "all"),
                        help="the functions or triggers to work on (not with --root)")
    parser.add_argument("--extra-args", default=os.environ.get("TRIG_ACTION_EXTRA_ARGS", ""),
                        help="more arguments for plan and apply (--set, --var-file, --var), as one string")
    parser.add_argument("--check-args", default=os.environ.get("TRIG_ACTION_CHECK_ARGS", ""),
                        help="more arguments for check (--timeout), as one string")
    parser.add_argument("--reports", type=Path, default=Path(os.environ.get("TRIG_ACTION_REPORTS", "trig-reports")),
                        help="where trig.json, trig.xml and plan.md go")
    parser.add_argument("--port", type=int, help="port for `trig up` (default: trig's)")
    args = parser.parse_args(argv)
    if args.project and args.root:
        print("trig_action: give project or root, not both.", file=sys.stderr)
        return 2
    if args.project:
        os.environ["TRIG_CONFIG"] = str(Path(args.project).resolve())
    args.reports = args.reports.resolve()
    args.reports.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    context = plan_comment.pull_request_context(env)
    body, ok = run_job(args, context[3] if context else "")
    (args.reports / "comment.md").write_text(body, encoding="utf-8")
    if summary := env.get("GITHUB_STEP_SUMMARY"):
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(body)
    token = env.get("GITHUB_TOKEN")
    if context and token:
        api, repo, number, _ = context
        try:
            verb, comment_id = plan_comment.upsert_comment(api, repo, number, token, body)
            print(f"{verb} comment {comment_id} on {repo}#{number}", file=sys.stderr)
        except plan_comment.CommentError as exc:
            print(f"trig_action: could not comment: {exc}", file=sys.stderr)
            return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
