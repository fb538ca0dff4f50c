import json

from orchestrator import inventory
from orchestrator.terraform.state import state_path
from orchestrator.location import Location, record_location
from orchestrator.settings import Settings
from orchestrator.triggers import REGISTRY

ENDPOINT = "http://127.0.0.1:9"
HERE = Location(ENDPOINT, "us-east-1", "000000000000")


def settings(tmp_path) -> Settings:
    return Settings(project_dir=tmp_path, home=tmp_path / ".trig", endpoint=ENDPOINT, region="us-east-1",
                    account_id="000000000000", plugin_dir=None, terraform_bin="terraform")


def write_state(home, workspace, resources):
    path = state_path(home, workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 4, "resources": resources}))


def test_without_an_answering_emulator_the_states_are_listed_and_presence_is_unknown(tmp_path):
    here = settings(tmp_path)
    # One state for the place; s3's apply was interrupted before it made anything, so it holds only api.
    write_state(here.home, "000000000000-us-east-1", [{"mode": "managed", "type": "aws_iam_role", "name": "this",
                                                       "module": 'module.trigger["api"].module.function',
                                                       "instances": [{"attributes": {"name": "r"}}]}])
    record_location(here, "s3")
    record_location(here, "api")
    statuses = {s.trigger: s for s in inventory.survey_triggers(here, answers=lambda endpoint: False)}
    assert list(statuses) == list(REGISTRY)
    assert statuses["api"].state == inventory.UNKNOWN and statuses["api"].resources == 1
    assert statuses["api"].reason == f"nothing answers at {ENDPOINT}"
    assert {name for name, s in statuses.items() if s.state == inventory.NOT_APPLIED} == set(REGISTRY) - {"api"}
    assert inventory.describe_status(statuses["api"], HERE) == (
        f"applied (1 resources in us-east-1 for account 000000000000), presence unknown: nothing answers at {ENDPOINT}")
    assert statuses["s3"].as_dict() == {"state": "not_applied", "missing": [], "resources": None, "endpoint": None,
                                        "region": None, "account": None, "reason": "", "declared": True}


def test_a_function_applied_here_but_no_longer_declared_is_listed_last_with_the_way_to_remove_it(tmp_path):
    here = settings(tmp_path)
    write_state(here.home, "000000000000-us-east-1", [{"mode": "managed", "type": "aws_iam_role", "name": "this",
                                                       "module": 'module.trigger["orders"].module.function',
                                                       "instances": [{"attributes": {"name": "r"}}]}])
    record_location(here, "orders")
    statuses = inventory.survey_triggers(here, answers=lambda endpoint: False)
    assert [s.trigger for s in statuses] == [*REGISTRY, "orders"]
    assert not statuses[-1].declared and statuses[-1].as_dict()["declared"] is False
    assert inventory.describe_status(statuses[-1], HERE).endswith(
        "; not in the project file: `trig destroy all` removes it")


def test_the_three_answers_and_where_when_it_is_not_here():
    assert inventory.describe_status(inventory.TriggerStatus("api", inventory.NOT_APPLIED), HERE) == "not applied"
    assert inventory.describe_status(inventory.TriggerStatus("api", inventory.PRESENT, HERE, 11), HERE) == (
        "applied and present")
    missing = inventory.TriggerStatus("s3", inventory.MISSING, HERE, 7, ("module.s3[0].aws_s3_bucket_notification.this",))
    assert inventory.describe_status(missing, HERE) == (
        "applied but missing: module.s3[0].aws_s3_bucket_notification.this")
    there = Location(ENDPOINT, "eu-west-1", "000000000000")
    assert inventory.describe_status(inventory.TriggerStatus("api", inventory.PRESENT, there, 11), HERE) == (
        "applied and present (in eu-west-1 for account 000000000000)")
    other = Location("http://127.0.0.1:4599", "us-east-1", "000000000000")
    assert inventory.describe_status(inventory.TriggerStatus("api", inventory.PRESENT, other, 11), HERE) == (
        "applied and present (in us-east-1 for account 000000000000 at http://127.0.0.1:4599)")
