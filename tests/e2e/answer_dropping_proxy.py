"""An HTTP proxy in front of the emulator that loses chosen answers, as MiniStack was seen to do.

Every request is forwarded; for the first N requests that match (method and path prefix), the
emulator's answer is read and thrown away, and the client's connection is closed instead: the
resource exists, and the caller never heard. That is the fault trig must recover from.
"""

from __future__ import annotations

import http.client
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class AnswerDroppingProxy:
    def __init__(self, upstream: str, method: str, path_prefix: str, drops: int = 1,
                 also: tuple[str, str, str] | None = None):
        self.upstream = urlsplit(upstream)
        self.method, self.path_prefix = method, path_prefix
        self.remaining = drops
        # One more answer to lose, once: (method, path prefix, a part the path contains).
        self.also = also
        self.dropped: list[str] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> AnswerDroppingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _drop(self, method: str, path: str) -> bool:
        with self._lock:
            if self.remaining > 0 and method == self.method and path.startswith(self.path_prefix):
                self.remaining -= 1
                self.dropped.append(f"{method} {path}")
                return True
            if self.also and method == self.also[0] and path.startswith(self.also[1]) and self.also[2] in path:
                self.also = None
                self.dropped.append(f"{method} {path}")
                return True
            return False

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                upstream = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                upstream.close()
                if proxy._drop(self.command, self.path):
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(answer.status, answer.reason)
                for key, value in answer.getheaders():
                    if key.lower() not in ("content-length", "connection", "transfer-encoding", "keep-alive"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _forward

        return Handler
