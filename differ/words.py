"""Word-level diffs with diff-match-patch, wrapped once (EDGI web-monitoring-diff style).

diff-match-patch diffs characters. We map each word (and each run of whitespace/punctuation) to one
private-use character, diff those, and map back, so the result never splits a word. Its default
1-second ``Diff_Timeout`` silently degrades a long diff into an almost total replace, so we diff line
by line first (cheap, exact), then words within the changed lines, with the timeout disabled.
"""

from __future__ import annotations

import re

from diff_match_patch import diff_match_patch

DELETE, EQUAL, INSERT = -1, 0, 1

_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|\s+|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # never degrade silently; inputs are bounded by line-first diffing
    return dmp


def _encode(seqs: list[list[str]]) -> tuple[list[str], list[str]]:
    table: dict[str, str] = {}
    vocab: list[str] = []
    out = []
    for seq in seqs:
        chars = []
        for tok in seq:
            ch = table.get(tok)
            if ch is None:
                ch = chr(0xF0000 + len(vocab)) if len(vocab) < 0xFFFD else chr(0x100000 + len(vocab) - 0xFFFD)
                table[tok] = ch
                vocab.append(tok)
            chars.append(ch)
        out.append("".join(chars))
    return out, vocab


def _diff_tokens(a: list[str], b: list[str]) -> list[tuple[int, str]]:
    (ea, eb), vocab = _encode([a, b])
    dmp = _dmp()
    diffs = dmp.diff_main(ea, eb, False)
    dmp.diff_cleanupSemantic(diffs)
    base = {
        chr(0xF0000 + i) if i < 0xFFFD else chr(0x100000 + i - 0xFFFD): tok for i, tok in enumerate(vocab)
    }
    return [(op, "".join(base[c] for c in chunk)) for op, chunk in diffs]


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def word_diff(old: str, new: str) -> list[tuple[int, str]]:
    """Diff two texts into ``[(op, text), ...]`` with op -1 (delete), 0 (equal), 1 (insert).

    Concatenating the equal+delete parts gives ``old``; equal+insert gives ``new``.
    """
    if old == new:
        return [(EQUAL, old)] if old else []
    (ea, eb), vocab = _encode([_lines(old), _lines(new)])
    dmp = _dmp()
    line_ops = dmp.diff_main(ea, eb, False)
    decode = {
        chr(0xF0000 + i) if i < 0xFFFD else chr(0x100000 + i - 0xFFFD): tok for i, tok in enumerate(vocab)
    }
    out: list[tuple[int, str]] = []
    pending_del: list[str] = []
    pending_ins: list[str] = []

    def flush() -> None:
        if pending_del or pending_ins:
            out.extend(_diff_tokens(tokens("".join(pending_del)), tokens("".join(pending_ins))))
            pending_del.clear()
            pending_ins.clear()

    for op, chunk in line_ops:
        text = "".join(decode[c] for c in chunk)
        if op == EQUAL:
            flush()
            out.append((EQUAL, text))
        elif op == DELETE:
            pending_del.append(text)
        else:
            pending_ins.append(text)
    flush()
    return merge_ops(out)


def merge_ops(ops: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join neighbouring operations of the same kind and drop empty ones."""
    merged: list[tuple[int, str]] = []
    for op, text in ops:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def changed_words(ops: list[tuple[int, str]]) -> int:
    """How many words were deleted or inserted (whitespace and punctuation do not count)."""
    return sum(len(re.findall(r"\w+", text)) for op, text in ops if op != EQUAL)
