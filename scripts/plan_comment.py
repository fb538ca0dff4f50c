#!/usr/bin/env python3
"""Plan review for a pull request: validate, plan every trigger, and keep ONE comment on the PR up to date.

The pull-request workflow calls only this script, so everything it does is tested outside GitHub:

    python scripts/plan_comment.py [--install] [--port N] [--out plan.md]

It starts the embedded emulator (`trig up`, unless TRIG_ENDPOINT names one), runs `trig validate`
and `trig plan all --format markdown`, writes the comment body to --out, and, when GITHUB_TOKEN and
a pull-request event are present, creates or updates the comment carrying MARKER through the GitHub
REST API. Exit status: 0 when validate and plan succeeded (changes are not a failure), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

MARKER = "<!-- trig-plan-review -->"
PROJECT_DIR = Path(__file__).resolve().parent.parent
# GitHub refuses comment bodies over 65,536 characters.
MAX_COMMENT_CHARS = 65_000
_NEXT_LINK = re.compile(r'<([^>]+)>;\s*rel="next"')


class CommentError(Exception):
    """The GitHub API refused or failed a request."""


@dataclass(frozen=True)
class Step:
    ok: bool
    output: str


def trig(*args: str) -> subprocess.CompletedProcess:
    """Run the installed trig (same interpreter as this script), stderr passed through for the CI log."""
    print(f"$ trig {' '.join(args)}", file=sys.stderr, flush=True)
    return subprocess.run([sys.executable, "-m", "orchestrator", *args], stdout=subprocess.PIPE,
                          stderr=None, text=True, check=False)


def run_validate() -> Step:
    result = trig("validate")
    return Step(result.returncode == 0, result.stdout.strip())


def run_plan(out: Path, targets: tuple[str, ...] = ("all",)) -> Step:
    result = trig("plan", *targets, "--format", "markdown", "--out", str(out))
    if result.returncode == 0 and out.is_file():
        return Step(True, out.read_text(encoding="utf-8"))
    return Step(False, result.stdout.strip() or "trig plan failed; see the job log.")


def comment_body(validate: Step, plan: Step, revision: str = "") -> str:
    """The PR comment: the hidden marker, the plan summary, and validation failures if any."""
    parts = [MARKER]
    if validate.ok:
        parts.append(f"`trig validate`: formatted and valid{f' at {revision[:12]}' if revision else ''}.")
    else:
        lines = "\n".join(f"- `{line}`" for line in validate.output.splitlines() if line.strip())
        parts.append(f"### `trig validate` failed\n\n{lines}")
    parts.append(plan.output if plan.ok else f"### `trig plan` failed\n\n```\n{plan.output}\n```")
    body = "\n\n".join(parts).rstrip() + "\n"
    if len(body) > MAX_COMMENT_CHARS:
        cut = body[:MAX_COMMENT_CHARS].rsplit("\n", 1)[0]
        body = cut + "\n\n… cut to fit a GitHub comment; the full summary is in the job summary.\n"
    return body


# -- GitHub REST API -------------------------------------------------------------------------


def _request(method: str, url: str, token: str, payload: dict | None = None) -> tuple[object, dict]:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {token}",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "trig-plan-comment",
        **({"Content-Type": "application/json"} if data is not None else {}),
    })
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:200]
        raise CommentError(f"{method} {url} answered HTTP {exc.code}: {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise CommentError(f"{method} {url} failed: {exc}") from None


def find_comment(api: str, repo: str, number: int, token: str) -> int | None:
    """The id of the PR comment holding MARKER, following pagination; None when there is none yet."""
    url: str | None = f"{api}/repos/{repo}/issues/{number}/comments?per_page=100"
    while url:
        comments, headers = _request("GET", url, token)
        for comment in comments:
            if MARKER in (comment.get("body") or ""):
                return comment["id"]
        match = _NEXT_LINK.search(headers.get("Link", "") or headers.get("link", ""))
        url = match.group(1) if match else None
    return None


def upsert_comment(api: str, repo: str, number: int, token: str, body: str) -> tuple[str, int]:
    """Update the marked comment, or create it; returns ("updated" | "created", comment id)."""
    api = api.rstrip("/")
    existing = find_comment(api, repo, number, token)
    if existing is not None:
        _request("PATCH", f"{api}/repos/{repo}/issues/comments/{existing}", token, {"body": body})
        return "updated", existing
    created, _ = _request("POST", f"{api}/repos/{repo}/issues/{number}/comments", token, {"body": body})
    return "created", created["id"]


def pull_request_context(env: dict[str, str]) -> tuple[str, str, int, str] | None:
    """(api url, owner/repo, PR number, head sha) from the Actions environment; None outside a PR run."""
    event_path = env.get("GITHUB_EVENT_PATH")
    if not (event_path and env.get("GITHUB_REPOSITORY")):
        return None
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pull = event.get("pull_request") or {}
    if "number" not in pull:
        return None
    api = env.get("GITHUB_API_URL", "https://api.github.com")
    return api, env["GITHUB_REPOSITORY"], int(pull["number"]), (pull.get("head") or {}).get("sha", "")


# -- the whole job ------------------------------------------------------------------------------


def install_trig() -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", str(PROJECT_DIR)], check=True)


def build_report(out: Path, port: int | None, revision: str = "") -> tuple[str, bool]:
    """Start the emulator if needed, validate, plan; returns the comment body and whether both succeeded."""
    started = False
    if not os.environ.get("TRIG_ENDPOINT"):
        result = trig("up", *(["--port", str(port)] if port else []))
        if result.returncode != 0:
            return comment_body(Step(True, ""), Step(False, "trig up failed: the emulator did not start.")), False
        started = True
    try:
        validate = run_validate()
        plan = run_plan(out.with_suffix(".plan.md"))
    finally:
        if started:
            trig("down")
    body = comment_body(validate, plan, revision)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return body, validate.ok and plan.ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="pip install this checkout first")
    parser.add_argument("--port", type=int, help="port for `trig up` (default: trig's)")
    parser.add_argument("--out", type=Path, default=Path("trig-plan.md"), help="where to write the comment body")
    args = parser.parse_args(argv)

    if args.install:
        install_trig()
    context = pull_request_context(dict(os.environ))
    body, ok = build_report(args.out, args.port, context[3] if context else "")
    if summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(body)
    token = os.environ.get("GITHUB_TOKEN")
    if context and token:
        api, repo, number, _ = context
        try:
            verb, comment_id = upsert_comment(api, repo, number, token, body)
            print(f"{verb} comment {comment_id} on {repo}#{number}", file=sys.stderr)
        except CommentError as exc:
            # A fork's pull request gets a read-only token: the summary above still holds the plan.
            print(f"plan_comment: could not comment: {exc}", file=sys.stderr)
            return 1
    else:
        print(f"not a pull-request run with GITHUB_TOKEN: comment body written to {args.out}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
