# Synchronous trigger: a REST API whose GET method proxies to the function.
# One per trigger set by `api = { ... }` in var.triggers; a setting left out takes its default below.
locals {
  api = { for key, trigger in var.triggers : key => merge({
    name       = "API Gateway Test"
    path_part  = "hello"
    stage_name = "prod"
  }, trigger.api) if try(trigger.api, null) != null }
}

module "api" {
  source   = "../api_trigger"
  for_each = local.api

  api_name            = each.value.name
  path_part           = each.value.path_part
  stage_name          = each.value.stage_name
  function_name       = module.function.function_name
  function_invoke_arn = module.function.invoke_arn
  tags                = var.tags
  # The walk-through's trigger keeps the id it always had; every other trigger of the function has its own.
  statement_id = each.key == "api" ? "apigateway-invoke" : "apigateway-invoke-${each.key}"
}

output "api" {
  description = "REST API id, stage and path, for firing requests at the emulator."
  value = { for key, this in module.api : key => {
    rest_api_id = this.rest_api_id
    stage_name  = this.stage_name
    path        = this.path
  } }
}

# Before a function could have several triggers, a stack held one trigger, counted; trig keys the
# walk-through's triggers by their type's name, so their resources keep their place.
moved {
  from = module.api[0]
  to   = module.api["api"]
}
