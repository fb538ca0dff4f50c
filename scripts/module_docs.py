#!/usr/bin/env python3
"""Write the inputs and outputs tables into every terraform/modules/*/README.md.

    python scripts/module_docs.py           # refresh the tables between the markers
    python scripts/module_docs.py --check   # change nothing; exit 1 naming each README that is out of date

The tables go between <!-- BEGIN_TRIG_DOCS --> and <!-- END_TRIG_DOCS -->; the text around them is
written by hand and kept. A README without the markers gets them appended; a module without a README
gets one with its title, to which a paragraph describing the module should be added. `trig validate`
runs the same check as --check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Plain Python, trig need not be installed: the logic lives in a standard-library-only module of the checkout.
sys.path.insert(0, str(PROJECT_DIR))

from orchestrator.module_docs import HclError, stale_readmes, write_readmes  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a README is out of date")
    parser.add_argument("--modules", type=Path, default=PROJECT_DIR / "terraform" / "modules",
                        help="the folder holding the modules (default: this checkout's terraform/modules)")
    args = parser.parse_args(argv)
    modules = args.modules.resolve()
    project = modules.parent.parent
    if args.check:
        failures = stale_readmes(modules, project)
        for failure in failures:
            print(failure, file=sys.stderr)
        return 1 if failures else 0
    try:
        changed = write_readmes(modules)
    except (HclError, ValueError) as exc:
        print(f"module_docs: {exc}", file=sys.stderr)
        return 1
    for readme in changed:
        print(f"wrote {readme.relative_to(project).as_posix()}")
    if not changed:
        print("every module README is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
