variable "rule_name" {
  description = "Name of the EventBridge rule on the default bus."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,64}$", var.rule_name))
    error_message = "rule_name must be 1-64 letters, digits, dots, hyphens or underscores."
  }
}

variable "schedule_expression" {
  description = "When the rule fires on its own: rate(N unit) or cron(...)."
  type        = string
  default     = "rate(1 minute)"

  validation {
    condition     = can(regex("^(rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", var.schedule_expression))
    error_message = "schedule_expression must be rate(N minute[s]|hour[s]|day[s]) or cron(...)."
  }
}

variable "event_source" {
  description = "The rule also matches events whose source is this (PutEvents from a check); empty: schedule only."
  type        = string
  default     = "trig.check"

  validation {
    condition     = var.event_source == "" || (can(regex("^[A-Za-z0-9_.-]{1,256}$", var.event_source)) && !startswith(var.event_source, "aws."))
    error_message = "event_source must be empty or 1-256 letters, digits, dots, hyphens or underscores, not starting with aws."
  }
}

variable "function_name" {
  description = "Name of the Lambda function to invoke."
  type        = string
}

variable "function_arn" {
  description = "ARN of the Lambda function the rule targets."
  type        = string

  validation {
    condition     = startswith(var.function_arn, "arn:")
    error_message = "function_arn must be an ARN."
  }
}

variable "tags" {
  description = "Tags for the rule (and the queue)."
  type        = map(string)
  default     = {}
}

# The asynchronous invocation settings are passed to async_invocation, which checks them.

variable "function_role_name" {
  description = "Name of the function's execution role; needed only with on_failure_queue_name, so that Lambda may send an event it gave up on to the queue."
  type        = string
  default     = ""
}

variable "maximum_retry_attempts" {
  description = "Retries (0-2) of the function when it fails on a scheduled or matching event the rule sent, before the event is dropped or sent to the queue; null keeps Lambda's default (2) and creates no event invoke config."
  type        = number
  default     = null
}

variable "on_failure_queue_name" {
  description = "Name of an SQS queue the module creates as the on-failure destination: an event whose retries are exhausted lands there; empty: no destination."
  type        = string
  default     = ""
}

variable "statement_id" {
  description = "Id of the statement that lets the service invoke the function; one per trigger of a function."
  type        = string
  default     = "events-rule"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,100}$", var.statement_id))
    error_message = "statement_id must be 1 to 100 letters, digits, hyphens or underscores."
  }
}
