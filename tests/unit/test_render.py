import pytest

from orchestrator.errors import UsageError
from orchestrator.render import hcl, hcl_string, parse_set_options, render_tfvars


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", '"hello"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("line\nbreak\ttab", '"line\\nbreak\\ttab"'),
        ("${var.x}", '"$${var.x}"'),
        ("%{ if true }", '"%%{ if true }"'),
        ("$$ and %", '"$$ and %"'),
        ("bell\x07", '"bell\\u0007"'),
        ("こんにちは", '"こんにちは"'),
    ],
)
def test_hcl_string_escapes_what_terraform_would_interpret(text, expected):
    assert hcl_string(text) == expected


def test_hcl_renders_nested_values():
    assert hcl({"GREETING": "hi", "a-b": 1, "with space": True, "none": None}) == (
        '{ GREETING = "hi", a-b = 1, "with space" = true, none = null }'
    )
    assert hcl([1, "x"]) == '[1, "x"]'
    assert hcl({}) == "{}"


def test_parse_set_options_keeps_the_value_exactly():
    assert parse_set_options(["greeting=hi=there", "x= spaced "]) == {"greeting": "hi=there", "x": " spaced "}


@pytest.mark.parametrize("bad", ["greeting", "=hi", ""])
def test_parse_set_options_refuses_pairs_without_name_or_equals(bad):
    with pytest.raises(UsageError, match="NAME=VALUE"):
        parse_set_options([bad])


def test_render_tfvars_is_strict_about_undefined_values(tmp_path):
    (tmp_path / "t.j2").write_text("a = {{ missing | hcl }}\n")
    with pytest.raises(UsageError, match="t.j2.*'missing' is undefined"):
        render_tfvars(tmp_path, "t.j2", {})


def test_render_tfvars_reports_syntax_errors_with_line(tmp_path):
    (tmp_path / "t.j2").write_text("a = 1\nb = {{ x | hcl \n")
    with pytest.raises(UsageError, match=r"t.j2:\d"):
        render_tfvars(tmp_path, "t.j2", {"x": 1})
