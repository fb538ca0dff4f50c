"""The `check --semantics` experiments, as a small library of functions that take callables.

Each takes the applied probe stack, a `send(texts)` or `fire(text)` that puts probe
instructions into the trigger's source, and a budget in seconds; it waits on the probe's
logs and records (probe_log) and returns verdict rows (verdicts). A trigger type composes
its own experiments from these, so types of one invocation kind share one implementation.
"""
