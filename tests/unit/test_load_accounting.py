"""Waiting for evidence and accounting for what never came: pure rules, fed by hand-made observations."""

from __future__ import annotations

import time
from collections import Counter

from orchestrator import reports
from orchestrator.load import LoadResult, MissingSplit, split_missing
from orchestrator.logwatch import LogEvent, group_invocations, watch
from orchestrator.experiments.verdicts import PASS, Row
from orchestrator.confirmation import (
    RELEASE_EVENT, RELEASE_WIDTH, RELEASES, HeldOutput, cut_after, release_width, should_release, silent_note,
)
from orchestrator.triggers.s3 import BANNER, logged_object

FIRED = [f"n{i:02d}" for i in range(10)]


def confirmed_but(*missing: int) -> Counter:
    return Counter({nonce: 1 for i, nonce in enumerate(FIRED) if i not in missing})


def test_nothing_missing_splits_into_nothing():
    assert split_missing(FIRED, confirmed_but(), 10, 1) == MissingSplit(0, 0, 0)


def test_invocations_beyond_the_confirmed_events_account_for_the_missing():
    # Every event invoked the function (10 invocations) and two of them never logged their line: the
    # engine lost their output, all of it or only the line that confirms (the banner came, the key did not).
    assert split_missing(FIRED, confirmed_but(3, 7), 10, 1) == MissingSplit(2, 0, 0)


def test_events_never_invoked_while_later_ones_were_are_lost_by_the_engine():
    assert split_missing(FIRED, confirmed_but(3, 7), 8, 1) == MissingSplit(0, 2, 0)


def test_events_at_the_end_with_nothing_delivered_after_them_are_overdue_not_lost():
    assert split_missing(FIRED, confirmed_but(8, 9), 8, 1) == MissingSplit(0, 0, 2)


def test_no_more_are_unconfirmed_than_the_invocations_leave_room_for():
    # 7 invocations, 6 confirmed: room for one; of the two overtaken, at least one was never invoked.
    assert split_missing(FIRED, confirmed_but(2, 5, 8, 9), 7, 1) == MissingSplit(1, 1, 2)


def test_a_duplicated_line_takes_the_room_of_an_invocation():
    counts = confirmed_but(8, 9) + Counter({FIRED[0]: 1})
    assert split_missing(FIRED, counts, 10, 1) == MissingSplit(1, 0, 1)


def test_a_batch_invocation_can_carry_many_events():
    assert split_missing(FIRED, confirmed_but(6, 7, 8, 9), 2, 5) == MissingSplit(4, 0, 0)
    # One batch delivered and its output lost: nothing confirmed, all of it unconfirmed.
    assert split_missing(FIRED, Counter(), 1, 100) == MissingSplit(10, 0, 0)


def test_watch_returns_as_soon_as_the_evidence_shows():
    reads = iter([[], [], ["line"]])
    watched = watch(lambda: next(reads), bool, budget=5, first_wait=0.01, max_wait=0.01)
    assert (watched.found, watched.seen) == (True, ["line"])
    assert watched.waited < 1


def test_watch_concludes_absent_only_from_a_read_made_after_the_whole_budget():
    started = time.monotonic()
    reads: list[float] = []

    def read() -> list:
        reads.append(time.monotonic() - started)
        return []

    watched = watch(read, bool, budget=0.3, first_wait=0.05, max_wait=0.05)
    assert not watched.found and watched.waited >= 0.3
    assert len(reads) > 2 and reads[-1] >= 0.3


def block(request_id: str, stream: str, at: int, *output: str) -> list[LogEvent]:
    lines = [f"START RequestId: {request_id} Version: $LATEST", *output, f"END RequestId: {request_id}",
             f"REPORT RequestId: {request_id}\tDuration: 1 ms"]
    return [LogEvent(at, line, stream) for line in lines]


def test_an_invocation_that_logged_nothing_of_its_own_is_named():
    events = block("a", "s1", 1, "S3 trigger Lambda") + block("b", "s2", 2)
    assert [i.output for i in group_invocations(events)] == [["S3 trigger Lambda"], []]
    note = silent_note(events)
    assert "invoked 1 time(s) without logging anything" in note and "RequestId b" in note
    assert silent_note(block("a", "s1", 1, "hello")) == ""


class FakeLambda:
    def __init__(self):
        self.invoked: list[tuple[str, bytes]] = []

    def invoke(self, FunctionName, Payload):  # noqa: N803 (boto3's names)
        self.invoked.append((FunctionName, Payload))


class FakeTarget:
    function_name = "s3-trigger-test"

    def __init__(self):
        self.lam = FakeLambda()

    def client(self, service):
        assert service == "lambda"
        return self.lam


def test_output_held_back_is_asked_for_once_per_silent_invocation_and_never_more_than_the_limit():
    silent = block("a", "s1", 1)
    assert should_release(silent, 0, 0) and not should_release(silent, 1, 1)
    assert not should_release(block("a", "s1", 1, "S3 trigger Lambda"), 0, 0)
    many = [event for i in range(RELEASES * RELEASE_WIDTH + 2) for event in block(f"r{i}", f"s{i}", i)]
    assert should_release(many, RELEASES, RELEASES - 1) and not should_release(many, RELEASES, RELEASES)

    target = FakeTarget()
    held = HeldOutput(target)  # type: ignore[arg-type]
    assert held.note(True) == ""
    held.release_if_silent(silent)
    held.release_if_silent(silent)  # the same silent invocation asks once
    assert target.lam.invoked == [("s3-trigger-test", RELEASE_EVENT)] and held.released == 1
    assert "logged only once trig invoked the function 1 more time(s)" in held.note(True)
    assert "to release it, in vain" in held.note(False)


def test_a_release_round_leases_as_many_workers_as_invocations_it_saw_at_once():
    # Two invocations at once had two workers; the engine gives the first free one, so one release at a time
    # would always reach the worker that did not hold the output.
    two = block("a", "s1", 1, "S3 trigger Lambda", "bucket = b key = k1") + block("b", "s2", 1)
    assert release_width(two) == 2
    assert release_width([]) == 1
    assert release_width([e for i in range(9) for e in block(f"r{i}", f"s{i}", i)]) == RELEASE_WIDTH
    target = FakeTarget()
    held = HeldOutput(target)  # type: ignore[arg-type]
    held.release_if_silent(two)
    assert target.lam.invoked == [("s3-trigger-test", RELEASE_EVENT)] * 2 and (held.released, held.rounds) == (2, 1)


def test_an_s3_object_is_confirmed_when_its_lines_were_logged_with_different_invocations():
    # Read late by the engine, the key line came out with the worker's next invocation.
    late = block("a", "s1", 1, BANNER) + block("b", "s2", 5, "bucket = b key = k1.txt", BANNER)
    assert logged_object(late, "k1.txt")
    assert not logged_object(block("a", "s1", 1, BANNER), "k1.txt")
    assert not logged_object(block("a", "s1", 5, "bucket = b key = k1.txt") + block("b", "s2", 9, BANNER), "k1.txt")


def test_load_results_say_how_long_they_waited_and_how_the_missing_split():
    result = LoadResult("s3", "asynchronous", 50, 46, 4, 0, 31.2, ["x"], unconfirmed=3, lost=1, overdue=0,
                        invocations=49, silent_invocations=3, waited=30.1)
    assert reports.load_evidence(result) == ("waited 30.1 s; 49 invocation(s) logged since firing, "
                                             "3 of them without a line of the function's own")
    assert reports.missing_split(result).startswith("3 invoked but never confirmed (the engine lost the function's output), "
                                                    "1 never invoked though later events were")
    document = reports.load_document([result])["results"][0]
    assert (document["unconfirmed"], document["lost"], document["overdue"], document["waited"]) == (3, 1, 0, 30.1)
    case = reports.load_cases([result])[0]
    assert "of the missing: 3 invoked but never confirmed" in case.failure and "waited 30.1 s" in case.failure
    answered = LoadResult("api", "synchronous", 5, 5, 0, 0, 1.0, waited=0.9)
    assert reports.load_evidence(answered) == "waited 0.9 s"


def test_semantics_rows_carry_their_wait_and_what_the_engine_never_logged():
    row = Row("s3", "asynchronous", "retry recovers", "e", "o", PASS, "n", {}, waited=4.2, unlogged=1)
    assert reports.row_evidence(row) == ("waited 4.2 s; 1 invocation(s) counted from the probe's own records: "
                                         "the engine never logged their lines")
    assert reports.row_evidence(Row("s3", "asynchronous", "p", "e", "o", PASS)) == "waited 0.0 s"
    document = reports.semantics_document([row])["rows"][0]
    assert (document["waited"], document["unlogged"]) == (4.2, 1)


def test_the_semantics_table_prints_each_rows_wait(capsys):
    from orchestrator.commands.checks import _print_rows

    _print_rows([Row("s3", "asynchronous", "retry recovers", "e", "o", PASS, "n", {}, waited=4.2)])
    assert "waited 4.2 s" in capsys.readouterr().out


def test_an_invocation_that_logged_its_banner_alone_is_released_for_as_a_silent_one_is():
    # The engine stopped reading the worker 5 ms after the banner: the key's line stays with the worker.
    whole = block("a", "s1", 1, "S3 trigger Lambda", "bucket = b key = k1")
    short = block("b", "s2", 2, "S3 trigger Lambda")
    silent = block("c", "s3", 3)
    running = [e for e in block("d", "s4", 4, "S3 trigger Lambda") if not e.message.startswith(("END", "REPORT"))]
    held = cut_after("S3 trigger Lambda")
    assert held(whole + short + silent + running) == ["c", "b"]
    assert should_release(short, 0, 0, held) and not should_release(short, 0, 0)
