variable "queue_name" {
  description = "Name of the SQS queue whose messages invoke the function (standard queue)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,76}$", var.queue_name))
    error_message = "queue_name must be 1-76 letters, digits, hyphens or underscores (room for the -dlq suffix)."
  }
}

variable "dead_letter_queue_name" {
  description = "Name of the dead-letter queue the module creates; empty: the queue's name with -dlq."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^([A-Za-z0-9_-]{1,80})?$", var.dead_letter_queue_name))
    error_message = "dead_letter_queue_name must be empty or 1-80 letters, digits, hyphens or underscores."
  }
}

variable "max_receive_count" {
  description = "Receives of a message (each failed batch is one) before it moves to the dead-letter queue."
  type        = number
  default     = 3

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number from 1 to 1000."
  }
}

variable "visibility_timeout_seconds" {
  description = "Seconds a received message stays hidden; a failed batch is retried after it. AWS wants at least the function's timeout."
  type        = number
  default     = 30

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "visibility_timeout_seconds must be a whole number from 0 to 43200."
  }
}

variable "function_name" {
  description = "Name of the Lambda function that reads the queue."
  type        = string
}

variable "function_role_name" {
  description = "Name of the function's execution role; the module grants it access to receive and delete the queue's messages."
  type        = string
}

variable "batch_size" {
  description = "Largest number of messages passed to one invocation (above 10 needs a batching window)."
  type        = number
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number between 1 and 10000."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "Seconds the mapping may wait to fill a batch (0-300); null keeps the service default (0)."
  type        = number
  default     = null

  validation {
    condition     = var.maximum_batching_window_in_seconds == null || (coalesce(var.maximum_batching_window_in_seconds, 0) >= 0 && coalesce(var.maximum_batching_window_in_seconds, 0) <= 300)
    error_message = "maximum_batching_window_in_seconds must be from 0 to 300, or null for the default."
  }
}

variable "tags" {
  description = "Tags for both queues."
  type        = map(string)
  default     = {}
}
