"""`trig run` starts MiniStack only where the user named no endpoint; a named one must answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator import deploy, emulator
from orchestrator.emulator import EmulatorRecord
from orchestrator.errors import EmulatorError
from orchestrator.settings import Settings


def settings_with(source: str, endpoint: str = "http://127.0.0.1:1") -> Settings:
    return Settings(project_dir=Path("."), home=Path("/nonexistent"), endpoint=endpoint, region="us-east-1",
                    account_id="000000000000", plugin_dir=None, terraform_bin="terraform",
                    sources={"endpoint": source})


@pytest.fixture
def nothing_answers(monkeypatch):
    started = []
    monkeypatch.setattr(emulator, "is_healthy", lambda endpoint: False)
    monkeypatch.setattr(emulator, "start", lambda home: (started.append(home) or
                                                         (EmulatorRecord(1, 4566, "http://127.0.0.1:4566", "log"), True)))
    return started


@pytest.mark.parametrize("source", ["flag", "env TRIG_ENDPOINT", "config /x/trig.toml"])
def test_a_named_endpoint_where_nothing_answers_is_refused(nothing_answers, source):
    with pytest.raises(EmulatorError, match=r"^no emulator answers at http://127.0.0.1:1: run `trig up` or pass --endpoint.$"):
        deploy.emulator_for_run(settings_with(source), ["api"])
    assert nothing_answers == []


@pytest.mark.parametrize("source", ["default", "emulator started by trig up (/h/emulator.json)"])
def test_without_a_named_endpoint_ministack_is_started(nothing_answers, source):
    said = []
    settings = deploy.emulator_for_run(settings_with(source), ["api"], progress=said.append)
    assert settings.endpoint == "http://127.0.0.1:4566"
    assert settings.sources["endpoint"] == "emulator started by trig run"
    assert said == ["started MiniStack at http://127.0.0.1:4566"]


def test_an_answering_emulator_is_used_as_it_is(monkeypatch):
    monkeypatch.setattr(emulator, "is_healthy", lambda endpoint: True)
    settings = settings_with("flag")
    assert deploy.emulator_for_run(settings, ["api"]) is settings
