"""PDF bytes → blocks: PDFium reads every page, pdfplumber lays out only the pages passages rest on.

Step 0 (``pdfium.read_pages``): PDFium reads every page's text, for any font kind, and checks it for the
topic terms. A document where no page can name them (and that PDFium read cleanly) is turned into
blocks from PDFium's lines alone and never reaches pdfminer or pdfplumber. Why that is allowed to
change its ``text`` (a ruled table is lines there, not " | " rows):

* off-topic documents are most of a payer's library, and the crawl extracts every one of them;
* their text only feeds identity, metadata and the formatting-only comparison: docs/design.md's topic filter
  decides which documents can raise changes, and such a document has no passages and no facts;
* the switch of reader cannot hide a change: a document that starts naming the drugs is a
  ``new_policy`` event whatever the text before was, and one that stops naming them loses all its
  topic text, which the differ announces whichever reader produced the rest;
* its metadata comes from the same layout rules and equals the pdfplumber path's (tested, and checked by
  ``bench/extract.py``).

Every document that may name the drugs:

1. pages PDFium could not read cleanly, and pages it reads but pdfplumber may read differently
   (ruled graphics that may be a table, form XObjects, rotated text: ``Reading.inexact``) are marked for
   pdfplumber; all other pages keep PDFium's lines, which are pdfplumber's lines on such pages;
2. pages naming a topic term (outside running headers) are marked too. The first page is not: its
   PDFium lines already equal pdfplumber's, so metadata comes out the same without it;
3. blocks, sections and passages are built from the mix; any page a passage touches that is still
   PDFium's is laid out by pdfplumber and everything is rebuilt, until no passage touches a PDFium page
   (usually one round).

So every passage is read by pdfplumber, and every other page either by pdfplumber or by PDFium where
the two readings agree: passages (offsets included), facts and metadata equal the ``full=True`` path's,
and so does ``text``, checked on every producer and font kind the tests and ``bench/extract.py``
generate (Type 1, subset TrueType with and without ToUnicode, CID/Identity-H, /Differences, re-written
by cairo and ghostscript). A document PDFium decodes to a cipher, or cannot open, goes to pdfplumber on
every page.

On the pages it lays out, the fast path reads glyphs from pdfplumber's layout objects without building
pdfplumber's full per-glyph dicts, except on pages where ``find_tables`` finds a table (``_lean_layout``;
half the cost of a text page). ``full=True`` (no PDFium, every page through stock ``page.chars``) is
the reference every fast==full comparison is made against.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from .layout import Line, furniture, is_bold, lines_to_blocks, page_body, running_shapes
from .model import CorruptDocument, DocumentTooLarge, EmptyDocument, EncryptedDocument, NoTextLayer
from .normalize import clean, mask
from .pdfglyphs import glyph_lines
from .pdfhandles import held
from .pdfium import Reading, read_pages
from .sections import Block

MAX_PAGES = 1500


class PdfRead:
    """What ``read_pdf`` hands back: blocks plus how they were obtained (for the benchmark)."""

    def __init__(
        self, pages: int, plumbed: set[int], source: str = "pdfplumber", glyphs: set[int] | None = None
    ):
        self.pages = pages
        #: pages pdfplumber laid out
        self.plumbed = plumbed
        #: pages read glyph by glyph from PDFium with pdfplumber's line rule (``pdfglyphs``)
        self.glyphs = glyphs or set()
        #: "pdfium": an off-topic document read by PDFium alone; "pdfplumber": PDFium + pdfplumber
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
    ``pdfium=False`` lays out every page with (lean) pdfplumber; ``full=True`` with stock pdfplumber."""
    if pdfium and not full and b"%%EOF" in data[-4096:]:
        with held(data, check):  # one PDFium document for the line reading and the glyph reading
            reading = read_pages(data, check=check, max_pages=max_pages)
            if reading is not None and reading.off_topic:
                lines: list[list[Line]] = reading.pages  # type: ignore[assignment]  # off topic: all read
                blocks, shapes = _lay_out(lines)  # fresh lines: no copy needed
                if blocks:
                    return _finish(PdfRead(len(lines), set(), "pdfium"), blocks, lines, shapes)
            return _read_plumbed(
                data,
                full=full,
                check=check,
                max_pages=max_pages,
                passage_pages=passage_pages,
                reading=reading,
            )
    return _read_plumbed(data, full=full, check=check, max_pages=max_pages, passage_pages=passage_pages)


def _lay_out(pages: list[list[Line]]) -> tuple[list[Block], set[str]]:
    """The blocks of ``pages`` and their running shapes: the layout's own, found once on the lines as read
    (the layout then cleans their text in place), which ``_finish`` names the furniture by."""
    body = page_body(pages)
    shapes = running_shapes(pages, body)
    return lines_to_blocks(pages, shapes, body), shapes


def _finish(result: PdfRead, blocks: list[Block], pages: list[list[Line]], shapes: set[str]) -> PdfRead:
    result.blocks = blocks
    seen: dict[str, str] = {}
    for page in pages:
        for ln in page:
            shape = mask(ln.text)
            if shape in shapes:
                seen.setdefault(shape, clean(ln.text))
    result.furniture = " ".join(seen.values())
    return result


def _usable(reading: Reading | None, n: int) -> dict[int, list[Line]]:
    """The pages whose PDFium lines stand in for pdfplumber's until a passage needs them."""
    if reading is None or reading.cipher or len(reading.pages) != n:
        return {}
    return {
        i: lines for i, lines in enumerate(reading.pages) if lines is not None and i not in reading.inexact
    }


def _read_plumbed(
    data: bytes,
    *,
    full: bool,
    check: Callable[[], None],
    max_pages: int,
    passage_pages: Callable[[list[Block]], set[int]] | None,
    reading: Reading | None = None,
) -> PdfRead:
    """PDFium's lines, with exact lines where passages rest: every document that may mention the drugs.

    A page that needs exact lines (it names a needle, or a passage touches it) is read glyph by glyph
    from PDFium with pdfplumber's rule (``pdfglyphs``) when PDFium read it cleanly and it has no ruled
    graphics, forms or rotation; else pdfplumber lays it out. pdfplumber is opened only if needed."""
    n = len(reading.pages) if reading is not None else 0
    cheap = {} if full else _usable(reading, n)
    plumber = _Plumber(data, full) if not cheap else None  # no PDFium reading to start from
    if plumber is not None:
        n = plumber.count(max_pages)
    try:
        exact: dict[int, list[Line]] = {}
        plumbed: set[int] = set()
        wanted: set[int] = set(range(n)) - cheap.keys()
        if cheap:
            # a needle in a page's furniture draws no page in, by the layout's own rule (``furniture``)
            pages = [cheap.get(i, []) for i in range(n)]
            marked = {
                id(ln)
                for page, m in zip(pages, furniture(pages), strict=True)
                for ln, f in zip(page, m, strict=True)
                if f
            }
            wanted |= reading.needles(lambda ln: id(ln) in marked) & cheap.keys()  # type: ignore[union-attr]
        for _ in range(n + 1):
            todo = wanted - exact.keys()
            glyph = glyph_lines(data, todo & cheap.keys(), check=check) if todo & cheap.keys() else {}
            if glyph is None:  # PDFium failed on a second reading: pdfplumber decides
                glyph = {}
            exact.update(glyph)
            for i in sorted(todo - glyph.keys()):
                if plumber is None:
                    plumber = _Plumber(data, full)
                    if plumber.count(max_pages) != n:  # PDFium and pdfminer disagree: pdfminer decides
                        return _read_plumbed(
                            data, full=full, check=check, max_pages=max_pages, passage_pages=passage_pages
                        )
                exact[i] = plumber.lay_out(i, check)
                plumbed.add(i)
            pages = [exact[i] if i in exact else cheap[i] for i in range(n)]
            pages = [[_copy(ln) for ln in page] for page in pages]  # layout mutates lines
            blocks, shapes = _lay_out(pages)
            if len(exact) == n or passage_pages is None:
                break
            more = passage_pages(blocks) - exact.keys()
            if not more:
                break
            wanted |= more
        if not blocks:
            raise NoTextLayer(f"PDF has {n} pages but no text layer (scanned images?)")
        return _finish(PdfRead(n, plumbed, glyphs=set(exact) - plumbed), blocks, pages, shapes)
    finally:
        if plumber is not None:
            plumber.close()


def _copy(ln: Line) -> Line:
    return Line(ln.page, ln.text, ln.baseline, ln.x, ln.size, ln.bold, ln.row)


class _Plumber:
    """pdfplumber, opened on first use: most documents never need it."""

    def __init__(self, data: bytes, full: bool):
        self.pdf, self.page_objs = _open(data)
        self.full = full

    def count(self, max_pages: int) -> int:
        n = len(self.page_objs)
        if n == 0:
            raise EmptyDocument("PDF has no pages")
        if n > max_pages:
            raise DocumentTooLarge(f"PDF has {n} pages; the limit is {max_pages}")
        return n

    def lay_out(self, i: int, check: Callable[[], None]) -> list[Line]:
        from pdfplumber.page import Page

        check()
        page = Page(self.pdf, self.page_objs[i], page_number=i + 1)
        try:
            return plumb_page(page, i, lean=not self.full)  # full: the stock reference
        except Exception as exc:
            raise CorruptDocument(f"page {i + 1} cannot be laid out: {exc}") from exc
        finally:
            page.close()

    def close(self) -> None:
        self.pdf.stream.close()  # not pdf.close(): it first builds a pdfplumber Page for every page
