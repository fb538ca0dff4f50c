variable "s3" {
  description = "Asynchronous trigger: a bucket whose new objects invoke the function (null when this instance holds another trigger)."
  type = object({
    bucket_name   = optional(string, "test-bucket")
    filter_prefix = optional(string, "")
    filter_suffix = optional(string, "")
    # Asynchronous invocation settings; the defaults leave Lambda's own (2 retries, no destination).
    maximum_retry_attempts = optional(number)
    on_failure_queue_name  = optional(string, "")
  })
  default = null
}

module "s3" {
  source = "../s3_trigger"
  count  = var.s3 == null ? 0 : 1

  bucket_name   = var.s3.bucket_name
  filter_prefix = var.s3.filter_prefix
  filter_suffix = var.s3.filter_suffix
  function_name = module.function.function_name
  function_arn  = module.function.function_arn
  force_destroy = true
  tags          = var.tags

  function_role_name     = module.function.role_name
  maximum_retry_attempts = var.s3.maximum_retry_attempts
  on_failure_queue_name  = var.s3.on_failure_queue_name
}

output "s3" {
  description = "Bucket and key filter, for putting objects that invoke the function."
  value = var.s3 == null ? null : {
    bucket_name   = module.s3[0].bucket_name
    filter_prefix = var.s3.filter_prefix
    filter_suffix = var.s3.filter_suffix

    on_failure_queue_url = module.s3[0].on_failure_queue_url
  }
}
