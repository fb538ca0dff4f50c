"""Settings resolution: flag beats TRIG_* environment beats config file beats default, with each source named."""

from __future__ import annotations

import pytest

from orchestrator.errors import UsageError
from orchestrator.settings import find_config_file, resolve_settings


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("TRIG_ENDPOINT", "TRIG_REGION", "TRIG_PLUGIN_DIR", "TRIG_TERRAFORM", "TRIG_ACCOUNT", "TRIG_CONFIG",
                 "TRIG_ALLOW_REMOTE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRIG_HOME", str(tmp_path / "home"))  # no emulator record there
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def write_pyproject(folder, body: str):
    (folder / "pyproject.toml").write_text('[project]\nname = "app"\n\n[tool.trig]\n' + body)


def test_each_setting_takes_the_first_of_flag_env_config_default(clean_env, tmp_path):
    mirror_config, mirror_env = tmp_path / "mirror-config", tmp_path / "mirror-env"
    mirror_config.mkdir()
    mirror_env.mkdir()
    write_pyproject(tmp_path, 'endpoint = "http://127.0.0.1:4000"\nregion = "eu-west-1"\n'
                              'plugin_dir = "mirror-config"\nterraform_bin = "tofu"\n'
                              '[tool.trig.set]\ngreeting = "hi"\n"api.timeout" = 20\n')
    clean_env.setenv("TRIG_REGION", "ap-south-1")
    clean_env.setenv("TRIG_PLUGIN_DIR", str(mirror_env))
    clean_env.setenv("TRIG_TERRAFORM", "terraform-env")
    settings = resolve_settings(terraform_bin="terraform-flag")
    config = f"config {tmp_path / 'pyproject.toml'}"
    assert (settings.terraform_bin, settings.sources["terraform_bin"]) == ("terraform-flag", "flag")
    assert (settings.region, settings.sources["region"]) == ("ap-south-1", "env TRIG_REGION")
    assert (settings.plugin_dir, settings.sources["plugin_dir"]) == (mirror_env.resolve(), "env TRIG_PLUGIN_DIR")
    assert (settings.endpoint, settings.sources["endpoint"]) == ("http://127.0.0.1:4000", config)
    assert (settings.account_id, settings.sources["account"]) == ("000000000000", "default")
    assert settings.default_sets == {"greeting": "hi", "api.timeout": "20"}
    assert settings.config_file == tmp_path / "pyproject.toml"


def test_config_plugin_dir_is_relative_to_the_file_and_found_from_a_subfolder(clean_env, tmp_path):
    (tmp_path / "mirror").mkdir()
    write_pyproject(tmp_path, 'plugin_dir = "mirror"\n')
    (tmp_path / "src" / "deep").mkdir(parents=True)
    clean_env.chdir(tmp_path / "src" / "deep")
    settings = resolve_settings()
    assert settings.plugin_dir == (tmp_path / "mirror").resolve()
    assert settings.sources["plugin_dir"] == f"config {tmp_path / 'pyproject.toml'}"


def test_trig_toml_has_top_level_keys_and_beats_a_pyproject_beside_it(clean_env, tmp_path):
    write_pyproject(tmp_path, 'region = "eu-west-1"\n')
    (tmp_path / "trig.toml").write_text('region = "eu-north-1"\naccount = "123456789012"\n[set]\nstream = "s"\n')
    settings = resolve_settings()
    assert (settings.region, settings.account_id) == ("eu-north-1", "123456789012")
    assert settings.default_sets == {"stream": "s"}


def test_pyproject_without_tool_trig_is_not_a_config_file(clean_env, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    assert find_config_file() is None
    assert resolve_settings().sources["region"] == "default"


def test_unknown_key_and_bad_toml_are_one_line_errors(clean_env, tmp_path):
    (tmp_path / "trig.toml").write_text('regoin = "eu-west-1"\n')
    with pytest.raises(UsageError, match=r"trig.toml, line 1: unknown key 'regoin' \(did you mean region\?\); "
                                         "known keys are endpoint, region"):
        resolve_settings()
    (tmp_path / "trig.toml").write_text('region = \n')
    with pytest.raises(UsageError, match="is not valid TOML"):
        resolve_settings()


def test_an_account_from_the_config_file_is_checked_and_its_source_named(clean_env, tmp_path):
    (tmp_path / "trig.toml").write_text('account = "12345"\n')
    with pytest.raises(UsageError, match=r"account must be 12 digits, got '12345' \(from config "):
        resolve_settings()


def test_an_unknown_top_level_key_names_the_file_and_line(clean_env, tmp_path):
    write_pyproject(tmp_path, 'region = "eu-west-1"\n\ngreting = "typo"\n')
    with pytest.raises(UsageError) as caught:
        resolve_settings()
    assert str(caught.value) == (f"config file {tmp_path / 'pyproject.toml'}, line 7: unknown key 'greting'; known keys "
                                 "are endpoint, region, plugin_dir, terraform_bin, account, the set table and the functions tables.")


@pytest.mark.parametrize(("body", "message"), [
    ('[set]\ngreeting = "hi"\n"s3.bogus" = 1\n', "line 3: set s3.bogus: unknown name for s3; known names are bucket, "),
    ('region = "eu-west-1"\n[set]\ntimeout = "abc"\n', "line 3: set timeout = abc: timeout is a number of seconds from 1 to 900."),
    ('set = { colour = "red" }\n', "line 1: set colour: no trigger has a setting called 'colour'"),
    ('[set]\n"kinesis.starting_position" = "EARLIEST"\n',
     "line 2: set kinesis.starting_position = EARLIEST: starting_position is TRIM_HORIZON or LATEST."),
])
def test_config_set_names_and_values_are_checked_like_the_command_lines(clean_env, tmp_path, body, message):
    from orchestrator.set_values import checked_settings
    from orchestrator.triggers import settables

    (tmp_path / "trig.toml").write_text(body)
    with pytest.raises(UsageError) as caught:
        checked_settings(settables)
    assert str(caught.value).startswith(f"config file {tmp_path / 'trig.toml'}, {message}"), str(caught.value)


def test_config_sets_for_probes_and_every_trigger_are_accepted(clean_env, tmp_path):
    from orchestrator.set_values import checked_settings
    from orchestrator.triggers import settables

    (tmp_path / "trig.toml").write_text('[set]\ngreeting = "hi"\n"s3.maximum_retry_attempts" = 2\n'
                                        '"kinesis.maximum_retry_attempts" = -1\nbatch_size = 10\n')
    assert checked_settings(settables).default_sets["batch_size"] == "10"


def test_config_key_lines_follow_tables_dotted_keys_and_inline_tables(tmp_path):
    from orchestrator.settings import config_key_line

    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "a"\n\n[tool.trig]\n# a comment\nregion = "x"\nset.greeting = "hi"\n'
                    '[tool.trig.set]\n"api.timeout" = 20\n\'s3.bucket\' = "b"\n[tool.other]\nregion = "y"\n')
    assert config_key_line(path, ("region",)) == 6
    assert config_key_line(path, ("set", "greeting")) == 7
    assert config_key_line(path, ("set", "api.timeout")) == 9
    assert config_key_line(path, ("set", "s3.bucket")) == 10
    assert config_key_line(path, ("endpoint",)) is None
    (tmp_path / "trig.toml").write_text('set = { "api.timeout" = 20 }\n')
    assert config_key_line(tmp_path / "trig.toml", ("set", "api.timeout")) == 1
