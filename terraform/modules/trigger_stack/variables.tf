variable "function" {
  description = "The Lambda function its triggers invoke: name, zip built by trig, and settings."
  type = object({
    name        = string
    zip_path    = string
    zip_hash    = string
    handler     = optional(string, "handler.handler")
    runtime     = optional(string, "python3.12")
    environment = optional(map(string), {})
    timeout     = optional(number, 10)
    memory_size = optional(number, 128)
  })
}

variable "triggers" {
  description = "The function's triggers by name, each with one attribute named after its type holding that type's settings, which the type's file here lists with their defaults; other attributes are ignored."
  type        = any
  default     = {}
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = { managed-by = "trig" }
}
