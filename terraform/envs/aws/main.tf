# The same modules as envs/localstack, composed for real AWS: one root holds
# every trigger that is set, each with its own function.

module "api_function" {
  source = "../../modules/lambda_function"
  count  = var.api == null ? 0 : 1

  function_name = var.api.function_name
  zip_path      = var.api.zip_path
  zip_hash      = filebase64sha256(var.api.zip_path)
  environment   = { GREETING = var.api.greeting }
}

module "api" {
  source = "../../modules/api_trigger"
  count  = var.api == null ? 0 : 1

  api_name            = var.api.api_name
  path_part           = var.api.path_part
  stage_name          = var.api.stage_name
  function_name       = module.api_function[0].function_name
  function_invoke_arn = module.api_function[0].invoke_arn
}

module "s3_function" {
  source = "../../modules/lambda_function"
  count  = var.s3 == null ? 0 : 1

  function_name = var.s3.function_name
  zip_path      = var.s3.zip_path
  zip_hash      = filebase64sha256(var.s3.zip_path)
}

module "s3" {
  source = "../../modules/s3_trigger"
  count  = var.s3 == null ? 0 : 1

  bucket_name   = var.s3.bucket_name
  filter_prefix = var.s3.filter_prefix
  filter_suffix = var.s3.filter_suffix
  function_name = module.s3_function[0].function_name
  function_arn  = module.s3_function[0].function_arn
}

module "kinesis_function" {
  source = "../../modules/lambda_function"
  count  = var.kinesis == null ? 0 : 1

  function_name = var.kinesis.function_name
  zip_path      = var.kinesis.zip_path
  zip_hash      = filebase64sha256(var.kinesis.zip_path)
}

module "kinesis" {
  source = "../../modules/kinesis_trigger"
  count  = var.kinesis == null ? 0 : 1

  stream_name        = var.kinesis.stream_name
  shard_count        = var.kinesis.shard_count
  batch_size         = var.kinesis.batch_size
  starting_position  = var.kinesis.starting_position
  function_name      = module.kinesis_function[0].function_name
  function_role_name = module.kinesis_function[0].role_name
}
