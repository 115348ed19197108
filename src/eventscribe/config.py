"""Settings: packaged defaults < user file < EVENTSCRIBE_* environment < CLI flags.

The user file is TOML, at ``$EVENTSCRIBE_CONFIG`` or ``~/.config/eventscribe/config.toml``::

    db = "events.db"
    batch_size = 32
    max_bytes = 5000000
    language = "en"
    actor_files = ["my_actors.tsv"]
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventscribe.errors import ConfigError

ENV_PREFIX = "EVENTSCRIBE_"


@dataclass(slots=True, kw_only=True, frozen=True)
class Settings:
    """Every knob of a run, with its default."""

    db: str = "eventscribe.db"
    batch_size: int = 32
    max_bytes: int = 5_000_000
    language: str = "en"
    cache_dir: str | None = None
    actor_files: tuple[str, ...] = field(default_factory=tuple)
    lexicon_files: tuple[str, ...] = field(default_factory=tuple)


def default_config_path() -> Path:
    """Return where the user's config file lives (it need not exist)."""
    explicit = os.environ.get(ENV_PREFIX + "CONFIG")
    if explicit:
        return Path(explicit)
    return Path.home() / ".config" / "eventscribe" / "config.toml"


def load_settings(
    *, path: Path | None = None, env: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """Merge defaults, the user file, the environment and explicit overrides (None = unset)."""
    values: dict[str, Any] = {}
    values.update(_read_file(path or default_config_path()))
    values.update(_read_env(os.environ if env is None else env))
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _build(values)


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}; fix or remove it") from exc


def _read_env(env: Mapping[str, str]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(Settings)}
    found: dict[str, Any] = {}
    for key, value in env.items():
        name = key[len(ENV_PREFIX) :].lower() if key.startswith(ENV_PREFIX) else ""
        if name in names:
            found[name] = value.split(os.pathsep) if name.endswith("_files") else value
    return found


def _build(values: dict[str, Any]) -> Settings:
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(fields)}")
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        kwargs[name] = _coerce(name, value)
    return Settings(**kwargs)


def _coerce(name: str, value: Any) -> Any:
    try:
        if name in ("batch_size", "max_bytes"):
            number = int(value)
            if number <= 0:
                raise ValueError("must be positive")
            return number
        if name.endswith("_files"):
            return tuple(str(v) for v in ([value] if isinstance(value, str) else value))
        return None if value is None else str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}={value!r} is invalid: {exc}") from exc
