"""PDFium held by another thread: PDFium is not thread-safe, so every reader takes one process-wide lock,
and a reader waiting for it must still honour its own deadline (the extraction timeout). The tests of the
three readers (line reader, glyph reader, read_pdf) share this harness."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from extractors.pdfhandles import held


class Stop(Exception):
    """What a test's deadline check raises, so it can be told apart from every other error."""


def stop() -> None:
    raise Stop


@contextmanager
def pdfium_held_elsewhere(data: bytes) -> Iterator[None]:
    """Another thread holds PDFium (on ``data``) for the whole block; released and joined on exit."""
    inside, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with held(data, lambda: None):
            inside.set()
            leave.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert inside.wait(10), "the holder never got PDFium"
        yield
    finally:
        leave.set()
        holder.join()
