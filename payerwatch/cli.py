"""The ``payerwatch`` command line. Each command group lives in ``payerwatch/commands/<group>.py``.

Errors a user can fix (a bad data directory, a bad argument) print one line and exit 2; tracebacks are
for bugs only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from payerwatch.commands import register_all
from payerwatch.config import ConfigError, check_environment
from payerwatch.terminal import guard_streams
from store import Archive, ArchiveError, default_data_dir
from store.search import SearchQueryError, SearchTimeout


class Context:
    """Carries ``--data`` to commands and opens the archive lazily (``--help`` never touches disk)."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._archive: Archive | None = None

    @property
    def archive(self) -> Archive:
        if self._archive is None:
            self._archive = Archive(self.data_dir)
        return self._archive

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Archive directory (default ./data, or $PAYERWATCH_DATA).",
)
@click.version_option(package_name="payerwatch")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """Watch payers' ketamine and esketamine (Spravato) policies and announce real coverage changes.

    Example:

        payerwatch --data ./data status
    """
    check_environment()
    ctx.call_on_close(guard_streams())  # payer text never reaches the terminal with control characters
    obj = Context(data_dir if data_dir is not None else default_data_dir())
    ctx.obj = obj
    ctx.call_on_close(obj.close)


register_all(cli)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="payerwatch", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (ArchiveError, ConfigError, SearchQueryError, SearchTimeout) as exc:
        click.echo(f"payerwatch: error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
