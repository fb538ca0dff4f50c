"""The trigger types trig knows: every concrete Trigger class in a module of this package, in the order
they say (`listed`). Adding a type means adding its module here; nothing else in Python names it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from orchestrator.errors import UsageError
from orchestrator.set_values import Settable
from orchestrator.settings import Settings
from orchestrator.triggers.base import ProbeSpec, Trigger


def _discovered() -> list[Trigger]:
    """One instance of every concrete Trigger subclass defined in this package's modules."""
    found: dict[str, type[Trigger]] = {}
    for module in pkgutil.iter_modules(__path__):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, Trigger) and not inspect.isabstract(cls) and cls.__module__ == loaded.__name__:
                found[cls.name] = cls
    return [cls() for cls in sorted(found.values(), key=lambda cls: (cls.listed, cls.name))]


REGISTRY: dict[str, Trigger] = {trigger.name: trigger for trigger in _discovered()}


def select_triggers(names: list[str]) -> list[Trigger]:
    """The triggers named, in registry order; 'all' means every one; an unknown name is a UsageError."""
    if not names:
        raise UsageError(f"name at least one trigger: {', '.join(REGISTRY)} or all.")
    wanted: set[str] = set()
    for name in names:
        if name == "all":
            wanted.update(REGISTRY)
        elif name in REGISTRY:
            wanted.add(name)
        else:
            raise UsageError(f"unknown trigger {name!r}: choose from {', '.join(REGISTRY)} or all.")
    return [trigger for key, trigger in REGISTRY.items() if key in wanted]


def trigger_named(name: str) -> Trigger:
    """The one trigger called name (for commands that take exactly one); an unknown name is a UsageError."""
    if name not in REGISTRY:
        raise UsageError(f"unknown trigger {name!r}: choose from {', '.join(REGISTRY)}.")
    return REGISTRY[name]


def fire_option_help(option: str) -> str:
    """What a `trig fire` option means for each type that takes it: `the object key for s3, the partition key for kinesis`."""
    return ", ".join(f"{t.fire_options[option]} for {t.name}" for t in REGISTRY.values() if option in t.fire_options)


def probe_specs(settings: Settings) -> dict[str, ProbeSpec]:
    """Every type's probe stack, by type name."""
    return {name: trigger.probe(settings) for name, trigger in REGISTRY.items()}


def settables(settings: Settings) -> list[Settable]:
    """Every setting each type has, for its seed stack or its probe stack: what a config file's set table may name."""
    probes = probe_specs(settings)
    return [Settable(name, {**trigger.defaults, **probes[name].defaults}) for name, trigger in REGISTRY.items()]
