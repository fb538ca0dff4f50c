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

output "sns_topic_arn" {
  description = "Topic whose messages invoke the sns function (null without the sns trigger)."
  value       = one(module.sns[*].topic_arn)
}

output "schedule_rule_name" {
  description = "EventBridge rule that invokes the schedule function (null without the schedule trigger)."
  value       = one(module.schedule[*].rule_name)
}

output "dynamodb_table_name" {
  description = "Table whose stream invokes the dynamodb function (null without the dynamodb trigger)."
  value       = one(module.dynamodb[*].table_name)
}

output "sqs_queue_url" {
  description = "Queue whose messages invoke the sqs function (null without the sqs trigger)."
  value       = one(module.sqs[*].queue_url)
}

output "on_failure_queue_urls" {
  description = "On-failure destination queue of each trigger that has one, to read what Lambda gave up on."
  value = { for name, url in {
    s3       = one(module.s3[*].on_failure_queue_url)
    kinesis  = one(module.kinesis[*].on_failure_queue_url)
    sns      = one(module.sns[*].on_failure_queue_url)
    schedule = one(module.schedule[*].on_failure_queue_url)
    dynamodb = one(module.dynamodb[*].on_failure_queue_url)
  } : name => url if url != null }
}

output "log_group_names" {
  description = "Log group of each trigger's function, to read with `aws logs tail`."
  value       = { for name, function in module.function : name => function.log_group_name }
}
