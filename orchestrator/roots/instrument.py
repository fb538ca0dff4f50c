"""For the length of a check, trig's redirect in front of a team function on the emulator, then the function
exactly as Terraform made it again.

The redirect (orchestrator/redirect) records the identities of each event the function receives and whether
the team's handler returned or raised, and calls that handler untouched; so a check correlates the invocation
with the event it fired and reports the function's own error. Python and Node.js functions packaged as a zip
are redirected; any other is checked by its invocations' log lines alone (and its row says so).
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from tenacity import retry, retry_if_result, stop_after_delay, wait_fixed

from orchestrator.packaging import zip_bytes
from orchestrator.redirect import ORIGINAL_HANDLER_VARIABLE, REDIRECT_HANDLER, redirect_file
from orchestrator.terraform.state import StateResource


@dataclass(frozen=True)
class Original:
    """What trig changes of a function for a check, as the engine had it before: to put it back."""

    name: str
    handler: str
    variables: Mapping[str, str]
    code: bytes


def language(runtime: str) -> str | None:
    if runtime.startswith("python"):
        return "python"
    if runtime.startswith("nodejs"):
        return "node"
    return None


def why_not_redirected(function: StateResource, root: Path) -> str:
    """Why the redirect cannot go in front of this function ("" when it can)."""
    a = function.attributes
    if a.get("package_type", "Zip") != "Zip":
        return "an image function"
    if language(str(a.get("runtime") or "")) is None:
        return f"runtime {a.get('runtime')}"
    if not a.get("filename") or not (root / str(a.get("filename"))).is_file():
        return "its zip is not a local file"
    return ""


@retry(retry=retry_if_result(lambda state: state not in ("Successful", "Failed", None)),
       stop=stop_after_delay(30), wait=wait_fixed(0.2), retry_error_callback=lambda s: s.outcome.result())
def _settled(client, name: str) -> str | None:
    """Wait for the function's last update to finish; its status."""
    return client.get_function_configuration(FunctionName=name).get("LastUpdateStatus")


def _put(client, name: str, code: bytes, handler: str, variables: Mapping[str, str]) -> None:
    client.update_function_code(FunctionName=name, ZipFile=code)
    _settled(client, name)
    client.update_function_configuration(FunctionName=name, Handler=handler,
                                         Environment={"Variables": dict(variables)})
    _settled(client, name)


def _front(client, function: StateResource, root: Path, originals: list[Original]) -> None:
    """Put the redirect in front of one function, first noting (in originals) what to put back."""
    a = function.attributes
    name = str(a["function_name"])
    current = client.get_function_configuration(FunctionName=name)
    variables = (current.get("Environment") or {}).get("Variables") or {}
    original = Original(name, current["Handler"], variables, (root / str(a["filename"])).read_bytes())
    redirect = redirect_file(language(str(a["runtime"])))
    originals.append(original)
    _put(client, name, zip_bytes(root / str(a["filename"]), {redirect.name: redirect.read_bytes()}), REDIRECT_HANDLER,
         {**variables, ORIGINAL_HANDLER_VARIABLE: original.handler})


@contextlib.contextmanager
def redirected(client, functions: list[StateResource], root: Path) -> Iterator[set[str]]:
    """Put the redirect in front of each function that can take it, all at once; yield their names; put every
    one whose original was noted back after, whatever happened meanwhile."""
    originals: list[Original] = []
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda f: _front(client, f, root, originals),
                          [f for f in functions if not why_not_redirected(f, root)]))
        yield {o.name for o in originals}
    finally:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda o: _put(client, o.name, o.code, o.handler, o.variables), originals))
