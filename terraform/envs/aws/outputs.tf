output "triggers" {
  description = "Each trigger's outputs by name: its function, log group and its trigger's resources (the invoke URL's parts, bucket, stream, topic, rule, table or queue, and any on-failure queue)."
  value       = module.trigger
}

output "log_group_names" {
  description = "Log group of each trigger's function, to read with `aws logs tail`."
  value       = { for name, trigger in module.trigger : name => trigger.log_group_name }
}
