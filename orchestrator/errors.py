"""Domain errors. Only the CLI turns them into a one-line message and an exit code."""

from __future__ import annotations


class TrigError(Exception):
    """Base of every error trig reports; its text is one line saying what went wrong and what to do."""

    exit_code = 1


class UsageError(TrigError):
    """The user asked for something trig cannot do as given (unknown trigger, bad --set, ...)."""

    exit_code = 2


class EmulatorError(TrigError):
    """The emulator could not be started, stopped or reached."""


class TerraformError(TrigError):
    """A Terraform command failed."""

    def __init__(self, message: str, *, command: str = "", returncode: int | None = None, stderr: str = ""):
        super().__init__(message)
        self.command = command
        self.returncode = returncode
        self.stderr = stderr


class TerraformStopped(TerraformError):
    """trig stopped a Terraform run: the emulator stopped answering, or a resource waited for an answer that was lost."""

    def __init__(self, reason: str, *, workspace: str, command: str, endpoint_died: bool, stderr: str = ""):
        super().__init__(f"terraform {command} of {workspace} stopped: {reason}", command=command, stderr=stderr)
        self.reason = reason
        self.workspace = workspace
        self.endpoint_died = endpoint_died


class ConfirmationError(TrigError):
    """A fired event was not confirmed in time."""
