"""Settings precedence: defaults < file < environment < explicit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventscribe.config import Settings, load_settings
from eventscribe.errors import ConfigError


def test_defaults_without_file_or_env(tmp_path: Path) -> None:
    assert load_settings(path=tmp_path / "none.toml", env={}) == Settings()


def test_file_then_env_then_overrides(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('db = "file.db"\nbatch_size = 8\nmax_bytes = 100\n')
    env = {"EVENTSCRIBE_DB": "env.db", "EVENTSCRIBE_BATCH_SIZE": "4", "OTHER": "x"}
    settings = load_settings(path=path, env=env, batch_size=2, max_bytes=None)
    assert (settings.db, settings.batch_size, settings.max_bytes) == ("env.db", 2, 100)


def test_env_lists_split_on_pathsep(tmp_path: Path) -> None:
    settings = load_settings(path=tmp_path / "n", env={"EVENTSCRIBE_ACTOR_FILES": "a.tsv:b.tsv"})
    assert settings.actor_files == ("a.tsv", "b.tsv")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope = 1\n", "unknown setting"),
        ("batch_size = 0\n", "batch_size"),
        ("db = [\n", "cannot read"),
    ],
)
def test_bad_file_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(path=path, env={})
