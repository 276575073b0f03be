"""Configuration in one place: defaults, then a TOML file, then POSTSEARCH_* environment
variables, then the caller's overrides (a test's dict), validated once into frozen Settings.

Everything the web layer and the search function need to know about the deployment comes
from here; nothing else reads the environment.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from indexer.errors import PostsearchError

DEFAULT_INDEX_DIR = Path("data/index")
ENV_PREFIX = "POSTSEARCH_"


class ConfigError(PostsearchError):
    """A configuration value is missing, of the wrong type, or out of range."""


@dataclass(frozen=True)
class Settings:
    """The validated configuration of one postsearch deployment."""

    index_dir: Path = DEFAULT_INDEX_DIR
    site_name: str = "postsearch"
    site_url: str = ""
    per_page: int = 10
    max_per_page: int = 50
    max_page: int = 100
    max_query_chars: int = 500
    snippet_fragments: int = 2
    snippet_context_chars: int = 90

    def __post_init__(self) -> None:
        for name in ("per_page", "max_per_page", "max_page", "max_query_chars"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.per_page > self.max_per_page:
            raise ConfigError(f"per_page ({self.per_page}) exceeds max_per_page")


def load_settings(
    config_file: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build Settings from every layer; raise ConfigError naming the bad value."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    config_file = config_file or environ.get(f"{ENV_PREFIX}CONFIG")
    if config_file:
        values.update(_read_toml(Path(config_file)))
    values.update(_from_environment(environ))
    values.update(overrides or {})
    return _validated(values)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"config file {path} does not exist") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path}: {error}") from error
    # Settings may sit at the top level or under [search] / [site] tables.
    flat = {k: v for k, v in data.items() if not isinstance(v, dict)}
    for table in ("site", "search", "web"):
        flat.update(data.get(table, {}))
    return flat


def _from_environment(environ: dict[str, str]) -> dict[str, str]:
    known = {f.name for f in fields(Settings)}
    found = {}
    for key, value in environ.items():
        name = key[len(ENV_PREFIX) :].lower() if key.startswith(ENV_PREFIX) else ""
        if name == "index":
            name = "index_dir"
        if name in known:
            found[name] = value
    return found


def _validated(values: dict[str, Any]) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
    converted = {name: _convert(name, value, known[name].type) for name, value in values.items()}
    return Settings(**converted)


def _convert(name: str, value: Any, declared: Any) -> Any:
    kind = str(declared)
    try:
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        if kind == "Path":
            return Path(value)
        return str(value)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{name} must be {kind}, not {value!r}") from error
