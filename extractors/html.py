"""HTML bytes → blocks: the policy's own content, without the site around it.

Payer sites change their navigation, cookie banners, footers and "related news" boxes far more often
than their policies; all of that is dropped before the text is built, so only the policy's words
reach the differ. Status banners ("This policy version was replaced …", "SUPERSEDED") are read for
metadata from the raw page, then left out of the text as well.
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, Comment, NavigableString, Tag, XMLParsedAsHTMLWarning

from .model import EmptyDocument, NotAPolicy
from .normalize import NUMBERED, bullet, clean, strip_noise
from .sections import Block
from .status import STATUS_WORDS

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "form",
    "aside",
    "iframe",
    "svg",
    "button",
    "select",
    "input",
    "textarea",
    "object",
    "embed",
    "dialog",
    "menu",
)
_CHROME = re.compile(
    r"cookie|consent|gdpr|onetrust|\bnav|navbar|menu|breadcrumb|related-?(?:news|content|articles|links|stories)|news-?(?:box|list|feed|ticker)|share|social"
    r"|\bskip|site-?header"
    r"|site-?footer|^header|^footer|footer|masthead|sidebar|promo|newsletter|survey|feedback|print-?only"
    r"|banner|toolbar|utility|\bsearch|modal|popup|disclaimer-bar|back-to-top|sr-only|visually-hidden",
    re.I,
)
_STATUS = STATUS_WORDS  # one vocabulary with the status reader (extractors/status.py)
_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary", "dialog", "alertdialog"}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "hr",
    "center",
    "figure",
    "figcaption",
    "caption",
    "tbody",
    "thead",
    "tfoot",
    "td",
    "th",
    "details",
    "summary",
    "address",
    "body",
    "html",
}
_MAIN = (
    "main",
    "[role=main]",
    "article",
    "#main-content",
    "#maincontent",
    "#content",
    ".main-content",
    "#main",
    ".content",
)


class HtmlRead:
    """Blocks plus what the page says around the policy: its <title> and any status banner."""

    def __init__(self, blocks: list[Block], title: str | None, status_text: str, head_title: str):
        self.blocks = blocks
        self.title = title
        self.status_text = status_text
        self.head_title = head_title


def _is_chrome(tag: Tag) -> bool:
    if tag.name in _DROP_TAGS:
        return True
    attrs = tag.attrs or {}
    if attrs.get("role") in _ROLES or attrs.get("aria-hidden") == "true" or "hidden" in attrs:
        return True
    style = str(attrs.get("style", ""))
    if re.search(r"display\s*:\s*none", style):
        return True
    ident = " ".join([str(attrs.get("id", "") or "")] + [str(c) for c in attrs.get("class", []) or []])
    return bool(ident and _CHROME.search(ident))


def _inline_text(node: Tag) -> str:
    return clean(node.get_text(" "))


def _bold_only(tag: Tag) -> bool:
    """A paragraph whose whole text sits in <strong>/<b>: a heading in all but name."""
    kids = [k for k in tag.children if not (isinstance(k, NavigableString) and not k.strip())]
    return (
        len(kids) == 1
        and isinstance(kids[0], Tag)
        and kids[0].name in ("strong", "b")
        and len(_inline_text(tag)) <= 120
        and not _inline_text(tag).endswith(".")
    )


def _layout_table(table: Tag) -> bool:
    """A table used for page layout (headings or nested tables in its cells), not a data table."""
    return table.find(re.compile(r"^(h[1-6]|table)$")) is not None


def _heading_class(tag: Tag) -> bool:
    """WebHelp/Word exports mark headings with a class ("Heading2") rather than a tag."""
    classes = " ".join(str(c) for c in tag.get("class") or [])
    text = _inline_text(tag)
    return bool(re.search(r"\bheading\s*\d?\b|\btitle\b", classes, re.I)) and 0 < len(text) <= 120


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.list_stack: list[list[int]] = []  # [is_ordered, counter]

    def flush(self, kind: str = "para") -> None:
        text = clean(" ".join(self.buf))
        self.buf = []
        text = strip_noise(text)
        if text:
            is_item, text = bullet(text)
            self.blocks.append(Block("item" if is_item or NUMBERED.match(text) else kind, text))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buf.append(str(child))
                continue
            if not isinstance(child, Tag) or _is_chrome(child):
                continue
            name = child.name
            if name not in _BLOCK:
                self.buf.append(child.get_text(" ") if name not in ("sup", "sub") else child.get_text())
                continue
            self.flush()
            if re.fullmatch(r"h[1-6]", name):
                text = _inline_text(child)
                if text:
                    self.blocks.append(Block("heading", text, level=int(name[1])))
            elif name == "table" and _layout_table(child):
                self.walk(child)  # old CMSs lay whole pages out in tables: read the cells as content
            elif name in ("ul", "ol"):
                self.list_stack.append([name == "ol", 0])
                self.walk(child)
                self.list_stack.pop()
            elif name == "li":
                marker = "- "
                if self.list_stack:
                    self.list_stack[-1][1] += 1
                    if self.list_stack[-1][0]:
                        marker = f"{self.list_stack[-1][1]}. "
                start = len(self.blocks)
                self.walk(child)
                self.flush("item")
                first = self.blocks[start] if len(self.blocks) > start else None
                if first is not None and first.kind in ("para", "item"):
                    if first.kind == "para" or not first.text.startswith("- "):
                        first.text = marker + first.text
                    first.kind = "item"
            elif name == "table":
                self.table(child)
            elif name == "p" and (_bold_only(child) or _heading_class(child)):
                self.blocks.append(Block("heading", _inline_text(child), level=7))
            else:
                self.walk(child)
            self.flush()

    def table(self, table: Tag) -> None:
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            cells = [clean(td.get_text(" ")) for td in tr.find_all(["td", "th"], recursive=False)]
            text = " | ".join(cells)
            if text.strip(" |"):
                self.blocks.append(Block("row", text))


def _main(soup: BeautifulSoup) -> Tag:
    for sel in _MAIN:
        found = soup.select_one(sel)
        if found is not None and len(found.get_text(strip=True)) > 200:
            return found
    return soup.body or soup


def read_html(data: bytes) -> HtmlRead:
    with warnings.catch_warnings():
        # XHTML is read with the HTML parser on purpose (payers' XHTML is rarely well-formed XML);
        # bs4's advice to switch parsers is noise on the console of every crawl
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(data, "lxml")
    raw_text = clean(soup.get_text(" "))
    if not raw_text:
        raise EmptyDocument("HTML page has no text")
    _reject(soup, raw_text)
    status = " ".join(_status_context(s) for s in soup.find_all(string=_STATUS))
    title = clean(soup.title.get_text()) if soup.title else None
    head_title = title or ""
    root = _main(soup)
    w = _Walker()
    w.walk(root)
    w.flush()
    blocks = w.blocks
    h1 = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    if h1 is not None:
        h1.kind, h1.level = "title", 0
        title = h1.text
    if not blocks:
        raise EmptyDocument("HTML page has no content outside the site chrome")
    return HtmlRead(blocks, title, status, head_title)


def _status_context(string) -> str:
    """The text a status word is said in: its element, or a table cell's whole row ("MP-330 | Ketamine |
    Archived" is about MP-330, "Status | Superseded" about this page) — read by ``extractors.status``."""
    parent = string.parent
    if parent is None:
        return clean(str(string))
    row = (
        parent.find_parent("tr") if parent.name in ("td", "th") or parent.find_parent(("td", "th")) else None
    )
    return clean(str((row if row is not None else parent).get_text(" ")))


def _reject(soup: BeautifulSoup, text: str) -> None:
    """Login pages, error pages and click-through interstitials are fetch results, not policies."""
    words = len(text.split())
    low = text.lower()
    if soup.find("input", attrs={"type": "password"}) is not None:
        raise NotAPolicy("login page (password field)")
    forms = soup.find_all("form")
    if words < 400 and any(
        re.search(r"sign[ -]?in|log[ -]?in", f.get_text(" ") + str(f.get("action", "")), re.I) for f in forms
    ):
        raise NotAPolicy("login page (sign-in form)")
    title = clean(soup.title.get_text()).lower() if soup.title else ""
    if words < 300 and re.search(
        r"page not found|\b404\b|service unavailable|\b50[023]\b|internal server error|bad gateway|access "
        r"denied"
        r"|forbidden|temporarily unavailable|under maintenance|an error (?:has )?occurred",
        title + " " + low,
    ):
        raise NotAPolicy(f"error page ({title or low[:60]})")
    accept = r"\bi accept\b|accept the (?:statement|terms|agreement)|i agree\b|you must accept|by clicking"
    if words < 400 and re.search(accept, low) and re.search(accept, _without_chrome(soup).lower()):
        raise NotAPolicy("interstitial (click-through acceptance page)")


def _without_chrome(soup: BeautifulSoup) -> str:
    """The page's text outside cookie banners and other chrome: a cookie banner's "OK, I agree" button
    sits on real notices too, and only the page's own acceptance question makes it an interstitial."""
    parts = []
    for s in soup.find_all(string=True):
        if not any(isinstance(p, Tag) and _is_chrome(p) for p in s.parents):
            parts.append(str(s))
    return clean(" ".join(parts))
