"""trig: apply Lambda trigger wiring with Terraform on a local emulator and prove it works."""

__version__ = "0.1.0"
