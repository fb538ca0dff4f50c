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
  description = "Name of the Lambda function that reads the table's stream."
  type        = string
}

variable "function_role_name" {
  description = "Name of the function's execution role; the module grants it read access to the table's stream (and send access to the on-failure queue)."
  type        = string
}

variable "tags" {
  description = "Tags for the table (and the on-failure queue)."
  type        = map(string)
  default     = {}
}

# The mapping's settings are passed to stream_mapping, which checks them.

variable "batch_size" {
  description = "Largest number of item changes (stream records) passed to one invocation (1-10000)."
  type        = number
  default     = 100
}

variable "starting_position" {
  description = "TRIM_HORIZON reads the table's stream from its oldest change (up to 24 hours back), LATEST only changes made after the mapping exists."
  type        = string
  default     = "TRIM_HORIZON"
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch of item changes before it is skipped and described in the on-failure queue: -1 retries until the changes leave the stream (24 hours), 0-10000 caps them; null keeps the service default (-1)."
  type        = number
  default     = null
}

variable "bisect_batch_on_function_error" {
  description = "Split a failing batch of item changes in two and retry each half, to isolate the change that fails; null keeps the service default (false)."
  type        = bool
  default     = null
}

variable "on_failure_queue_name" {
  description = "Name of an SQS queue the module creates as the mapping's on-failure destination (a skipped batch of changes is described there); empty: no destination."
  type        = string
  default     = ""
}
