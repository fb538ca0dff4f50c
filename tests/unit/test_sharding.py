"""--shard K/N: the same stable split on every machine, balanced by apply times when every name has one."""

from __future__ import annotations

import pytest

from orchestrator.errors import UsageError
from orchestrator.sharding import Shard, apply_seconds, parse_shard, record_apply_seconds, share_of, split
from orchestrator.terraform.diagnostics import creation_seconds

NAMES = ["orders", "greeter", "broken", "ledger", "refunds"]


def test_the_shares_cover_every_name_once_whatever_the_order_given():
    shares = split(NAMES, 3, {})
    assert sorted(name for share in shares for name in share) == sorted(NAMES)
    assert split(list(reversed(NAMES)), 3, {}) == [sorted(s, key=list(reversed(NAMES)).index) for s in shares]
    assert [share_of(NAMES, Shard(k, 3), {}) for k in (1, 2, 3)] == shares


def test_by_name_the_sorted_names_are_dealt_round():
    assert split(NAMES, 2, {}) == [["broken", "ledger", "refunds"], ["orders", "greeter"]]


def test_with_a_time_for_every_name_the_longest_go_first_to_the_lightest_share():
    seconds = {"orders": 30, "greeter": 10, "broken": 10, "ledger": 25, "refunds": 5}
    shares = split(NAMES, 2, seconds)
    assert shares == [["orders", "greeter"], ["broken", "ledger", "refunds"]]
    assert [sum(seconds[n] for n in share) for share in shares] == [40, 40]


def test_a_name_without_a_time_makes_the_split_by_name():
    assert split(NAMES, 2, {"orders": 30}) == split(NAMES, 2, {})


def test_more_shares_than_names_leaves_some_empty():
    assert split(["api"], 3, {}) == [["api"], [], []]


@pytest.mark.parametrize("text, says", [("2", "is not K/N"), ("0/3", "between 1 and N"), ("4/3", "between 1 and N"),
                                         ("a/b", "is not K/N")])
def test_a_bad_shard_is_refused_with_an_example(text, says):
    with pytest.raises(UsageError, match=says):
        parse_shard(text)


def test_a_shard_reads_with_spaces():
    assert parse_shard(" 2 / 3 ") == Shard(2, 3)


def test_apply_times_come_from_terraforms_creation_lines_and_are_kept_per_function(tmp_path):
    out = ('module.trigger["orders"].module.function.aws_lambda_function.this: Creation complete after 5s [id=x]\n'
           'module.trigger["orders"].module.sqs["queue"].aws_sqs_queue.this: Creation complete after 1m25s [id=y]\n'
           'module.trigger["ledger"].module.function.aws_iam_role.this: Modifications complete after 1s [id=z]\n'
           'module.trigger["other"].aws_s3_bucket.this: Creation complete after 2s [id=w]\n')
    took = creation_seconds(out, ["orders", "ledger"])
    assert took == {"orders": 90}
    record_apply_seconds(tmp_path, {"ledger": 12})
    record_apply_seconds(tmp_path, took)
    assert apply_seconds(tmp_path) == {"ledger": 12, "orders": 90}
    (tmp_path / "apply-seconds.json").write_text("not json")
    assert apply_seconds(tmp_path) == {}
