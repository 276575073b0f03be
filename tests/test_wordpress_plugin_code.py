"""The WordPress plugin's code: `php -l` on every file, Debian's PHP_CodeSniffer with the
project's ruleset, and the safety rules WordPress's standard enforces (escaping on output,
nonces and capability checks on admin actions, no raw request data), checked here because
the WordPress standard is not packaged for Debian."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from helpers import REPO

INTEGRATION = REPO / "integrations" / "wordpress"
PLUGIN = INTEGRATION / "postsearch"
PHP_FILES = sorted(PLUGIN.rglob("*.php"))
# Calls whose result is safe to print (WordPress's escaping functions, and helpers that
# print escaped markup themselves).
ESCAPING = re.compile(
    r"^(esc_html|esc_attr|esc_url|esc_html__|esc_attr__|esc_textarea|wp_kses|wp_kses_post|"
    r"absint|intval|checked|selected|number_format_i18n)\s*\("
)
JUSTIFIED = re.compile(r"phpcs:ignore WordPress\.Security\.EscapeOutput\.\w+ -- \S")


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {package} (see .ci/run)")
        pytest.skip(f"{name} is not installed (apt-get install {package})")
    return found


@pytest.mark.parametrize("path", PHP_FILES, ids=lambda p: p.name)
def test_php_lint_is_clean(path):
    done = subprocess.run(
        [_tool("php", "php-cli"), "-l", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "No syntax errors" in done.stdout, done.stdout + done.stderr


def test_phpcs_with_the_projects_ruleset_is_clean():
    phpcs = _tool("phpcs", "php-codesniffer")
    done = subprocess.run(
        [phpcs, "--standard=phpcs.xml", "-s", "--report=full"],
        cwd=INTEGRATION,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _source(path) -> str:
    return path.read_text(encoding="utf-8")


def _statements(text: str, start: re.Pattern) -> list[tuple[str, str]]:
    """(statement, its line) for each statement starting with `start`, up to its `;`."""
    found = []
    for match in start.finditer(text):
        end = _statement_end(text, match.end())
        line = text[text.rfind("\n", 0, match.start()) + 1 : text.find("\n", end)]
        found.append((text[match.end() : end].strip(), line))
    return found


def _statement_end(text: str, at: int) -> int:
    depth, quote = 0, ""
    for index in range(at, len(text)):
        char = text[index]
        if quote:
            if char == "\\":
                continue
            if char == quote and text[index - 1] != "\\":
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == ";" and depth <= 0:
            return index
    raise AssertionError(f"no end of statement after {text[at : at + 60]!r}")


def _split(expression: str, separator: str) -> list[str]:
    """Top-level parts of a PHP expression (outside strings and brackets)."""
    parts, depth, quote, current = [], 0, "", ""
    for index, char in enumerate(expression):
        if quote:
            if char == quote and expression[index - 1] != "\\":
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    return [*parts, current.strip()]


def _safe(part: str) -> bool:
    literal = re.fullmatch(r"'[^']*'|\"[^\"$]*\"", part)
    return bool(literal or ESCAPING.match(part))


def test_everything_printed_is_escaped():
    """echo, print and printf print literals or escaped values; the rare exception (markup
    built from escaped parts) says why, as WordPress's standard asks."""
    unsafe = []
    for path in PHP_FILES:
        text = _source(path)
        for statement, line in _statements(text, re.compile(r"\b(?:echo|print)\s+")):
            if not JUSTIFIED.search(line) and not all(_safe(p) for p in _split(statement, ".")):
                unsafe.append(f"{path.name}: echo {statement}")
        for statement, line in _statements(text, re.compile(r"\bprintf\s*\(")):
            arguments = _split(statement.rstrip(")").rstrip(), ",")
            if not JUSTIFIED.search(line) and not all(_safe(p) for p in arguments):
                unsafe.append(f"{path.name}: printf({statement}")
    assert unsafe == []


def _methods(text: str) -> dict[str, str]:
    """Method name → body, for the plugin's classes (WordPress layout: tab-indented)."""
    found = re.finditer(r"\n\t(?:public |private )?static function (\w+)\(.*?\n\t}\n", text, re.S)
    return {match.group(1): match.group(0) for match in found}


def test_every_admin_action_checks_a_nonce_and_a_capability():
    actions = _source(PLUGIN / "includes" / "class-postsearch-admin-actions.php")
    methods = _methods(actions)
    hooked = re.findall(
        r"add_action\( '(admin_post_|wp_ajax_)' \. self::\w+, array\( __CLASS__, '(\w+)' \)",
        actions,
    )
    assert len(hooked) == 4
    check = methods["check"]
    assert "check_admin_referer(" in check and "current_user_can(" in check
    for _hook, name in hooked:
        body = methods[name]
        nonce = "self::check(" in body or "check_ajax_referer(" in body
        capability = "self::check(" in body or "current_user_can(" in body
        assert nonce and capability, name
    settings = _source(PLUGIN / "includes" / "class-postsearch-settings.php")
    assert "settings_fields( self::GROUP )" in settings  # options.php: nonce and capability
    assert "current_user_can( self::CAPABILITY )" in _methods(settings)["render"]
    assert "'sanitize_callback' => array( 'Postsearch_Options', 'sanitize' )" in settings


def test_no_raw_request_data_and_every_file_refuses_direct_access():
    for path in PHP_FILES:
        text = _source(path)
        assert not re.search(r"\$_(GET|POST|REQUEST|COOKIE|SERVER)\b", text), path.name
        guard = "WP_UNINSTALL_PLUGIN" if path.name == "uninstall.php" else "ABSPATH"
        assert f"defined( '{guard}' ) || exit;" in text, path.name


def test_calls_to_the_search_server_are_bounded():
    client = _source(PLUGIN / "includes" / "class-postsearch-client.php")
    assert client.count("wp_remote_request(") == 1 and "'timeout'" in client
    assert "const TIMEOUT = 5;" in client and "'redirection' => 0" in client
