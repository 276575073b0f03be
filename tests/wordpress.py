"""A real WordPress site for the tests: Debian's WordPress, PHP's built-in server, MariaDB.

Everything runs from a temporary directory: the database in a private data dir on a free
port, WordPress's code linked from /usr/share/wordpress with a wp-config.php of its own,
`php -S` with a router serving pretty permalinks. Both servers are started in their own
process groups and stopped by them at the end. Content is written with WordPress's own
functions (`wp_insert_post`), from PHP scripts run with the CLI, as a site's editor would
write it; the pages postsearch reads are the ones the default block theme renders.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import free_port

WORDPRESS = Path("/usr/share/wordpress")
THEME = "twentytwentythree"
NEEDED = (
    WORDPRESS / "wp-load.php",
    WORDPRESS / "wp-content" / "themes" / THEME,
    Path("/usr/bin/php"),
    Path("/usr/sbin/mariadbd"),
    Path("/usr/bin/mariadb-install-db"),
)
PACKAGES = (
    "wordpress php-cli php-mysql php-xml php-mbstring mariadb-server "
    "wordpress-theme-twentytwentythree"
)
PERMALINKS = "/%year%/%monthnum%/%day%/%postname%/"
# A router for `php -S`: files as they are, everything else through WordPress's index.php.
ROUTER = """<?php
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$file = __DIR__ . $path;
if ($path !== '/' && (is_file($file) || is_file(rtrim($file, '/') . '/index.php'))) {
    return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = __DIR__ . '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
require __DIR__ . '/index.php';
"""
CONFIG = """<?php
define('DB_NAME', 'wp');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'wp');
define('DB_HOST', '127.0.0.1:{db_port}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
foreach (['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT',
          'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'] as $key) {{
    define($key, 'test-only-' . $key);
}}
define('WP_HOME', '{url}');
define('WP_SITEURL', '{url}');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_ENVIRONMENT_TYPE', 'local');
$table_prefix = 'wp_';
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
"""
INSTALL = f"""
function wp_new_blog_notification() {{}}
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install('A test blog', 'editor', 'editor@example.org', true, '', 'not-a-secret');
update_option('permalink_structure', '{PERMALINKS}');
switch_theme('{THEME}');
flush_rewrite_rules();
"""


@dataclass(frozen=True)
class WordPressSite:
    """A running WordPress: its address, and a way to run PHP inside it."""

    url: str
    root: Path

    def php(self, code: str, installing: bool = False) -> str:
        """Run `code` with WordPress loaded (wp-load.php); return what it printed."""
        script = self.root / "postsearch-test-script.php"
        host = self.url.split("//", 1)[1]
        script.write_text(
            f"<?php\n$_SERVER['HTTP_HOST'] = '{host}';\n"
            + ("define('WP_INSTALLING', true);\n" if installing else "")
            + "require __DIR__ . '/wp-load.php';\n"
            "require_once ABSPATH . 'wp-admin/includes/taxonomy.php';\n" + code,
            encoding="utf-8",
        )
        done = subprocess.run(
            ["php", str(script)], capture_output=True, text=True, timeout=60, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"PHP failed: {done.stderr or done.stdout}")
        return done.stdout

    def insert_post(self, **fields: object) -> str:
        """`wp_insert_post(fields)`; returns the new post's address."""
        arguments = json.dumps(fields)
        return self.php(
            f"$id = wp_insert_post(json_decode('{_php_quoted(arguments)}', true), true);\n"
            "if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message()); exit(1); }\n"
            "echo get_permalink($id);\n"
        ).strip()


def _php_quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


def wordpress_missing() -> str | None:
    """Why WordPress cannot run here, or None."""
    missing = [str(path) for path in NEEDED if not path.exists()]
    return f"missing {', '.join(missing)}" if missing else None


@contextmanager
def running_wordpress(tmp: Path) -> Iterator[WordPressSite]:
    """MariaDB and WordPress under `tmp`, stopped (by process group) on the way out."""
    db_port, web_port = free_port(), free_port()
    url = f"http://127.0.0.1:{web_port}"
    with _process_group() as started:
        _start_mariadb(tmp / "db", db_port, started)
        root = _wordpress_code(tmp / "wp", url, db_port)
        site = WordPressSite(url, root)
        site.php(INSTALL, installing=True)
        with (tmp / "php-server.log").open("wb") as log:
            started.append(
                subprocess.Popen(
                    ["php", "-S", f"127.0.0.1:{web_port}", "-t", root, root / "router.php"],
                    env={**os.environ, "PHP_CLI_SERVER_WORKERS": "4"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        _wait_for(lambda: _answers(url + "/wp-sitemap.xml"), "WordPress to answer")
        yield site


@contextmanager
def _process_group() -> Iterator[list[subprocess.Popen]]:
    started: list[subprocess.Popen] = []
    try:
        yield started
    finally:
        for process in reversed(started):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def _start_mariadb(data: Path, port: int, started: list[subprocess.Popen]) -> None:
    data.mkdir(parents=True)
    socket = data / "mysqld.sock"
    subprocess.run(
        [
            "mariadb-install-db",
            "--no-defaults",
            "--user=root",
            f"--datadir={data / 'data'}",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    started.append(
        subprocess.Popen(
            [
                "mariadbd",
                "--no-defaults",
                "--user=root",
                f"--datadir={data / 'data'}",
                f"--socket={socket}",
                f"--pid-file={data / 'mysqld.pid'}",
                "--bind-address=127.0.0.1",
                f"--port={port}",
                "--innodb-buffer-pool-size=64M",
                f"--log-error={data / 'err.log'}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    )
    client = ["mariadb", "--no-defaults", f"--socket={socket}", "-uroot"]
    _wait_for(
        lambda: subprocess.run([*client, "-e", "SELECT 1"], capture_output=True).returncode == 0,
        "MariaDB to start",
    )
    subprocess.run(
        [
            *client,
            "-e",
            "CREATE DATABASE wp CHARACTER SET utf8mb4;"
            "CREATE USER 'wp'@'127.0.0.1' IDENTIFIED BY 'wp';"
            "GRANT ALL ON wp.* TO 'wp'@'127.0.0.1';",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )


def _wordpress_code(root: Path, url: str, db_port: int) -> Path:
    """WordPress's code linked from Debian's copy, with a wp-config.php and a router."""
    root.mkdir(parents=True)
    for entry in WORDPRESS.iterdir():
        if entry.name in ("wp-config.php", ".htaccess"):
            continue
        if entry.is_dir():
            (root / entry.name).symlink_to(entry)
        else:
            shutil.copy(entry, root / entry.name)
    (root / "wp-config.php").write_text(CONFIG.format(db_port=db_port, url=url), "utf-8")
    (root / "router.php").write_text(ROUTER, encoding="utf-8")
    return root


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_for(ready, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def wordpress_site(tmp_path_factory) -> Iterator[WordPressSite]:
    """A fresh WordPress 6.1 in its default block theme, for the whole session."""
    reason = wordpress_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install WordPress ({reason}; see .ci/run)")
        pytest.skip(f"WordPress cannot run here ({reason}): apt-get install {PACKAGES}")
    with running_wordpress(tmp_path_factory.mktemp("wordpress")) as site:
        yield site
