output "api_invoke_url" {
  description = "URL of the API's GET resource (null without the api trigger)."
  value       = one(module.api[*].invoke_url)
}

output "s3_bucket_name" {
  description = "Bucket whose new objects invoke the s3 function (null without the s3 trigger)."
  value       = one(module.s3[*].bucket_name)
}

output "kinesis_stream_name" {
  description = "Stream read by the kinesis function (null without the kinesis trigger)."
  value       = one(module.kinesis[*].stream_name)
}

output "log_group_names" {
  description = "Log group of each trigger's function, to read with `aws logs tail`."
  value = merge(
    { for m in module.api_function : "api" => m.log_group_name },
    { for m in module.s3_function : "s3" => m.log_group_name },
    { for m in module.kinesis_function : "kinesis" => m.log_group_name },
  )
}
