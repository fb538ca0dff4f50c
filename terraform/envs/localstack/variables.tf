variable "endpoint" {
  description = "URL of the AWS emulator; every service the modules use is sent there."
  type        = string
  default     = "http://localhost:4566"

  validation {
    condition     = can(regex("^https?://[^/]+/?$", var.endpoint))
    error_message = "endpoint must be a URL such as http://localhost:4566."
  }
}

variable "region" {
  description = "AWS region the emulator serves."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "account_id" {
  description = "Emulator account: used as the fake access key (MiniStack maps a 12-digit key to that account) and as the only allowed account."
  type        = string
  default     = "000000000000"

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = { managed-by = "trig" }
}

variable "triggers" {
  description = "Every function applied at this endpoint, region and account, by name: the function and its triggers by name, each with its type's settings (see modules/trigger_stack for their types)."
  type        = any
  default     = {}
}
