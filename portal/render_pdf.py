"""Render a parsed document body to PDF bytes with reportlab, deterministically.

``invariant=1`` pins reportlab's creation date and document ID, so the same words and layout give
byte-identical files; that is what lets the crawler's conditional requests and the store's
content-addressing be tested. Noise revisions change only what a PDF exporter would change:
producer metadata, stream compression, font size and margins (which re-wrap every line), and the
running header/footer -- never the words in the body.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .content import Block

#: Header and footer are drawn inside this many points from the page edges; the body never enters
#: that band, so tests (and extractors) can crop running text away by position.
RUNNING_BAND = 48


@dataclass(frozen=True)
class PdfLayout:
    """What an exporter controls. Changing any of these is a noise revision, not a policy change."""

    font_size: float = 10.0
    side_margin: float = 72.0
    producer: str = "ReportLab PDF Library - www.reportlab.com"
    compress: int = 0
    creator: str = "payerwatch sample portal"


def _styles(size: float) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName="Helvetica", fontSize=size, leading=size * 1.3, spaceAfter=4)
    return {
        "body": base,
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=size + 6,
            leading=(size + 6) * 1.25,
            spaceAfter=6,
        ),
        "front": ParagraphStyle("front", parent=base, fontSize=size, spaceAfter=1),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=size + 3,
            leading=(size + 3) * 1.3,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=size + 1.5,
            leading=(size + 1.5) * 1.3,
            spaceBefore=6,
        ),
        "h3": ParagraphStyle(
            "h3", parent=base, fontName="Helvetica-BoldOblique", fontSize=size + 0.5, spaceBefore=4
        ),
        "h4": ParagraphStyle("h4", parent=base, fontName="Helvetica-Oblique", spaceBefore=2),
        "item": ParagraphStyle("item", parent=base, leftIndent=18, bulletIndent=6, spaceAfter=2),
        "sub": ParagraphStyle("sub", parent=base, leftIndent=36, spaceAfter=1),
        "cell": ParagraphStyle(
            "cell", parent=base, fontSize=size - 1, leading=(size - 1) * 1.25, spaceAfter=0
        ),
    }


def _flowables(blocks: list[Block], st: dict[str, ParagraphStyle], width: float) -> list:
    out: list = []
    for block in blocks:
        if block.kind == "h":
            out.append(Paragraph(escape(block.text), st[f"h{min(block.level, 4)}"]))
        elif block.kind == "p":
            out.append(Paragraph(escape(block.text), st["body"]))
        elif block.kind in ("ul", "ol"):
            for n, (text, subs) in enumerate(block.items, 1):
                bullet = "\u2022" if block.kind == "ul" else f"{n}."
                out.append(Paragraph(escape(text), st["item"], bulletText=bullet))
                out += [Paragraph(escape(sub), st["sub"]) for sub in subs]
        elif block.kind == "table":
            ncols = max(len(r) for r in block.items)
            data = [
                [Paragraph(escape(c), st["cell"]) for c in row] + [""] * (ncols - len(row))
                for row in block.items
            ]
            first = width * (0.22 if ncols == 2 else 1 / ncols)
            widths = [first] + [(width - first) / (ncols - 1)] * (ncols - 1) if ncols > 1 else [width]
            table = Table(data, colWidths=widths, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            out += [table, Spacer(1, 6)]
    return out


def render_pdf(
    title: str,
    front: list[str],
    blocks: list[Block],
    header: str,
    footer: list[str],
    layout: PdfLayout = PdfLayout(),
) -> bytes:
    """Build one policy PDF: a title block (``front`` lines such as policy number and dates), the body,
    and a running header/footer inside ``RUNNING_BAND``. Returns the file's bytes."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=LETTER,
        leftMargin=layout.side_margin,
        rightMargin=layout.side_margin,
        topMargin=RUNNING_BAND + 18,
        bottomMargin=RUNNING_BAND + 18,
        title=title,
        author=header,
        subject=title,
        creator=layout.creator,
        producer=layout.producer,
        invariant=1,
        pageCompression=layout.compress,
    )
    st = _styles(layout.font_size)
    story = [Paragraph(escape(title), st["title"])]
    story += [Paragraph(escape(line), st["front"]) for line in front]
    story.append(Spacer(1, 8))
    story += _flowables(blocks, st, doc.width)

    def running(canvas, document) -> None:
        width, height = LETTER
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(layout.side_margin, height - RUNNING_BAND + 18, header)
        for n, line in enumerate(line for line in footer if line):
            canvas.drawString(layout.side_margin, 30 - n * 10, line)
        canvas.drawRightString(width - layout.side_margin, 30, f"Page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=running, onLaterPages=running)
    return buf.getvalue()


def layout_from(vars: dict) -> PdfLayout:
    """Read the exporter knobs (``pdf_*`` variables) a content file may set for a noise revision."""
    default = PdfLayout()
    return PdfLayout(
        font_size=float(vars.get("pdf_font_size", default.font_size)),
        side_margin=float(vars.get("pdf_margin", default.side_margin)),
        producer=vars.get("pdf_producer", default.producer),
        compress=int(vars.get("pdf_compress", default.compress)),
    )
