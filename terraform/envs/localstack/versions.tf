terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # One state per place (region and account): trig selects its workspace and passes
  # workspace_dir at init, so state lives under trig's own folder.
  backend "local" {}
}
