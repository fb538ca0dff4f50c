"""The CLI tests run as on a clean machine, whatever the developer's shell exports."""

import os

import pytest


@pytest.fixture(autouse=True)
def no_settings_from_the_shell(monkeypatch):
    """TRIG_ACCOUNT, TRIG_CONFIG, AWS_PROFILE... of the shell that started pytest would change what a command does;
    the plugin mirror is the one exception (it only says where the provider is)."""
    for name in list(os.environ):
        if name.startswith(("TRIG_", "AWS_")) and name != "TRIG_PLUGIN_DIR":
            monkeypatch.delenv(name)
