import os
import zipfile

import pytest

from orchestrator.errors import UsageError
from orchestrator.packaging import build_function_zip


def make_function(folder, body="def handler(event, context):\n    return 1\n"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "handler.py").write_text(body)
    (folder / "__pycache__").mkdir(exist_ok=True)
    (folder / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"junk")
    return folder


def test_zip_is_byte_for_byte_reproducible(tmp_path):
    src = make_function(tmp_path / "fn")
    first = build_function_zip(src, tmp_path / "a.zip")
    os.utime(src / "handler.py", (0, 0))
    second = build_function_zip(src, tmp_path / "b.zip")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.sha256_b64 == second.sha256_b64 and len(first.sha256_b64) == 44


def test_zip_holds_sources_only_with_fixed_timestamps(tmp_path):
    src = make_function(tmp_path / "fn")
    (src / "lib").mkdir()
    (src / "lib" / "util.py").write_text("X = 1\n")
    built = build_function_zip(src, tmp_path / "out.zip")
    with zipfile.ZipFile(built.path) as archive:
        assert archive.namelist() == ["handler.py", "lib/util.py"]
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_unchanged_sources_do_not_rewrite_the_zip(tmp_path):
    src = make_function(tmp_path / "fn")
    built = build_function_zip(src, tmp_path / "out.zip")
    os.utime(built.path, (1, 1))
    build_function_zip(src, tmp_path / "out.zip")
    assert built.path.stat().st_mtime == 1


def test_changed_source_changes_the_hash(tmp_path):
    src = make_function(tmp_path / "fn")
    before = build_function_zip(src, tmp_path / "out.zip").sha256_b64
    (src / "handler.py").write_text("def handler(event, context):\n    return 2\n")
    assert build_function_zip(src, tmp_path / "out.zip").sha256_b64 != before


def test_missing_folder_and_broken_handler_are_refused(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        build_function_zip(tmp_path / "nope", tmp_path / "out.zip")
    src = make_function(tmp_path / "fn", body="def handler(:\n")
    with pytest.raises(UsageError, match=r"handler.py:1: .*fix the handler"):
        build_function_zip(src, tmp_path / "out.zip")
    assert not (tmp_path / "out.zip").exists()


def test_handler_that_fails_to_import_is_refused(tmp_path):
    src = make_function(tmp_path / "fn", body="import module_that_is_not_there\n\ndef handler(event, context):\n    return 1\n")
    with pytest.raises(UsageError, match="does not import .*No module named 'module_that_is_not_there'"):
        build_function_zip(src, tmp_path / "out.zip")
