"""The one plain-HTTP client trig has (health paths, API Gateway's data plane): an answer, never an exception."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

REFUSED, SILENT = "refused", "silent"


@dataclass(frozen=True)
class Answer:
    """What came back: the HTTP status and body, or status 0 with why nothing did (refused or silent) and the error."""

    status: int
    body: bytes = b""
    failure: str = ""
    error: str = ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace") if self.status else self.error


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 10.0) -> Answer:
    """GET url; an HTTP error status is an answer like any other."""
    return send("GET", url, headers, None, timeout)


def send(method: str, url: str, headers: dict[str, str] | None = None, body: bytes | None = None,
         timeout: float = 10.0) -> Answer:
    """One request of any method, with an optional body; an HTTP error status is an answer like any other."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, exc.read())
    except urllib.error.URLError as exc:
        refused = isinstance(exc.reason, ConnectionRefusedError)
        return Answer(0, failure=REFUSED if refused else SILENT, error=str(exc))
    except ConnectionRefusedError as exc:
        return Answer(0, failure=REFUSED, error=str(exc))
    except OSError as exc:  # a timeout, a reset connection
        return Answer(0, failure=SILENT, error=str(exc))
