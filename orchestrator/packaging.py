"""Reproducible deployment zips: same sources, same bytes, so an unchanged function never shows a diff."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import UsageError

# Zip timestamps cannot predate 1980; every entry gets this one.
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_SKIPPED_PARTS = {"__pycache__", ".pytest_cache"}
_SKIPPED_SUFFIXES = {".pyc", ".pyo"}


@dataclass(frozen=True)
class BuiltZip:
    path: Path
    sha256_b64: str


def _package_files(src_dir: Path) -> list[Path]:
    files = []
    for path in src_dir.rglob("*"):
        relative = path.relative_to(src_dir)
        if path.is_file() and not (_SKIPPED_PARTS & set(relative.parts)) and path.suffix not in _SKIPPED_SUFFIXES:
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(src_dir).as_posix())


def _source_entries(source: Path) -> list[tuple[str, bytes]]:
    """The files of a function's source: a folder's (caches left out), or the members of a built .zip."""
    if source.suffix == ".zip" and source.is_file():
        with zipfile.ZipFile(source) as archive:
            return sorted((info.filename, archive.read(info)) for info in archive.infolist() if not info.is_dir())
    return [(path.relative_to(source).as_posix(), path.read_bytes()) for path in _package_files(source)]


def zip_bytes(src_dir: Path, extra: Mapping[str, bytes] | None = None) -> bytes:
    """The zip of src_dir (a folder or a .zip) with extra files at its top: entries sorted, fixed timestamps
    and permissions, deflated."""
    entries = dict(_source_entries(src_dir))
    entries.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, entries[name])
    return buffer.getvalue()


def check_handler_source(src_dir: Path, handler: str) -> None:
    """Refuse a function folder that is missing or whose handler module does not compile."""
    if not src_dir.is_dir():
        raise UsageError(f"function folder {src_dir} does not exist: restore it or create it with a handler.py.")
    module = handler.rsplit(".", 1)[0]
    source = src_dir / (module.replace(".", "/") + ".py")
    if not source.is_file():
        raise UsageError(f"handler {handler} needs {source}, which does not exist: add it or change the handler.")
    try:
        compile(source.read_text(encoding="utf-8"), str(source), "exec")
    except SyntaxError as exc:
        raise UsageError(f"{source}:{exc.lineno}: {exc.msg}; fix the handler so that it imports.") from None
    import_handler_module(src_dir, module, source)


def import_handler_module(src_dir: Path, module: str, source: Path) -> None:
    """Import the handler's module in a separate interpreter, as Lambda would, and refuse it if that fails."""
    code = "import importlib, sys; sys.path.insert(0, '.'); importlib.import_module(sys.argv[1])"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    try:
        result = subprocess.run([sys.executable, "-c", code, module], cwd=src_dir, env=env,
                                capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        raise UsageError(f"importing {source} took over 30 s: make its module-level code quick.") from None
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit code {result.returncode}"
        raise UsageError(f"{source} does not import ({reason}): fix the handler or add what it needs to the folder.")


def build_function_zip(src_dir: Path, out_path: Path, handler: str = "handler.handler",
                       extra: Mapping[str, bytes] | None = None, check: bool = True) -> BuiltZip:
    """Build src_dir (and extra files) into out_path, rewriting the file only when its bytes change; with check,
    the handler's module must import first (a project's functions are checked when their file is read)."""
    if check:
        check_handler_source(src_dir, handler)
    data = zip_bytes(src_dir, extra)
    if not out_path.exists() or out_path.read_bytes() != data:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = out_path.with_suffix(".zip.tmp")
        temporary.write_bytes(data)
        temporary.replace(out_path)
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")
    return BuiltZip(path=out_path, sha256_b64=digest)
