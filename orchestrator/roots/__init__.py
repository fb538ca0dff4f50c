"""A team's own Terraform root on the emulator (`--root DIR`): read, copied, overridden, applied, its triggers found and checked."""
