"""Read-side queries for researchers, one module per question: ``history`` (versions, timeline, policy
list), ``asof`` (the version in force on a day), ``matrix`` (current positions across payers), ``export``
(streamed exports, bulk loads). ``QueriesMixin`` puts them on ``store.Archive``.
"""

from store.queries.asof import BY, AsOfMixin, in_force_date, in_force_dates
from store.queries.export import EXPORTS, ExportMixin, to_csv_cell
from store.queries.history import HistoryEntry, HistoryMixin
from store.queries.matrix import (
    MATRIX_FILTERS,
    MatrixCell,
    MatrixFilter,
    MatrixMixin,
    matrix_cursor,
    parse_matrix_cursor,
)


class QueriesMixin(HistoryMixin, AsOfMixin, MatrixMixin, ExportMixin):
    pass


__all__ = [
    "BY",
    "EXPORTS",
    "HistoryEntry",
    "MATRIX_FILTERS",
    "MatrixCell",
    "MatrixFilter",
    "QueriesMixin",
    "in_force_date",
    "in_force_dates",
    "matrix_cursor",
    "parse_matrix_cursor",
    "to_csv_cell",
]
