# Synchronous trigger: a REST API whose GET method proxies to the function.
# Set by `api = { ... }` in the instance's trigger; a setting left out takes its default below.
locals {
  api = try(var.trigger.api, null) == null ? null : merge({
    name       = "API Gateway Test"
    path_part  = "hello"
    stage_name = "prod"
  }, var.trigger.api)
}

module "api" {
  source = "../api_trigger"
  count  = local.api == null ? 0 : 1

  api_name            = local.api.name
  path_part           = local.api.path_part
  stage_name          = local.api.stage_name
  function_name       = module.function.function_name
  function_invoke_arn = module.function.invoke_arn
  tags                = var.tags
}

output "api" {
  description = "REST API id, stage and path, for firing requests at the emulator."
  value = local.api == null ? null : {
    rest_api_id = module.api[0].rest_api_id
    stage_name  = module.api[0].stage_name
    path        = module.api[0].path
  }
}
