"""Command groups. Each module defines ``register(cli)``; adding a module here adds its commands."""

from __future__ import annotations

import importlib

import click

MODULES = [
    "status",
    "extract",
    "crawl",
    "sources",
    "scaffold",
    "changes",
    "history",
    "feeds",
    "alerts",
    "service",
    "workers",
]


def register_all(cli: click.Group) -> None:
    for name in MODULES:
        importlib.import_module(f"payerwatch.commands.{name}").register(cli)
