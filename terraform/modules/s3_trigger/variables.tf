variable "bucket_name" {
  description = "Name of the bucket whose new objects invoke the function."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be 3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit."
  }
}

variable "function_name" {
  description = "Name of the Lambda function to invoke."
  type        = string
}

variable "function_arn" {
  description = "ARN of the Lambda function to invoke."
  type        = string

  validation {
    condition     = startswith(var.function_arn, "arn:")
    error_message = "function_arn must be an ARN."
  }
}

variable "events" {
  description = "S3 event types that invoke the function."
  type        = list(string)
  default     = ["s3:ObjectCreated:*"]

  validation {
    condition     = length(var.events) > 0 && alltrue([for e in var.events : startswith(e, "s3:")])
    error_message = "events must be a non-empty list of S3 event types such as s3:ObjectCreated:*."
  }
}

variable "filter_prefix" {
  description = "Only keys starting with this prefix invoke the function (empty: every key)."
  type        = string
  default     = ""
}

variable "filter_suffix" {
  description = "Only keys ending with this suffix invoke the function (empty: every key)."
  type        = string
  default     = ""
}

variable "force_destroy" {
  description = "Delete the bucket's objects on destroy, so that a bucket filled by checks can be destroyed."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
}

# The asynchronous invocation settings are passed to async_invocation, which checks them.

variable "function_role_name" {
  description = "Name of the function's execution role; needed only with on_failure_queue_name, so that Lambda may send an object event it gave up on to the queue."
  type        = string
  default     = ""
}

variable "maximum_retry_attempts" {
  description = "Retries (0-2) of the function when it fails on a new object's event, before the event is dropped or sent to the queue; null keeps Lambda's default (2) and creates no event invoke config."
  type        = number
  default     = null
}

variable "on_failure_queue_name" {
  description = "Name of an SQS queue the module creates as the on-failure destination: an object event whose retries are exhausted lands there; empty: no destination."
  type        = string
  default     = ""
}

variable "statement_id" {
  description = "Id of the statement that lets the service invoke the function; one per trigger of a function."
  type        = string
  default     = "s3-put-event"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,100}$", var.statement_id))
    error_message = "statement_id must be 1 to 100 letters, digits, hyphens or underscores."
  }
}
