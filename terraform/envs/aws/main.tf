# The same trigger stack as envs/localstack, composed for real AWS: one instance per trigger
# set in var.triggers, each with its own function. Tags come from the provider's default_tags.
module "trigger" {
  source   = "../../modules/trigger_stack"
  for_each = var.triggers

  function = merge(each.value.function, { zip_hash = filebase64sha256(each.value.function.zip_path) })
  trigger  = each.value
  tags     = {}
}
