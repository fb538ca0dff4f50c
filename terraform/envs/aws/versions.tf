terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # State is local unless you copy backend.tf.example to backend.tf and pass
  # -backend-config=backend.hcl at init (an S3 backend, partial configuration).
}
