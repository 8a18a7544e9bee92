"""The environment, checked once when a command starts: a bad value is one line naming the variable.

The values are read where they are used (crawler settings, mail settings, extraction limits), each with a
plain ``int()`` or ``float()``; a typo there surfaced as a 36-line traceback from deep inside Scrapy's
settings import. Checking every variable the README documents up front, before any command runs, gives
the operator the variable, the value and what it should be (``payerwatch: error: ...``, exit 2).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the variable."""


def _number(kind: type, low: float | None = None, high: float | None = None, strict: bool = False):
    def check(name: str, raw: str) -> None:
        try:
            value = kind(raw)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise ConfigError(f"{name}={raw!r} is not {what}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{name}={raw!r} is not a finite number")
        if low is not None and (value <= low if strict else value < low):
            raise ConfigError(f"{name}={raw!r} must be {'more than' if strict else 'at least'} {low:g}")
        if high is not None and value > high:
            raise ConfigError(f"{name}={raw!r} must be at most {high:g}")

    return check


def _choice(*allowed: str):
    def check(name: str, raw: str) -> None:
        if raw.lower() not in allowed:
            raise ConfigError(f"{name}={raw!r} must be one of: {', '.join(allowed)}")

    return check


def _http_url(name: str, raw: str) -> None:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name}={raw!r} is not an http(s) URL")


def _timestamp(name: str, raw: str) -> None:
    try:
        dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an ISO timestamp (e.g. 2026-01-31T06:00:00Z)") from None


def _database_url(name: str, raw: str) -> None:
    import sqlalchemy as sa

    try:
        sa.engine.make_url(raw)
    except sa.exc.ArgumentError:
        raise ConfigError(f"{name} is not a database URL (e.g. postgresql+psycopg://user@host/db)") from None


CHECKS: dict[str, Callable[[str, str], None]] = {
    "PAYERWATCH_MAXSIZE": _number(int, 0, strict=True),
    "PAYERWATCH_DOWNLOAD_TIMEOUT": _number(float, 0, strict=True),
    "PAYERWATCH_CRAWL_DELAY": _number(float, 0),
    "PAYERWATCH_SMTP_PORT": _number(int, 1, 65535),
    "PAYERWATCH_SMTP_SECURITY": _choice("starttls", "tls", "none"),
    "PAYERWATCH_BASE_URL": _http_url,
    "PAYERWATCH_CONTACT_URL": lambda name, raw: None if raw.startswith("mailto:") else _http_url(name, raw),
    "PAYERWATCH_CLOCK": _timestamp,
    "PAYERWATCH_DATABASE_URL": _database_url,
    "PAYERWATCH_EXTRACT_MEMORY": _number(int, 64),
    "PAYERWATCH_EXTRACT_CPU": _number(int, 0, strict=True),
    "PAYERWATCH_EXTRACT_WALL": _number(int, 0, strict=True),
    "PAYERWATCH_EXTRACT_WORKERS": _number(int, 1, 64),
    "PAYERWATCH_STALLED_AFTER": _number(float, 0, strict=True),
    "PAYERWATCH_HEARTBEAT": _number(float, 0, strict=True),
}


def check_environment(env: Mapping[str, str] | None = None) -> None:
    """Raise ``ConfigError`` for the first documented variable whose value cannot be used (an empty
    value means "the default", as everywhere else)."""
    env = os.environ if env is None else env
    for name, check in CHECKS.items():
        raw = env.get(name)
        if raw is not None and raw.strip() != "":
            check(name, raw.strip())
