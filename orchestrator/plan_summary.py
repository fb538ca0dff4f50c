"""Summaries of Terraform's JSON plan representation (`terraform show -json`), for people reviewing a change.

Pure functions: a plan document in, small read-only records out, and text, Markdown or JSON
renderings of them. Sensitive values never reach a record: they are masked as Terraform masks them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Terraform's action lists, in the order a reviewer should read them: destructive ones first.
ACTIONS = {
    ("delete",): "destroy",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
    ("update",): "update",
    ("create",): "create",
}
_ORDER = {"destroy": 0, "replace": 1, "update": 2, "create": 3}
_SYMBOLS = {"destroy": "-", "replace": "-/+", "update": "~", "create": "+"}
_COUNT_OF = {"create": "add", "update": "change", "replace": "replace", "destroy": "destroy"}
DESTRUCTIVE = frozenset({"destroy", "replace"})
# GitHub truncates nothing for us; a value longer than this is cut in text and Markdown (JSON keeps it whole).
MAX_SHOWN_CHARS = 300


# A provider reports many unset attributes as "" or [] and plans them as null or unknown: not a change worth reading.
_EMPTY = (None, "", [], {})


class Masked(str):
    """A value Terraform would not print: shown as its label in every format."""


SENSITIVE = Masked("(sensitive value)")
UNKNOWN = Masked("(known after apply)")


@dataclass(frozen=True)
class AttributeChange:
    path: str
    before: object
    after: object
    forces_replacement: bool = False


@dataclass(frozen=True)
class ResourceChange:
    address: str
    module: str
    type: str
    action: str
    reason: str | None = None
    attributes: tuple[AttributeChange, ...] = ()

    @property
    def destructive(self) -> bool:
        return self.action in DESTRUCTIVE


@dataclass(frozen=True)
class TriggerPlan:
    trigger: str
    resources: tuple[ResourceChange, ...] = ()
    outputs: tuple[str, ...] = field(default=())
    kind: str = "trigger"  # what `trigger` names: a trigger of trig's stacks, or a team's root (`plan --root`)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"add": 0, "change": 0, "replace": 0, "destroy": 0}
        for resource in self.resources:
            counts[_COUNT_OF[resource.action]] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return bool(self.resources or self.outputs)


# -- reading a plan ------------------------------------------------------------------------


def action_name(actions: Sequence[str]) -> str | None:
    """The reviewer's word for Terraform's action list; None for no-op and data-source reads."""
    return ACTIONS.get(tuple(actions))


def _child(marks: object, key: object) -> object:
    """The sensitivity or unknown-ness marks below key; True propagates to everything inside."""
    if marks is True:
        return True
    if isinstance(marks, Mapping):
        return marks.get(key, False)
    if isinstance(marks, list) and isinstance(key, int) and key < len(marks):
        return marks[key]
    return False


def _join(path: str, key: object) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))


def _keys(before: object, after: object) -> list:
    if isinstance(before, Mapping) or isinstance(after, Mapping):
        b = before if isinstance(before, Mapping) else {}
        a = after if isinstance(after, Mapping) else {}
        return sorted(set(b) | set(a))
    b = before if isinstance(before, list) else []
    a = after if isinstance(after, list) else []
    return list(range(max(len(b), len(a))))


def _is_container(value: object) -> bool:
    return isinstance(value, (Mapping, list))


def _get(value: object, key: object) -> object:
    if isinstance(value, Mapping):
        return value.get(key)
    if isinstance(value, list) and isinstance(key, int) and key < len(value):
        return value[key]
    return None


def attribute_changes(before: object, after: object, before_sensitive: object = False,
                      after_sensitive: object = False, after_unknown: object = False,
                      replace_paths: Iterable[Sequence[object]] = (), path: str = "") -> list[AttributeChange]:
    """The leaf attributes whose value differs between before and after, masked as Terraform masks them."""
    forcing = {_path_string(p) for p in replace_paths}
    changes = _diff(before, after, before_sensitive, after_sensitive, after_unknown, forcing, path)
    # What forces a replacement is what the reviewer must see first.
    return sorted(changes, key=lambda change: not change.forces_replacement)


def _path_string(steps: Sequence[object]) -> str:
    path = ""
    for step in steps:
        path = _join(path, step)
    return path


def _diff(before, after, b_sens, a_sens, a_unknown, forcing: set[str], path: str):
    if a_unknown is True:
        # A computed attribute that had no value before is noise in a review; one that had a value may change.
        if before not in _EMPTY:
            yield AttributeChange(path, _masked(before, b_sens), UNKNOWN, _forces(path, forcing))
        return
    if b_sens is True or a_sens is True:
        if before != after or b_sens != a_sens:
            yield AttributeChange(path, _masked(before, b_sens), _masked(after, a_sens), _forces(path, forcing))
        return
    if _is_container(before) or _is_container(after) or _is_container(a_unknown):
        for key in _keys(before, after):
            yield from _diff(_get(before, key), _get(after, key), _child(b_sens, key), _child(a_sens, key),
                             _child(a_unknown, key), forcing, _join(path, key))
        return
    if before != after and not (before in _EMPTY and after is None):
        yield AttributeChange(path, before, after, _forces(path, forcing))


def _any_marked(marks: object) -> bool:
    if marks is True:
        return True
    items = marks.values() if isinstance(marks, Mapping) else marks if isinstance(marks, list) else ()
    return any(_any_marked(m) for m in items)


def _masked(value: object, sensitive: object) -> object:
    """value, or SENSITIVE when any part of it is sensitive (Terraform hides the whole value then)."""
    return SENSITIVE if value is not None and _any_marked(sensitive) else value


def _forces(path: str, forcing: set[str]) -> bool:
    return any(path == p or path.startswith(p + ".") or path.startswith(p + "[") for p in forcing)


def summarize_resource(change: Mapping) -> ResourceChange | None:
    """One entry of the plan's resource_changes as a ResourceChange; None when nothing happens to it."""
    if change.get("mode", "managed") != "managed":
        return None
    detail = change.get("change", {})
    action = action_name(detail.get("actions", []))
    if action is None:
        return None
    attributes: tuple[AttributeChange, ...] = ()
    if action in ("update", "replace"):
        attributes = tuple(attribute_changes(
            detail.get("before"), detail.get("after"), detail.get("before_sensitive", False),
            detail.get("after_sensitive", False), detail.get("after_unknown", False),
            detail.get("replace_paths", ())))
    return ResourceChange(
        address=change["address"],
        module=change.get("module_address", ""),
        type=change.get("type", ""),
        action=action,
        reason=change.get("action_reason"),
        attributes=attributes,
    )


def summarize_plan(trigger: str, plan: Mapping, kind: str = "trigger") -> TriggerPlan:
    """A trigger's (or a root's) plan: its resource changes, destructive ones first, and the outputs that change."""
    resources = [r for r in map(summarize_resource, plan.get("resource_changes") or []) if r is not None]
    resources.sort(key=lambda r: (_ORDER[r.action], r.address))
    outputs = sorted(name for name, change in (plan.get("output_changes") or {}).items()
                     if tuple(change.get("actions", ())) not in (("no-op",), ()))
    return TriggerPlan(trigger, tuple(resources), tuple(outputs), kind)


def detailed_exit_code(plans: Iterable[TriggerPlan]) -> int:
    """Terraform's -detailed-exitcode over every trigger: 2 when any has changes, else 0."""
    return 2 if any(p.has_changes for p in plans) else 0


# -- rendering -----------------------------------------------------------------------------


def show_value(value: object, limit: int | None = MAX_SHOWN_CHARS) -> str:
    """A value as a reviewer reads it: JSON literals, masked labels as they are, long ones cut."""
    text = str(value) if isinstance(value, Masked) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    if limit is not None and len(text) > limit:
        return text[:limit] + f"… ({len(text)} chars)"
    return text


def counts_phrase(plan: TriggerPlan) -> str:
    if not plan.has_changes:
        return "no changes"
    if not plan.resources:
        return f"only outputs change ({', '.join(plan.outputs)})"
    return ", ".join(f"{n} to {k}" for k, n in plan.counts.items() if n)


def _flag(resource: ResourceChange) -> str:
    return "DESTRUCTIVE" if resource.destructive else ""


def render_text(plans: Sequence[TriggerPlan]) -> str:
    """For a terminal: a line per trigger, a line per resource, an indented line per changed attribute."""
    lines = []
    for plan in plans:
        lines.append(f"{plan.trigger}: {counts_phrase(plan)}")
        for r in plan.resources:
            lines.append(f"  {_SYMBOLS[r.action]:>3} {r.action:<8} {r.address}  [{r.module or 'root'}] {_flag(r)}".rstrip())
            for a in r.attributes:
                forced = "  # forces replacement" if a.forces_replacement else ""
                lines.append(f"          {a.path}: {show_value(a.before)} → {show_value(a.after)}{forced}")
    return "\n".join(lines) + "\n"


def md_code(text: str) -> str:
    """text as a Markdown code span that is safe inside a table cell."""
    text = text.replace("\n", " ").replace("|", "\\|")
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(plans: Sequence[TriggerPlan], title: str = "trig plan") -> str:
    """For a pull-request comment: a heading per trigger, a table of resources, attribute detail folded."""
    changed = [p for p in plans if p.has_changes]
    noun = plans[0].kind if plans else "trigger"
    lines = [f"## {title}: {len(changed)} of {len(plans)} {noun}{'s' if len(plans) != 1 else ''} with changes", ""]
    destructive = sum(1 for p in plans for r in p.resources if r.destructive)
    if destructive:
        lines += [f"> [!WARNING]\n> {destructive} destructive change{'s' if destructive != 1 else ''}"
                  " (replace or destroy): resources will be deleted.", ""]
    for plan in plans:
        lines += [f"### {plan.trigger}: {counts_phrase(plan)}", ""]
        if not plan.resources:
            continue
        lines += ["| | Action | Address | Module |", "|---|---|---|---|"]
        for r in plan.resources:
            mark = "⚠️" if r.destructive else _SYMBOLS[r.action]
            action = f"**{r.action}** (destructive)" if r.destructive else r.action
            lines.append(f"| {mark} | {action} | {md_code(r.address)} | {md_code(r.module or 'root')} |")
        lines.append("")
        for r in plan.resources:
            if not r.attributes:
                continue
            reason = f" ({r.reason.replace('_', ' ')})" if r.reason else ""
            lines += ["<details>", f"<summary>{r.action} {md_code(r.address)}: {len(r.attributes)} attribute"
                      f"{'s' if len(r.attributes) != 1 else ''}{reason}</summary>", "",
                      "| Attribute | Before | After |", "|---|---|---|"]
            for a in r.attributes:
                forced = " (forces replacement)" if a.forces_replacement else ""
                lines.append(f"| {md_code(a.path)}{forced} | {md_code(show_value(a.before))} | {md_code(show_value(a.after))} |")
            lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _json_value(value: object) -> object:
    return str(value) if isinstance(value, Masked) else value


def plans_as_dict(plans: Sequence[TriggerPlan]) -> dict:
    """The same content as the other formats, as plain data for machines."""
    return {
        "changes": any(p.has_changes for p in plans),
        "triggers": [
            {
                "trigger": p.trigger,
                "changes": p.has_changes,
                "counts": p.counts,
                "outputs": list(p.outputs),
                "resources": [
                    {
                        "address": r.address, "module": r.module, "type": r.type, "action": r.action,
                        "destructive": r.destructive, "reason": r.reason,
                        "attributes": [{"path": a.path, "before": _json_value(a.before), "after": _json_value(a.after),
                                        "forces_replacement": a.forces_replacement} for a in r.attributes],
                    }
                    for r in p.resources
                ],
            }
            for p in plans
        ],
    }


def render_json(plans: Sequence[TriggerPlan]) -> str:
    return json.dumps(plans_as_dict(plans), indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
