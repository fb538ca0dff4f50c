"""The redirects trig deploys in front of a project's own functions on the emulator (see trig_redirect.py)."""

from pathlib import Path

REDIRECT_DIR = Path(__file__).resolve().parent
# The handler a wrapped function is given, and the variable naming the user's handler.
REDIRECT_HANDLER = "trig_redirect.handler"
ORIGINAL_HANDLER_VARIABLE = "TRIG_ORIGINAL_HANDLER"


def redirect_file(language: str) -> Path:
    """The redirect for a function of that language (python or node), added to its zip at the top."""
    return REDIRECT_DIR / ("trig_redirect.py" if language == "python" else "trig_redirect.js")
