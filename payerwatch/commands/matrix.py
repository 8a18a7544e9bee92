"""``matrix``: the coverage matrix on the command line, filtered and paged like the web page and the API.

At a million versions the whole matrix is ~10^5 rows, so the command prints a page (``--limit`` cells)
and the ``--after`` cursor of the next page on standard error; ``--limit 0`` streams every cell in
constant memory (the store reads it 500 policies at a time).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import click

from differ.taxonomy import DRUG_LABEL, POSITION_LABEL, indication_name, position_label
from payerwatch.commands import BadArgument
from store.models import PROGRAMS
from store.queries import matrix_cursor, parse_matrix_cursor

STANCES = (*POSITION_LABEL, "mixed")


@click.command()
@click.option("--payer", help="Source id or payer name.")
@click.option("--drug", type=click.Choice(tuple(DRUG_LABEL)))
@click.option("--indication", help="An indication key, e.g. trd, depression, ptsd.")
@click.option("--stance", type=click.Choice(STANCES), help="A position, or mixed (several positions).")
@click.option("--program", type=click.Choice(PROGRAMS))
@click.option("--state", help="Two-letter state of state programs.")
@click.option("--limit", default=50, show_default=True, help="Cells per page; 0 prints every cell.")
@click.option("--after", "cursor", help="Start after this cursor (printed at the end of the previous page).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per cell (the API's shape).")
@click.pass_obj
def matrix(ctx, payer, drug, indication, stance, program, state, limit, cursor, as_json) -> None:
    """The coverage matrix: each policy's current position and criteria per drug and indication, from its
    latest version, ordered by payer, policy, drug, indication.

    Example:

        payerwatch --data data/demo matrix --drug esketamine --stance not_covered
    """
    try:
        after = parse_matrix_cursor(cursor, 4) if cursor else None
    except ValueError:
        raise BadArgument("--after takes the cursor a previous page printed") from None
    filters = dict(payer=payer, drug=drug, indication=indication, stance=stance, program=program, state=state)
    if limit <= 0:
        cells, more = ctx.archive.iter_matrix(**filters), False
        if after:
            raise BadArgument("--after needs a --limit (pages)")
    else:
        page = ctx.archive.matrix(**filters, limit=limit + 1, after=after)
        cells, more = page[:limit], len(page) > limit
    last = None
    for cell in cells:
        last = cell
        if as_json:
            click.echo(json.dumps(_record(cell), ensure_ascii=False))
        else:
            position = position_label(cell.position) if cell.position else "criteria only"
            line = f"{cell.payer}\t{cell.policy_id}\t{DRUG_LABEL.get(cell.drug, cell.drug)}"
            click.echo(f"{line}\t{indication_name(cell.indication)}\t{position}\t{cell.criteria_summary}")
    if last is None and not as_json:
        click.echo(
            "no policies with coverage facts" + (" for this filter" if any(filters.values()) else ""),
            err=True,
        )
    if more and last is not None:
        click.echo(f"more: payerwatch matrix ... --after {matrix_cursor(last.key)}", err=True)


def _record(cell) -> dict:
    """A cell as ``/api/matrix`` gives it (times in UTC with a ``Z``)."""
    out = dataclasses.asdict(cell) | {"criteria_summary": cell.criteria_summary}
    if isinstance(cell.last_change, dt.datetime):
        out["last_change"] = cell.last_change.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return out


def register(cli: click.Group) -> None:
    cli.add_command(matrix)
