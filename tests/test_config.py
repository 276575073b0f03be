"""Configuration: the README's example loads, layers override in order, bad values say so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from searchweb.config import ConfigError, load_settings
from searchweb.web.app import create_app

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture()
def readme_toml(tmp_path) -> Path:
    example = re.search(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert example, "the README has a TOML example"
    path = tmp_path / "postsearch.toml"
    path.write_text(example.group(1), encoding="utf-8")
    return path


def test_the_readme_example_loads(readme_toml):
    settings = load_settings(config_file=readme_toml, environ={})
    assert settings.site_url == "https://blog.example/"
    assert ("colour", "color") in settings.synonyms
    assert settings.cors_origins == ("https://blog.example",)
    assert settings.crawl_delay == 0.5 and settings.ignore_selectors == (".newsletter-box",)


def test_environment_beats_the_file_and_overrides_beat_both(readme_toml):
    environ = {"POSTSEARCH_PER_PAGE": "20", "POSTSEARCH_CORS_ORIGINS": "https://a, https://b"}
    settings = load_settings(config_file=readme_toml, environ=environ)
    assert settings.per_page == 20 and settings.cors_origins == ("https://a", "https://b")
    settings = load_settings(readme_toml, overrides={"per_page": 5}, environ=environ)
    assert settings.per_page == 5


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"POSTSEARCH_PER_PAGE": "ten"}, "per_page"),
        ({"POSTSEARCH_QUERY_LOG": "maybe"}, "query_log"),
        ({"POSTSEARCH_RECENCY_BOOST": "-1"}, "recency_boost"),
        ({"POSTSEARCH_SYNONYMS": "colour ="}, "synonyms"),
    ],
)
def test_bad_values_name_the_setting(environ, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(environ=environ)


def test_unknown_settings_are_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[site]\nsite_nmae = "typo"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="site_nmae"):
        load_settings(config_file=path, environ={})


def test_forwarded_headers_count_only_with_trusted_proxies(demo_index):
    """X-Forwarded-* name the public address only when a proxy is trusted; never otherwise."""
    forwarded = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "blog.example",
        "X-Forwarded-Prefix": "/search",
    }
    expected = {0: "http://localhost/search?q=", 1: "https://blog.example/search/search?q="}
    for count, template in expected.items():
        app = create_app({"index_dir": str(demo_index[0]), "trusted_proxies": count})
        answer = app.test_client().get("/opensearch.xml", headers=forwarded).text
        assert f'template="{template}{{searchTerms}}"' in answer
    with pytest.raises(ConfigError, match="trusted_proxies"):
        load_settings(overrides={"trusted_proxies": -1}, environ={})
