# The same modules as envs/localstack, composed for real AWS: one root holds
# every trigger that is set, each with its own function.

locals {
  # The function of each trigger that is set; api's function greets with its greeting.
  functions = {
    for name, trigger in {
      api      = var.api
      s3       = var.s3
      kinesis  = var.kinesis
      sns      = var.sns
      schedule = var.schedule
      dynamodb = var.dynamodb
      sqs      = var.sqs
      } : name => {
      function_name = trigger.function_name
      zip_path      = trigger.zip_path
      environment   = try({ GREETING = trigger.greeting }, {})
    } if trigger != null
  }
}

module "function" {
  source   = "../../modules/lambda_function"
  for_each = local.functions

  function_name = each.value.function_name
  zip_path      = each.value.zip_path
  zip_hash      = filebase64sha256(each.value.zip_path)
  environment   = each.value.environment
}

module "api" {
  source = "../../modules/api_trigger"
  count  = var.api == null ? 0 : 1

  api_name            = var.api.api_name
  path_part           = var.api.path_part
  stage_name          = var.api.stage_name
  function_name       = module.function["api"].function_name
  function_invoke_arn = module.function["api"].invoke_arn
}

module "s3" {
  source = "../../modules/s3_trigger"
  count  = var.s3 == null ? 0 : 1

  bucket_name   = var.s3.bucket_name
  filter_prefix = var.s3.filter_prefix
  filter_suffix = var.s3.filter_suffix
  function_name = module.function["s3"].function_name
  function_arn  = module.function["s3"].function_arn

  function_role_name     = module.function["s3"].role_name
  maximum_retry_attempts = var.s3.maximum_retry_attempts
  on_failure_queue_name  = var.s3.on_failure_queue_name
}

module "kinesis" {
  source = "../../modules/kinesis_trigger"
  count  = var.kinesis == null ? 0 : 1

  stream_name        = var.kinesis.stream_name
  shard_count        = var.kinesis.shard_count
  batch_size         = var.kinesis.batch_size
  starting_position  = var.kinesis.starting_position
  function_name      = module.function["kinesis"].function_name
  function_role_name = module.function["kinesis"].role_name

  maximum_retry_attempts         = var.kinesis.maximum_retry_attempts
  bisect_batch_on_function_error = var.kinesis.bisect_batch_on_function_error
  on_failure_queue_name          = var.kinesis.on_failure_queue_name
}

module "sns" {
  source = "../../modules/sns_trigger"
  count  = var.sns == null ? 0 : 1

  topic_name    = var.sns.topic_name
  function_name = module.function["sns"].function_name
  function_arn  = module.function["sns"].function_arn

  function_role_name     = module.function["sns"].role_name
  maximum_retry_attempts = var.sns.maximum_retry_attempts
  on_failure_queue_name  = var.sns.on_failure_queue_name
}

module "schedule" {
  source = "../../modules/schedule_trigger"
  count  = var.schedule == null ? 0 : 1

  rule_name           = var.schedule.rule_name
  schedule_expression = var.schedule.schedule_expression
  event_source        = var.schedule.event_source
  function_name       = module.function["schedule"].function_name
  function_arn        = module.function["schedule"].function_arn

  function_role_name     = module.function["schedule"].role_name
  maximum_retry_attempts = var.schedule.maximum_retry_attempts
  on_failure_queue_name  = var.schedule.on_failure_queue_name
}

module "dynamodb" {
  source = "../../modules/dynamodb_trigger"
  count  = var.dynamodb == null ? 0 : 1

  table_name         = var.dynamodb.table_name
  batch_size         = var.dynamodb.batch_size
  starting_position  = var.dynamodb.starting_position
  function_name      = module.function["dynamodb"].function_name
  function_role_name = module.function["dynamodb"].role_name

  maximum_retry_attempts         = var.dynamodb.maximum_retry_attempts
  bisect_batch_on_function_error = var.dynamodb.bisect_batch_on_function_error
  on_failure_queue_name          = var.dynamodb.on_failure_queue_name
}

module "sqs" {
  source = "../../modules/sqs_trigger"
  count  = var.sqs == null ? 0 : 1

  queue_name                         = var.sqs.queue_name
  batch_size                         = var.sqs.batch_size
  maximum_batching_window_in_seconds = var.sqs.maximum_batching_window_in_seconds
  max_receive_count                  = var.sqs.max_receive_count
  visibility_timeout_seconds         = var.sqs.visibility_timeout_seconds
  function_name                      = module.function["sqs"].function_name
  function_role_name                 = module.function["sqs"].role_name
}
