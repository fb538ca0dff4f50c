variable "table_name" {
  description = "Name of the DynamoDB table whose stream invokes the function."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be 3-255 letters, digits, underscores, hyphens or dots."
  }
}

variable "hash_key" {
  description = "Name of the table's partition key (a string attribute)."
  type        = string
  default     = "id"

  validation {
    condition     = length(var.hash_key) >= 1 && length(var.hash_key) <= 255
    error_message = "hash_key must be 1-255 characters."
  }
}

variable "function_name" {
  description = "Name of the Lambda function that reads the stream."
  type        = string
}

variable "function_role_name" {
  description = "Name of the function's execution role; the module grants it read access to the stream (and send access to the queue)."
  type        = string
}

variable "batch_size" {
  description = "Largest number of stream records passed to one invocation."
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

variable "tags" {
  description = "Tags for the table (and the queue)."
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
