# Asynchronous trigger: an EventBridge rule firing on a schedule and on matching custom events.
# Set by `schedule = { ... }` in the instance's trigger; a setting left out takes its default below.
locals {
  schedule = try(var.trigger.schedule, null) == null ? null : merge({
    rule_name           = "lambda-test-schedule"
    schedule_expression = "rate(1 minute)"
    event_source        = "trig.check"
    # Asynchronous invocation settings; the defaults leave Lambda's own (2 retries, no destination).
    maximum_retry_attempts = null
    on_failure_queue_name  = ""
  }, var.trigger.schedule)
}

module "schedule" {
  source = "../schedule_trigger"
  count  = local.schedule == null ? 0 : 1

  rule_name           = local.schedule.rule_name
  schedule_expression = local.schedule.schedule_expression
  event_source        = local.schedule.event_source
  function_name       = module.function.function_name
  function_arn        = module.function.function_arn
  tags                = var.tags

  function_role_name     = module.function.role_name
  maximum_retry_attempts = local.schedule.maximum_retry_attempts
  on_failure_queue_name  = local.schedule.on_failure_queue_name
}

output "schedule" {
  description = "Rule, schedule and event source, for putting events that invoke the function."
  value = local.schedule == null ? null : {
    rule_name            = module.schedule[0].rule_name
    schedule_expression  = module.schedule[0].schedule_expression
    event_source         = module.schedule[0].event_source
    on_failure_queue_url = module.schedule[0].on_failure_queue_url
  }
}
