# Asynchronous trigger: an EventBridge rule firing on a schedule and on matching custom events.
# One per trigger set by `schedule = { ... }` in var.triggers; a setting left out takes its default below.
locals {
  schedule = { for key, trigger in var.triggers : key => merge({
    rule_name           = "lambda-test-schedule"
    schedule_expression = "rate(1 minute)"
    event_source        = "trig.check"
    # Asynchronous invocation settings; the defaults leave Lambda's own (2 retries, no destination).
    maximum_retry_attempts = null
    on_failure_queue_name  = ""
  }, trigger.schedule) if try(trigger.schedule, null) != null }
}

module "schedule" {
  source   = "../schedule_trigger"
  for_each = local.schedule

  rule_name           = each.value.rule_name
  schedule_expression = each.value.schedule_expression
  event_source        = each.value.event_source
  function_name       = module.function.function_name
  function_arn        = module.function.function_arn
  tags                = var.tags
  # The walk-through's trigger keeps the id it always had; every other trigger of the function has its own.
  statement_id = each.key == "schedule" ? "events-rule" : "events-rule-${each.key}"

  function_role_name     = module.function.role_name
  maximum_retry_attempts = each.value.maximum_retry_attempts
  on_failure_queue_name  = each.value.on_failure_queue_name
}

output "schedule" {
  description = "Rule, schedule and event source, for putting events that invoke the function."
  value = { for key, this in module.schedule : key => {
    rule_name            = this.rule_name
    schedule_expression  = this.schedule_expression
    event_source         = this.event_source
    on_failure_queue_url = this.on_failure_queue_url
  } }
}

# Before a function could have several triggers, a stack held one trigger, counted; trig keys the
# walk-through's triggers by their type's name, so their resources keep their place.
moved {
  from = module.schedule[0]
  to   = module.schedule["schedule"]
}
