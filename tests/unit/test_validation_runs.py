"""`trig validate` validates each root once (with the modules it calls) and only the modules no root calls on their own."""

from pathlib import Path

from orchestrator.validation import to_validate, used_modules


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_a_root_covers_the_modules_it_calls_all_the_way_down_and_an_orphan_is_validated_alone(tmp_path):
    t = tree(tmp_path, {
        "envs/dev/main.tf": 'module "a" {\n  source = "../../modules/a"\n}\n',
        "modules/a/main.tf": 'module "b" {\n  source   = "../b"\n}\n',
        "modules/b/main.tf": "",
        "modules/orphan/main.tf": 'module "remote" {\n  source = "hashicorp/x/aws"\n}\n',
    })
    assert used_modules(t / "envs" / "dev") == {(t / "modules" / "a").resolve(), (t / "modules" / "b").resolve()}
    assert to_validate(t) == [t / "envs" / "dev", t / "modules" / "orphan"]


def test_the_repository_is_validated_in_one_run_per_root():
    project = Path(__file__).resolve().parents[2] / "terraform"
    assert [p.relative_to(project).as_posix() for p in to_validate(project)] == ["envs/aws", "envs/localstack"]
