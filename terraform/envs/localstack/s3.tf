variable "s3" {
  description = "Asynchronous trigger: a bucket whose new objects invoke the function (null when this workspace holds another trigger)."
  type = object({
    bucket_name   = optional(string, "test-bucket")
    filter_prefix = optional(string, "")
    filter_suffix = optional(string, "")
  })
  default = null
}

module "s3" {
  source = "../../modules/s3_trigger"
  count  = var.s3 == null ? 0 : 1

  bucket_name   = var.s3.bucket_name
  filter_prefix = var.s3.filter_prefix
  filter_suffix = var.s3.filter_suffix
  function_name = module.function.function_name
  function_arn  = module.function.function_arn
  force_destroy = true
  tags          = var.tags
}

output "s3" {
  description = "Bucket and key filter, for putting objects that invoke the function."
  value = var.s3 == null ? null : {
    bucket_name   = module.s3[0].bucket_name
    filter_prefix = var.s3.filter_prefix
    filter_suffix = var.s3.filter_suffix
  }
}
