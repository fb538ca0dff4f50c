variable "region" {
  description = "AWS region to deploy the triggers in."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "allowed_account_ids" {
  description = "Accounts the provider may touch; a plan with credentials of any other account fails before changing anything."
  type        = list(string)

  validation {
    condition     = length(var.allowed_account_ids) > 0 && alltrue([for id in var.allowed_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "allowed_account_ids must list at least one 12-digit account id."
  }
}

variable "tags" {
  description = "Tags for every resource (the provider's default_tags)."
  type        = map(string)
  default     = { managed-by = "terraform", source = "trig" }
}

variable "api" {
  description = "Synchronous trigger: a REST API whose GET method proxies to the function (null: none). zip_path is the package trig builds (.trig/build/api.zip)."
  type = object({
    function_name = optional(string, "api-gateway-test")
    zip_path      = string
    greeting      = optional(string, "hello")
    api_name      = optional(string, "API Gateway Test")
    path_part     = optional(string, "hello")
    stage_name    = optional(string, "prod")
  })
  default = null
}

variable "s3" {
  description = "Asynchronous trigger: a bucket whose new objects invoke the function (null: none). Bucket names are global in AWS: choose your own."
  type = object({
    function_name = optional(string, "s3-trigger-test")
    zip_path      = string
    bucket_name   = string
    filter_prefix = optional(string, "")
    filter_suffix = optional(string, "")
  })
  default = null
}

variable "kinesis" {
  description = "Stream trigger: a Kinesis stream read by an event source mapping (null: none)."
  type = object({
    function_name     = optional(string, "kinesis-trigger-test")
    zip_path          = string
    stream_name       = optional(string, "lambda-test")
    shard_count       = optional(number, 1)
    batch_size        = optional(number, 100)
    starting_position = optional(string, "TRIM_HORIZON")
  })
  default = null
}
