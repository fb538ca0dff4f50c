"""Plan summaries from small JSON plan documents shaped as `terraform show -json` writes them."""

from __future__ import annotations

import json

import pytest

from orchestrator.plan_summary import (
    SENSITIVE,
    UNKNOWN,
    AttributeChange,
    ResourceChange,
    TriggerPlan,
    attribute_changes,
    detailed_exit_code,
    md_code,
    plans_as_dict,
    render_json,
    render_markdown,
    render_text,
    summarize_plan,
)


def change(address: str, actions: list[str], before=None, after=None, mode="managed", **extra) -> dict:
    module, _, _ = address.rpartition(".aws_")
    detail = {"actions": actions, "before": before, "after": after, "after_unknown": {},
              "before_sensitive": {}, "after_sensitive": {}}
    detail.update(extra.pop("change", {}))
    return {"address": address, "module_address": module if module.startswith("module.") else "",
            "mode": mode, "type": "aws_" + address.rpartition(".aws_")[2].split(".")[0], "name": "this",
            "change": detail, **extra}


FN = "module.function.aws_lambda_function.this"
BUCKET = "module.s3[0].aws_s3_bucket.this"


def test_counts_and_order_put_destructive_changes_first():
    plan = summarize_plan("s3", {"resource_changes": [
        change("module.function.aws_iam_role.this", ["create"], after={"name": "r"}),
        change(FN, ["update"], before={"timeout": 3}, after={"timeout": 10}),
        change("module.s3[0].aws_lambda_permission.this", ["delete"], before={"id": "p"}),
        change(BUCKET, ["delete", "create"], before={"bucket": "a"}, after={"bucket": "b"},
               action_reason="replace_because_cannot_update", change={"replace_paths": [["bucket"]]}),
        change("module.function.data.aws_iam_policy_document.logs", ["read"], mode="data"),
        change("module.function.aws_cloudwatch_log_group.this", ["no-op"], before={}, after={}),
    ]})
    assert [(r.action, r.address, r.destructive) for r in plan.resources] == [
        ("destroy", "module.s3[0].aws_lambda_permission.this", True),
        ("replace", BUCKET, True),
        ("update", FN, False),
        ("create", "module.function.aws_iam_role.this", False),
    ]
    assert plan.counts == {"add": 1, "change": 1, "replace": 1, "destroy": 1}
    assert plan.resources[1].attributes == (AttributeChange("bucket", "a", "b", forces_replacement=True),)
    assert plan.resources[1].reason == "replace_because_cannot_update"
    assert plan.resources[0].module == "module.s3[0]"


def test_create_before_destroy_is_a_replace_too():
    plan = summarize_plan("api", {"resource_changes": [change(BUCKET, ["create", "delete"], before={}, after={})]})
    assert [r.action for r in plan.resources] == ["replace"]


def test_nothing_to_do_is_no_changes_and_exit_code_0():
    plan = summarize_plan("api", {"resource_changes": [change(FN, ["no-op"], before={"a": 1}, after={"a": 1})],
                                  "output_changes": {"function_name": {"actions": ["no-op"]}}})
    assert not plan.has_changes
    assert render_text([plan]) == "api: no changes\n"
    assert detailed_exit_code([plan]) == 0


def test_any_change_in_any_trigger_is_exit_code_2():
    quiet = summarize_plan("api", {"resource_changes": []})
    busy = summarize_plan("s3", {"resource_changes": [change(BUCKET, ["create"], after={})]})
    assert detailed_exit_code([quiet, busy]) == 2


def test_an_output_only_change_is_reported_not_hidden():
    plan = summarize_plan("api", {"resource_changes": [], "output_changes": {"api": {"actions": ["update"]}}})
    assert plan.has_changes and detailed_exit_code([plan]) == 2
    assert render_text([plan]) == "api: only outputs change (api)\n"


def test_nested_attributes_are_named_by_their_path():
    before = {"environment": [{"variables": {"GREETING": "hello", "KEEP": "x"}}], "timeout": 10}
    after = {"environment": [{"variables": {"GREETING": "hi", "KEEP": "x", "NEW": "n"}}], "timeout": 10}
    assert attribute_changes(before, after) == [
        AttributeChange("environment[0].variables.GREETING", "hello", "hi"),
        AttributeChange("environment[0].variables.NEW", None, "n"),
    ]


def test_sensitive_values_are_masked_on_the_side_that_is_sensitive():
    before = {"password": "old-secret", "tags": {"a": "1"}}
    after = {"password": "new-secret", "tags": {"a": "2"}}
    changes = attribute_changes(before, after, before_sensitive={"password": True},
                                after_sensitive={"password": True})
    assert changes == [AttributeChange("password", SENSITIVE, SENSITIVE), AttributeChange("tags.a", "1", "2")]
    # A value that becomes sensitive shows its old value (not secret then) and hides the new one, as Terraform does.
    assert attribute_changes({"k": "plain"}, {"k": "plain"}, {}, {"k": True}) == [AttributeChange("k", "plain", SENSITIVE)]


def test_a_whole_sensitive_block_hides_everything_inside_it():
    before = {"environment": [{"variables": {"TOKEN": "aaa"}}]}
    after = {"environment": [{"variables": {"TOKEN": "bbb"}}]}
    changes = attribute_changes(before, after, {"environment": True}, {"environment": True})
    assert changes == [AttributeChange("environment", SENSITIVE, SENSITIVE)]
    assert "aaa" not in render_text([_plan_with(changes)]) and "bbb" not in render_json([_plan_with(changes)])


def test_an_unchanged_sensitive_value_is_not_listed():
    assert attribute_changes({"p": "s"}, {"p": "s"}, {"p": True}, {"p": True}) == []


def test_unknown_after_apply_is_labelled_and_empty_to_null_is_not_noise():
    before = {"arn": "arn:1", "version": "", "layers": [], "qualifier": ""}
    after = {"arn": None, "version": None, "layers": None, "qualifier": None}
    changes = attribute_changes(before, after, after_unknown={"arn": True, "version": True})
    assert changes == [AttributeChange("arn", "arn:1", UNKNOWN)]


def test_attributes_that_force_replacement_come_first():
    changes = attribute_changes({"a": 1, "z": 1}, {"a": 2, "z": 2}, replace_paths=[["z"]])
    assert [(c.path, c.forces_replacement) for c in changes] == [("z", True), ("a", False)]


def _plan_with(attributes) -> TriggerPlan:
    return TriggerPlan("api", (ResourceChange(FN, "module.function", "aws_lambda_function", "update", None, tuple(attributes)),))


GREETING_PLAN = {"resource_changes": [change(
    FN, ["update"],
    before={"environment": [{"variables": {"GREETING": "hello"}}], "secret": "s1"},
    after={"environment": [{"variables": {"GREETING": "hi | there"}}], "secret": "s2"},
    change={"before_sensitive": {"secret": True}, "after_sensitive": {"secret": True}})]}


def test_markdown_has_a_heading_per_trigger_a_table_and_folded_detail():
    md = render_markdown([summarize_plan("api", GREETING_PLAN), summarize_plan("s3", {"resource_changes": []})])
    assert md.startswith("## trig plan: 1 of 2 triggers with changes\n")
    assert "### api: 1 to change\n" in md and "### s3: no changes\n" in md
    assert f"| ~ | update | `{FN}` | `module.function` |" in md
    assert "<details>" in md and "</details>" in md
    # A pipe in a value must not split the table cell.
    assert '| `environment[0].variables.GREETING` | `"hello"` | `"hi \\| there"` |' in md
    assert "| `secret` | `(sensitive value)` | `(sensitive value)` |" in md
    assert "s1" not in md and "s2" not in md


def test_markdown_warns_of_destructive_changes():
    plan = summarize_plan("s3", {"resource_changes": [change(BUCKET, ["delete"], before={"bucket": "b"})]})
    md = render_markdown([plan])
    assert "> [!WARNING]\n> 1 destructive change (replace or destroy)" in md
    assert f"| ⚠️ | **destroy** (destructive) | `{BUCKET}` | `module.s3[0]` |" in md


def test_json_carries_the_same_content():
    data = json.loads(render_json([summarize_plan("api", GREETING_PLAN)]))
    assert data["changes"] is True
    [trigger] = data["triggers"]
    assert trigger["counts"] == {"add": 0, "change": 1, "replace": 0, "destroy": 0}
    [resource] = trigger["resources"]
    assert resource["address"] == FN and resource["action"] == "update" and resource["destructive"] is False
    assert resource["attributes"] == [
        {"path": "environment[0].variables.GREETING", "before": "hello", "after": "hi | there", "forces_replacement": False},
        {"path": "secret", "before": "(sensitive value)", "after": "(sensitive value)", "forces_replacement": False},
    ]
    assert plans_as_dict([]) == {"changes": False, "triggers": []}


@pytest.mark.parametrize("text,expected", [
    ("plain", "`plain`"),
    ("a|b", "`a\\|b`"),
    ("has `tick`", "`` has `tick` ``"),
    ("`edge", "`` `edge ``"),
    ("two\nlines", "`two lines`"),
])
def test_md_code_is_safe_in_a_table_cell(text, expected):
    assert md_code(text) == expected


def test_long_values_are_cut_in_text_but_whole_in_json():
    long = "x" * 1000
    plan = summarize_plan("api", {"resource_changes": [change(FN, ["update"], before={"p": "a"}, after={"p": long})]})
    assert "… (1002 chars)" in render_text([plan])
    assert long in render_json([plan])


def test_a_team_roots_plan_is_counted_as_a_root_in_the_markdown_heading():
    plan = summarize_plan("infra/lambda", {"resource_changes": []}, kind="root")
    assert render_markdown([plan]).startswith("## trig plan: 0 of 1 root with changes\n")


def test_an_unwritable_report_names_the_option_that_chose_the_file(tmp_path):
    from orchestrator.errors import UsageError
    from orchestrator.planning import write_report

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for option in ("--out", "--markdown"):
        with pytest.raises(UsageError, match=f"cannot write {blocker / 'plan.md'}: .*; choose another {option}\\.$"):
            write_report("## trig plan", blocker / "plan.md", option)
