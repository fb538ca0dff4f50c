import pytest

from orchestrator.errors import UsageError
from orchestrator.preflight import check_endpoint_coverage, service_of

PROVIDER = """
provider "aws" {
  endpoints {
    lambda = var.endpoint
    sts    = var.endpoint
%s  }
}
"""


def make_root(tmp_path, extra_endpoints="", module_body='resource "aws_lambda_function" "this" {}\n'):
    root = tmp_path / "envs" / "local"
    module = tmp_path / "modules" / "fn"
    root.mkdir(parents=True)
    module.mkdir(parents=True)
    (root / "providers.tf").write_text(PROVIDER % extra_endpoints)
    (root / "main.tf").write_text('module "fn" {\n  source = "../../modules/fn"\n}\n')
    (module / "main.tf").write_text(module_body)
    return root


def test_service_of_picks_the_longest_prefix_and_knows_local_data_sources():
    assert service_of("aws_lambda_event_source_mapping") == "lambda"
    assert service_of("aws_cloudwatch_log_group") == "logs"
    assert service_of("aws_iam_policy_document", "data") is None
    assert service_of("aws_caller_identity", "data") == "sts"
    with pytest.raises(UsageError, match="cannot tell which AWS service aws_quantum_ledger uses"):
        service_of("aws_quantum_ledger")


def test_covered_configuration_passes_and_reports_the_services(tmp_path):
    assert check_endpoint_coverage(make_root(tmp_path)) == {"lambda", "sts"}


def test_a_module_resource_without_endpoint_is_refused_naming_file_and_service(tmp_path):
    root = make_root(tmp_path, module_body='resource "aws_sqs_queue" "q" {}\n')
    with pytest.raises(UsageError, match=r"modules/fn/main.tf uses aws_sqs_queue \(service sqs\).*add `sqs = var.endpoint`"):
        check_endpoint_coverage(root)
    fixed = make_root(tmp_path / "again", extra_endpoints="    sqs    = var.endpoint\n",
                      module_body='resource "aws_sqs_queue" "q" {}\n')
    assert "sqs" in check_endpoint_coverage(fixed)
