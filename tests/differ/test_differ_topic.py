"""The differ's topic scope (``differ/topic.py``): which parts of a version can raise a change."""

from __future__ import annotations
