"""Render PDF fixtures from small YAML sources with reportlab, deterministically, at test time.

PDFs are never committed: a source lists blocks (title, meta, h1-h3, p, ul, ol, table, pagebreak) plus
the running header/footer, and ``render`` lays them out. Variants produce the formatting noise the
extractor must ignore:

* ``reexport`` — other producer/author metadata, other compression;
* ``rewrap`` — another page width, margins and font size (so lines and page breaks move);
* ``reprint`` — another printed-on date and footer copyright year;
* ``typeset`` — the same text re-set as a typesetter would: a serif font of another size, other
  margins, justified lines (wider, uneven word gaps) and long words hyphenated at line ends — so lines,
  hyphens and page breaks all move.

Font kinds (``render(..., font=KIND)``), the ways real producers write text, each read differently by
a PDF library: ``type1`` (the standard Helvetica, no embedded font), ``ttf`` (embedded subset TrueType
with a ToUnicode map, as Word, LibreOffice and reportlab write), ``differences`` (Type 1 with a
/Differences encoding), ``cid`` (a Type 0 / CIDFontType2 font with Identity-H, as fpdf2, Chrome and
many web-to-PDF tools write); ``rewrite(data, "cairo" | "gs")`` re-writes any of them through poppler's
cairo backend or ghostscript (TrueType without a ToUnicode map).

``synthetic_policy(n_pages, topic_pages)`` builds long synthetic policies for the benchmark.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

FILES = Path(__file__).resolve().parent.parent / "files" / "extract"
VARIANTS = ("base", "reexport", "rewrap", "reprint", "typeset")
VOWELS = set("aeiouyAEIOUY")
TYPESET_FONTS = {"Helvetica": "Times-Roman", "Helvetica-Bold": "Times-Bold"}


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((FILES / name).read_text(encoding="utf-8"))


class _Layout:
    def __init__(self, src: dict[str, Any], variant: str, total: int | str = "?", canv: Any = None):
        self.src, self.variant, self.total, self.c = src, variant, total, canv
        self.fonts: dict[str, str] = {}
        rewrap = variant == "rewrap"
        self.typeset = variant == "typeset"
        self.fs = float(src.get("font_size", 10)) + (1.5 if rewrap else 0) + (1.5 if self.typeset else 0)
        self.width, self.height = (560.0, 760.0) if rewrap else letter
        self.left = 64.0 if rewrap else 100.0 if self.typeset else 54.0
        self.right = self.width - self.left
        self.top = self.height - 70
        self.bottom = 64.0
        self.page = 0
        self.y = 0.0
        printed = src.get("printed_on", "11/02/2026")
        year = src.get("year", 2026)
        if variant == "reprint":
            printed, year = src.get("reprinted_on", "03/15/2027"), int(year) + 1
        self.vars = {"printed": printed, "year": year}
        self.new_page()

    def _text(self, x: float, y: float, s: str, font: str = "Helvetica", size: float | None = None) -> None:
        if self.c is not None:
            self.c.setFont(self.fonts.get(font, font), size or self.fs)
            self.c.drawString(x, y, s)

    def new_page(self) -> None:
        if self.page and self.c is not None:
            self.c.showPage()
        self.page += 1
        v = dict(self.vars, page=self.page, pages=self.total)
        if self.src.get("header"):
            self._text(self.left, self.height - 40, self.src["header"].format(**v), size=8)
        for i, line in enumerate(self.src.get("footer", [])):
            self._text(self.left, 40 - i * 10, line.format(**v), size=7)
        self.y = self.top

    def need(self, h: float) -> None:
        if self.y - h < self.bottom:
            self.new_page()

    def lines(
        self,
        text: str,
        font: str,
        size: float,
        x: float,
        width: float,
        gap_after: float,
        prefix: str | None = None,
    ) -> None:
        leading = size * 1.2
        if self.typeset:
            wrapped = hyphenate_lines(str(text), self.fonts.get(font, font), size, width)
        else:
            wrapped = [
                (line, False) for line in simpleSplit(str(text), self.fonts.get(font, font), size, width)
            ]
        for i, (line, justify) in enumerate(wrapped):
            self.need(leading)
            self.y -= leading
            if i == 0 and prefix:
                self._text(x - 14, self.y, prefix, font, size)
            if justify:
                self._justified(x, self.y, line, font, size, width)
            else:
                self._text(x, self.y, line, font, size)
        self.y -= gap_after

    def _justified(self, x: float, y: float, line: str, font: str, size: float, width: float) -> None:
        """Draw ``line`` stretched to ``width``: the spare room is shared out between the word gaps."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        words = line.split(" ")
        name = self.fonts.get(font, font)
        spare = width - sum(stringWidth(w, name, size) for w in words)
        gap = spare / (len(words) - 1) if len(words) > 1 else 0
        for w in words:
            self._text(x, y, w, font, size)
            x += stringWidth(w, name, size) + gap

    def block(self, item: dict[str, Any]) -> None:
        ((kind, value),) = item.items()
        fs, w = self.fs, self.right - self.left
        if kind == "title":
            self.lines(value, "Helvetica-Bold", fs + 8, self.left, w, fs * 0.8)
        elif kind == "meta":
            for line in value if isinstance(value, list) else [value]:
                self.lines(line, "Helvetica", fs, self.left, w, fs * 0.6)
        elif kind in ("h1", "h2", "h3"):
            size, font = {
                "h1": (fs + 4, "Helvetica-Bold"),
                "h2": (fs + 2, "Helvetica-Bold"),
                "h3": (fs, "Helvetica-Bold"),
            }[kind]
            self.need(size * 4)
            self.y -= size * 0.5
            self.lines(value, font, size, self.left, w, size * 0.3)
        elif kind == "p":
            self.lines(value, "Helvetica", fs, self.left, w, fs * 0.6)
        elif kind in ("ul", "ol"):
            for n, entry in enumerate(value, 1):
                nested = isinstance(entry, list)
                for sub in entry if nested else [entry]:
                    indent = 30 if nested else 16
                    prefix = ("o" if nested else "-") if kind == "ul" else f"{n}."
                    self.lines(sub, "Helvetica", fs, self.left + indent, w - indent, fs * 0.25, prefix)
            self.y -= fs * 0.4
        elif kind == "table":
            self.table(value)
        elif kind == "pagebreak":
            self.new_page()
        else:
            raise ValueError(f"unknown block {kind!r}")

    def table(self, rows: list[list[str]]) -> None:
        fs = self.fs - 1
        ncol = max(len(r) for r in rows)
        widths = [(self.right - self.left) / ncol] * ncol
        if ncol == 2:
            widths = [(self.right - self.left) * 0.28, (self.right - self.left) * 0.72]
        for r, row in enumerate(rows):
            wrapped = [
                simpleSplit(
                    str(cell), self.fonts.get(f := "Helvetica-Bold" if r == 0 else "Helvetica", f), fs, wd - 6
                )
                for cell, wd in zip(row, widths, strict=False)
            ]
            h = max(len(c) for c in wrapped) * fs * 1.2 + 6
            self.need(h)
            x = self.left
            for col, (lines, wd) in enumerate(zip(wrapped, widths, strict=False)):
                if self.c is not None:
                    self.c.rect(x, self.y - h, wd, h, stroke=1, fill=0)
                for i, line in enumerate(lines):
                    self._text(
                        x + 3,
                        self.y - 3 - fs - i * fs * 1.2,
                        line,
                        "Helvetica-Bold" if r == 0 else "Helvetica",
                        fs,
                    )
                x += wd
                del col
            self.y -= h
        self.y -= self.fs


def hyphenate_lines(text: str, font: str, size: float, width: float) -> list[tuple[str, bool]]:
    """Greedy line breaking with hyphenation: a word that does not fit is split between two syllables at
    the longest prefix that fits with a hyphen. Returns (line, justify) — every line but a paragraph's
    last is justified."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def fits(words: list[str]) -> bool:
        return stringWidth(" ".join(words), font, size) <= width

    lines: list[list[str]] = []
    current: list[str] = []
    for word in text.split():
        if fits([*current, word]) or not current:
            current.append(word)
            continue
        split = None
        if word.isalpha() and len(word) >= 6:
            # like a typesetter's hyphenation: break between syllables (after a vowel that a consonant
            # follows: "anti-depressants", "pre-scriber"), keeping at least 3 letters on each side
            cuts = [c for c in range(len(word) - 3, 2, -1) if word[c - 1] in VOWELS and word[c] not in VOWELS]
            for cut in cuts:
                if fits([*current, word[:cut] + "-"]):
                    split = cut
                    break
        if split:
            lines.append([*current, word[:split] + "-"])
            current = [word[split:]]
        else:
            lines.append(current)
            current = [word]
    if current:
        lines.append(current)
    return [(" ".join(words), i < len(lines) - 1) for i, words in enumerate(lines)]


def _run(src: dict[str, Any], variant: str, total: int | str, canv: Any, fonts: dict[str, str]) -> int:
    lay = _Layout(src, variant, total, canv)
    lay.fonts = fonts or (TYPESET_FONTS if variant == "typeset" else {})
    for item in src["content"]:
        lay.block(item)
    return lay.page


TTF_DIR = Path("/usr/share/fonts/truetype/dejavu")


def ttf_available() -> bool:
    return (TTF_DIR / "DejaVuSans.ttf").exists() and (TTF_DIR / "DejaVuSans-Bold.ttf").exists()


FONT_KINDS = ("type1", "ttf", "differences", "cid")
REWRITERS = ("cairo", "gs")


def _dejavu() -> dict[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVu", str(TTF_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(TTF_DIR / "DejaVuSans-Bold.ttf")))
    return {"Helvetica": "DejaVu", "Helvetica-Bold": "DejaVu-Bold"}


_DIFFERENCES = (
    b"/Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [ 1 /bullet 2 /endash ] >>"
)


def _with_differences(data: bytes) -> bytes:
    """A reportlab PDF whose simple fonts use WinAnsiEncoding plus a /Differences array (two unused
    codes renamed), as some producers write every font; the cross-reference table is rebuilt."""
    data = re.sub(
        rb"(/BaseFont /[\w-]+ )(?:/Encoding /WinAnsiEncoding )?(/Name /F\d+ /Subtype /Type1)",
        rb"\1" + _DIFFERENCES + rb" \2",
        data,
    )
    head, _, _ = data.rpartition(b"xref\n")
    offsets = {int(m.group(1)): m.start() for m in re.finditer(rb"(?m)^(\d+) 0 obj", head)}
    size = max(offsets) + 1
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % size
    xref += b"".join(b"%010d 00000 n \n" % offsets[i] for i in range(1, size))
    trailer = data[data.rindex(b"trailer") : data.rindex(b"startxref")]
    return head + xref + trailer + b"startxref\n%d\n%%%%EOF\n" % len(head)


class _FpdfCanvas:
    """The part of reportlab's canvas ``_Layout`` draws with, on fpdf2, whose TrueType fonts are
    Type 0 / CIDFontType2 with Identity-H and a ToUnicode map. Line breaking still uses reportlab's
    metrics of the same DejaVu fonts, so the pages hold the same lines as the ``ttf`` rendering."""

    def __init__(self, pagesize: tuple[float, float]):
        from fpdf import FPDF

        self.pdf = FPDF(unit="pt", format=pagesize)
        self.pdf.set_creation_date(dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
        self.pdf.set_producer("fpdf2 fixture renderer")
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("DejaVu", "", str(TTF_DIR / "DejaVuSans.ttf"))
        self.pdf.add_font("DejaVu", "B", str(TTF_DIR / "DejaVuSans-Bold.ttf"))
        self.height = pagesize[1]
        self.pdf.add_page()

    def setFont(self, name: str, size: float) -> None:  # noqa: N802 (reportlab's name)
        self.pdf.set_font("DejaVu", "B" if name.endswith("Bold") else "", size)

    def drawString(self, x: float, y: float, s: str) -> None:  # noqa: N802
        self.pdf.text(x, self.height - y, s)

    def rect(self, x: float, y: float, w: float, h: float, stroke: int = 1, fill: int = 0) -> None:
        self.pdf.rect(x, self.height - y - h, w, h, style="F" if fill else "D")

    def showPage(self) -> None:  # noqa: N802
        self.pdf.add_page()

    def save(self) -> bytes:
        return bytes(self.pdf.output())


def rewrite(data: bytes, tool: str) -> bytes:
    """``data`` re-written by poppler's cairo backend (``pdftocairo -pdf``) or ghostscript's pdfwrite:
    new font programs, new content streams, the same page."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp, "in.pdf"), Path(tmp, "out.pdf")
        src.write_bytes(data)
        if tool == "cairo":
            cmd = ["pdftocairo", "-pdf", str(src), str(out)]
        elif tool == "gs":
            cmd = [
                "gs",
                "-q",
                "-dNOPAUSE",
                "-dBATCH",
                "-dSAFER",
                "-sDEVICE=pdfwrite",
                f"-sOutputFile={out}",
                str(src),
            ]
        else:
            raise ValueError(f"unknown rewriter {tool!r}")
        subprocess.run(cmd, check=True, capture_output=True)
        return out.read_bytes()


def rewriter_available(tool: str) -> bool:
    return shutil.which({"cairo": "pdftocairo", "gs": "gs"}[tool]) is not None


def render(
    src: dict[str, Any],
    variant: str = "base",
    encrypt: str | None = None,
    ttf: bool = False,
    font: str = "type1",
) -> bytes:
    """Render a fixture source to PDF bytes (same input, same bytes) in one of ``FONT_KINDS``.

    ``ttf=True`` is ``font="ttf"``: subset TrueType fonts (DejaVu) with ToUnicode maps, as most real
    policy PDFs have.
    """
    font = "ttf" if ttf else font
    fonts = {"type1": dict, "ttf": _dejavu, "cid": _dejavu, "differences": dict}[font]()
    total = _run(src, variant, "?", None, fonts)
    if font == "cid":
        if variant != "base" or encrypt:
            raise ValueError("the cid rendering has no variants")
        canv = _FpdfCanvas((560.0, 760.0) if variant == "rewrap" else letter)
        _run(src, variant, total, canv, fonts)
        return canv.save()
    buf = io.BytesIO()
    reexport = variant == "reexport"
    c = canvas.Canvas(
        buf,
        pagesize=(560.0, 760.0) if variant == "rewrap" else letter,
        invariant=1,
        pageCompression=0 if reexport else 1,
        encrypt=encrypt,
    )
    c.setProducer("OtherPDF Export 9.1" if reexport else "ReportLab PDF Library")
    c.setAuthor("Web Publishing" if reexport else "Policy Office")
    c.setTitle(src.get("doc_title", "policy") + (" (re-exported)" if reexport else ""))
    c.setCreator("re-export tool" if reexport else "fixture renderer")
    _run(src, variant, total, c, fonts)
    c.showPage()
    from reportlab import rl_config

    saved = rl_config.useA85
    rl_config.useA85 = 1 if reexport else 0  # the re-export also changes the stream encoding
    try:
        c.save()
    finally:
        rl_config.useA85 = saved
    return _with_differences(buf.getvalue()) if font == "differences" else buf.getvalue()


def render_file(name: str, variant: str = "base") -> bytes:
    return render(load(name), variant)


def image_only_pdf(pages: int = 2) -> bytes:
    """A 'scan': pages with drawn shapes only, no text layer."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    for i in range(pages):
        for k in range(20):
            c.rect(50 + k * 5, 100 + k * 20 + i, 400, 8, stroke=0, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


_FILLER = (
    "Published studies of the comparator therapies enrolled adults with recurrent episodes.",
    "Symptom scores were measured over several weeks of follow up in each arm.",
    "Dropout was common in both arms and was higher among older participants.",
    "The authors noted that the effect size narrowed once extension data were added.",
    "Most trials were funded by the manufacturer of the studied product.",
    "Blinding was hard to keep because the treatments had noticeable side effects.",
    "Observational registries reported similar response rates with wider intervals.",
    "No trial compared the therapy with electroconvulsive treatment directly.",
    "Quality of life outcomes were reported in fewer than half of the studies.",
    "Relapse after stopping treatment was common within the first two months.",
    "Subgroup analyses by sex and age did not show consistent differences.",
    "Costs were not assessed in any of the randomized studies reviewed here.",
    "Guideline panels rated the certainty of the evidence as low.",
)


def _filler(page: int, k: int) -> str:
    n = len(_FILLER)
    return " ".join(_FILLER[(page * 5 + k * 3 + j) % n] for j in range(3))


_CRITERIA = (
    "The member is 18 years of age or older and the diagnosis was made by a psychiatrist.",
    "The member has failed at least two antidepressants, each tried for at least 6 weeks.",
    "Treatment is given in a certified setting with observation for two hours after each dose.",
    "Initial authorization is for 6 months; reauthorization is for 12 months with response.",
)


def synthetic_policy(
    n_pages: int, topic_pages: tuple[int, ...] = (), drug_section_at: int | None = None
) -> dict[str, Any]:
    """A long policy source: ``n_pages`` pages of evidence text, topic paragraphs on ``topic_pages``;
    ``drug_section_at`` adds a drug-named section whose criteria list runs over onto the next page."""
    content: list[dict[str, Any]] = [
        {"title": "Synthetic Medical Benefit Drug Policy"},
        {"meta": ["Policy Number: 2026D0999A", "Effective Date: January 1, 2026"]},
    ]
    for page in range(n_pages):
        if page:
            content.append({"pagebreak": True})
        content.append({"h2": f"Evidence Review Part {page + 1}"})
        if page in topic_pages:
            content.append(
                {
                    "p": "Esketamine nasal spray (Spravato) is proven and medically necessary for "
                    "treatment-resistant depression when the member has failed two antidepressants."
                }
            )
        for k in range(4):
            content.append({"p": _filler(page, k)})
        if page == drug_section_at:
            content.extend({"p": _filler(page + 7, k)} for k in range(9))
            content.append({"h2": "Esketamine (Spravato) Criteria"})
            content.append({"ul": list(_CRITERIA) * 4})
    return {
        "header": "Synthetic Health Plan Medical Policy",
        "footer": ["Page {page} of {pages}"],
        "content": content,
    }


def mixed_policy(n_pages: int = 12, topic_pages: tuple[int, ...] = (7, 10)) -> dict[str, Any]:
    """A long topic policy whose off-topic pages carry what PDFium and pdfplumber may read differently:
    a ruled table with a bold header row, bullet lists, bold headings (``uhc-botox-no-topic``'s body,
    after page one), then ``synthetic_policy``'s pages with the drugs on ``topic_pages``."""
    base = synthetic_policy(n_pages, topic_pages)
    body = [b for b in load("uhc-botox-no-topic.yaml")["content"] if "title" not in b and "meta" not in b]
    content = base["content"]
    at = next(k for k, b in enumerate(content) if "pagebreak" in b)
    return dict(base, content=content[:at] + [{"pagebreak": True}, *body] + content[at:])
