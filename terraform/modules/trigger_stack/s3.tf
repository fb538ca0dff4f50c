# Asynchronous trigger: a bucket whose new objects invoke the function.
# One per trigger set by `s3 = { ... }` in var.triggers; a setting left out takes its default below.
locals {
  s3 = { for key, trigger in var.triggers : key => merge({
    bucket_name   = "test-bucket"
    filter_prefix = ""
    filter_suffix = ""
    # Let destroy delete a bucket that still holds objects (trig sets it on the emulator).
    force_destroy = false
    # Asynchronous invocation settings; the defaults leave Lambda's own (2 retries, no destination).
    maximum_retry_attempts = null
    on_failure_queue_name  = ""
  }, trigger.s3) if try(trigger.s3, null) != null }
}

module "s3" {
  source   = "../s3_trigger"
  for_each = local.s3

  bucket_name   = each.value.bucket_name
  filter_prefix = each.value.filter_prefix
  filter_suffix = each.value.filter_suffix
  function_name = module.function.function_name
  function_arn  = module.function.function_arn
  force_destroy = each.value.force_destroy
  tags          = var.tags
  # The walk-through's trigger keeps the id it always had; every other trigger of the function has its own.
  statement_id = each.key == "s3" ? "s3-put-event" : "s3-put-event-${each.key}"

  function_role_name     = module.function.role_name
  maximum_retry_attempts = each.value.maximum_retry_attempts
  on_failure_queue_name  = each.value.on_failure_queue_name
}

output "s3" {
  description = "Bucket and key filter, for putting objects that invoke the function."
  value = { for key, this in module.s3 : key => {
    bucket_name   = this.bucket_name
    filter_prefix = local.s3[key].filter_prefix
    filter_suffix = local.s3[key].filter_suffix

    on_failure_queue_url = this.on_failure_queue_url
  } }
}

# Before a function could have several triggers, a stack held one trigger, counted; trig keys the
# walk-through's triggers by their type's name, so their resources keep their place.
moved {
  from = module.s3[0]
  to   = module.s3["s3"]
}
