variable "schedule" {
  description = "Asynchronous trigger: an EventBridge rule firing on a schedule and on matching custom events (null when this instance holds another trigger)."
  type = object({
    rule_name           = optional(string, "lambda-test-schedule")
    schedule_expression = optional(string, "rate(1 minute)")
    event_source        = optional(string, "trig.check")
    # Asynchronous invocation settings; the defaults leave Lambda's own (2 retries, no destination).
    maximum_retry_attempts = optional(number)
    on_failure_queue_name  = optional(string, "")
  })
  default = null
}

module "schedule" {
  source = "../schedule_trigger"
  count  = var.schedule == null ? 0 : 1

  rule_name           = var.schedule.rule_name
  schedule_expression = var.schedule.schedule_expression
  event_source        = var.schedule.event_source
  function_name       = module.function.function_name
  function_arn        = module.function.function_arn
  tags                = var.tags

  function_role_name     = module.function.role_name
  maximum_retry_attempts = var.schedule.maximum_retry_attempts
  on_failure_queue_name  = var.schedule.on_failure_queue_name
}

output "schedule" {
  description = "Rule, schedule and event source, for putting events that invoke the function."
  value = var.schedule == null ? null : {
    rule_name            = module.schedule[0].rule_name
    schedule_expression  = module.schedule[0].schedule_expression
    event_source         = module.schedule[0].event_source
    on_failure_queue_url = module.schedule[0].on_failure_queue_url
  }
}
