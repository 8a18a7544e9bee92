# Types of the C helper extractors/_pdftext.c, _pdftext_rows.c and _pdftext_page.c (one call a page).
from collections.abc import Callable
from typing import Any

from .layout import Line

def bind(
    count_chars: int,
    char_origin: int,
    matrix: int,
    font_size: int,
    font_info: int,
    text_object: int,
    is_generated: int,
    loose_box: int,
    load_page: int,
    close_page: int,
    load_text_page: int,
    close_text_page: int,
    get_text: int,
    count_objects: int,
    rotation: int,
    /,
) -> None: ...
def pieces(
    text_page: int, text: str, fonts: dict[bytes, bool], bold: Callable[[bytes], bool], /
) -> tuple[list[tuple[float, float, float, bool, str]], bool]: ...
def rows(
    text_page: int, text: str, fonts: dict[bytes, bool], bold: Callable[[bytes], bool], /
) -> dict[float, list[tuple[float, float, float, float, bool, str]]]: ...
def configure(
    needles: tuple[bytes, ...],
    flat: Callable[[str], str],
    category: Callable[[str], str],
    line: Callable[..., Any],
    group: Callable[[list[tuple[float, float, float, bool, str]], int], list[Line]],
    bold: Callable[[bytes], bool],
    /,
) -> None: ...
def doubtful(text: str, /) -> bool: ...
def page(
    document: int, index: int, fonts: dict[bytes, bool], hold: int, page: int, text_page: int, /
) -> tuple[int | None, int | None, str, str, str, int, int, list[Line], bool, bool] | None: ...
def _checks(text: str, /) -> tuple[str, int, int, bool] | None: ...
def _round(x: float, digits: int, /) -> float: ...
