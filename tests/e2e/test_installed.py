"""trig installed from its wheel, not cloned: in an empty folder it applies, checks and destroys the built-in example,
and `trig init` starts a project of one's own that `trig run all` proves at once.

Real parts only: the wheel built from this checkout, a fresh venv outside it (dependencies
from the package index), the installed `trig` command, real Terraform and the session's MiniStack.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR, Trig

# An account no other test uses (the shared counter starts at 200000000001).
ACCOUNT = "415000000015"
INIT_ACCOUNT = "415000000016"
# What a build of the checkout needs; a copy, so that the build writes nothing into the checkout.
NOT_BUILT_FROM = shutil.ignore_patterns(".git", ".venv", ".trig", "build", "dist", "*.egg-info", "__pycache__",
                                        ".pytest_cache", ".hypothesis", ".terraform", ".terraform.lock.hcl", "*.tfstate*")


def run(command: list, timeout: float, **options) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=timeout, **options)
    assert result.returncode == 0, (f"{' '.join(map(str, command))} exited {result.returncode}\n"
                                    f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}")
    return result


def tree_listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under folder with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def installed_trig(tmp_path_factory) -> Path:
    """The `trig` command of a fresh venv outside the checkout, holding only the wheel built from it."""
    base = tmp_path_factory.mktemp("installed")
    source = base / "source"
    shutil.copytree(PROJECT_DIR, source, ignore=NOT_BUILT_FROM)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", base / "dist", source], timeout=600)
    wheel, = (base / "dist").glob("trig-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for carried in ("orchestrator/bundled/terraform/envs/localstack/main.tf",
                    "orchestrator/bundled/terraform/modules/trigger_stack/api.tf",
                    "orchestrator/bundled/terraform/envs/localstack/templates/api.tfvars.j2",
                    "orchestrator/bundled/terraform/envs/aws/main.tf",
                    "orchestrator/bundled/terraform/modules/api_trigger/main.tf",
                    "orchestrator/bundled/functions/api/handler.py",
                    "orchestrator/bundled/functions/probe/handler.py",
                    "orchestrator/redirect/trig_redirect.py", "orchestrator/redirect/trig_redirect.js"):
        assert carried in names, f"{carried} is not in {wheel.name}"
    assert not [n for n in names if n.endswith((".tfstate", ".terraform.lock.hcl")) or "/.terraform/" in n]
    venv = base / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], timeout=300)
    # This pip installs into the new venv (--python). Byte-compiling botocore and the rest took most of a
    # minute on a loaded machine, so only trig's own package is compiled, as pip would; Python must not
    # write __pycache__ into it on first import, where the test looks for writes.
    run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q", "--no-compile", wheel],
        timeout=900)
    site_packages, = venv.glob("lib/python*/site-packages")
    run([venv / "bin" / "python", "-m", "compileall", "-q", site_packages / "orchestrator"], timeout=300)
    return venv / "bin" / "trig"


def test_an_installed_trig_runs_checks_and_destroys_in_an_empty_folder(installed_trig, emulator_endpoint, tmp_path):
    site_packages, = installed_trig.parent.parent.glob("lib/python*/site-packages")
    package = site_packages / "orchestrator"
    before = tree_listing(package)
    folder = tmp_path / "empty"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIG_", "AWS_"))}
    env.update(TRIG_ENDPOINT=emulator_endpoint, TRIG_ACCOUNT=ACCOUNT)
    if os.environ.get("TRIG_PLUGIN_DIR"):
        env["TRIG_PLUGIN_DIR"] = os.environ["TRIG_PLUGIN_DIR"]

    def trig(*args: str) -> subprocess.CompletedProcess:
        return run([installed_trig, *args], timeout=600, cwd=folder, env=env)

    assert trig("--version").stdout.strip() == "trig 0.1.0"
    try:
        trig("run", "api")
        # The copy under .trig/ is kept between runs: unchanged inputs skip Terraform, as in a checkout.
        assert "Terraform skipped" in trig("apply", "api").stdout
        trig("check", "api")
    finally:
        trig("destroy", "all")

    assert tree_listing(package) == before, "trig wrote into its installed package"
    assert sorted(p.name for p in folder.iterdir()) == [".trig"], "trig's data belongs in .trig/ of the folder it runs in"
    root = folder / ".trig" / "bundled" / "terraform" / "envs" / "localstack"
    assert (root / ".terraform.lock.hcl").is_file(), "Terraform ran in the copy under .trig/"
    apis = Trig(folder / ".trig", emulator_endpoint, ACCOUNT).client("apigateway").get_rest_apis()["items"]
    assert apis == [], "trig destroy all left the API behind"


def test_an_installed_trig_init_starts_a_project_that_runs_at_once(installed_trig, emulator_endpoint, tmp_path):
    folder = tmp_path / "shop"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIG_", "AWS_"))}
    env.update(TRIG_ENDPOINT=emulator_endpoint, TRIG_ACCOUNT=INIT_ACCOUNT)
    if os.environ.get("TRIG_PLUGIN_DIR"):
        env["TRIG_PLUGIN_DIR"] = os.environ["TRIG_PLUGIN_DIR"]

    def trig(*args: str, cwd: Path = folder) -> subprocess.CompletedProcess:
        return run([installed_trig, *args], timeout=600, cwd=cwd, env=env)

    wrote = trig("init", "shop", "--runtime", "nodejs20.x", cwd=tmp_path).stdout
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "src/hello/index.js", "trig.toml"], wrote
    # The account is this test's own, so nothing is destroyed after (the first test proves destroy installed).
    ran = trig("run", "all").stdout
    for name in ("hello.http", "hello.upload", "hello.stream"):
        assert any(line.startswith(name) and " ok " in line for line in ran.splitlines()), ran
    assert (folder / ".trig" / "terraform").is_dir(), "a project's data belongs in .trig/ beside its trig.toml"
    refused = subprocess.run([installed_trig, "init", "."], capture_output=True, text=True, cwd=folder, env=env)
    assert (refused.returncode, refused.stdout) == (2, ""), refused
    assert "trig.toml already exists: trig init never overwrites a file" in refused.stderr
