output "triggers" {
  description = "Each trigger's outputs by name: its function, log group and its trigger's resources (see modules/trigger_stack)."
  value       = module.trigger
}
