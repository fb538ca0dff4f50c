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
  description = "Name of the function's execution role; the module grants it read access to the stream (and send access to the on-failure queue)."
  type        = string
}

variable "tags" {
  description = "Tags for the stream (and the on-failure queue)."
  type        = map(string)
  default     = {}
}

# The mapping's settings are passed to stream_mapping, which checks them.

variable "batch_size" {
  description = "Largest number of Kinesis records passed to one invocation (1-10000)."
  type        = number
  default     = 100
}

variable "starting_position" {
  description = "TRIM_HORIZON reads the stream from its oldest record, LATEST only records put after the mapping exists."
  type        = string
  default     = "TRIM_HORIZON"
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch of records before it is skipped and described in the on-failure queue: -1 retries until the records leave the stream (retention_period), 0-10000 caps them; null keeps the service default (-1)."
  type        = number
  default     = null
}

variable "bisect_batch_on_function_error" {
  description = "Split a failing batch of records in two and retry each half, to isolate a bad record; null keeps the service default (false)."
  type        = bool
  default     = null
}

variable "on_failure_queue_name" {
  description = "Name of an SQS queue the module creates as the mapping's on-failure destination (a skipped batch of records is described there, not the records themselves); empty: no destination."
  type        = string
  default     = ""
}
