# One workspace per place (endpoint, region and account): every function trig applies there, with its
# triggers, is one instance of the trigger stack, keyed by the function's name (the walk-through's functions
# are named after their trigger types), so one Terraform run plans, applies or destroys them all and pays
# for loading the AWS provider once.
module "trigger" {
  source   = "../../modules/trigger_stack"
  for_each = var.triggers

  function           = each.value.function
  probe_state_bucket = try(each.value.probe_state_bucket, "")
  triggers           = each.value.triggers
  tags               = var.tags
}
