"""orchestrator/roots: a team's own Terraform root read, overridden, copied and its triggers discovered (pure logic)."""

import json
import os
import re
from pathlib import Path

import pytest

from orchestrator.aws import FAKE_SECRET_KEY
from orchestrator.commands.root_options import refuse_with_root, root_variables
from orchestrator.errors import UsageError
from orchestrator.roots.checks import discovered, rate_seconds
from orchestrator.roots.discovery import discover, matching_document
from orchestrator.roots.firing import key_item
from orchestrator.roots.hcl import blocks, without_comments
from orchestrator.roots.override import write_override
from orchestrator.roots.source import OVERRIDE_FILE, PROVIDER_FILE, ProviderConfig, TeamRoot, read_root
from orchestrator.roots.workcopy import copy_for, rebuild
from orchestrator.terraform.state import StateResource


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def parsed(text: str):
    return blocks(without_comments(text))


# -- hcl ----------------------------------------------------------------------------------------

def test_comments_strings_and_heredocs_open_no_block_and_lines_are_kept():
    text = ('# resource "aws_glue_job" "hash" {\n// resource "aws_glue_job" "slashes" {\n'
            '/* resource "aws_glue_job" "block" {\n*/\n'
            'resource "aws_sqs_queue" "q" {\n  name = "a { b # not a comment // either"\n'
            '  policy = <<EOF\n{ "x": "}" }\n}\nresource "nope" "inside_heredoc" {\nEOF\n}\n'
            'resource "aws_sns_topic" "t" {}\n')
    cleaned = without_comments(text)
    assert cleaned.count("\n") == text.count("\n")
    assert '"a { b # not a comment // either"' in cleaned and "glue" not in cleaned
    found = blocks(cleaned)
    assert [(b.type, b.labels, b.line) for b in found] == [
        ("resource", ("aws_sqs_queue", "q"), 5), ("resource", ("aws_sns_topic", "t"), 13)]
    assert 'resource "nope"' in found[0].body


def test_one_line_nested_blocks_are_found_with_their_lines():
    provider, = parsed('\nprovider "aws" {\n  region = "eu-west-1"\n'
                       '  default_tags { tags = { team = "orders", alias = "no" } }\n\n'
                       '  assume_role { role_arn = "arn:aws:iam::1:role/x" }\n}\n')
    assert (provider.type, provider.labels, provider.line) == ("provider", ("aws",), 2)
    assert [(b.type, b.line) for b in provider.blocks()] == [("default_tags", 4), ("assume_role", 6)]
    assert provider.blocks("assume_role")[0].literal("role_arn") == "arn:aws:iam::1:role/x"
    assert provider.literal("alias") is None  # only inside a nested value
    one_line, = parsed('provider "aws" { alias = "events" }')
    assert one_line.literal("alias") == "events"


def test_literal_reads_literal_strings_only():
    block, = parsed('module "m" {\n  source = "./modules/m"\n  name = var.name\n'
                    '  region = "${var.region}"\n  count = 1\n}\n')
    assert block.literal("source") == "./modules/m"
    assert [block.literal(n) for n in ("name", "region", "count", "absent")] == [None] * 4
    assert block.has_argument("name") and not block.has_argument("absent")


def test_a_heredoc_in_a_body_opens_no_block_and_hides_no_argument():
    module, = parsed('module "m" {\n  user_data = <<EOF\nassume_role {\nEOF\n  source = "./modules/m"\n}\n')
    assert module.blocks() == []
    assert module.literal("source") == "./modules/m"


# -- source.read_root -----------------------------------------------------------------------------

def test_read_root_finds_providers_and_exactly_the_services_used(tmp_path):
    root = write(tmp_path / "infra", {
        "main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n\n'
                   'provider "aws" {\n  alias  = "us"\n  region = "us-east-1"\n}\n'
                   'module "worker" {\n  source = "./modules/worker"\n}\n',
        "lambda.tf": 'data "aws_iam_policy_document" "assume" {}\ndata "aws_region" "here" {}\n'
                     'resource "aws_sqs_queue" "q" {}\nresource "aws_lambda_function" "f" {}\n'
                     'resource "random_id" "x" {}\n',
        "modules/worker/main.tf": 'resource "aws_dynamodb_table" "t" {}\nmodule "in" {\n  source = "./inner"\n}\n',
        "modules/worker/inner/main.tf": 'resource "aws_kinesis_stream" "s" {}\n',
        "notes.txt": 'resource "aws_glue_job" "not_terraform" {}\n'})
    team = read_root(root)
    assert [(p.alias, p.file.name, p.line) for p in team.providers] == [(None, "main.tf", 1), ("us", "main.tf", 5)]
    assert team.has_default_provider
    assert team.services == {"sts", "sqs", "lambda", "dynamodb", "kinesis"}


def test_a_root_of_aliased_providers_only_has_no_default(tmp_path):
    team = read_root(write(tmp_path, {"main.tf": 'provider "aws" {\n  alias = "a"\n}\n'}))
    assert [p.alias for p in team.providers] == ["a"] and not team.has_default_provider
    assert team.services == {"sts"}


@pytest.mark.parametrize("files, refusal", [
    ({"main.tf": 'module "x" {\n  source = "./modules/x"\n}\n',
      "modules/x/main.tf": '\nprovider "aws" {\n  region = "eu-west-1"\n}\n'},
     r"module 'x' declares its own aws provider \(modules/x/main\.tf:2\)"),
    ({"main.tf": 'resource "aws_sqs_queue" "q" {}\n\nprovider "aws" {\n  assume_role {\n    role_arn = "r"\n  }\n}\n'},
     r"the aws provider at main\.tf:3 assumes a role"),
    ({"main.tf": 'provider "aws" { assume_role { role_arn = "r" } }\n'}, r"the aws provider at main\.tf:1 assumes"),
    ({"main.tf": 'resource "aws_sqs_queue" "q" {}\nresource "aws_glue_job" "j" {}\n'},
     r"main\.tf:2 uses aws_glue_job, which trig cannot map"),
    ({"main.tf": 'module "x" {\n  source = "./modules/x"\n}\n', "modules/x/jobs.tf": 'resource "aws_glue_job" "j" {}\n'},
     r"modules/x/jobs\.tf:1 uses aws_glue_job"),
    ({"main.tf": '\n\nresource "awscc_s3_bucket" "b" {}\n'}, r"main\.tf:3 uses awscc_s3_bucket"),
])
def test_read_root_refuses_in_one_line_naming_the_place(tmp_path, files, refusal):
    with pytest.raises(UsageError, match=refusal):
        read_root(write(tmp_path / "infra", files))


@pytest.mark.parametrize("files", [
    {"main.tf": 'provider "aws" {\n  profile = "team{dev"\n  assume_role {\n    role_arn = "r"\n  }\n}\n'},
    {"main.tf": 'module "x" {\n  description = "jobs (nightly"\n  source = "./modules/x"\n}\n',
     "modules/x/main.tf": 'resource "aws_glue_job" "j" {}\n'},
])
def test_a_string_with_an_unbalanced_bracket_hides_nothing_from_the_refusals(tmp_path, files):
    with pytest.raises(UsageError):
        read_root(write(tmp_path / "infra", files))


def test_read_root_refuses_a_missing_folder_and_one_without_tf_files(tmp_path):
    with pytest.raises(UsageError, match="no such folder"):
        read_root(tmp_path / "absent")
    write(tmp_path / "empty", {"README.md": "no terraform here\n"})
    with pytest.raises(UsageError, match=r"holds no \.tf file"):
        read_root(tmp_path / "empty")


# -- override -------------------------------------------------------------------------------------

def overridden(tmp_path, aliases):
    team = TeamRoot(tmp_path / "infra", tuple(ProviderConfig(a, tmp_path / "main.tf", 1) for a in aliases),
                    frozenset({"sts", "sqs", "lambda"}))
    copy_root = tmp_path / "copy"
    copy_root.mkdir(exist_ok=True)
    write_override(team, copy_root, tmp_path / "state" / "terraform.tfstate", "http://127.0.0.1:4566",
                   "111111111111", "eu-west-1")
    return copy_root


def check_provider(block, alias):
    assert block.literal("alias") == alias
    assert block.literal("access_key") == "111111111111" and block.literal("secret_key") == FAKE_SECRET_KEY
    assert re.search(r'allowed_account_ids = \["111111111111"\]', block.body)
    assert re.search(r"s3_use_path_style = true", block.body)
    endpoints, = block.blocks("endpoints")
    keys = re.findall(r'^\s*(\w+) = "http://127\.0\.0\.1:4566"$', endpoints.body, re.MULTILINE)
    assert sorted(keys) == ["lambda", "sqs", "sts"] and endpoints.body.count("=") == 3


def test_override_points_every_provider_of_the_root_at_the_emulator(tmp_path):
    copy_root = overridden(tmp_path, [None, "us"])
    found = parsed((copy_root / OVERRIDE_FILE).read_text())
    backend, = [b for b in found if b.type == "terraform"][0].blocks("backend")
    assert backend.labels == ("local",)
    assert backend.literal("path") == str(tmp_path / "state" / "terraform.tfstate")
    providers = [b for b in found if b.type == "provider"]
    assert [p.labels for p in providers] == [("aws",), ("aws",)]
    for block, alias in zip(providers, [None, "us"]):
        check_provider(block, alias)
        assert block.literal("region") is None  # the team's regions stay as written
    assert not (copy_root / PROVIDER_FILE).exists()


def test_a_root_without_a_default_provider_gets_one_in_a_plain_file_and_loses_it_once_it_has_one(tmp_path):
    copy_root = overridden(tmp_path, ["us"])
    override = [b for b in parsed((copy_root / OVERRIDE_FILE).read_text()) if b.type == "provider"]
    assert [b.literal("alias") for b in override] == ["us"]
    plain, = parsed((copy_root / PROVIDER_FILE).read_text())
    check_provider(plain, None)
    assert plain.literal("region") == "eu-west-1"
    overridden(tmp_path, [None])
    assert not (copy_root / PROVIDER_FILE).exists()


# -- workcopy -------------------------------------------------------------------------------------

def snapshot(folder: Path) -> dict:
    seen = {}
    for here, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(here) / name
            seen[str(path.relative_to(folder))] = (path.is_symlink(), path.read_bytes() if path.is_file() else None)
    return seen


@pytest.fixture
def repository(tmp_path):
    """A team's checkout: a git repository holding a root in infra/lambda and a sibling modules folder."""
    repo = write(tmp_path / "checkout", {
        ".git/HEAD": "ref: refs/heads/main\n",
        "README.md": "team\n",
        "infra/lambda/main.tf": 'module "q" {\n  source = "../modules/queue"\n}\n',
        "infra/lambda/terraform.tfstate": '{"version": 4}\n',
        "infra/lambda/.terraform.lock.hcl": "# the team's lock\n",
        "infra/lambda/.terraform/modules/modules.json": "{}\n",
        "infra/lambda/src/handler.py": "def handler(event, context):\n    return event\n",
        "infra/modules/queue/main.tf": 'resource "aws_sqs_queue" "q" {}\n'})
    return repo


def test_the_copy_links_the_teams_files_but_not_what_terraform_writes(tmp_path, repository):
    root = repository / "infra" / "lambda"
    copy = copy_for(tmp_path / "home", root)
    shadow = rebuild(copy, [(repository / "infra" / "modules" / "queue").resolve()])
    assert shadow == copy.root == copy.tree / "infra" / "lambda"  # anchored at the repository
    assert sorted(p.name for p in shadow.iterdir()) == ["main.tf", "src"]
    assert all((shadow / name).is_symlink() for name in ("main.tf", "src"))
    assert (shadow / "main.tf").resolve() == (root / "main.tf").resolve()
    assert (shadow / "../modules/queue/main.tf").read_text() == 'resource "aws_sqs_queue" "q" {}\n'
    assert (copy.tree / "README.md").is_symlink() and not (copy.tree / ".git").exists()


def test_rebuilding_leaves_the_teams_folder_byte_for_byte_and_keeps_the_copys_lock(tmp_path, repository):
    before = snapshot(repository)
    copy = copy_for(tmp_path / "home", repository / "infra" / "lambda")
    rebuild(copy, [])
    (copy.root / ".terraform.lock.hcl").write_text("# trig's lock\n")
    (copy.root / "zz_trig_emulator_override.tf").write_text("# override\n")
    rebuild(copy, [])
    assert (copy.root / ".terraform.lock.hcl").read_text() == "# trig's lock\n"
    assert not (copy.root / ".terraform.lock.hcl").is_symlink()
    assert not (copy.root / "zz_trig_emulator_override.tf").exists()
    assert snapshot(repository) == before


# -- discovery ------------------------------------------------------------------------------------

ARN = "arn:aws:lambda:eu-west-1:111111111111:function:{}"


def res(address: str, **attributes) -> StateResource:
    return StateResource(address, address.split(".")[0], attributes)


def function(name: str) -> StateResource:
    return res(f"aws_lambda_function.{name}", function_name=name, arn=ARN.format(name))


def invoke_uri(name: str) -> str:
    return f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{ARN.format(name)}/invocations"


STREAM = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders/stream/2024-01-01T00:00:00.000"
QUEUE = "arn:aws:sqs:eu-west-1:111111111111:jobs"
KINESIS = "arn:aws:kinesis:eu-west-1:111111111111:stream/clicks"
STATE = [
    function("api"), function("worker"),
    res("aws_api_gateway_rest_api.a", id="api1", root_resource_id="root1"),
    res("aws_api_gateway_resource.order", rest_api_id="api1", id="res1", path="/orders/{id}"),
    res("aws_api_gateway_integration.get", rest_api_id="api1", resource_id="res1", http_method="GET",
        type="AWS_PROXY", uri=invoke_uri("api")),
    res("aws_api_gateway_integration.http", rest_api_id="api1", resource_id="res1", http_method="POST",
        type="HTTP", uri="https://example.com/" + ARN.format("api")),
    res("aws_api_gateway_stage.dev", rest_api_id="api1", stage_name="dev"),
    res("aws_s3_bucket_notification.created", bucket="uploads", lambda_function=[
        {"lambda_function_arn": ARN.format("worker"), "events": ["s3:ObjectCreated:*"],
         "filter_prefix": "in/", "filter_suffix": ".csv"}]),
    res("aws_s3_bucket_notification.removed", bucket="trash", lambda_function=[
        {"lambda_function_arn": ARN.format("worker"), "events": ["s3:ObjectRemoved:*"]}]),
    res("aws_sns_topic_subscription.orders", protocol="lambda", endpoint=ARN.format("worker"),
        topic_arn="arn:aws:sns:eu-west-1:111111111111:orders", filter_policy='{"kind": ["order"]}'),
    res("aws_sns_topic_subscription.queue", protocol="sqs", endpoint=QUEUE,
        topic_arn="arn:aws:sns:eu-west-1:111111111111:orders"),
    res("aws_cloudwatch_event_rule.placed", name="placed", event_bus_name="default",
        event_pattern=json.dumps({"source": ["shop"], "detail-type": ["OrderPlaced"]})),
    res("aws_cloudwatch_event_target.placed", rule="placed", event_bus_name="default", arn=ARN.format("worker")),
    res("aws_cloudwatch_event_rule.nightly", name="nightly", schedule_expression="rate(1 day)"),
    res("aws_cloudwatch_event_target.nightly", rule="nightly", arn=ARN.format("worker")),
    res("aws_dynamodb_table.orders", name="orders", hash_key="pk", range_key="sk", stream_arn=STREAM,
        attribute=[{"name": "sk", "type": "N"}, {"name": "pk", "type": "S"}]),
    res("aws_lambda_event_source_mapping.table", event_source_arn=STREAM, function_arn=ARN.format("worker"),
        function_name=ARN.format("worker"), enabled=True),
    res("aws_sqs_queue.jobs", arn=QUEUE, url="http://127.0.0.1:4566/111111111111/jobs"),
    res("aws_lambda_event_source_mapping.jobs", event_source_arn=QUEUE, function_name=ARN.format("worker"),
        enabled=True),
    res("aws_kinesis_stream.clicks", arn=KINESIS, name="clicks"),
    res("aws_lambda_event_source_mapping.clicks", event_source_arn=KINESIS, function_name=ARN.format("worker"),
        enabled=False),
    # Triggers of a function the state does not hold.
    res("aws_lambda_event_source_mapping.elsewhere", event_source_arn=QUEUE, function_name=ARN.format("gone")),
    res("aws_sns_topic_subscription.elsewhere", protocol="lambda", endpoint=ARN.format("gone"), topic_arn="t"),
]


def test_discover_finds_every_trigger_in_kind_order_and_only_of_functions_in_the_state():
    found = discover(STATE)
    assert [(f.kind, f.source, f.function, f.region) for f in found] == [
        ("rest_api", "aws_api_gateway_integration.get", "api", "eu-west-1"),
        ("s3", "aws_s3_bucket_notification.created", "worker", "eu-west-1"),
        ("s3", "aws_s3_bucket_notification.removed", "worker", "eu-west-1"),
        ("sns", "aws_sns_topic_subscription.orders", "worker", "eu-west-1"),
        ("eventbridge", "aws_cloudwatch_event_rule.placed", "worker", "eu-west-1"),
        ("schedule", "aws_cloudwatch_event_rule.nightly", "worker", "eu-west-1"),
        ("sqs", "aws_lambda_event_source_mapping.jobs", "worker", "eu-west-1"),
        ("kinesis", "aws_lambda_event_source_mapping.clicks", "worker", "eu-west-1"),
        ("dynamodb", "aws_lambda_event_source_mapping.table", "worker", "eu-west-1"),
    ]


def test_discovered_triggers_carry_what_firing_them_needs():
    by_source = {f.source: f for f in discover(STATE)}
    api = by_source["aws_api_gateway_integration.get"]
    assert dict(api.fire) == {"api_id": "api1", "stage": "dev", "path": "/orders/{id}", "method": "GET"}
    assert api.cannot_fire == "" and api.invocation == "synchronous"
    created = by_source["aws_s3_bucket_notification.created"]
    assert (created.fire["bucket"], created.fire["prefix"], created.fire["suffix"]) == ("uploads", "in/", ".csv")
    assert created.cannot_fire == "" and by_source["aws_s3_bucket_notification.removed"].cannot_fire
    sns = by_source["aws_sns_topic_subscription.orders"]
    assert sns.fire["matching"] == {"kind": "order"} and sns.cannot_fire == ""
    rule = by_source["aws_cloudwatch_event_rule.placed"]
    assert rule.fire["matching"] == {"source": "shop", "detail-type": "OrderPlaced"} and rule.cannot_fire == ""
    schedule = by_source["aws_cloudwatch_event_rule.nightly"]
    assert schedule.fire["expression"] == "rate(1 day)" and schedule.cannot_fire
    table = by_source["aws_lambda_event_source_mapping.table"]
    assert table.fire["table"] == "orders" and list(table.fire["keys"]) == [("pk", "S"), ("sk", "N")]
    assert by_source["aws_lambda_event_source_mapping.jobs"].fire == {"queue_url": "http://127.0.0.1:4566/111111111111/jobs",
                                                                       "uuid": None}
    clicks = by_source["aws_lambda_event_source_mapping.clicks"]
    assert clicks.fire == {"stream": "clicks", "uuid": None} and clicks.cannot_fire == "the mapping is disabled"


@pytest.mark.parametrize("pattern, document", [
    ({"source": ["a", "b"]}, {"source": "a"}),
    ({"key": [{"prefix": "in/"}]}, {"key": "in/trig"}),
    ({"state": [{"anything-but": ["gone", "lost"]}]}, {"state": "trig-gone-lost"}),
    ({"size": [{"anything-but": [1, 5]}]}, {"size": 6}),
    ({"size": [{"numeric": ["=", 7]}]}, {"size": 7}),
    ({"source": ["shop"], "detail": {"order": {"kind": ["big"], "total": [{"numeric": [">=", 10]}]}}},
     {"source": "shop", "detail": {"order": {"kind": "big", "total": 10}}}),
    ({"$or": [{"a": ["x"]}, {"b": ["y"]}]}, None),
    ({"detail": {"$or": [{"a": ["x"]}]}}, None),
    ({"key": [{"wildcard": "in/*.csv"}]}, None),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, None),
    ({"error": [{"exists": False}]}, None),
])
def test_matching_document_satisfies_what_it_can_and_refuses_the_rest(pattern, document):
    assert matching_document(pattern) == document


# -- firing, checks, options ----------------------------------------------------------------------

def test_key_item_builds_the_key_from_the_nonce():
    nonce = "0123456789ab"
    item, token = key_item([("pk", "S"), ("sk", "N")], nonce)
    assert nonce in item["pk"]["S"] and item["sk"] == {"N": str(int(nonce[:10], 16))}
    assert set(item) == {"pk", "sk"} and token == nonce
    item, token = key_item([("id", "N")], nonce)
    assert item == {"id": {"N": token}} and token == str(int(nonce[:10], 16))


@pytest.mark.parametrize("expression, seconds", [
    ("rate(1 minute)", 60), ("rate(5 minutes)", 300), ("rate(1 hour)", 3600), ("rate(2 days)", 172800),
    ("cron(0 12 * * ? *)", None)])
def test_rate_seconds(expression, seconds):
    assert rate_seconds(expression) == seconds


def test_discovered_refuses_nothing_applied_and_no_trigger_and_returns_what_it_found(tmp_path):
    copy = copy_for(tmp_path / "home", tmp_path / "infra")
    copy.folder.mkdir(parents=True)
    with pytest.raises(UsageError, match=r"nothing of .*infra is applied"):
        discovered(copy)

    def state(*resources):
        copy.state_file.write_text(json.dumps({"version": 4, "resources": [
            {"mode": "managed", "type": r.type, "name": r.address.split(".")[1],
             "instances": [{"attributes": dict(r.attributes)}]} for r in resources]}))
    queue, = [r for r in STATE if r.type == "aws_sqs_queue"]
    state(queue)
    with pytest.raises(UsageError, match="no Lambda trigger found in 1 resources"):
        discovered(copy)
    mapping, = [r for r in STATE if r.address == "aws_lambda_event_source_mapping.jobs"]
    state(function("worker"), queue, mapping)
    found, applied = discovered(copy)
    assert [f.kind for f in found] == ["sqs"] and len(applied) == 3


def test_root_variables_are_checked(tmp_path):
    with pytest.raises(UsageError, match=r"--var-file .*missing\.tfvars: no such file"):
        root_variables([tmp_path / "missing.tfvars"], None)
    for bad in ("stage", "=dev"):
        with pytest.raises(UsageError, match="give NAME=VALUE"):
            root_variables(None, [bad])
    (tmp_path / "dev.tfvars").write_text('stage = "dev"\n')
    variables = root_variables([tmp_path / "dev.tfvars"], ["stage=dev", "n=a=b"])
    assert variables.files == ((tmp_path / "dev.tfvars").resolve(),) and variables.values == ("stage=dev", "n=a=b")


def test_refuse_with_root_names_the_trigger_argument_or_the_option():
    with pytest.raises(UsageError, match=r"^TRIGGER goes with trig's own stacks.*`trig check --root DIR`"):
        refuse_with_root("check", triggers=["api"])
    with pytest.raises(UsageError, match=r"^--keep-going goes with"):
        refuse_with_root("apply", triggers=None, keep_going=True)
    with pytest.raises(UsageError, match=r"^--set goes with"):
        refuse_with_root("apply", set_=["a=b"])
    refuse_with_root("apply", triggers=None, set_=[], keep_going=False)
