variable "topic_name" {
  description = "Name of the SNS topic whose messages invoke the function."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,256}$", var.topic_name))
    error_message = "topic_name must be 1-256 letters, digits, hyphens or underscores (standard topics only)."
  }
}

variable "function_name" {
  description = "Name of the Lambda function to invoke."
  type        = string
}

variable "function_arn" {
  description = "ARN of the Lambda function the topic delivers to."
  type        = string

  validation {
    condition     = startswith(var.function_arn, "arn:")
    error_message = "function_arn must be an ARN."
  }
}

variable "tags" {
  description = "Tags for the topic (and the queue)."
  type        = map(string)
  default     = {}
}

# The asynchronous invocation settings are passed to async_invocation, which checks them.

variable "function_role_name" {
  description = "Name of the function's execution role; needed only with on_failure_queue_name, so that Lambda may send a message it gave up on to the queue."
  type        = string
  default     = ""
}

variable "maximum_retry_attempts" {
  description = "Retries (0-2) of the function when it fails on a message the topic delivered, before the event is dropped or sent to the queue; null keeps Lambda's default (2) and creates no event invoke config."
  type        = number
  default     = null
}

variable "on_failure_queue_name" {
  description = "Name of an SQS queue the module creates as the on-failure destination: a message whose retries are exhausted lands there; empty: no destination."
  type        = string
  default     = ""
}

variable "statement_id" {
  description = "Id of the statement that lets the service invoke the function; one per trigger of a function."
  type        = string
  default     = "sns-publish"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,100}$", var.statement_id))
    error_message = "statement_id must be 1 to 100 letters, digits, hyphens or underscores."
  }
}
