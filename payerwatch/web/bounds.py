"""Numbers from the URL, checked to range: a client's mistake is HTTP 400, never a 500 from the database.

SQLite stores 64-bit integers; a path id, page or cursor of 2^63 or more made the driver raise
``OverflowError`` on six routes. Every ``<int:...>`` in a route goes through ``BoundedInt`` (registered
as ``int`` by ``create_app``), and query-string numbers through ``arg_int``.
"""

from __future__ import annotations

from flask import abort, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

#: the largest id a database row can have (SQLite and PostgreSQL bigint)
MAX_ID = 2**63 - 1
#: the deepest a page or cursor may reach (far past any archive's size; keeps offsets cheap to compute)
MAX_OFFSET = 10_000_000


class BoundedInt(IntegerConverter):
    """``<int:...>`` that answers 400 for a number no row can have, instead of matching it."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            raise BadRequest(f"{value[:40]}{'…' if len(value) > 40 else ''} is out of range")
        return number


def arg_int(name: str, default: int, low: int = 0, high: int = MAX_OFFSET) -> int:
    """The query parameter ``name`` as an integer in [low, high], or 400."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400, f"{name} must be a whole number")
    if not low <= value <= high:
        abort(400, f"{name} must be between {low} and {high}")
    return value
