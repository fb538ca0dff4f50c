"""What the stream types (Kinesis, DynamoDB Streams) share: their probe and their experiments.

Lambda reads a stream in batches, one shard in order, retries a failing batch until it succeeds
or the retry limit sends its description to the on-failure destination. A stream type says
only where its probe reads from, what a record is called, and how the destination names a batch.
"""

from __future__ import annotations

from typing import ClassVar

from orchestrator.experiments.batched import batch_rows, retry_limit_row, retry_row
from orchestrator.experiments.destination import mapping_accepted
from orchestrator.experiments.verdicts import Row
from orchestrator.settings import Settings
from orchestrator.triggers.base import MappedTrigger, NewNonce, AppliedTrigger

# Experiments: records put for the batch-size row, and failures before the retried batch succeeds.
RECORDS = 25
FAILURES = 2


class StreamTrigger(MappedTrigger):
    invocation = "stream"
    # The probe stack's own source (`{"stream": ...}`), what one record is called, whether the
    # experiments can see order (a single shard whose records keep the order they were put in),
    # and the key under which the on-failure destination describes a batch.
    probe_source: ClassVar[dict[str, object]]
    record_unit: ClassVar[str] = "records"
    ordered: ClassVar[bool] = False
    batch_info: ClassVar[str]

    def probe_defaults(self, settings: Settings) -> dict[str, object]:
        return {**self.probe_source, "batch_size": 10, "starting_position": "TRIM_HORIZON",
                "maximum_retry_attempts": 2, "bisect_batch_on_function_error": False,
                "on_failure_queue": f"trig-probe-{self.name}-failures"}

    def run_semantics(self, target: AppliedTrigger, values: dict, new_nonce: NewNonce, timeout: float) -> list[Row]:
        """Batching (and order), retry until success, then the retry limit (last: it may block the shard)."""
        def send(texts: list[str]) -> None:
            self.send(target, texts)

        retries = int(values["maximum_retry_attempts"])
        expected = f"a batch failing {FAILURES} times is retried until it succeeds ({FAILURES + 1} invocations)"
        rows = batch_rows(target, self.name, self.invocation, send, int(values["batch_size"]), RECORDS,
                          self.record_unit, new_nonce(), timeout, in_order=self.ordered)
        if self.ordered:
            rows.append(retry_row(target, self.name, self.invocation, send, FAILURES, new_nonce(), timeout,
                                  f"{expected}; records behind it wait and follow in order", behind=("next1", "next2")))
        else:
            rows.append(retry_row(target, self.name, self.invocation, send, FAILURES, new_nonce(), timeout, expected))
        rows.append(retry_limit_row(target, self.name, send, retries,
                                    mapping_accepted(target, target.outputs.of(self.name, "event_source_mapping_uuid"), retries),
                                    target.outputs.of(self.name, "on_failure_queue_url"), self.batch_info, new_nonce(), timeout))
        return rows
