"""PDF bytes → blocks: PDFium alone for documents that never name the drugs, pdfplumber where it matters.

Step 0 (default, ``pdfium.first_pass``): PDFium reads every page's text and checks it for the topic
terms. A document where no page can name them (and that PDFium read cleanly) is turned into lines by
PDFium and blocks by the shared layout rules, and never reaches pdfminer or pdfplumber. Why that is
allowed to change its ``text``:

* off-topic documents are most of a payer's library, and the crawl extracts every one of them;
* their text only feeds identity, metadata and the formatting-only comparison: docs/design.md's topic filter
  decides which documents can raise changes, and such a document has no passages and no facts;
* the switch of reader cannot hide a change: a document that starts naming the drugs is a
  ``new_policy`` event whatever the text before was (``differ.compare`` does not diff against an
  off-topic predecessor), and one that stops naming them loses all its topic text, which the differ
  announces whichever reader produced the rest;
* its metadata comes from the same layout rules and equals the pdfplumber path's (tested, and checked by
  ``bench/extract.py``); only its text differs where PDFium reads differently (a ruled table is lines,
  not " | " rows), and PDFium reads re-exported, re-wrapped and re-printed copies alike.

Every document that may name the drugs (PDFium's needles are a superset of ``terms.is_topic``; a
reading in doubt counts as a mention) takes the path below, unchanged, so its text, passages and facts
are exactly what they were. ``extract`` also redoes the pdfplumber way any PDFium-read document whose
blocks turn out to hold a passage (terms split across reordered lines).

The pdfplumber path:

1. every page goes through the cheap content-stream scan (``pdfscan``); pages it cannot decode exactly
   (CID fonts, ToUnicode maps, ruled tables, form XObjects) are marked for pdfplumber;
2. pages naming a topic term (outside running headers) are marked too. The first page is not: its
   cheap lines already equal pdfplumber's, so metadata comes out the same without it;
3. blocks, sections and passages are built from the mix of pdfplumber and cheap lines; any page a
   passage touches that is still cheap is sent through pdfplumber and everything is rebuilt, until
   no passage touches a cheap page (usually one round).

Because cheap lines are only ever produced when they equal what pdfplumber would read, and every
passage ends up on pdfplumber pages, the passages equal the ``full=True`` path's (tested, and checked
by ``bench/extract.py``). Text on cheap pages can differ from pdfplumber's only in table layout, which
the cheap pass refuses anyway. PDFium is not mixed into this path: the text of a topic document must be
pdfplumber's on every page, or ``text`` (and its hash) would change with the set of pages laid out.

On the pages it lays out, the fast path reads glyphs from pdfplumber's layout objects without building
pdfplumber's full per-glyph dicts, except on pages where ``find_tables`` finds a table (``_lean_layout``;
half the cost of a text page). ``full=True`` (no PDFium, every page through stock ``page.chars``) is
the reference every fast==full comparison is made against.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from .layout import Line, lines_to_blocks, running_shapes
from .model import CorruptDocument, DocumentTooLarge, EmptyDocument, EncryptedDocument, NoTextLayer
from .normalize import clean, mask
from .pdfium import first_pass
from .pdfscan import is_bold, scan_page
from .sections import Block
from .terms import SCAN_NEEDLES

MAX_PAGES = 1500


class PdfRead:
    """What ``read_pdf`` hands back: blocks plus how they were obtained (for the benchmark)."""

    def __init__(self, pages: int, plumbed: set[int], source: str = "pdfplumber"):
        self.pages = pages
        self.plumbed = plumbed
        #: "pdfium": an off-topic document read by PDFium alone; "pdfplumber": the cheap scan + pdfplumber
        self.source = source
        self.blocks: list[Block] = []
        #: running header/footer text: not policy text, but it names the plan and line of business
        self.furniture = ""


def _open(data: bytes) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage

    if b"%%EOF" not in data[-4096:]:
        raise CorruptDocument("PDF is truncated: no %%EOF marker at the end of the file")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        # pdfminer's page objects, without pdfplumber's per-page set-up for pages we never lay out
        return pdf, list(PDFPage.create_pages(pdf.doc))
    except Exception as exc:  # pdfminer raises a zoo of exception types
        inner = exc.__cause__ or exc.__context__ or exc
        names = {type(exc).__name__, type(inner).__name__}
        if (
            isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError))
            or names & {"PDFPasswordIncorrect", "PDFEncryptionError"}
            or "password" in str(exc).lower()
        ):
            raise EncryptedDocument("PDF is encrypted with a password") from exc
        raise CorruptDocument(f"PDF cannot be parsed: {type(inner).__name__}: {inner}") from exc


def _lean_layout(page: Any) -> tuple[list[dict[str, Any]], list[Any]]:
    """The fields ``plumb_page`` reads from ``page.chars``, straight from pdfplumber's own layout objects,
    plus the page's lines, rectangles and curves (still pdfminer objects).

    ``page.chars`` turns every glyph into a dict of ~20 resolved attributes: two thirds of pdfplumber's
    time on a text page, for fields nobody reads. Here each glyph keeps only text, matrix, x1, size and
    fontname, with the values ``Page.process_object`` would store (x offset by a non-zero MediaBox
    origin, byte font names fixed); tests compare them page by page with ``page.chars``.
    """
    from pdfminer.layout import LTChar, LTContainer, LTCurve
    from pdfplumber.page import fix_fontname_bytes

    mb_x0 = page.mediabox[0]
    chars: list[dict[str, Any]] = []
    curves: list[Any] = []
    stack = [iter(page.layout._objs)]
    while stack:
        for obj in stack[-1]:
            if isinstance(obj, LTChar):
                font = obj.fontname
                chars.append(
                    {
                        "text": obj.get_text(),
                        "matrix": obj.matrix,
                        "x1": obj.x1 + mb_x0,
                        "size": obj.size,
                        "fontname": fix_fontname_bytes(font) if isinstance(font, bytes) else font,
                    }
                )
            elif isinstance(obj, LTCurve):  # LTRect and LTLine too: the edges tables are found from
                curves.append(obj)
            elif isinstance(obj, LTContainer):
                stack.append(iter(obj._objs))
                break
        else:
            stack.pop()
    return chars, curves


def _chars_and_tables(page: Any, lean: bool) -> tuple[list[dict[str, Any]], list[Any]]:
    """Glyphs and ruled tables of a page, paying for pdfplumber's full glyph dicts only on pages that
    have a table (whose cells pdfplumber extracts from them).

    With the default "lines" strategy ``find_tables`` reads nothing but the edges of lines, rectangles
    and curves, so it runs on a page whose object cache holds only those, built by pdfplumber's own
    ``process_object``; a page without any has no table at all. A header rule or a box around a note
    finds no table and keeps the lean glyphs.
    """
    if not lean or page.pdf.unicode_norm is not None:
        return page.chars, page.find_tables()
    chars, curves = _lean_layout(page)
    if not curves:
        return chars, []
    objects: dict[str, list[dict[str, Any]]] = {}
    for obj in curves:
        d = page.process_object(obj)
        objects.setdefault(d["object_type"], []).append(d)
    page._objects = objects  # pdfplumber's cache of Page.objects
    try:
        tables = page.find_tables()
    finally:
        del page._objects
        page.__dict__.pop("_edges", None)
    if tables:
        return page.chars, page.find_tables()
    return chars, []


def plumb_page(page: Any, index: int, *, lean: bool = True) -> list[Line]:
    """pdfplumber's reading of one page as ``Line`` s: glyph lines outside tables, one row per table row.
    ``lean=False`` reads pdfplumber's full glyph dicts everywhere (for the tests' comparison)."""
    chars, tables = _chars_and_tables(page, lean)
    boxes = [t.bbox for t in tables]

    def in_table(c: dict[str, Any]) -> bool:
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    rows: dict[float, list[dict[str, Any]]] = {}
    for c in chars:
        if boxes and in_table(c):
            continue
        rows.setdefault(round(c["matrix"][5], 1), []).append(c)
    lines: list[Line] = []
    for y, chars in rows.items():
        chars.sort(key=lambda c: c["matrix"][4])
        out: list[str] = []
        prev = None
        for c in chars:
            if prev is not None and c["text"] != " " and prev["text"] != " ":
                if c["matrix"][4] - prev["x1"] > 0.15 * c["size"]:
                    out.append(" ")
            out.append(c["text"])
            prev = c
        text = "".join(out)
        if not text.strip():
            continue
        ink = [c for c in chars if c["text"].strip()]
        lines.append(
            Line(
                page=index,
                text=text,
                baseline=y,
                x=ink[0]["matrix"][4],
                size=max(round(c["size"], 2) for c in chars),
                bold=all(is_bold(c["fontname"]) for c in ink),
            )
        )
    for t in tables:
        for row, cells in zip(t.rows, t.extract(), strict=False):
            text = " | ".join(clean(cell or "") for cell in cells)
            if text.strip(" |"):
                size = max(
                    (
                        round(c["size"], 2)
                        for c in page.chars
                        if row.bbox[1] <= (c["top"] + c["bottom"]) / 2 <= row.bbox[3]
                    ),
                    default=10.0,
                )
                lines.append(
                    Line(
                        page=index,
                        text=text,
                        baseline=round(page.height - row.bbox[1], 1),
                        x=row.bbox[0],
                        size=size,
                        bold=False,
                        row=True,
                    )
                )
    lines.sort(key=lambda ln: (-ln.baseline, ln.x))
    return lines


def read_pdf(
    data: bytes,
    *,
    full: bool = False,
    check: Callable[[], None] = lambda: None,
    max_pages: int = MAX_PAGES,
    passage_pages: Callable[[list[Block]], set[int]] | None = None,
    pdfium: bool = True,
) -> PdfRead:
    """Read a PDF into blocks. ``check`` is called between pages (it raises on timeout);
    ``passage_pages`` maps blocks to the pages the topic passages span (injected to avoid a cycle).
    ``pdfium=False`` skips the PDFium first pass (``full=True`` always does)."""
    if pdfium and not full and b"%%EOF" in data[-4096:]:
        lines = first_pass(data, check=check, max_pages=max_pages)
        blocks = lines_to_blocks(lines) if lines else []  # fresh lines: no copy needed
        if lines and blocks:
            return _finish(PdfRead(len(lines), set(), "pdfium"), blocks, lines)
    return _read_plumbed(data, full=full, check=check, max_pages=max_pages, passage_pages=passage_pages)


def _finish(result: PdfRead, blocks: list[Block], pages: list[list[Line]]) -> PdfRead:
    result.blocks = blocks
    shapes = running_shapes(pages)
    seen: dict[str, str] = {}
    for page in pages:
        for ln in page:
            if mask(ln.text) in shapes:
                seen.setdefault(mask(ln.text), clean(ln.text))
    result.furniture = " ".join(seen.values())
    return result


def _read_plumbed(
    data: bytes,
    *,
    full: bool,
    check: Callable[[], None],
    max_pages: int,
    passage_pages: Callable[[list[Block]], set[int]] | None,
) -> PdfRead:
    """The cheap content-stream scan plus pdfplumber: every document that may mention the drugs."""
    from pdfplumber.page import Page

    pdf, page_objs = _open(data)
    try:
        n = len(page_objs)
        if n == 0:
            raise EmptyDocument("PDF has no pages")
        if n > max_pages:
            raise DocumentTooLarge(f"PDF has {n} pages; the limit is {max_pages}")
        cheap: dict[int, list[Line]] = {}
        plumbed: dict[int, list[Line]] = {}
        wanted: set[int] = set(range(n)) if full else set()
        if not full:
            for i, page_obj in enumerate(page_objs):
                check()
                try:
                    cheap[i] = scan_page(page_obj, i)
                except Exception:  # Unreadable, or a stream the cheap pass chokes on: pdfplumber decides
                    wanted.add(i)
            running = running_shapes([cheap[i] for i in sorted(cheap)])
            for i, lines in cheap.items():
                flat = "".join(ln.text for ln in lines if mask(ln.text) not in running)
                flat_b = flat.lower().replace(" ", "").encode("utf-8", "replace")
                if any(needle in flat_b for needle in SCAN_NEEDLES):
                    wanted.add(i)
        for _ in range(n + 1):
            for i in sorted(wanted - plumbed.keys()):
                check()
                page = Page(pdf, page_objs[i], page_number=i + 1)
                try:
                    plumbed[i] = plumb_page(page, i, lean=not full)  # full: the stock reference
                except Exception as exc:
                    raise CorruptDocument(f"page {i + 1} cannot be laid out: {exc}") from exc
                finally:
                    page.close()
            pages = [plumbed[i] if i in plumbed else cheap[i] for i in range(n)]
            pages = [[Line(**vars(ln)) for ln in page] for page in pages]  # layout mutates lines
            blocks = lines_to_blocks(pages)
            if full or passage_pages is None or not wanted:
                break  # no page names a topic term: there can be no passage to close over
            more = passage_pages(blocks) - plumbed.keys()
            if not more:
                break
            wanted |= more
        if not blocks:
            raise NoTextLayer(f"PDF has {n} pages but no text layer (scanned images?)")
        return _finish(PdfRead(n, set(plumbed)), blocks, pages)
    finally:
        pdf.stream.close()  # not pdf.close(): it first builds a pdfplumber Page for every page, to close it
