"""An installed trig's terraform/ and functions/: copied under .trig/ once, again only when the installed ones change."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator import bundle, settings


@pytest.fixture
def installed(tmp_path):
    """A stand-in for orchestrator/bundled/ of an installed wheel."""
    root = tmp_path / "site-packages" / "orchestrator" / "bundled"
    (root / "terraform" / "envs" / "localstack").mkdir(parents=True)
    (root / "terraform" / "envs" / "localstack" / "main.tf").write_text('module "a" { source = "../../modules/a" }\n')
    (root / "functions" / "api").mkdir(parents=True)
    (root / "functions" / "api" / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    bundle.bundle_digest.cache_clear()
    yield root
    bundle.bundle_digest.cache_clear()


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_the_copy_holds_both_folders_and_the_installed_tree_is_left_alone(installed, tmp_path):
    before = listing(installed)
    copy = bundle.working_copy(installed, tmp_path / "project" / ".trig" / "bundled")
    assert (copy / "terraform" / "envs" / "localstack" / "main.tf").read_text().startswith('module "a"')
    assert (copy / "functions" / "api" / "handler.py").is_file()
    assert listing(installed) == before


def test_an_unchanged_install_is_not_copied_again(installed, tmp_path):
    target = tmp_path / ".trig" / "bundled"
    bundle.working_copy(installed, target)
    lock_file = target / "terraform" / "envs" / "localstack" / ".terraform.lock.hcl"
    lock_file.write_text("# written by terraform init\n")
    bundle.bundle_digest.cache_clear()  # as a new trig process would start
    bundle.working_copy(installed, target)
    assert lock_file.is_file()


def test_a_changed_install_replaces_the_copy(installed, tmp_path):
    target = tmp_path / ".trig" / "bundled"
    bundle.working_copy(installed, target)
    (target / "terraform" / "envs" / "localstack" / ".terraform.lock.hcl").write_text("# old\n")
    (installed / "functions" / "api" / "handler.py").write_text("def handler(event, context):\n    return 2\n")
    bundle.bundle_digest.cache_clear()  # a new trig process, after an upgrade
    bundle.working_copy(installed, target)
    assert (target / "functions" / "api" / "handler.py").read_text().endswith("return 2\n")
    assert not (target / "terraform" / "envs" / "localstack" / ".terraform.lock.hcl").exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["bundled", "bundled.lock"]


def test_outside_a_checkout_the_cwd_holds_trigs_data_and_the_sources_are_the_installed_ones(installed, tmp_path, monkeypatch):
    project = tmp_path / "my-project"
    project.mkdir()
    monkeypatch.chdir(project)
    for name in ("TRIG_HOME", "TRIG_PROJECT", "TRIG_CONFIG", "TRIG_ENDPOINT", "TRIG_ACCOUNT", "TRIG_PLUGIN_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(settings, "find_project_dir", lambda: None)
    monkeypatch.setattr(bundle, "installed_bundle", lambda: installed)
    resolved = settings.resolve_settings()
    assert resolved.project_dir == project
    assert resolved.home == project / ".trig"
    assert resolved.env_dir == project / ".trig" / "bundled" / "terraform" / "envs" / "localstack"
    assert (resolved.functions_dir / "api" / "handler.py").is_file()


def test_in_a_checkout_the_sources_are_the_checkouts_own(tmp_path, monkeypatch):
    for name in ("TRIG_HOME", "TRIG_CONFIG", "TRIG_ENDPOINT", "TRIG_ACCOUNT", "TRIG_PLUGIN_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRIG_PROJECT", str(tmp_path))
    resolved = settings.resolve_settings()
    assert resolved.bundle_dir is None
    assert resolved.env_dir == tmp_path / "terraform" / "envs" / "localstack"
    assert resolved.functions_dir == tmp_path / "functions"


def test_a_fresh_copy_of_the_root_gets_terraform_init_again(tmp_path):
    """A refreshed copy has no lock file; Terraform refuses to plan without one, so init must run there again."""
    from orchestrator.settings import Settings
    from orchestrator.terraform.adapter import TerraformAdapter

    calls = tmp_path / "calls"
    binary = tmp_path / "tf"
    binary.write_text(
        '#!/bin/sh\necho "$@" >> %s\n'
        'case "$1" in\n'
        '  version) if [ "$2" = "-json" ]; then echo \'{"terraform_version": "1.11.4"}\'; else echo "Terraform v1.11.4"; fi ;;\n'
        '  init) mkdir -p "$TF_DATA_DIR"; echo "# lock" > .terraform.lock.hcl ;;\n'
        'esac\n' % calls)
    binary.chmod(0o755)
    root = tmp_path / "terraform" / "envs" / "localstack"
    root.mkdir(parents=True)
    adapter = TerraformAdapter(Settings(tmp_path, tmp_path / ".trig", "http://127.0.0.1:9", "us-east-1",
                                        "000000000000", None, str(binary)))
    assert adapter.ensure_init() is True
    assert adapter.ensure_init() is False
    (root / ".terraform.lock.hcl").unlink()
    assert adapter.ensure_init() is True
    assert [line.split()[0] for line in calls.read_text().splitlines()].count("init") == 2
