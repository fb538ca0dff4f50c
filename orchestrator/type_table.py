"""The README's table of invocation types, one row per registered trigger type, written from the registry
so that a new type's row comes from its own file (`scripts/type_table.py` rewrites it; a test compares)."""

from __future__ import annotations

from collections.abc import Iterable

from orchestrator.triggers.base import Trigger

BEGIN = "<!-- BEGIN_TRIG_TYPES -->"
END = "<!-- END_TRIG_TYPES -->"
HEADER = ("| type | trigger | what AWS does | what `trig check` fires | what confirms it |\n"
          "|---|---|---|---|---|\n")


def render(types: Iterable[Trigger]) -> str:
    """The table, header first, one row per type in registry order."""
    rows = (f"| {t.invocation} | {t.row.trigger} | {t.row.aws_does} | {t.row.check_fires} | {t.row.confirms} |\n"
            for t in types)
    return HEADER + "".join(rows)


def replaced(readme: str, table: str) -> str:
    """readme with the text between its markers replaced by table; a README without both markers is an error."""
    if BEGIN not in readme or END not in readme:
        raise ValueError(f"README.md lacks {BEGIN} and {END} around the table of invocation types")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table}{END}{tail}"
