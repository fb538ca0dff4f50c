variable "function_name" {
  description = "Name of the Lambda function the settings apply to."
  type        = string
}

variable "function_role_name" {
  description = "Name of the function's execution role; needed only with on_failure_queue_name."
  type        = string
  default     = ""
}

variable "maximum_retry_attempts" {
  description = "Retries (0-2) of a failed asynchronous invocation; null keeps Lambda's default (2)."
  type        = number
  default     = null

  validation {
    condition     = var.maximum_retry_attempts == null || (coalesce(var.maximum_retry_attempts, 0) >= 0 && coalesce(var.maximum_retry_attempts, 0) <= 2 && floor(coalesce(var.maximum_retry_attempts, 0)) == coalesce(var.maximum_retry_attempts, 0))
    error_message = "maximum_retry_attempts must be a whole number from 0 to 2, or null for Lambda's default."
  }
}

variable "on_failure_queue_name" {
  description = "SQS queue created as the on-failure destination (through failure_queue, which checks the name); empty: none."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags for the queue."
  type        = map(string)
  default     = {}
}

variable "maximum_event_age_in_seconds" {
  description = "How long (60-21600 s) Lambda keeps retrying an event before it is dropped or sent on; AWS's default is 21600."
  type        = number
  default     = 21600

  validation {
    condition     = var.maximum_event_age_in_seconds >= 60 && var.maximum_event_age_in_seconds <= 21600
    error_message = "maximum_event_age_in_seconds must be from 60 to 21600."
  }
}
