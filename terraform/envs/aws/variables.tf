variable "region" {
  description = "AWS region to deploy the triggers in."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "allowed_account_ids" {
  description = "Accounts the provider may touch; a plan with credentials of any other account fails before changing anything."
  type        = list(string)

  validation {
    condition     = length(var.allowed_account_ids) > 0 && alltrue([for id in var.allowed_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "allowed_account_ids must list at least one 12-digit account id."
  }
}

variable "tags" {
  description = "Tags for every resource (the provider's default_tags)."
  type        = map(string)
  default     = { managed-by = "terraform", source = "trig" }
}

# One object per trigger; leave one out (null) and neither it nor its function is created.
# zip_path is the package trig builds for that trigger (.trig/build/<trigger>.zip).
# Failure settings left out keep AWS's own behaviour (Lambda's 2 retries, a stream
# batch retried until its records expire, no on-failure destination).

variable "api" {
  description = "Synchronous trigger: a REST API whose GET method proxies to the function (null: none)."
  type = object({
    function_name = optional(string, "api-gateway-test")
    zip_path      = string
    greeting      = optional(string, "hello")
    api_name      = optional(string, "API Gateway Test")
    path_part     = optional(string, "hello")
    stage_name    = optional(string, "prod")
  })
  default = null
}

variable "s3" {
  description = "Asynchronous trigger: a bucket whose new objects invoke the function (null: none). Bucket names are global in AWS: choose your own."
  type = object({
    function_name          = optional(string, "s3-trigger-test")
    zip_path               = string
    bucket_name            = string
    filter_prefix          = optional(string, "")
    filter_suffix          = optional(string, "")
    maximum_retry_attempts = optional(number)
    on_failure_queue_name  = optional(string, "")
  })
  default = null
}

variable "kinesis" {
  description = "Stream trigger: a Kinesis stream read by an event source mapping (null: none)."
  type = object({
    function_name                  = optional(string, "kinesis-trigger-test")
    zip_path                       = string
    stream_name                    = optional(string, "lambda-test")
    shard_count                    = optional(number, 1)
    batch_size                     = optional(number, 100)
    starting_position              = optional(string, "TRIM_HORIZON")
    maximum_retry_attempts         = optional(number)
    bisect_batch_on_function_error = optional(bool)
    on_failure_queue_name          = optional(string, "")
  })
  default = null
}

variable "sns" {
  description = "Asynchronous trigger: an SNS topic the function subscribes to (null: none)."
  type = object({
    function_name          = optional(string, "sns-trigger-test")
    zip_path               = string
    topic_name             = optional(string, "lambda-test-topic")
    maximum_retry_attempts = optional(number)
    on_failure_queue_name  = optional(string, "")
  })
  default = null
}

variable "schedule" {
  description = "Asynchronous trigger: an EventBridge rule on the default bus that invokes the function on its schedule and on events whose source is event_source (empty: schedule only) (null: none)."
  type = object({
    function_name          = optional(string, "schedule-trigger-test")
    zip_path               = string
    rule_name              = optional(string, "lambda-test-schedule")
    schedule_expression    = optional(string, "rate(1 minute)")
    event_source           = optional(string, "trig.check")
    maximum_retry_attempts = optional(number)
    on_failure_queue_name  = optional(string, "")
  })
  default = null
}

variable "dynamodb" {
  description = "Stream trigger: a DynamoDB table whose stream is read by an event source mapping (null: none)."
  type = object({
    function_name                  = optional(string, "dynamodb-trigger-test")
    zip_path                       = string
    table_name                     = optional(string, "lambda-test-table")
    batch_size                     = optional(number, 100)
    starting_position              = optional(string, "TRIM_HORIZON")
    maximum_retry_attempts         = optional(number)
    bisect_batch_on_function_error = optional(bool)
    on_failure_queue_name          = optional(string, "")
  })
  default = null
}

variable "sqs" {
  description = "Poll-based trigger: an SQS queue with a dead-letter queue (<queue_name>-dlq), read by an event source mapping (null: none)."
  type = object({
    function_name                      = optional(string, "sqs-trigger-test")
    zip_path                           = string
    queue_name                         = optional(string, "lambda-test-queue")
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number)
    max_receive_count                  = optional(number, 3)
    visibility_timeout_seconds         = optional(number, 30)
  })
  default = null
}
