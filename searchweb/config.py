"""Configuration in one place: defaults, then a TOML file, then POSTSEARCH_* environment
variables, then the caller's overrides (a test's dict), validated once into frozen Settings.

Everything the web layer and the search function need to know about the deployment comes
from here; nothing else reads the environment.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from indexer.errors import PostsearchError

DEFAULT_INDEX_DIR = Path("data/index")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
ENV_PREFIX = "POSTSEARCH_"
# Settings may sit at the top level of the TOML file or under any of these tables.
TABLES = ("site", "search", "web", "admin", "log", "crawl", "extract")
# The [backend] table's keys; each is the setting `backend_<key>` (engine → backend_engine).
BACKEND_KEYS = ("engine", "nodes", "api_key_env", "collection")
ENGINES = ("whoosh", "typesense")
_NODE = re.compile(r"^https?://[^/:\s]+:\d{1,5}/?$")
_COLLECTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


class ConfigError(PostsearchError):
    """A configuration value is missing, of the wrong type, or out of range."""


@dataclass(frozen=True)
class Settings:
    """The validated configuration of one postsearch deployment."""

    # Site: what the results page calls the site and where it links back to.
    index_dir: Path = DEFAULT_INDEX_DIR
    site_name: str = "postsearch"
    site_url: str = ""
    # Branding: the results page's own look, without forking its templates.
    logo_url: str = ""  # an image beside the site's name: http(s)://... or /path on this server
    accent_color: str = ""  # #rrggbb for links, buttons and focus; "" keeps the default
    accent_color_dark: str = ""  # the same in dark mode
    templates_dir: Path | None = None  # its files replace the built-in templates of that name
    # Search: page sizes, bounds on a visitor's work, snippets, ranking.
    per_page: int = 10
    max_per_page: int = 50
    max_page: int = 100
    max_query_chars: int = 500
    snippet_fragments: int = 2
    snippet_context_chars: int = 90
    recency_boost: float = 0.0  # 0 = off; else weight of a one-year half-life freshness bonus
    query_time_limit: float = 2.0  # seconds; a slower search returns what it found, with a notice
    synonyms: tuple[tuple[str, str], ...] = ()  # ("colour", "color"): query-time, no reindex
    # Web: which other origins may call the JSON API from a browser, and request limits.
    cors_origins: tuple[str, ...] = ()
    rate_limit: str = "120 per minute"  # per client, on /api/*; "" turns it off
    # Result links carry ?highlight=words, which the widget on the post's page marks.
    highlight_links: bool = True
    admin_token: str = ""  # bearer token for /api/admin/*; "" disables the admin endpoints
    # Reverse proxies in front of the server whose X-Forwarded-* headers are believed
    # (For, Proto, Host, Port, Prefix); 0 = none, the server is reached directly.
    trusted_proxies: int = 0
    # Query log: private (no IP, no cookie), bounded, and can be switched off.
    query_log: bool = True
    query_log_path: Path | None = None  # default: querylog.sqlite3 beside the index
    query_log_max_rows: int = 200_000
    # Crawl: where the crawler may go and how hard it may push.
    allowed_hosts: tuple[str, ...] = ()  # besides site_url's own host
    # Seconds between requests (the crawler's own default); robots.txt's Crawl-delay if longer.
    crawl_delay: float = 0.5
    crawl_concurrency: int = 2
    crawl_max_pages: int = 50_000
    crawl_max_page_bytes: int = 10_000_000
    crawl_timeout: float = 20.0
    # Extraction overrides for an odd theme (CSS selectors); empty means automatic.
    content_selector: str = ""
    ignore_selectors: tuple[str, ...] = ()
    title_selector: str = ""
    date_selector: str = ""
    author_selector: str = ""
    category_selector: str = ""
    tag_selector: str = ""
    # Backend: the embedded Whoosh index (index_dir), or a Typesense cluster. With Typesense,
    # index_dir still holds the crawl state and the site template, but no index.
    backend_engine: str = "whoosh"
    backend_nodes: tuple[str, ...] = ()  # "http://127.0.0.1:8108": every node of the cluster
    backend_api_key_env: str = "POSTSEARCH_TYPESENSE_KEY"  # the variable holding the key
    backend_collection: str = "posts"  # an alias; the versioned collections sit behind it
    # The key itself, read from the variable named by backend_api_key_env: never from a file.
    backend_api_key: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        for name in (
            "per_page",
            "max_per_page",
            "max_page",
            "max_query_chars",
            "crawl_concurrency",
            "crawl_max_pages",
            "crawl_max_page_bytes",
            "query_log_max_rows",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.per_page > self.max_per_page:
            raise ConfigError(f"per_page ({self.per_page}) exceeds max_per_page")
        for name in ("recency_boost", "crawl_delay", "trusted_proxies"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must not be negative, not {getattr(self, name)}")
        if self.query_time_limit <= 0:
            raise ConfigError(f"query_time_limit must be positive, not {self.query_time_limit}")
        if self.crawl_timeout <= 0:
            raise ConfigError(f"crawl_timeout must be positive, not {self.crawl_timeout}")
        self._check_branding()
        self._check_backend()

    def _check_branding(self) -> None:
        for name in ("accent_color", "accent_color_dark"):
            value = getattr(self, name)
            if value and not HEX_COLOUR.fullmatch(value):
                raise ConfigError(f"{name} must be a colour like #1a56b0, not {value!r}")
        if self.logo_url and not self.logo_url.startswith(("https://", "http://", "/")):
            raise ConfigError(
                f"logo_url must be an http(s) address or a /path, not {self.logo_url!r}"
            )
        if self.templates_dir is not None and not self.templates_dir.is_dir():
            raise ConfigError(f"templates_dir {self.templates_dir} is not a folder")

    def _check_backend(self) -> None:
        if self.backend_engine not in ENGINES:
            raise ConfigError(
                f"[backend] engine must be one of {', '.join(ENGINES)}, not {self.backend_engine!r}"
            )
        if self.backend_engine != "typesense":
            return
        if not self.backend_nodes:
            raise ConfigError('[backend] nodes: list the cluster\'s nodes ("http://host:8108")')
        for node in self.backend_nodes:
            if not _NODE.match(node):
                raise ConfigError(f"[backend] nodes: {node!r} is not http(s)://host:port")
        if not _COLLECTION.match(self.backend_collection):
            raise ConfigError(
                f"[backend] collection must be letters, digits, _ or -, "
                f"not {self.backend_collection!r}"
            )


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
    if "backend_api_key" not in (overrides or {}):
        key_env = str(values.get("backend_api_key_env", Settings.backend_api_key_env))
        values["backend_api_key"] = environ.get(key_env, "")
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
    for table in TABLES:
        section = data.get(table, {})
        if not isinstance(section, dict):
            raise ConfigError(f"config file {path}: [{table}] must be a table")
        flat.update(section)
    synonyms = data.get("synonyms")
    if isinstance(synonyms, dict):  # [synonyms] colour = "color"
        flat["synonyms"] = list(synonyms.items())
    if "backend_api_key" in flat:
        raise ConfigError(f"config file {path}: {_KEY_NOT_IN_FILES}")
    flat.update(_backend_table(path, data.get("backend", {})))
    return flat


_KEY_NOT_IN_FILES = (
    "api_key: the key is never read from a file; set it in the environment variable "
    "named by api_key_env"
)


def _backend_table(path: Path, table: Any) -> dict[str, Any]:
    """[backend] engine/nodes/api_key_env/collection → the backend_* settings."""
    if not isinstance(table, dict):
        raise ConfigError(f"config file {path}: [backend] must be a table")
    if "api_key" in table:
        raise ConfigError(f"config file {path}: [backend] {_KEY_NOT_IN_FILES}")
    unknown = sorted(set(table) - set(BACKEND_KEYS))
    if unknown:
        raise ConfigError(f"config file {path}: unknown [backend] setting(s): {', '.join(unknown)}")
    return {f"backend_{key}": value for key, value in table.items()}


def _from_environment(environ: dict[str, str]) -> dict[str, str]:
    known = {f.name for f in fields(Settings)} - {"backend_api_key"}
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
        converter = _CONVERTERS[kind]
    except KeyError:
        raise ConfigError(f"{name}: no converter for {kind}") from None
    try:
        return converter(value)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{name} must be {kind}, not {value!r}") from error


def _to_int(value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(value)
    return int(value)


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    return float(value)


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(value)


def _to_strings(value: Any) -> tuple[str, ...]:
    """A list from TOML, or a comma-separated string from the environment."""
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(str(item).strip() for item in items if str(item).strip())


def _to_pairs(value: Any) -> tuple[tuple[str, str], ...]:
    """Synonyms as pairs: from a TOML table, a list of pairs, or "a = b; c = d" text."""
    if isinstance(value, dict):
        value = list(value.items())
    if isinstance(value, str):
        value = [part.split("=", 1) for part in value.split(";") if part.strip()]
    pairs = []
    for pair in value:
        if isinstance(pair, str):
            pair = pair.split("=", 1)
        left, right = (str(side).strip().lower() for side in pair)
        if not left or not right:
            raise ValueError(pair)
        pairs.append((left, right))
    return tuple(pairs)


def _to_optional_path(value: Any) -> Path | None:
    return Path(value) if value not in (None, "") else None


_CONVERTERS = {
    "int": _to_int,
    "float": _to_float,
    "bool": _to_bool,
    "str": str,
    "Path": Path,
    "Path | None": _to_optional_path,
    "tuple[str, ...]": _to_strings,
    "tuple[tuple[str, str], ...]": _to_pairs,
}
