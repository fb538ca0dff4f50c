"""`trig validate`: terraform/ formatted, module READMEs up to date, every root and module valid; one line per failure naming the file."""

from __future__ import annotations

import logging
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from orchestrator.errors import UsageError
from orchestrator.module_docs import stale_readmes
from orchestrator.settings import Settings
from orchestrator.terraform.adapter import TerraformAdapter

log = logging.getLogger(__name__)

_FMT_EXIT_NOT_FORMATTED = 3
_ON_FILE_LINE = re.compile(r"on (\S+) line (\d+)")
# Init working files are never copied: the copy must be as clean as a fresh clone.
_NOT_COPIED = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate", "*.tfstate.*")


_LOCAL_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]+)"', re.MULTILINE)


def configurations(tree: Path) -> list[Path]:
    """Every folder under tree holding .tf files: the roots under envs/ and every module, sorted."""
    return sorted({path.parent for path in tree.rglob("*.tf") if ".terraform" not in path.parts})


def used_modules(config: Path) -> set[Path]:
    """The local modules config calls (`source = "../../modules/x"`), and theirs, all the way down."""
    found: set[Path] = set()
    pending = [config]
    while pending:
        folder = pending.pop()
        for tf in folder.glob("*.tf"):
            for source in _LOCAL_SOURCE.findall(tf.read_text(encoding="utf-8")):
                module = (folder / source).resolve()
                if module not in found and module.is_dir():
                    found.add(module)
                    pending.append(module)
    return found


def to_validate(tree: Path) -> list[Path]:
    """The configurations whose validation covers all of tree: each root (Terraform validates the modules a root
    calls with it, in one run that loads the provider once), and any module no root calls."""
    every = configurations(tree)
    roots = [config for config in every if "envs" in config.relative_to(tree).parts]
    covered = {module for root in roots for module in used_modules(root)}
    return roots + [config for config in every if config not in roots and config.resolve() not in covered]


def fmt_failures(terraform: TerraformAdapter, source: Path) -> list[str]:
    """One line per file that `terraform fmt -check` rejects, named relative to the project."""
    code, files, err = terraform.fmt_check(source)
    if code == 0:
        return []
    if code == _FMT_EXIT_NOT_FORMATTED and files:
        return [f"{name}: not formatted as `terraform fmt` writes it; run `terraform fmt -recursive {source.name}`" for name in files]
    # Anything else is a file fmt cannot parse; its diagnostics say which.
    summaries = re.findall(r"Error: (.+)", err)
    located = [f"{m.group(1)}:{m.group(2)}: {summaries[0] if summaries else 'fmt failed'}" for m in _ON_FILE_LINE.finditer(err)]
    return located or [f"{source.name}: terraform fmt failed: {(summaries or [err.strip() or 'no output'])[0]}"]


def describe_diagnostic(diagnostic: dict, config: Path, copy_root: Path, label: str) -> str:
    """A validate diagnostic as `file:line: summary: detail`, the file named as in the project."""
    where = label
    span = diagnostic.get("range") or {}
    if span.get("filename"):
        location = (config / span["filename"]).resolve()
        try:
            where = f"{label.split('/')[0]}/{location.relative_to(copy_root.resolve()).as_posix()}"
        except ValueError:
            where = span["filename"]
        where += f":{span.get('start', {}).get('line', '?')}"
    detail = " ".join((diagnostic.get("detail") or "").split())
    text = diagnostic.get("summary", "invalid")
    return f"{where}: {text}: {detail}" if detail else f"{where}: {text}"


def validate_failures(terraform: TerraformAdapter, settings: Settings, source: Path) -> list[str]:
    """Validate a fresh copy of every configuration (so no .terraform or lock file lands in the sources)."""
    scratch = settings.home / "validate"
    copy_root = scratch / "tree" / source.name
    shutil.rmtree(scratch / "tree", ignore_errors=True)
    shutil.copytree(source, copy_root, ignore=_NOT_COPIED)

    def check(config: Path) -> list[str]:
        relative = config.relative_to(copy_root).as_posix()
        label = f"{source.name}/{relative}"
        data_dir = scratch / "data" / relative.replace("/", "__")
        diagnostics = terraform.validate_config(config, data_dir)
        return [describe_diagnostic(d, config, copy_root, label) for d in diagnostics if d.get("severity") == "error"]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(check, to_validate(copy_root)))
    # The root validates its modules too, so one error may be reported twice: keep the first.
    return list(dict.fromkeys(line for lines in results for line in lines))


def validate_project(settings: Settings, progress=log.info) -> list[str]:
    """Format check, README check and validation of the project's terraform/ folder; one line per failure, empty when clean."""
    source = settings.source_dir / "terraform"
    if not source.is_dir():
        raise UsageError(f"{source} does not exist: run trig validate in a checkout or set TRIG_PROJECT.")
    terraform = TerraformAdapter(settings)
    terraform.check_version()
    progress(f"checking the format of {source}")
    failures = fmt_failures(terraform, source)
    if (source / "modules").is_dir():
        progress("checking that the module READMEs match their variables and outputs")
        failures += stale_readmes(source / "modules", settings.source_dir)
    progress(f"validating {len(configurations(source))} configurations in {len(to_validate(source))} Terraform runs "
             "(a root validates the modules it calls)")
    return failures + validate_failures(terraform, settings, source)
