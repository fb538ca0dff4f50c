"""Pure parts of recovering from a lost answer: reading Terraform's errors, and deciding when to stop it."""

from __future__ import annotations

from datetime import datetime, timezone

from orchestrator.lost_answers import (
    ADOPTABLE, CREATED_AT, REMOVE, LostCreate, created_since, lost_creates, remove_duplicate_mappings, remove_lost_create,
    with_rest_api,
)
from orchestrator.watchdog import (
    ANSWERED, DEAD_AFTER_FAILURES, REFUSED, SILENT, SILENT_GONE_SECONDS, EmulatorWatch, ProgressLines, stall_limit,
)

# As Terraform 1.11 printed it after the provider retried a CreateFunction whose answer was lost.
STOPPED_APPLY = """
Error: execution halted


Error: creating Lambda Function (api-gateway-test): operation error Lambda: CreateFunction, https response error StatusCode: 409, RequestID: 3d19, ResourceConflictException: Function already exist: api-gateway-test

  with module.function.aws_lambda_function.this,
  on ../../modules/lambda_function/main.tf line 39, in resource "aws_lambda_function" "this":
  39: resource "aws_lambda_function" "this" {
"""

BOXED_PERMISSION = """╷
│ Error: adding Lambda Permission (kinesis-trigger-test/AllowKinesis): operation error Lambda: AddPermission, https response error StatusCode: 409, ResourceConflictException: The statement id (AllowKinesis) provided already exists. Please provide a new statement id, or remove the existing statement.
│
│   with module.api[0].aws_lambda_permission.this,
│   on ../../modules/api_trigger/main.tf line 60, in resource "aws_lambda_permission" "this":
╵
╷
│ Error: creating IAM Role (kinesis-trigger-test-role): operation error IAM: CreateRole, https response error StatusCode: 409, EntityAlreadyExists: Role with name kinesis-trigger-test-role already exists.
│
│   with module.function.aws_iam_role.this,
╵
"""


def test_a_lost_create_function_is_read_with_its_address_and_import_id():
    assert lost_creates(STOPPED_APPLY) == [
        LostCreate("module.function.aws_lambda_function.this", "aws_lambda_function", "api-gateway-test")]


def test_boxed_errors_of_several_kinds_are_read():
    assert lost_creates(BOXED_PERMISSION) == [
        LostCreate("module.api[0].aws_lambda_permission.this", "aws_lambda_permission", "kinesis-trigger-test/AllowKinesis"),
        LostCreate("module.function.aws_iam_role.this", "aws_iam_role", "kinesis-trigger-test-role"),
    ]


def test_other_errors_are_not_taken_for_lost_answers():
    other = STOPPED_APPLY.replace("ResourceConflictException: Function already exist: api-gateway-test", "AccessDenied")
    assert lost_creates(other) == []
    unknown_type = STOPPED_APPLY.replace("aws_lambda_function.this", "aws_glue_job.this")
    assert lost_creates(unknown_type) == []


def test_progress_lines_track_waits_until_complete():
    lines = ProgressLines()
    lines.feed("module.function.aws_lambda_function.this: Still creating... [50s elapsed]\n")
    lines.feed("module.kinesis[0].aws_kinesis_stream.this: Still creating... [1m10s elapsed]\n")
    assert lines.stalled(30) == ("module.function.aws_lambda_function.this", 50.0)
    lines.feed("module.function.aws_lambda_function.this: Creation complete after 51s [id=api-gateway-test]\n")
    assert lines.stalled(30) is None  # 70 s is within a stream's 30 + 3 x 20 s
    lines.feed("module.kinesis[0].aws_kinesis_stream.this: Still creating... [1m30s elapsed]\n")
    assert lines.stalled(30) == ("module.kinesis[0].aws_kinesis_stream.this", 90.0)


def test_functions_queued_for_the_providers_lock_stall_only_when_the_queue_stands_still():
    now = [0.0]
    lines = ProgressLines(clock=lambda: now[0])
    functions = [f'aws_lambda_function.fn["{name}"]' for name in ("a", "b", "c", "d", "e", "f", "g", "h", "i")]
    # Nine functions started together; on a loaded machine the provider finishes one every 6 s, the last after 54 s.
    for second in range(6, 67, 6):
        now[0] = float(second)
        done = second // 6 - 1
        if done < len(functions):
            lines.feed(f"{functions[done]}: Creation complete after {second}s [id=x]\n")
        for waiting in functions[done + 1:]:
            lines.feed(f"{waiting}: Still creating... [{second}s elapsed]\n")
        assert lines.stalled(30) is None, second
    # A function whose answer was lost keeps the lock: nothing of its type finishes while it waits.
    lines = ProgressLines(clock=lambda: now[0])
    now[0] = 5.0
    lines.feed(f"{functions[0]}: Creation complete after 5s [id=x]\n")
    for second in (20, 40, 50):
        now[0] = float(second)
        lines.feed(f"{functions[1]}: Still creating... [{second}s elapsed]\n")
        lines.feed(f"{functions[2]}: Still creating... [{second}s elapsed]\n")
    assert lines.stalled(30) == (functions[1], 50.0)  # 45 s since the last function finished
    # Other types count their own seconds, whatever finishes around them.
    lines.feed("aws_kinesis_stream.s: Still creating... [1m40s elapsed]\n")
    lines.feed("aws_kinesis_stream.t: Creation complete after 20s [id=t]\n")
    assert lines.stalled(30) == ("aws_kinesis_stream.s", 100.0)


def test_stall_limits_follow_the_provider_waits_of_each_type():
    assert stall_limit("module.function.aws_lambda_function.this", 30) == 45
    assert stall_limit("module.sqs[0].aws_sqs_queue.this", 30) == 105
    assert stall_limit("module.api[0].aws_api_gateway_stage.this", 30) == 30


def test_the_endpoint_counts_as_gone_only_after_consecutive_failed_probes():
    answers = iter([REFUSED, ANSWERED] + [REFUSED] * DEAD_AFTER_FAILURES)
    watch = EmulatorWatch("http://127.0.0.1:1", probe=lambda endpoint, timeout: next(answers))
    reasons = []
    for _ in range(2 + DEAD_AFTER_FAILURES):
        watch.last_probe = 0.0  # as if the probe interval had passed
        reasons.append(watch())
    assert reasons[:-1] == [None] * (1 + DEAD_AFTER_FAILURES)
    assert reasons[-1] == "the emulator at http://127.0.0.1:1 stopped answering"


def test_a_stalled_create_is_named_while_the_endpoint_answers():
    watch = EmulatorWatch("http://e", probe=lambda endpoint, timeout: ANSWERED)
    watch.progress.feed("module.function.aws_lambda_function.this: Still creating... [50s elapsed]")
    assert watch() == ("module.function.aws_lambda_function.this waited 50 s for the emulator at http://e, "
                       "which answers its health check: an answer was lost")


def test_a_permission_is_adopted_only_on_a_function_of_the_triggers_own_state():
    from datetime import datetime, timezone

    from orchestrator.lost_answers import created_since

    def no_client(service):
        raise AssertionError("a statement on an own function needs no lookup")

    lost = LostCreate("module.api[0].aws_lambda_permission.this", "aws_lambda_permission", "api-gateway-test/apigateway-invoke")
    now = datetime.now(timezone.utc)
    assert created_since(no_client, lost, now, frozenset({"api-gateway-test"}))

    class Missing:
        def get_function(self, FunctionName):
            raise LookupError(FunctionName)

    assert not created_since(lambda service: Missing(), lost, now, frozenset({"other"}))


def test_silence_counts_as_gone_only_after_a_minute_refusals_after_three_probes():
    watch = EmulatorWatch("http://e", probe=lambda endpoint, timeout: SILENT)
    for _ in range(10):  # a busy machine: ten silent probes in a row are not a death
        watch.last_probe = 0.0
        assert watch() is None
    watch.silent_since -= SILENT_GONE_SECONDS
    watch.last_probe = 0.0
    assert watch() == "the emulator at http://e stopped answering"


class _Recorder:
    """Stands in for a boto3 client: records the calls made of it."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        return lambda **kwargs: self.calls.append((name, kwargs))


def test_a_lost_permission_is_removed_by_function_qualifier_and_statement():
    lam = _Recorder()
    remove_lost_create(lambda service: lam, LostCreate("module.api[0].aws_lambda_permission.this",
                                                       "aws_lambda_permission", "orders:live/apigateway-invoke"))
    remove_lost_create(lambda service: lam, LostCreate("module.api[0].aws_lambda_permission.this",
                                                       "aws_lambda_permission", "orders/apigateway-invoke"))
    assert lam.calls == [
        ("remove_permission", {"FunctionName": "orders", "StatementId": "apigateway-invoke", "Qualifier": "live"}),
        ("remove_permission", {"FunctionName": "orders", "StatementId": "apigateway-invoke"}),
    ]


def test_every_adoptable_kind_can_be_removed_again():
    assert set(REMOVE) == set(CREATED_AT) | ADOPTABLE


# As Terraform 1.11 printed it in CI when MiniStack lost the answer to a CreateResource the SDK then sent again.
LOST_PATH = """
Error: creating API Gateway Resource: operation error API Gateway: CreateResource, https response error StatusCode: 409, RequestID: e516a4e4-c549-4e1f-9429-d8032d93b46b, ConflictException: Another resource with the same parent already has this name: hello

  with module.trigger["api"].module.api["api"].aws_api_gateway_resource.this,
  on ../../modules/api_trigger/main.tf line 6, in resource "aws_api_gateway_resource" "this":
   6: resource "aws_api_gateway_resource" "this" {
"""


def test_a_lost_api_path_is_read_and_made_whole_from_its_rest_api_in_the_state():
    [lost] = lost_creates(LOST_PATH)
    address = 'module.trigger["api"].module.api["api"].aws_api_gateway_resource.this'
    assert lost == LostCreate(address, "aws_api_gateway_resource", "hello")
    rest_apis = {'module.trigger["api"].module.api["api"].aws_api_gateway_rest_api.this': "2f292e57",
                 'module.trigger["other"].module.api["api"].aws_api_gateway_rest_api.this': "99999999"}
    whole = with_rest_api(lost, rest_apis)
    assert whole == LostCreate(address, "aws_api_gateway_resource", "2f292e57/hello")
    assert created_since(None, whole, datetime.now(timezone.utc), own_rest_apis=frozenset(rest_apis.values()))
    # A path whose REST API this state does not hold is someone else's.
    assert with_rest_api(lost, {}) == lost
    assert not created_since(None, LostCreate(address, "aws_api_gateway_resource", "0000/hello"),
                             datetime.now(timezone.utc), own_rest_apis=frozenset(rest_apis.values()))


def test_a_lost_api_path_is_removed_under_the_root_of_its_rest_api():
    class ApiGateway(_Recorder):
        def get_resources(self, **kwargs):
            return {"items": [{"id": "r00t", "path": "/"},
                              {"id": "res1", "parentId": "r00t", "pathPart": "hello", "path": "/hello"},
                              {"id": "res2", "parentId": "res1", "pathPart": "hello", "path": "/hello/hello"}]}

    apigateway = ApiGateway()
    remove_lost_create(lambda service: apigateway,
                       LostCreate("module.api.aws_api_gateway_resource.this", "aws_api_gateway_resource", "abc/hello"))
    assert apigateway.calls == [("delete_resource", {"restApiId": "abc", "resourceId": "res1"})]


def test_a_second_mapping_of_a_tracked_function_and_source_is_deleted_and_nothing_else():
    class Lambda(_Recorder):
        def list_event_source_mappings(self, FunctionName, EventSourceArn):
            self.calls.append(("list", {"FunctionName": FunctionName}))
            return {"EventSourceMappings": [{"UUID": "tracked"}, {"UUID": "second"}]}

    lam = Lambda()
    removed = remove_duplicate_mappings(lambda service: lam, [
        {"uuid": "tracked", "function_name": "sqs-trigger-test", "event_source_arn": "arn:aws:sqs:us-east-1:1:q"}])
    assert removed == ["second"]
    assert lam.calls == [("list", {"FunctionName": "sqs-trigger-test"}),
                         ("delete_event_source_mapping", {"UUID": "second"})]
