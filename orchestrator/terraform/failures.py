"""A failed or stopped Terraform run turned into trig's typed error, its whole output kept in a file."""

from __future__ import annotations

from pathlib import Path

from orchestrator.errors import TerraformError, TerraformStopped
from orchestrator.terraform.diagnostics import summarize_error
from orchestrator.watchdog import EndpointGone


def keep_failed_output(work: Path, workspace: str, command: str, out: str, err: str) -> Path:
    """Write a failed command's whole output next to the state, for the diagnosis one line cannot carry.

    The environment Terraform ran with holds no real credential (environment.scrubbed_environment),
    and the provider's fake keys are never echoed by Terraform, so the file is safe to attach to a report.
    """
    path = work / "logs" / f"{workspace}-{command}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"$ terraform {command} (workspace {workspace})\n\n--- stdout ---\n{out}\n--- stderr ---\n{err}")
    return path


def stopped_error(work: Path, workspace: str, command: str, gone: EndpointGone, subject: str = "") -> TerraformStopped:
    """The error for a run the watch stopped (the emulator is gone, or an answer was lost); subject names what
    the run was for (the triggers it targeted), the workspace when empty."""
    keep_failed_output(work, workspace, command, gone.stdout, gone.stderr)
    return TerraformStopped(str(gone), workspace=subject or workspace, command=command, stderr=gone.stderr,
                            endpoint_died="stopped answering" in str(gone))


def failed_error(work: Path, workspace: str, method: str, command: str, code: int, out: str, err: str,
                 subject: str = "") -> TerraformError:
    """The error for a run that ended with an unexpected exit code: a held state lock, or Terraform's first error;
    subject names what the run was for (the triggers it targeted), the workspace when empty."""
    if "Error acquiring the state lock" in err:
        return TerraformError(
            f"the {workspace} state is locked by another Terraform run: wait for it to finish; if none is running, "
            f"remove the stale lock with `terraform force-unlock`.", command=method, returncode=code, stderr=err)
    kept = keep_failed_output(work, workspace, command, out, err)
    return TerraformError(
        f"terraform {command} of {subject or workspace} failed: {summarize_error(err)} (Terraform's full output: {kept})",
        command=command, returncode=code, stderr=err,
    )
