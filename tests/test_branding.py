"""A deployment's own look without forking: its name, logo, colours and templates."""

from __future__ import annotations

import re

import pytest

from searchweb.config import ConfigError, load_settings
from searchweb.web.app import create_app

LOGO = "https://cdn.blog.test/logo.svg"


@pytest.fixture()
def branded(demo_index, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Lost on the river path</h1>'
        "<p>{{ settings.site_name }} has no page here.</p>{% endblock %}",
        encoding="utf-8",
    )
    config = {
        "index_dir": str(demo_index[0]),
        "site_name": "Riverside Notes",
        "logo_url": LOGO,
        "accent_color": "#0b6e4f",
        "accent_color_dark": "#7fd1b9",
        "templates_dir": str(templates),
        "rate_limit": "",
        "query_log": False,
    }
    return create_app(config).test_client()


def test_the_page_carries_the_sites_name_logo_and_colours(branded):
    page = branded.get("/search?q=garden")
    assert '<img class="site-logo" src="https://cdn.blog.test/logo.svg" alt="">' in page.text
    assert "<title>garden – Search – Riverside Notes</title>" in page.text
    assert "img-src 'self' data: https://cdn.blog.test;" in page.headers["Content-Security-Policy"]
    theme = branded.get("/theme.css").text
    assert "--accent: #0b6e4f;" in theme and "--accent: #7fd1b9;" in theme
    assert 'href="/theme.css"' in page.text


def test_a_templates_folder_replaces_the_built_in_404(branded):
    page = branded.get("/nowhere")
    assert page.status_code == 404
    assert "<h1>Lost on the river path</h1>" in page.text
    assert "Riverside Notes has no page here." in page.text


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("accent_color", "red; } body { display: none", "accent_color must be a colour"),
        ("logo_url", "javascript:alert(1)", "logo_url must be an http(s) address"),
        ("templates_dir", "/no/such/folder", "templates_dir /no/such/folder is not a folder"),
    ],
)
def test_a_bad_branding_value_stops_at_start_up_naming_it(setting, value, said):
    with pytest.raises(ConfigError, match=re.escape(said)):
        load_settings(overrides={setting: value}, environ={})
