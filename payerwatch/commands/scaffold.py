"""``new-source``: the files a new payer needs, written together under one slug (City Scrapers'
``genspider`` in spirit).

A source is complete when its sources-file entry, its saved page(s) and its test exist under the same slug;
``tests/crawler/test_crawl_sources.py`` fails until they do, so a half-added payer never ships. The
skeletons fail on purpose until a page of the real site, written in our own words, is saved and the
expectations are filled in.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PROGRAMS = ("commercial", "medicare", "medicaid", "federal")


def module_name(slug: str) -> str:
    """``tx-medicaid`` → ``tx_medicaid``: the same slug where Python needs an identifier."""
    return slug.replace("-", "_")


def families(root: Path) -> list[str]:
    """Spider families in ``crawler/spiders/`` (``generic`` included)."""
    return sorted(
        p.stem for p in (root / "crawler" / "spiders").glob("*.py") if p.stem not in ("__init__", "base")
    )


def _entry(slug: str, payer: str, program: str, state: str | None, spider: str, url: str) -> str:
    host = re.sub(r"^https?://([^/:]+).*$", r"\1", url)
    lines = [
        f"  - id: {slug}",
        f"    payer: {payer}",
        f"    program: {program}",
        *([f"    state: {state}"] if state else []),
        f"    spider: {spider}",
        f"    start_urls: [{url}]",
        f"    allowed_domains: [{host}]",
    ]
    if spider == "generic":
        lines += [
            "    follow: []                 # regexes of index pages to follow (fill in from the saved page)",
            "    documents: ['\\.pdf$']      # regexes of policy documents to fetch (fill in)",
        ]
    return "\n".join(lines) + "\n"


_FAMILY_TEST = '''"""``{slug}``: {payer}, read by the ``{spider}`` family spider.

Save the index page (our own words, the real structure) as ``tests/files/{slug}/index.html``; then
replace the expectations below with what the page lists.
"""

from __future__ import annotations

from crawler.spiders.{spider} import {cls}
from tests.support.spiders import documents, make_spider, page

INDEX = "{url}"


def test_index_lists_the_policies():
    spider = make_spider({cls}, "{slug}")
    reqs = documents(spider.parse(page("{slug}", "index.html", INDEX)))
    assert [r.meta["title"] for r in reqs] == ["fill in: the titles the saved page lists"]
'''

_FOLDER_README = """# {slug}

Saved pages of {payer}'s site for `tests/crawler/{test}` ({spider} spider). Write them in our own words,
keeping the real site's structure (docs/domain.md): never paste a payer's text.

- `index.html` — the page at {url}
"""


def _spider_class(root: Path, spider: str) -> str:
    text = (root / "crawler" / "spiders" / f"{spider}.py").read_text(encoding="utf-8")
    found = re.search(r"^class (\w+Spider)\b", text, re.M)
    if not found:
        raise click.ClickException(f"crawler/spiders/{spider}.py defines no *Spider class")
    return found.group(1)


@click.command("new-source")
@click.argument("slug")
@click.option("--spider", required=True, help="'generic', or a family in crawler/spiders/ (e.g. uhc).")
@click.option("--payer", help="Display name (default: the slug in words).")
@click.option("--program", type=click.Choice(PROGRAMS), default="commercial", show_default=True)
@click.option("--state", help="Two-letter state for a state program.")
@click.option("--url", "start_url", default="https://example.invalid/policies/", help="The index page URL.")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The repository checkout to write into.",
)
def new_source(slug, spider, payer, program, state, start_url, root: Path) -> None:
    """Add a payer: its sources.yaml entry, fixture folder and test skeleton, all named SLUG.

    A generic payer gets an entry in crawler/sources.yaml and one in tests/files/generic/expected.yaml
    (save its index page as tests/files/generic/SLUG.html). A family payer gets the entry, the folder
    tests/files/SLUG/ with a README, and tests/crawler/test_SLUG.py (dashes as underscores).

    Example:

        payerwatch new-source bcbs-kansas --spider generic --payer "Blue Cross Blue Shield of Kansas" \\
            --url https://www.bcbsks.com/medical-policies
    """
    if not SLUG.match(slug):
        raise click.BadParameter("lower-case letters, digits and single dashes, e.g. bcbs-kansas")
    known = families(root)
    if spider not in known:
        raise click.BadParameter(f"one of {', '.join(known)}", param_hint="--spider")
    sources_file = root / "crawler" / "sources.yaml"
    data = yaml.safe_load(sources_file.read_text(encoding="utf-8")) or {}
    if any(s.get("id") == slug for s in data.get("sources", [])):
        raise click.ClickException(f"{sources_file}: source {slug!r} exists already")
    payer = payer or slug.replace("-", " ").title()
    written: list[Path] = []
    text = sources_file.read_text(encoding="utf-8")
    sources_file.write_text(
        text + ("" if text.endswith("\n") else "\n") + _entry(slug, payer, program, state, spider, start_url),
        encoding="utf-8",
    )
    written.append(sources_file)
    files = root / "tests" / "files"
    if spider == "generic":
        expected = files / "generic" / "expected.yaml"
        with expected.open("a", encoding="utf-8") as out:
            out.write(f"{slug}: []  # the document URLs (tails) its patterns must find on {slug}.html\n")
        written.append(expected)
    else:
        test = root / "tests" / "crawler" / f"test_{module_name(slug)}.py"
        folder = files / slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "README.md").write_text(
            _FOLDER_README.format(slug=slug, payer=payer, test=test.name, spider=spider, url=start_url),
            encoding="utf-8",
        )
        test.write_text(
            _FAMILY_TEST.format(
                slug=slug, payer=payer, spider=spider, cls=_spider_class(root, spider), url=start_url
            ),
            encoding="utf-8",
        )
        written += [folder / "README.md", test]
    for path in written:
        click.echo(f"wrote {path}")
    page = f"tests/files/generic/{slug}.html" if spider == "generic" else f"tests/files/{slug}/index.html"
    click.echo(f"next: save the index page as {page} and fill in the expectations; then `make test`")


def register(cli: click.Group) -> None:
    cli.add_command(new_source)
