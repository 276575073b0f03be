"""The options every command shares: which config, which index; and the Settings they make.

`--config` and `--index` may stand before or after the command's name (`postsearch --index
DIR search x` and `postsearch search x --index DIR` are one call); a value after the name
wins over one before it.
"""

from __future__ import annotations

import argparse
from typing import Any

from searchweb.config import Settings, load_settings


def shared_options(for_command: bool) -> argparse.ArgumentParser:
    """A parent parser with --config and --index. A command's copy leaves them unset
    unless given there, so that a value given before the command's name survives."""
    unset = argparse.SUPPRESS if for_command else None
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=unset,
        help="the site's TOML config file (default: $POSTSEARCH_CONFIG, if set)",
    )
    parser.add_argument(
        "--index",
        metavar="DIR",
        default=unset,
        help="the index directory (default: $POSTSEARCH_INDEX, the config's index_dir, "
        "else data/index)",
    )
    return parser


def overrides_from(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the command line gives, over the config file and the environment."""
    return {"index_dir": args.index} if args.index else {}


def settings_from(args: argparse.Namespace, **overrides: Any) -> Settings:
    """The deployment's Settings: config file, environment, then these arguments."""
    return load_settings(config_file=args.config, overrides=overrides_from(args) | overrides)
