variable "region" {
  description = "AWS region to deploy the triggers in."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "allowed_account_ids" {
  description = "Accounts the provider may touch; a plan with credentials of any other account fails before changing anything."
  type        = list(string)

  validation {
    condition     = length(var.allowed_account_ids) > 0 && alltrue([for id in var.allowed_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "allowed_account_ids must list at least one 12-digit account id."
  }
}

variable "tags" {
  description = "Tags for every resource (the provider's default_tags)."
  type        = map(string)
  default     = { managed-by = "terraform", source = "trig" }
}

variable "triggers" {
  description = "The functions to create, by name: each an object with its function (name, zip_path, and optionally handler, runtime, environment, timeout, memory_size) and either one attribute named after its trigger type holding that type's settings, or triggers = { NAME = { TYPE = { settings } } } for several (modules/trigger_stack lists the settings with their defaults). zip_path is the package trig builds (.trig/build/<function>.zip) or one of your own."
  type        = any

  validation {
    condition     = alltrue([for name, trigger in var.triggers : can(trigger.function.name) && can(trigger.function.zip_path)])
    error_message = "every trigger needs function = { name = ..., zip_path = ... }."
  }
}
