"""The inflation budget: PDF bombs are refused before any reader opens them; real policies pass."""

from __future__ import annotations

import base64

import pytest

import extractors
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
