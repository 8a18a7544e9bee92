"""The inflation budget: PDF bombs are refused before any reader opens them; real policies pass."""

from __future__ import annotations

import base64
import os
import zlib

import pytest

import extractors
from extractors import streams
from extractors.model import InflationBomb
from extractors.streams import check_inflation
from tests.support import bombs
from tests.support.pdf import render_file


@pytest.mark.parametrize("name", ["huge-flate", "many-streams", "double-flate"])
def test_bombs_are_refused_before_reading(name):
    build, _ = bombs.BOMBS[name]
    data = build()
    assert len(data) < 2 * bombs.MiB
    with pytest.raises(InflationBomb):
        check_inflation(data)
    with pytest.raises(InflationBomb):
        extractors.extract(data, "application/pdf")


def test_an_ascii85_wrapper_does_not_hide_a_bomb():
    wrapped = base64.a85encode(bombs.deflated_zeros(300 * bombs.MiB)) + b"~>"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /Length %d /Filter [/ASCII85Decode /FlateDecode] >>\nstream\n" % len(wrapped)
        + wrapped
        + b"\nendstream",
    ]
    with pytest.raises(InflationBomb):
        check_inflation(bombs.pdf(objs))


def test_images_do_not_count_no_reader_decodes_them():
    assert check_inflation(bombs.image_bomb(2000)) < 1024


def test_the_budget_counts_every_byte_up_to_the_limit():
    data = bombs.huge_flate(8 * bombs.MiB)
    assert check_inflation(data) == 8 * bombs.MiB
    with pytest.raises(InflationBomb):
        check_inflation(data, limit=4 * bombs.MiB)


@pytest.mark.parametrize("variant", ["base", "reexport", "rewrap"])
def test_real_policies_pass(variant):
    assert check_inflation(render_file("cigna-ketamine.yaml", variant)) < 10 * bombs.MiB


# Small budgets: the same rules as the bombs above, on a few MiB (milliseconds: mutation testing runs
# these per mutant; the bombs at the real 256 MiB budget take seconds each).


def _one(body: bytes) -> bytes:
    """A one-page PDF whose object 4 is ``body`` (a stream object)."""
    return bombs.pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            bombs.FONT,
            body,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        ]
    )


def _wrapped(filters: bytes, encoded: bytes) -> bytes:
    return b"<< /Length %d /Filter [%s] >>\nstream\n" % (len(encoded), filters) + encoded + b"\nendstream"


def test_every_stream_counts_towards_one_total():
    data = bombs.many_streams(count=6, each=bombs.MiB)
    assert check_inflation(data) == 6 * bombs.MiB
    assert check_inflation(data, limit=6 * bombs.MiB) == 6 * bombs.MiB  # the limit itself is allowed
    with pytest.raises(InflationBomb, match=r"^PDF streams inflate to more than 5 MiB \(from \d+ bytes\)"):
        check_inflation(data, limit=5 * bombs.MiB + 1)


def test_the_refusal_names_the_limit_and_the_file_size():
    data = bombs.huge_flate(3 * bombs.MiB)
    with pytest.raises(InflationBomb) as refused:
        check_inflation(data, limit=2 * bombs.MiB)
    assert str(refused.value) == (
        f"PDF streams inflate to more than 2 MiB (from {len(data)} bytes): refused before reading"
    )


def test_a_double_flate_chain_counts_both_levels():
    """Each level's output is held at once: the outer level's bytes count as well as the inner's."""
    once = bombs.deflated_zeros(4 * bombs.MiB)
    data = bombs.double_flate(4 * bombs.MiB)
    assert check_inflation(data) == len(once) + 4 * bombs.MiB
    with pytest.raises(InflationBomb):
        check_inflation(data, limit=4 * bombs.MiB)


def test_the_short_filter_names_count_too():
    once = bombs.deflated_zeros(2 * bombs.MiB)
    twice = zlib.compress(once, 9)
    assert check_inflation(_one(_wrapped(b"/Fl /Fl", twice))) == len(once) + 2 * bombs.MiB
    assert check_inflation(_one(_wrapped(b"/Fl", once))) == 2 * bombs.MiB


def test_a_chain_is_followed_four_levels_deep_at_most():
    data = b"policy text " * 100
    for _ in range(5):
        data = zlib.compress(data, 9)
    levels = [zlib.decompress(data)]
    for _ in range(3):
        levels.append(zlib.decompress(levels[-1]))
    assert check_inflation(_one(_wrapped(b"/FlateDecode " * 5, data))) == sum(map(len, levels))


@pytest.mark.parametrize(
    ("filters", "encode"),
    [
        (b"/ASCII85Decode /FlateDecode", lambda z: base64.a85encode(z, wrapcol=64) + b"~>"),
        (b"/A85 /Fl", lambda z: b"<~" + base64.a85encode(z) + b"~>"),
        (b"/ASCIIHexDecode /FlateDecode", lambda z: z.hex().encode() + b">"),
        (
            b"/AHx /Fl",
            lambda z: b" ".join(z.hex()[i : i + 32].encode() for i in range(0, len(z.hex()), 32)) + b">",
        ),
    ],
    ids=["a85", "a85-short-with-prefix", "hex", "hex-short-spaced"],
)
def test_ascii_wrappers_are_unwrapped_before_counting(filters, encode):
    inner = bombs.deflated_zeros(3 * bombs.MiB)
    assert check_inflation(_one(_wrapped(filters, encode(inner)))) == 3 * bombs.MiB


def test_an_odd_hex_digit_count_is_padded_with_zero():
    """ASCIIHex: a missing last digit is 0, as the readers decode it (here the last byte, 0x50, lies
    after the zlib data's end)."""
    hexed = (zlib.compress(b"covered when criteria are met " * 200, 9) + b"\x50").hex().encode()
    assert check_inflation(_one(_wrapped(b"/AHx /Fl", hexed + b">"))) == 30 * 200
    assert check_inflation(_one(_wrapped(b"/AHx /Fl", hexed[:-1] + b">"))) == 30 * 200


def test_an_ascii_wrapper_that_is_not_valid_counts_nothing():
    assert check_inflation(_one(_wrapped(b"/ASCIIHexDecode /FlateDecode", b"zz not hex >"))) == 0
    assert check_inflation(_one(_wrapped(b"/ASCII85Decode /FlateDecode", b"\x7f\x7f~>"))) == 0


def test_an_ascii_wrapper_alone_inflates_nothing():
    assert check_inflation(_one(_wrapped(b"/ASCIIHexDecode", b"41424344>"))) == 0


def test_unfiltered_and_image_streams_do_not_count():
    text = zlib.compress(bombs.TEXT, 9)
    plain = b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"
    assert check_inflation(_one(plain)) == 0
    assert check_inflation(bombs.image_bomb(2000)) == len(b"q 612 0 0 792 0 0 cm /Im1 Do Q\n")
    image = (
        b"<< /Subtype/Image /Length %d /Filter /FlateDecode >>\nstream\n" % len(text) + text + b"\nendstream"
    )
    assert check_inflation(_one(image)) == 0


def test_a_stream_reads_only_its_own_dictionary():
    """The filters and /Subtype of the object before do not apply to the next stream."""
    text = zlib.compress(bombs.TEXT, 9)
    image = b"<< /Subtype /Image /Width 1 /Height 1 /Length 0 /Filter /FlateDecode >>\nstream\n\nendstream"
    page_text = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(text) + text + b"\nendstream"
    plain = b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>", image, page_text]
    assert check_inflation(bombs.pdf(objs)) == len(bombs.TEXT)
    objs[3] = plain
    assert check_inflation(bombs.pdf(objs)) == 0


def test_a_dictionary_far_before_its_stream_is_not_read():
    """Only the 4 KiB before ``stream`` are looked at (a dictionary is never that long)."""
    text = zlib.compress(bombs.TEXT, 9)

    def body(pad: int) -> bytes:  # the filter name ends ``pad`` + 4 bytes before ``stream``
        return b"<< /Length %d /FlateDecode%s >>\nstream\n" % (len(text), b" " * pad) + text + b"\nendstream"

    assert check_inflation(bombs.pdf([body(4096 - 16)])) == len(bombs.TEXT)
    assert check_inflation(bombs.pdf([body(4096 - 15)])) == 0


@pytest.mark.parametrize("eol", [b"\r\n", b"\n", b"\r"])
def test_every_end_of_line_after_stream_is_read(eol):
    text = zlib.compress(bombs.TEXT, 9)
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream%s" % (len(text), eol) + text + b"\nendstream"
    assert check_inflation(_one(body)) == len(bombs.TEXT)


def test_a_stream_without_endstream_runs_to_the_end_of_the_file():
    data = bombs.deflated_zeros(2 * bombs.MiB)
    body = b"%PDF-1.7\n4 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + data
    assert check_inflation(body) == 2 * bombs.MiB


def test_endstream_is_not_a_stream():
    assert check_inflation(b"%PDF-1.7\n<< /Filter /FlateDecode >>\nendstream\nendobj\n") == 0


def test_data_that_is_not_zlib_is_left_to_the_readers():
    body = (
        b"<< /Length 40 /Filter /FlateDecode >>\nstream\n"
        + b"not zlib at all, just words here......."
        + b"\nendstream"
    )
    assert check_inflation(_one(body)) == 0


def test_a_corrupt_stream_counts_what_inflated_before_the_damage():
    """zlib stops at the damage; the bytes before it still count (a bomb cannot hide behind a bad byte)."""
    good = bombs.deflated_zeros(3 * bombs.MiB)
    broken = good[: len(good) // 2] + b"\xff" * 64 + good[len(good) // 2 :]
    total = check_inflation(_one(_wrapped(b"/FlateDecode", broken)))
    assert bombs.MiB < total < 3 * bombs.MiB


def test_a_stream_is_read_in_chunks_past_the_first():
    """Compressed data longer than one read chunk (64 KiB) is fed on until zlib's end."""
    raw = os.urandom(200_000)  # incompressible: ~200 KB of Flate data, four chunks
    assert check_inflation(_one(_wrapped(b"/FlateDecode", zlib.compress(raw, 9)))) == len(raw)


def test_a_stream_larger_than_one_output_step_is_counted_whole():
    """Output comes 1 MiB a call; the tail of a deflated chunk is fed again until it is used up."""
    raw = bytes(range(256)) * (12 * 4096)  # 12 MiB, compresses to ~50 KB (one input chunk)
    assert check_inflation(_one(_wrapped(b"/FlateDecode", zlib.compress(raw, 9)))) == len(raw)


def test_trailing_bytes_after_the_zlib_end_are_not_inflated():
    data = zlib.compress(bombs.TEXT, 9) + zlib.compress(b"x" * 100_000, 9)
    assert check_inflation(_one(_wrapped(b"/FlateDecode", data))) == len(bombs.TEXT)


def test_both_levels_of_a_chain_are_read_to_the_end():
    """An inner level that takes more than one output step of the outer level (incompressible data)."""
    inner = zlib.compress(os.urandom(2 * bombs.MiB), 1)
    outer = zlib.compress(inner, 1)
    assert check_inflation(_one(_wrapped(b"/FlateDecode /FlateDecode", outer))) == len(inner) + 2 * bombs.MiB


def test_bytes_after_the_inner_end_of_a_chain_still_count():
    """The inner level ends first (its zlib end), the outer level's remaining output is still held."""
    text = b"covered when criteria are met " * 100
    tail = os.urandom(3 * bombs.MiB)
    outer = zlib.compress(zlib.compress(text, 9) + tail, 1)
    total = check_inflation(_one(_wrapped(b"/FlateDecode /FlateDecode", outer)))
    assert total == len(zlib.compress(text, 9)) + len(tail) + len(text)


def test_a_second_level_that_is_not_zlib_stops_the_count():
    """The readers decide about data zlib cannot read: the scan stops where the inner level fails."""
    outer = zlib.compress(os.urandom(3 * bombs.MiB), 1)
    assert check_inflation(_one(_wrapped(b"/FlateDecode /FlateDecode", outer))) < 3 * bombs.MiB


class _CountingZlib:
    """``zlib`` for ``streams``, adding up every byte its inflaters hand out."""

    error = zlib.error

    def __init__(self) -> None:
        self.inflated = 0

    def decompressobj(self):
        real, counter = zlib.decompressobj(), self

        class Inflater:
            def decompress(self, data, max_length=0):
                out = real.decompress(data, max_length)
                counter.inflated += len(out)
                return out

            def __getattr__(self, name):
                return getattr(real, name)

        return Inflater()


@pytest.mark.parametrize("shape", ["zeros", "chain", "incompressible"])
def test_the_scan_inflates_at_most_the_limit_and_one_step(monkeypatch, shape):
    """Refused *before* reading: past the budget the scan stops inflating (one 1 MiB output step over
    it at most, per level), also in the last stream the budget runs out in, and also when each input
    chunk inflates to less than a step (incompressible data)."""
    from extractors import streams

    counting = _CountingZlib()
    monkeypatch.setattr(streams, "zlib", counting)
    first = bombs.raw_stream(bombs.deflated_zeros(3 * bombs.MiB))
    if shape == "zeros":
        bomb = bombs.raw_stream(bombs.deflated_zeros(64 * bombs.MiB))
    elif shape == "chain":
        bomb = _wrapped(b"/FlateDecode /FlateDecode", zlib.compress(bombs.deflated_zeros(64 * bombs.MiB), 9))
    else:
        bomb = bombs.raw_stream(zlib.compress(os.urandom(4 * bombs.MiB), 1))
    with pytest.raises(InflationBomb):
        check_inflation(bombs.pdf([first, bomb]), limit=4 * bombs.MiB)
    assert counting.inflated <= (6 if shape == "chain" else 5) * bombs.MiB


def test_a85_data_with_every_kind_of_blank_and_a_trailing_marker():
    """Blanks (form feed included) are skipped; after the ``~>`` end marker nothing is data."""
    inner = zlib.compress(os.urandom(50_000), 9)
    a85 = base64.a85encode(inner)
    spread = b"\x0c".join(a85[i : i + 70] for i in range(0, len(a85), 70))
    assert b"X" in a85
    body = b"<~" + spread + b"~>\n junk~>"
    assert check_inflation(_one(_wrapped(b"/A85 /Fl", body))) == 50_000


def test_hex_data_ends_at_its_first_end_marker():
    inner = zlib.compress(b"covered when criteria are met " * 200, 9)
    assert check_inflation(_one(_wrapped(b"/AHx /Fl", inner.hex().encode() + b">\n zz>"))) == 6000


def test_a_stream_whose_dictionary_starts_the_file():
    """The 4 KiB window reaches back to the file's first byte (bytes before a %PDF header happen)."""
    inner = zlib.compress(bombs.TEXT, 9)
    data = b"/FlateDecode\nstream\n" + inner + b"\nendstream\n%PDF-1.7\n"
    assert check_inflation(data) == len(bombs.TEXT)


# refuse_bombs: check_inflation skipped only where the compressed sizes bound the total under the limit


def _bound_cases() -> list[bytes]:
    once = bombs.deflated_zeros(2 * bombs.MiB)
    inner = bombs.deflated_zeros(bombs.MiB)
    return [
        bombs.huge_flate(3 * bombs.MiB),
        bombs.many_streams(count=4, each=bombs.MiB),
        bombs.double_flate(4 * bombs.MiB),
        _one(_wrapped(b"/Fl /Fl", zlib.compress(once, 9))),
        _one(_wrapped(b"/ASCII85Decode /FlateDecode", base64.a85encode(inner) + b"~>")),
        _one(_wrapped(b"/AHx /Fl", inner.hex().encode() + b">")),
        _one(_wrapped(b"/FlateDecode " * 5, zlib.compress(zlib.compress(b"policy " * 9000, 9), 9))),
        render_file("cigna-ketamine.yaml", "reexport"),
    ]


@pytest.mark.parametrize("case", range(8))
def test_refuse_bombs_refuses_exactly_what_check_inflation_refuses(case):
    """At every limit from the total's half to twice it: both refuse, or neither does."""
    data = _bound_cases()[case]
    total = check_inflation(data)
    for limit in sorted({max(1, total // 2), total - 1, total, total + 1, 2 * total} - {0}):
        try:
            check_inflation(data, limit)
            expected = False
        except InflationBomb:
            expected = True
        try:
            streams.refuse_bombs(data, limit)
            refused = False
        except InflationBomb:
            refused = True
        assert refused == expected, (case, limit, total)


def test_refuse_bombs_inflates_nothing_in_a_policy_far_under_the_limit(monkeypatch):
    monkeypatch.setattr(streams, "check_inflation", lambda *a: pytest.fail("inflated"))
    streams.refuse_bombs(render_file("cigna-ketamine.yaml"))
    with pytest.raises(InflationBomb):  # over the bound: the exact check decides (and refuses)
        monkeypatch.undo()
        streams.refuse_bombs(bombs.huge_flate(3 * bombs.MiB), 2 * bombs.MiB)


def test_the_bound_is_deflates_largest_ratio():
    """One byte of deflate data gives at most 1032 (a 2-bit length/distance pair: 258 bytes)."""
    data = bombs.deflated_zeros(4 * bombs.MiB)
    assert 4 * bombs.MiB <= len(data) * streams.FLATE_RATIO
    assert 4 * bombs.MiB > len(data) * streams.FLATE_RATIO * 0.9  # zlib comes close to it


def _stream_length(data: bytes) -> int:
    """The bytes between ``stream`` and ``endstream`` of the document's one stream object."""
    start = data.index(b"stream\n") + len(b"stream\n")
    return data.index(b"endstream", start) - start


@pytest.mark.parametrize(
    ("filters", "body", "wrappers", "levels"),
    [
        (b"/FlateDecode", zlib.compress(b"covered " * 500, 9), 0, 1),
        (b"/FlateDecode " * 5, zlib.compress(b"covered " * 500, 9), 0, 4),  # four levels at most
        (b"/AHx /Fl", zlib.compress(b"covered " * 500, 9).hex().encode() + b">", 1, 1),
        (b"/AHx /A85 /Fl", b"00>", 2, 1),  # two wrappers
        (b"/AHx", b"4142>", 1, 0),  # a wrapper alone: no Flate level
    ],
    ids=["one-level", "five-levels", "hex-wrapped", "two-wrappers", "wrapper-only"],
)
def test_refuse_bombs_checks_exactly_when_the_bound_passes_the_limit(
    monkeypatch, filters, body, wrappers, levels
):
    """The bound: the stream's bytes × 4 per ASCII wrapper × 1032 per Flate level (four at most), each
    level's output counted. At the bound itself nothing is inflated; one byte under it, the exact check
    runs."""
    data = _one(_wrapped(filters, body))
    size = _stream_length(data) * 4**wrappers
    bound = sum(size * streams.FLATE_RATIO**k for k in range(1, levels + 1))
    calls: list[int] = []
    monkeypatch.setattr(streams, "check_inflation", lambda data, limit: calls.append(limit))
    streams.refuse_bombs(data, max(bound, 1))
    assert calls == []
    if bound:
        streams.refuse_bombs(data, bound - 1)
        assert calls == [bound - 1]


def test_a_stream_with_no_flate_level_does_not_end_the_scan():
    """An ASCII-only stream first, a Flate stream after it: the second still counts."""
    text = zlib.compress(bombs.TEXT, 9)
    objs = [_wrapped(b"/AHx", b"4142>"), _wrapped(b"/FlateDecode", text)]
    assert check_inflation(bombs.pdf(objs)) == len(bombs.TEXT)
