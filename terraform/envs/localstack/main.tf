# One workspace per place (endpoint, region and account): every trigger trig applies there is one
# instance of the trigger stack, keyed by the trigger's name, so one Terraform run plans, applies or
# destroys them all and pays for loading the AWS provider once.
module "trigger" {
  source   = "../../modules/trigger_stack"
  for_each = var.triggers

  function           = each.value.function
  probe_state_bucket = try(each.value.probe_state_bucket, "")
  trigger            = each.value
  tags               = var.tags
}
