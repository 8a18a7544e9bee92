"""Hand-built PDF lines for the layout tests (tests/extractors/test_extract_layout.py, _furniture.py).

Both PDF readers emit ``extractors.layout.Line`` records; these helpers lay out the lines a page would
give (body lines at the ordinary spacing, from the top down) and read back the blocks as
``(kind, level, text)``, so one rule is one small page, without rendering a PDF.
"""

from __future__ import annotations

from extractors.layout import Line, lines_to_blocks

P1 = "Intravenous ketamine is considered investigational for the"
P2 = "treatment of depression and of chronic pain syndromes."
Q1 = "Esketamine is medically necessary when the member has tried"
Q2 = "two antidepressants at an adequate dose for six weeks."
FILL = "The plan reviews each request against the criteria in this policy."
LONG = "Esketamine must be given in a certified setting under the"  # 57 characters
SHORT = "supervision of a clinician."


def ln(text: str, y: float, page: int = 0, *, size=10.0, x=72.0, bold=False, row=False) -> Line:
    return Line(page=page, text=text, baseline=y, x=x, size=size, bold=bold, row=row)


def body(page: int, texts: list[str], top: float = 600.0, step: float = 14.0, **kw) -> list[Line]:
    """Body lines of one page, one after another at the ordinary line spacing."""
    return [ln(t, top - k * step, page, **kw) for k, t in enumerate(texts)]


def read(*pages: list[Line]) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, b.text) for b in lines_to_blocks([list(p) for p in pages])]


def texts(*pages: list[Line]) -> list[str]:
    return [text for _, _, text in read(*pages)]
