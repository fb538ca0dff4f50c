"""A loopback stand-in for the few GitHub REST endpoints scripts/plan_comment.py uses (GitHub is unreachable here)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "plan_comment.py"


def load_script():
    spec = importlib.util.spec_from_file_location("plan_comment", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class FakeGitHub:
    """Issue comments of one repository, paginated like GitHub (Link: rel="next"), behind a bearer token."""

    def __init__(self, token: str = "ghs_test", page_size: int = 2):
        self.token = token
        self.page_size = page_size
        self.comments: dict[int, list[dict]] = {}
        self.requests: list[tuple[str, str]] = []
        self._next_id = 1000
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def add(self, number: int, body: str) -> int:
        self._next_id += 1
        self.comments.setdefault(number, []).append({"id": self._next_id, "body": body})
        return self._next_id

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, payload: object, headers: dict | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                fake.requests.append((self.command, self.path))
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    self._reply(401, {"message": "Bad credentials"})
                    return False
                return True

            def _body(self) -> dict:
                return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))

            def do_GET(self):
                if not self._authorised():
                    return
                match = re.fullmatch(r"/repos/[^/]+/[^/]+/issues/(\d+)/comments\?per_page=\d+(?:&page=(\d+))?", self.path)
                if not match:
                    return self._reply(404, {"message": "Not Found"})
                number, page = int(match.group(1)), int(match.group(2) or 1)
                items = fake.comments.get(number, [])
                start = (page - 1) * fake.page_size
                headers = {}
                if start + fake.page_size < len(items):
                    base = self.path.split("&page=")[0]
                    headers["Link"] = f'<{fake.url}{base}&page={page + 1}>; rel="next"'
                self._reply(200, items[start:start + fake.page_size], headers)

            def do_POST(self):
                if not self._authorised():
                    return
                match = re.fullmatch(r"/repos/[^/]+/[^/]+/issues/(\d+)/comments", self.path)
                if not match:
                    return self._reply(404, {"message": "Not Found"})
                comment_id = fake.add(int(match.group(1)), self._body()["body"])
                self._reply(201, {"id": comment_id})

            def do_PATCH(self):
                if not self._authorised():
                    return
                match = re.fullmatch(r"/repos/[^/]+/[^/]+/issues/comments/(\d+)", self.path)
                comment = next((c for cs in fake.comments.values() for c in cs
                                if match and c["id"] == int(match.group(1))), None)
                if comment is None:
                    return self._reply(404, {"message": "Not Found"})
                comment["body"] = self._body()["body"]
                self._reply(200, comment)

        return Handler
