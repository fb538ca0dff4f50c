variable "api" {
  description = "Synchronous trigger: a REST API whose GET method proxies to the function (null when this instance holds another trigger)."
  type = object({
    name       = optional(string, "API Gateway Test")
    path_part  = optional(string, "hello")
    stage_name = optional(string, "prod")
  })
  default = null
}

module "api" {
  source = "../api_trigger"
  count  = var.api == null ? 0 : 1

  api_name            = var.api.name
  path_part           = var.api.path_part
  stage_name          = var.api.stage_name
  function_name       = module.function.function_name
  function_invoke_arn = module.function.invoke_arn
  tags                = var.tags
}

output "api" {
  description = "REST API id, stage and path, for firing requests at the emulator."
  value = var.api == null ? null : {
    rest_api_id = module.api[0].rest_api_id
    stage_name  = module.api[0].stage_name
    path        = module.api[0].path
  }
}
