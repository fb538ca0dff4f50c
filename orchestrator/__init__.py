"""trig: apply Lambda trigger wiring with Terraform on a local emulator and prove it works."""

from importlib import metadata

__version__ = "0.1.0"


def installed_version() -> str:
    """The version of the installed trig package, as `trig --version` prints it."""
    try:
        return metadata.version("trig")
    except metadata.PackageNotFoundError:
        return f"{__version__} (not installed)"
