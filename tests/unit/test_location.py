import pytest

from orchestrator.location import (
    AppliedElsewhereError, Location, applied_location, forget_location, location_from_arns, record_location,
    recorded_location, refuse_applied_elsewhere, same_endpoint,
)
from orchestrator.settings import Settings
from orchestrator.terraform.state import StateResource

ENDPOINT = "http://127.0.0.1:4566"
ACCOUNT = "000000000000"


def settings(tmp_path, region="us-east-1", account=ACCOUNT, endpoint=ENDPOINT) -> Settings:
    return Settings(project_dir=tmp_path, home=tmp_path / ".trig", endpoint=endpoint, region=region,
                    account_id=account, plugin_dir=None, terraform_bin="terraform")


def never_asked(endpoint: str) -> bool:
    raise AssertionError(f"asked whether {endpoint} answers")


FUNCTION = StateResource("module.function.aws_lambda_function.this", "aws_lambda_function",
                         {"arn": "arn:aws:lambda:eu-west-1:123456789012:function:f", "function_name": "f"})
ROLE = StateResource("module.function.aws_iam_role.this", "aws_iam_role",
                     {"arn": "arn:aws:iam::123456789012:role/r", "name": "r"})


def test_a_record_round_trips_and_is_forgotten(tmp_path):
    here = settings(tmp_path, region="eu-west-1")
    assert recorded_location(here, "api") is None
    record_location(here, "api")
    assert recorded_location(here, "api") == Location(ENDPOINT, "eu-west-1", ACCOUNT)
    forget_location(here, "api")
    assert recorded_location(here, "api") is None


def test_a_state_without_a_record_is_placed_by_its_regional_arns(tmp_path):
    # IAM ARNs name no region: the Lambda function's does.
    assert location_from_arns([ROLE, FUNCTION], ENDPOINT) == Location(ENDPOINT, "eu-west-1", "123456789012")
    assert location_from_arns([ROLE], ENDPOINT) is None
    here = settings(tmp_path)
    assert applied_location(here, "api", []) is None
    assert applied_location(here, "api", [ROLE, FUNCTION]) == Location(ENDPOINT, "eu-west-1", "123456789012")
    record_location(here, "api")
    assert applied_location(here, "api", [ROLE, FUNCTION]) == Location.of(here)


@pytest.mark.parametrize("first,second,same", [
    ("http://localhost:4566", "http://127.0.0.1:4566", True),
    ("http://127.0.0.1:4566/", "http://[::1]:4566", True),
    ("http://127.0.0.1:4566", "http://127.0.0.1:4599", False),
    ("http://127.0.0.1:80", "http://localhost", True),
    ("https://127.0.0.1:4566", "http://127.0.0.1:4566", False),
])
def test_same_endpoint_treats_every_loopback_name_as_one_host(first, second, same):
    assert same_endpoint(first, second) is same


def test_another_region_is_refused_with_the_way_out(tmp_path):
    here = settings(tmp_path, region="eu-west-1")
    with pytest.raises(AppliedElsewhereError) as refused:
        refuse_applied_elsewhere(here, {"api": Location(ENDPOINT, "us-east-1", ACCOUNT)}, never_asked)
    assert str(refused.value) == (
        "api is applied in us-east-1 for account 000000000000; run `trig destroy api` first "
        "(it destroys it there), then apply in eu-west-1.")
    assert refused.value.exit_code == 2


def test_another_account_and_several_triggers_are_named_together(tmp_path):
    here = settings(tmp_path, account="222222222222")
    placed = {"api": Location(ENDPOINT, "us-east-1", ACCOUNT), "s3": Location(ENDPOINT, "us-east-1", ACCOUNT),
              "sqs": Location("http://localhost:4566", "us-east-1", "222222222222")}
    with pytest.raises(AppliedElsewhereError) as refused:
        refuse_applied_elsewhere(here, placed, never_asked)
    assert str(refused.value) == (
        "api, s3 are applied in us-east-1 for account 000000000000; run `trig destroy api s3` first "
        "(it destroys them there), then apply for account 222222222222.")
    assert set(refused.value.elsewhere) == {"api", "s3"}


def test_the_same_place_passes_without_asking_any_endpoint(tmp_path):
    here = settings(tmp_path)
    assert refuse_applied_elsewhere(here, {"api": Location("http://localhost:4566", "us-east-1", ACCOUNT)},
                                    never_asked) == []


def test_another_emulator_that_answers_is_refused(tmp_path):
    here = settings(tmp_path)
    with pytest.raises(AppliedElsewhereError) as refused:
        refuse_applied_elsewhere(here, {"api": Location("http://127.0.0.1:4599", "us-east-1", ACCOUNT)},
                                 lambda endpoint: True)
    assert str(refused.value) == (
        "api is applied in us-east-1 for account 000000000000 at http://127.0.0.1:4599; run `trig destroy api` "
        "first (it destroys it there), then apply at http://127.0.0.1:4566.")


def test_another_emulator_that_is_gone_is_stale_and_lets_the_apply_proceed(tmp_path, caplog):
    here = settings(tmp_path, region="eu-west-1")
    stale = refuse_applied_elsewhere(here, {"api": Location("http://127.0.0.1:4599", "us-east-1", ACCOUNT)},
                                     lambda endpoint: False)
    assert stale == ["api"]
    assert "nothing answers any more" in caplog.text
