"""A real WordPress for the tests: Debian's WordPress and MariaDB, PHP's built-in server.

`WordPressSite` starts MariaDB on a private data dir, socket and port, copies Debian's
WordPress (/usr/share/wordpress) to a temporary folder with its own wp-config.php, installs
it without a browser, activates the default block theme and the postsearch plugin, and
serves it with `php -S` on 127.0.0.1. Everything runs in its own process group under the
temporary folder and is stopped by PID at the end. conftest.py builds the session fixture
from it; docs/make_screenshots.py uses it too.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from helpers import DEMO_SOURCE, REPO, ServeProcess, free_port, wait_for_http

WORDPRESS = Path("/usr/share/wordpress")
THEME = WORDPRESS / "wp-content" / "themes" / "twentytwentythree"
PLUGIN = REPO / "integrations" / "wordpress" / "postsearch"
ADMIN_USER, ADMIN_PASSWORD = "admin", "correct horse battery staple"
PACKAGES = "wordpress php-cli php-mysql mariadb-server wordpress-theme-twentytwentythree php-xml"
PERMALINKS = "/%year%/%monthnum%/%postname%/"

TOKEN = "wordpress-admin-token-for-tests"
# Demo posts published through WordPress (their text is the demo blog's, CC0).
POST_SOURCES = (
    "2019-02-11-waking-up-a-sourdough-starter.md",
    "2019-03-23-our-first-season-on-plot-14.md",
    "2020-02-29-leap-day-reading-room.md",
    "2021-10-09-dovetail-joints.md",
)

ROUTER = """<?php
// Serve files as they are; everything else goes to WordPress's front controller.
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$file = __DIR__ . $path;
if ($path !== '/' && is_file($file)) { return false; }
if (is_dir($file) && is_file(rtrim($file, '/') . '/index.php')) { return false; }
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = __DIR__ . '/index.php';
require __DIR__ . '/index.php';
"""

INSTALL = """<?php
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = '127.0.0.1';
require __DIR__ . '/wp-load.php';
function wp_new_blog_notification() {}
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
wp_install('Riverside Test Blog', getenv('WP_USER'), 'admin@example.test', true, '',
           getenv('WP_PASSWORD'));
update_option('permalink_structure', getenv('WP_PERMALINKS'));
switch_theme('twentytwentythree');
flush_rewrite_rules(true);
$activated = activate_plugin('postsearch/postsearch.php');
if (is_wp_error($activated)) { fwrite(STDERR, $activated->get_error_message()); exit(1); }
"""


def missing_parts() -> str | None:
    """What is missing for a real WordPress here, or None."""
    for need in ("php", "mariadbd", "mariadb-install-db"):
        if shutil.which(need) is None and not Path("/usr/sbin", need).exists():
            return f"{need} is not installed (apt-get install {PACKAGES})"
    if not (WORDPRESS / "wp-load.php").exists() or not THEME.exists():
        return f"Debian's WordPress or its theme is not installed (apt-get install {PACKAGES})"
    probe = subprocess.run(["php", "-m"], capture_output=True, text=True, check=False).stdout
    for module in ("mysqli", "SimpleXML"):
        if module not in probe:
            return f"PHP's {module} module is missing (apt-get install {PACKAGES})"
    return None


@dataclass
class Timings:
    """Seconds each part of the start took, printed by the fixture."""

    database: float = 0.0
    files: float = 0.0
    install: float = 0.0
    serve: float = 0.0

    def total(self) -> float:
        return self.database + self.files + self.install + self.serve

    def line(self) -> str:
        return (
            f"WordPress fixture: {self.total():.1f} s (MariaDB {self.database:.1f} s, files "
            f"{self.files:.1f} s, install {self.install:.1f} s, php -S {self.serve:.1f} s)"
        )


class WordPressSite:
    """MariaDB + WordPress + the plugin under `root`, served on 127.0.0.1."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docroot = root / "wordpress"
        self.db_port, self.port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.timings = Timings()
        self._processes: list[subprocess.Popen] = []

    def __enter__(self) -> WordPressSite:
        try:
            self._timed("database", self._start_database)
            self._timed("files", self._copy_files)
            self._timed("install", self._install)
            self._timed("serve", self._serve)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _timed(self, part: str, step) -> None:
        started = time.monotonic()
        step()
        setattr(self.timings, part, time.monotonic() - started)

    # -- MariaDB ------------------------------------------------------------------

    def _start_database(self) -> None:
        data, sock = self.root / "mysql", self.root / "mysqld.sock"
        _run(
            "mariadb-install-db",
            "--no-defaults",
            "--user=root",
            f"--datadir={data}",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
        )
        self._start(
            [
                _sbin("mariadbd"),
                "--no-defaults",
                "--user=root",
                f"--datadir={data}",
                f"--socket={sock}",
                f"--pid-file={self.root / 'mysqld.pid'}",
                "--bind-address=127.0.0.1",
                f"--port={self.db_port}",
                "--innodb-buffer-pool-size=64M",
                f"--log-error={self.root / 'mysqld.err'}",
            ]
        )
        _wait_until(lambda: _ok("mariadb-admin", f"--socket={sock}", "ping"), 30, "MariaDB")
        _run(
            "mariadb",
            f"--socket={sock}",
            "-e",
            "CREATE DATABASE wordpress; CREATE USER 'wp'@'127.0.0.1' IDENTIFIED BY 'wp';"
            " GRANT ALL ON wordpress.* TO 'wp'@'127.0.0.1';",
        )

    # -- WordPress ----------------------------------------------------------------

    def _copy_files(self) -> None:
        shutil.copytree(WORDPRESS, self.docroot, symlinks=False)
        (self.docroot / "wp-config.php").unlink()
        (self.docroot / "wp-config.php").write_text(self._config(), encoding="utf-8")
        (self.docroot / "router.php").write_text(ROUTER, encoding="utf-8")
        (self.docroot / "install.php").write_text(INSTALL, encoding="utf-8")
        shutil.copytree(PLUGIN, self.docroot / "wp-content" / "plugins" / "postsearch")

    def _config(self) -> str:
        keys = "".join(
            f"define('{name}', 'test-{name.lower()}-{self.port}');\n"
            for name in (
                "AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY "
                "AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT"
            ).split()
        )
        return (
            "<?php\n"
            "define('DB_NAME', 'wordpress'); define('DB_USER', 'wp');\n"
            "define('DB_PASSWORD', 'wp');\n"
            f"define('DB_HOST', '127.0.0.1:{self.db_port}');\n"
            "define('DB_CHARSET', 'utf8mb4'); define('DB_COLLATE', '');\n"
            f"{keys}"
            "$table_prefix = 'wp_';\n"
            f"define('WP_HOME', '{self.url}'); define('WP_SITEURL', '{self.url}');\n"
            "define('DISABLE_WP_CRON', true); define('AUTOMATIC_UPDATER_DISABLED', true);\n"
            "define('WP_ENVIRONMENT_TYPE', 'local'); define('WP_DEBUG', false);\n"
            "if (!defined('ABSPATH')) { define('ABSPATH', __DIR__ . '/'); }\n"
            "require_once ABSPATH . 'wp-settings.php';\n"
        )

    def _install(self) -> None:
        env = {"WP_USER": ADMIN_USER, "WP_PASSWORD": ADMIN_PASSWORD, "WP_PERMALINKS": PERMALINKS}
        _run("php", str(self.docroot / "install.php"), env=os.environ | env)

    def _serve(self) -> None:
        with (self.root / "php-server.log").open("wb") as log:
            self._start(
                ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(self.docroot), "router.php"],
                cwd=self.docroot,
                env=os.environ | {"PHP_CLI_SERVER_WORKERS": "4"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_http(self.url + "/wp-login.php", timeout=30)

    # -- using it -----------------------------------------------------------------

    def php(self, code: str, **variables: object) -> object:
        """Run PHP inside WordPress (as the admin user); `variables` arrive as `$args`, and
        whatever the code assigns to `$result` comes back, through JSON."""
        script = (
            "<?php\n$_SERVER['HTTP_HOST'] = '127.0.0.1';\n"
            f"require '{self.docroot}/wp-load.php';\n"
            "require_once ABSPATH . 'wp-admin/includes/taxonomy.php';\n"
            "require_once ABSPATH . 'wp-admin/includes/post.php';\n"
            "wp_set_current_user(1);\n"
            "$args = json_decode(getenv('PHP_ARGS'), true);\n$result = null;\n"
            f"{code}\n"
            'echo "\\n@@RESULT@@" . json_encode($result);\n'
        )
        path = self.root / "snippet.php"
        path.write_text(script, encoding="utf-8")
        done = subprocess.run(
            ["php", str(path)],
            capture_output=True,
            text=True,
            env=os.environ | {"PHP_ARGS": json.dumps(variables)},
            timeout=60,
            check=False,
        )
        if done.returncode != 0 or "@@RESULT@@" not in done.stdout:
            raise RuntimeError(f"PHP failed ({done.returncode}): {done.stdout}{done.stderr}")
        return json.loads(done.stdout.rsplit("@@RESULT@@", 1)[1])

    def set_options(self, **settings: object) -> None:
        """Save the plugin's settings as the settings page would (through its sanitizer)."""
        self.php(
            "update_option('postsearch_settings', Postsearch_Options::sanitize($args));",
            **settings,
        )

    # -- processes ----------------------------------------------------------------

    def _start(self, command: list[str], **options) -> None:
        options.setdefault("stdout", subprocess.DEVNULL)
        options.setdefault("stderr", subprocess.DEVNULL)
        self._processes.append(subprocess.Popen(command, start_new_session=True, **options))

    def stop(self) -> None:
        """Stop the PHP server (with its workers) and MariaDB, by process group."""
        for process in reversed(self._processes):
            _stop_group(process)
        self._processes.clear()


def _sbin(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin") / name)


def _run(*command: str, env: dict | None = None) -> None:
    done = subprocess.run(
        [_sbin(command[0]), *command[1:]], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:2])} failed: {done.stdout}{done.stderr}")


def _ok(*command: str) -> bool:
    return subprocess.run([_sbin(command[0]), *command[1:]], capture_output=True).returncode == 0


def _wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start in {timeout:g} s")
        time.sleep(0.1)


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
    except ProcessLookupError:
        pass


@dataclass
class WordPressStack:
    """The WordPress site, the `postsearch serve` it talks to, and what the tests need."""

    site: WordPressSite
    search: ServeProcess
    index_dir: Path
    config: Path


def start_stack(site: WordPressSite, root: Path) -> WordPressStack:
    """Posts in WordPress, a first crawl with `postsearch index` (the config's site_url),
    `postsearch serve`, and the plugin pointed at it with the right token."""
    publish_demo_posts(site)
    index_dir, config = root / "index", root / "postsearch.toml"
    config.write_text(
        f'site_name = "Riverside Test Blog"\nsite_url = "{site.url}/"\n'
        f'index_dir = "{index_dir}"\nadmin_token = "{TOKEN}"\n'
        f'cors_origins = ["{site.url}"]\nrate_limit = ""\n',
        encoding="utf-8",
    )
    index = subprocess.run(
        [*POSTSEARCH, "--config", str(config), "index", "--quiet"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if index.returncode != 0:
        raise RuntimeError(f"postsearch index failed: {index.stdout}{index.stderr}")
    search = ServeProcess(config, log=root / "postsearch.log").__enter__()
    site.set_options(server_url=search.url, token=TOKEN, search_mode="redirect")
    return WordPressStack(site, search, index_dir, config)


POSTSEARCH = [sys.executable, "-m", "searchweb.cli"]


def publish_demo_posts(site: WordPressSite) -> None:
    """Demo posts as WordPress posts (categories, tags, dates), a page, a draft and a
    private post (the last two must never be indexed); WordPress's "Hello world!" goes."""
    site.php("wp_delete_post(1, true);")
    for name in POST_SOURCES:
        head, body = (DEMO_SOURCE / "posts" / name).read_text(encoding="utf-8").split("\n\n", 1)
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        site.php(
            "$cats = array_map(fn($c) => wp_create_category($c), $args['categories']);"
            "$result = wp_insert_post(['post_title' => $args['title'],"
            " 'post_name' => $args['slug'], 'post_content' => $args['html'],"
            " 'post_status' => 'publish',"
            " 'post_date' => $args['date'] . ' 09:00:00', 'post_category' => $cats,"
            " 'tags_input' => $args['tags']], true);",
            title=meta["title"],
            slug=meta["slug"],
            date=meta["date"],
            categories=[meta["categories"]],
            tags=[tag.strip() for tag in meta["tags"].split(",")],
            html=markdown_html(body),
        )
    for status, title in (("draft", "A draft about kestrels"), ("private", "Private kestrels")):
        site.php(
            "$result = wp_insert_post(['post_title' => $args['title'], 'post_status' =>"
            " $args['status'], 'post_content' => str_repeat('<p>Kestrel notes.</p>', 20)]);",
            title=title,
            status=status,
        )


def markdown_html(text: str) -> str:
    """The demo posts' few kinds of Markdown block as HTML (paragraphs, headings, lists,
    quotes): enough for WordPress content, no library needed."""
    blocks = []
    for block in text.strip().split("\n\n"):
        if block.startswith("## "):
            blocks.append(f"<h2>{block[3:]}</h2>")
        elif block.startswith("- "):
            items = "".join(f"<li>{line[2:]}</li>" for line in block.splitlines())
            blocks.append(f"<ul>{items}</ul>")
        elif block.startswith("> "):
            blocks.append(f"<blockquote><p>{block[2:]}</p></blockquote>")
        else:
            blocks.append(f"<p>{block}</p>")
    return "\n".join(blocks)
