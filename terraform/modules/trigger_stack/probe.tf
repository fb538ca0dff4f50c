# The semantics probe (`trig check --semantics`) counts its attempts in this
# bucket, so that a count survives between invocations, and records every
# invocation there as well as in its log lines; unset for the seed triggers.
variable "probe_state_bucket" {
  description = "Bucket where the probe function keeps per-event attempt counters and a record of each invocation (empty: no bucket, as for the seed triggers)."
  type        = string
  default     = ""

  validation {
    condition     = var.probe_state_bucket == "" || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.probe_state_bucket))
    error_message = "probe_state_bucket must be empty or a valid bucket name."
  }
}

resource "aws_s3_bucket" "probe_state" {
  count = var.probe_state_bucket == "" ? 0 : 1

  bucket        = var.probe_state_bucket
  force_destroy = true
  tags          = var.tags
}

data "aws_iam_policy_document" "probe_state" {
  count = var.probe_state_bucket == "" ? 0 : 1

  statement {
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.probe_state[0].arn}/*"]
  }
}

resource "aws_iam_role_policy" "probe_state" {
  count = var.probe_state_bucket == "" ? 0 : 1

  name   = "probe-state"
  role   = module.function.role_name
  policy = data.aws_iam_policy_document.probe_state[0].json
}

output "probe_state_bucket" {
  description = "Bucket of the probe's attempt counters and invocation records (null without a probe)."
  value       = one(aws_s3_bucket.probe_state[*].id)
}
