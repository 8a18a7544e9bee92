"""Terminal output that payer text cannot take over: control characters are dropped on the way out.

A payer's title holding ``\\x1b[31m`` (or ``\\x1b]0;...\\x07``, or a clear-screen) was printed raw by
``changes``, ``history``, ``show`` and ``diff``, and ``search`` rang the bell. Every command's stdout and
stderr go through ``GuardedStream`` (installed by the ``cli`` group for the length of the command), so
no command can forget: C0 and C1 controls other than tab and newline, DEL, and the bidirectional
overrides and isolates (U+202A–E, U+2066–9, which reorder what the reader sees) are removed.

On a terminal the escape sequences rich writes for colour and for its progress display must pass, so
there, well-formed CSI sequences ending in ``m`` (colour), ``K``/``A``/``B``/``C``/``D``/``G`` and the
cursor show/hide pair survive; every other escape — OSC (title, hyperlink, clipboard), device queries,
screen clearing — is removed. What remains possible on a terminal: payer text that spells out a colour
code changes a colour; it cannot move the cursor, erase, retitle the window or hide text from a pipe.
"""

from __future__ import annotations

import io
import re
import sys

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: every control that is not tab or newline, DEL, C1 controls, bidi overrides and isolates
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")
_KEPT_CSI = re.compile(r"\x1b\[[0-9;]*[mKABCDG]|\x1b\[\?25[hl]")
_ANY_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])?")


def clean(text: str) -> str:
    """``text`` without control characters and bidi overrides (for one value)."""
    return _CONTROL.sub("", text)


def clean_output(text: str, terminal: bool) -> str:
    """What may reach the stream: on a terminal rich's own colour and cursor sequences survive."""
    if "\x1b" in text or "\x9b" in text:
        if terminal:
            text = text.replace("\x00", "")  # the placeholder below must be ours
            kept: list[str] = []

            def keep(match: re.Match) -> str:
                kept.append(match.group())
                return f"\x00{len(kept) - 1}\x00"

            text = _KEPT_CSI.sub(keep, text)
            text = _ANY_ESCAPE.sub("", text)
            text = _CONTROL.sub(lambda m: m.group() if m.group() == "\x00" else "", text)
            return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)
        text = _ANY_ESCAPE.sub("", text)
    return _CONTROL.sub("", text)


class GuardedStream(io.TextIOBase):
    """A text stream that writes ``clean_output`` of everything to the stream it wraps."""

    def __init__(self, inner):
        self.inner = inner
        self._terminal = bool(getattr(inner, "isatty", lambda: False)())

    def write(self, text: str) -> int:
        self.inner.write(clean_output(text, self._terminal))
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self._terminal

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def buffer(self):
        """The raw byte stream, unguarded: bytes written there are data (a feed's XML, a WARC export),
        for a file or a pipe, and were made safe where they were built."""
        return self.inner.buffer

    @property
    def encoding(self):  # click and rich ask
        return getattr(self.inner, "encoding", "utf-8")

    @property
    def errors(self):
        return getattr(self.inner, "errors", "strict")

    def writable(self) -> bool:
        return True


def guard_streams() -> callable:
    """Replace ``sys.stdout`` / ``sys.stderr`` with guarded ones; return the function that restores them."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, GuardedStream):
        sys.stdout = GuardedStream(sys.stdout)
    if not isinstance(sys.stderr, GuardedStream):
        sys.stderr = GuardedStream(sys.stderr)

    def restore() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = saved

    return restore
