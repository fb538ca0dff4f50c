variable "event_source_arn" {
  description = "ARN of the stream the mapping reads: a Kinesis stream's ARN or a DynamoDB table's stream ARN."
  type        = string

  validation {
    condition     = startswith(var.event_source_arn, "arn:")
    error_message = "event_source_arn must be an ARN."
  }
}

variable "read_actions" {
  description = "IAM actions the function's role needs to read the stream, such as kinesis:GetRecords."
  type        = list(string)

  validation {
    condition     = length(var.read_actions) > 0 && alltrue([for a in var.read_actions : can(regex("^[a-z0-9-]+:[A-Za-z*]+$", a))])
    error_message = "read_actions must be a non-empty list of IAM actions such as kinesis:GetRecords."
  }
}

variable "policy_name" {
  description = "Name of the inline policy on the function's role that grants read_actions (renaming it replaces the policy)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", var.policy_name))
    error_message = "policy_name must be 1-128 letters, digits or +=,.@_- characters."
  }
}

variable "function_name" {
  description = "Name of the Lambda function that reads the stream."
  type        = string
}

variable "function_role_name" {
  description = "Name of the function's execution role; it is granted read_actions (and send access to the on-failure queue)."
  type        = string
}

variable "batch_size" {
  description = "Largest number of records passed to one invocation."
  type        = number
  default     = 100

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number between 1 and 10000."
  }
}

variable "starting_position" {
  description = "Where the mapping starts reading: TRIM_HORIZON (oldest record) or LATEST (new records only)."
  type        = string
  default     = "TRIM_HORIZON"

  validation {
    condition     = contains(["TRIM_HORIZON", "LATEST"], var.starting_position)
    error_message = "starting_position must be TRIM_HORIZON or LATEST."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch before it is skipped (and sent to the on-failure destination): -1 retries until the records expire, 0-10000 caps them; null keeps the service default (-1)."
  type        = number
  default     = null

  validation {
    condition     = var.maximum_retry_attempts == null || (coalesce(var.maximum_retry_attempts, 0) >= -1 && coalesce(var.maximum_retry_attempts, 0) <= 10000 && floor(coalesce(var.maximum_retry_attempts, 0)) == coalesce(var.maximum_retry_attempts, 0))
    error_message = "maximum_retry_attempts must be a whole number from -1 to 10000, or null for the default."
  }
}

variable "bisect_batch_on_function_error" {
  description = "Split a failing batch in two and retry each half, to isolate a bad record; null keeps the service default (false)."
  type        = bool
  default     = null
}

variable "on_failure_queue_name" {
  description = "Name of an SQS queue the module creates as the mapping's on-failure destination (through failure_queue, which checks the name); empty: no destination."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags for the on-failure queue."
  type        = map(string)
  default     = {}
}
