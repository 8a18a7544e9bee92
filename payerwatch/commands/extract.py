"""``extract``: run the extractors on one file, exactly as the pipeline would on fetched bytes."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", help="The URL the document came from (helps identify the payer and policy).")
@click.option("--media-type", help="Override the media type (normally sniffed from the bytes).")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
def extract(file: Path, url: str | None, media_type: str | None, as_json: bool) -> None:
    """Extract metadata, ketamine/esketamine passages and coverage facts from FILE.

    Exits with status 1 and a one-line reason when the file is not a readable policy (corrupt,
    encrypted, empty, image-only, a login or error page, a decompression bomb). The file is read in a
    worker process with memory, CPU and time limits, as the crawl reads documents.

    Example:

        payerwatch extract policy.pdf --url https://example.com/policy.pdf --json
    """
    import extractors
    from payerwatch.extraction import extract_file

    media_type = media_type or mimetypes.guess_type(file.name)[0]
    try:
        result = extract_file(file, media_type, url)
    except extractors.ExtractionError as exc:
        click.echo(f"payerwatch: {file}: {exc.reason}: {exc}", err=True)
        raise SystemExit(1) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    _print(result)


def _print(result) -> None:
    console = Console()
    meta = result.metadata
    console.print(f"[bold]{meta.title or '(untitled)'}[/bold]  {meta.policy_number or ''}")
    for label, value in (
        ("published", meta.published),
        ("effective", meta.effective),
        ("next review", meta.next_review),
        ("line of business", meta.line_of_business),
        ("state", meta.state),
        ("pages", result.pages),
    ):
        if value:
            console.print(f"  {label}: {value}")
    if not result.passages:
        console.print("No ketamine or esketamine passages.")
    for p in result.passages:
        console.print(
            f"\n[bold]{' › '.join(p.section_path) or p.heading}[/bold] "
            f"(pages {p.page_start}-{p.page_end}; {', '.join(p.drugs)})",
            highlight=False,
        )
        console.print(p.text, highlight=False, markup=False)
    if result.facts:
        table = Table(title="Coverage facts")
        for col in ("drug", "indication", "field", "value"):
            table.add_column(col)
        for f in result.facts:
            table.add_row(
                f.drug,
                f"{f.indication}/{f.subpopulation}" if f.subpopulation else f.indication,
                f.field,
                f.value,
            )
        console.print(table)
    for entry in result.revision_history:
        console.print(f"  revision {entry.date}: {entry.text}", highlight=False, markup=False)


def register(cli: click.Group) -> None:
    cli.add_command(extract)
