"""Command groups. Each module defines ``register(cli)``; adding a module here adds its commands."""

from __future__ import annotations

import importlib

import click


class BadArgument(click.ClickException):
    """An argument naming nothing in the archive (an unknown policy, version or payer): one line, exit 2,
    as the README promises for every error the user can fix."""

    exit_code = 2


MODULES = [
    "status",
    "extract",
    "crawl",
    "sources",
    "scaffold",
    "changes",
    "history",
    "matrix",
    "feeds",
    "alerts",
    "service",
    "workers",
]


def register_all(cli: click.Group) -> None:
    for name in MODULES:
        importlib.import_module(f"payerwatch.commands.{name}").register(cli)
