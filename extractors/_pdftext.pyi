# Types of the C helper extractors/_pdftext.c and _pdftext_rows.c (PDFium's look-ups, one call a page).
from collections.abc import Callable

def bind(
    count_chars: int,
    char_origin: int,
    matrix: int,
    font_size: int,
    font_info: int,
    text_object: int,
    is_generated: int,
    loose_box: int,
    /,
) -> None: ...
def pieces(
    text_page: int, text: str, fonts: dict[bytes, bool], bold: Callable[[bytes], bool], /
) -> tuple[list[tuple[float, float, float, bool, str]], bool]: ...
def rows(
    text_page: int, text: str, fonts: dict[bytes, bool], bold: Callable[[bytes], bool], /
) -> dict[float, list[tuple[float, float, float, float, bool, str]]]: ...
