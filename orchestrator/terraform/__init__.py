"""The Terraform adapter, one module per concern; the names other modules use are re-exported here.

    command        python-terraform's command builder, run by trig (TerraformCommand)
    process        running Terraform: process groups, Ctrl-C (wait_through_interrupts), the watch
    environment    the scrubbed environment and the CLI config file for a provider mirror
    init           version check, init stamp and lock
    adapter        TerraformAdapter: init, workspaces, apply, destroy, import, plan, outputs
    failures       failed and stopped runs as typed errors, their output kept in a file
    state          state files parsed once into read-only objects (State, StateResource, Outputs)
    diagnostics    Terraform's printed output read: errors on one line, change counts
    static_checks  fmt and validate

Callers import what they use from its module (`from orchestrator.terraform.adapter import
TerraformAdapter`): the package re-exports nothing, so importing a leaf (state, diagnostics) from a
module the adapter depends on (the watch) never loads the adapter.
"""
