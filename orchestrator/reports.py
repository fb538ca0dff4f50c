"""Results for machines: one JSON document per command, and JUnit XML for CI systems to display."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import UsageError
from orchestrator.load import LoadResult
from orchestrator.experiments.verdicts import FAIL, NOT_MODELLED, Row
from orchestrator.checking import CheckResult


def check_document(results: list[CheckResult]) -> dict:
    """`trig check --json`: the table's rows, with what was seen when one failed."""
    return {
        "mode": "wiring",
        "ok": all(r.ok for r in results),
        "results": [{**dataclasses.asdict(r), "verdict": "skipped" if r.skipped else "ok" if r.ok else "FAILED",
                     "seen": list(r.seen)} for r in results],
    }


def load_document(results: list[LoadResult]) -> dict:
    """`trig check --count N --json`: per trigger, fired, confirmed, missing and duplicated events."""
    return {"mode": "load", "ok": all(r.ok for r in results),
            "results": [{**dataclasses.asdict(r), "ok": r.ok} for r in results]}


def load_evidence(result: LoadResult) -> str:
    """How long a load check waited, and what the log group held, in one line."""
    text = f"waited {result.waited:.1f} s"
    if result.invocations is not None:
        text += (f"; {result.invocations} invocation(s) logged since firing, "
                 f"{result.silent_invocations} of them without a line of the function's own")
    return text


def missing_split(result: LoadResult) -> str:
    """The missing events, split by what the engine did with them."""
    return (f"{result.unconfirmed} invoked but never confirmed (the engine lost the function's output), "
            f"{result.lost} never invoked though later events were (the engine lost them), "
            f"{result.overdue} not invoked within the budget")


def row_evidence(row: Row) -> str:
    """How long a property's experiment waited, and whether the engine lost log lines it relied on."""
    text = f"waited {row.waited:.1f} s"
    if row.unlogged:
        text += (f"; {row.unlogged} invocation(s) counted from the probe's own records: "
                 "the engine never logged their lines")
    return text


def semantics_document(rows: list[Row]) -> dict:
    """`trig check --semantics --json`: one row per property (the key `rows` as before, plus mode and ok)."""
    return {"mode": "semantics", "ok": not any(r.verdict == FAIL for r in rows),
            "rows": [dataclasses.asdict(r) for r in rows]}


@dataclass(frozen=True)
class Case:
    """One JUnit test case: failure and skipped carry a message, text carries the detail."""

    classname: str
    name: str
    seconds: float = 0.0
    failure: str | None = None
    skipped: str | None = None
    text: str = ""


def check_cases(results: list[CheckResult]) -> list[Case]:
    return [Case(f"trig.check.{r.invocation}", r.case_name, r.seconds, failure=None if r.ok else r.detail,
                 skipped=r.detail if r.skipped else None, text="\n".join([r.detail, *r.seen])) for r in results]


def load_cases(results: list[LoadResult]) -> list[Case]:
    cases = []
    for r in results:
        summary = (f"fired {r.fired}, confirmed {r.confirmed}, missing {r.missing}, duplicated {r.duplicated}"
                   + (f"; missing nonces, first ones: {', '.join(r.missing_examples)}" if r.missing_examples else "")
                   + (f"; of the missing: {missing_split(r)}" if r.missing and r.invocations is not None else "")
                   + f"; {load_evidence(r)}")
        cases.append(Case(f"trig.load.{r.invocation}", r.trigger, r.seconds,
                          failure=None if r.ok else summary, text=summary))
    return cases


def semantics_cases(rows: list[Row]) -> list[Case]:
    """One case per property; `not modelled` is skipped, as the engine did not act on the setting."""
    return [Case(f"trig.semantics.{r.trigger}", r.property,
                 failure=f"expected {r.expected}; observed {r.observed}" if r.verdict == FAIL else None,
                 skipped=f"not modelled: {r.observed}" if r.verdict == NOT_MODELLED else None,
                 text=f"expected: {r.expected}\nobserved: {r.observed}\n{row_evidence(r)}") for r in rows]


def junit_xml(suite: str, cases: list[Case]) -> str:
    """A JUnit XML document with one test suite holding the cases."""
    root = ET.Element("testsuites", name="trig")
    element = ET.SubElement(root, "testsuite", name=suite, tests=str(len(cases)),
                            failures=str(sum(c.failure is not None for c in cases)), errors="0",
                            skipped=str(sum(c.skipped is not None for c in cases)),
                            time=f"{sum(c.seconds for c in cases):.2f}")
    for case in cases:
        node = ET.SubElement(element, "testcase", classname=case.classname, name=case.name, time=f"{case.seconds:.2f}")
        if case.failure is not None:
            ET.SubElement(node, "failure", message=case.failure, type="NotConfirmed").text = case.text
        elif case.skipped is not None:
            ET.SubElement(node, "skipped", message=case.skipped)
        else:
            ET.SubElement(node, "system-out").text = case.text
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(path: Path, suite: str, cases: list[Case]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(junit_xml(suite, cases), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}; choose another --junit file.") from None
