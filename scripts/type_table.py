"""Rewrite the table of invocation types at the top of README.md from the trigger types' own rows.

Run it with trig's environment after adding or changing a type: `.venv/bin/python scripts/type_table.py`.
"""

from __future__ import annotations

from pathlib import Path

from orchestrator.triggers import REGISTRY
from orchestrator.type_table import render, replaced

README = Path(__file__).resolve().parents[1] / "README.md"

if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    new = replaced(text, render(REGISTRY.values()))
    if new != text:
        README.write_text(new, encoding="utf-8")
        print(f"wrote the table of invocation types in {README.name}")
