# Asynchronous trigger: a bucket whose new objects invoke the function.
# Set by `s3 = { ... }` in the instance's trigger; a setting left out takes its default below.
locals {
  s3 = try(var.trigger.s3, null) == null ? null : merge({
    bucket_name   = "test-bucket"
    filter_prefix = ""
    filter_suffix = ""
    # Let destroy delete a bucket that still holds objects (trig sets it on the emulator).
    force_destroy = false
    # Asynchronous invocation settings; the defaults leave Lambda's own (2 retries, no destination).
    maximum_retry_attempts = null
    on_failure_queue_name  = ""
  }, var.trigger.s3)
}

module "s3" {
  source = "../s3_trigger"
  count  = local.s3 == null ? 0 : 1

  bucket_name   = local.s3.bucket_name
  filter_prefix = local.s3.filter_prefix
  filter_suffix = local.s3.filter_suffix
  function_name = module.function.function_name
  function_arn  = module.function.function_arn
  force_destroy = local.s3.force_destroy
  tags          = var.tags

  function_role_name     = module.function.role_name
  maximum_retry_attempts = local.s3.maximum_retry_attempts
  on_failure_queue_name  = local.s3.on_failure_queue_name
}

output "s3" {
  description = "Bucket and key filter, for putting objects that invoke the function."
  value = local.s3 == null ? null : {
    bucket_name   = module.s3[0].bucket_name
    filter_prefix = local.s3.filter_prefix
    filter_suffix = local.s3.filter_suffix

    on_failure_queue_url = module.s3[0].on_failure_queue_url
  }
}
