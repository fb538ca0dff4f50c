# The same trigger stack as envs/localstack, composed for real AWS: one instance per entry of
# var.triggers, each with its own function and either its triggers by name (`triggers = { ... }`) or,
# as before functions could have several, its type's attribute beside the function: that trigger is then
# keyed by its type's name, where the trigger stack's `moved` blocks expect it. Tags come from the
# provider's default_tags.
module "trigger" {
  source   = "../../modules/trigger_stack"
  for_each = var.triggers

  function = merge(each.value.function, { zip_hash = filebase64sha256(each.value.function.zip_path) })
  triggers = try(each.value.triggers, { for type, settings in each.value : type => { (type) = settings } if type != "function" })
  tags     = {}
}
