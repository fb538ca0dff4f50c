"""The CLI's commands, a module per group; orchestrator.cli assembles them into one Typer app."""
