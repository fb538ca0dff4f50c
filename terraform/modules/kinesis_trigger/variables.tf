variable "stream_name" {
  description = "Name of the Kinesis data stream."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,128}$", var.stream_name))
    error_message = "stream_name must be 1-128 letters, digits, underscores, hyphens or dots."
  }
}

variable "shard_count" {
  description = "Number of shards of the stream."
  type        = number
  default     = 1

  validation {
    condition     = var.shard_count >= 1 && floor(var.shard_count) == var.shard_count
    error_message = "shard_count must be a whole number of at least 1."
  }
}

variable "retention_period" {
  description = "Hours a record stays in the stream (and so how long a failing batch is retried)."
  type        = number
  default     = 24

  validation {
    condition     = var.retention_period >= 24 && var.retention_period <= 8760
    error_message = "retention_period must be between 24 and 8760 hours."
  }
}

variable "function_name" {
  description = "Name of the Lambda function that reads the stream."
  type        = string
}

variable "function_role_name" {
  description = "Name of the function's execution role; the module grants it read access to the stream."
  type        = string
}

variable "batch_size" {
  description = "Largest number of records passed to one invocation."
  type        = number
  default     = 100

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000."
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

variable "tags" {
  description = "Tags for the stream."
  type        = map(string)
  default     = {}
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
  description = "Name of an SQS queue the module creates as the mapping's on-failure destination (a skipped batch is described there); empty: no destination."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^([A-Za-z0-9_-]{1,80})?$", var.on_failure_queue_name))
    error_message = "on_failure_queue_name must be empty or 1-80 letters, digits, hyphens or underscores."
  }
}
