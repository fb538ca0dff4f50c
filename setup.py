"""Build hook: the wheel carries terraform/ and functions/ as package data, under orchestrator/bundled/.

Both folders stay at the top of the repository, where a reader of the design looks for them;
only the built package gets a copy, so an installed trig can apply them outside a checkout.
The metadata is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("terraform", "functions")
# Working files and machine-specific inputs that may sit in a checkout but must not ship (as in .gitignore).
NOT_BUNDLED = shutil.ignore_patterns(
    ".terraform", ".terraform.lock.hcl", "*.tfstate", "*.tfstate.*", "*.tfplan", "terraform.tfvars", "backend.hcl",
    "__pycache__", "*.pyc", "*.pyo", ".pytest_cache",
)


class BuildPyWithBundle(build_py):
    """build_py, then a copy of terraform/ and functions/ into the built package."""

    def run(self):
        super().run()
        if self.editable_mode:  # an editable install runs from the checkout, which holds both folders
            return
        target = Path(self.build_lib) / "orchestrator" / "bundled"
        shutil.rmtree(target, ignore_errors=True)
        for name in BUNDLED:
            shutil.copytree(Path(name), target / name, ignore=NOT_BUNDLED)


setup(cmdclass={"build_py": BuildPyWithBundle})
