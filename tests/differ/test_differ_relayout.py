"""``differ.relayout.relaid``: tables laid out anew (same cells) are formatting; any change of a cell is not.

Found by history holdout3 (a code table with a "Code Type" column re-published as one captioned table per
code type was announced as a wording change). The texts are normalized text as the extractors write it: a
table row is one line of " | "-joined cells, its first row the header.
"""

from __future__ import annotations

import pytest

from differ.relayout import relaid

ONE_TABLE = """Codes
Code Type | Code | Description
HCPCS | S0013 | Esketamine, nasal spray, 1 mg
HCPCS | G2082 | Esketamine visit, up to 56 mg
ICD-10 | F33.2 | Recurrent major depression, severe
Printed on 12/08/2025"""

PER_TYPE = """Codes
HCPCS
Code | Description
S0013 | Esketamine, nasal spray, 1 mg
G2082 | Esketamine visit, up to 56 mg
ICD-10
Code | Description
F33.2 | Recurrent major depression, severe
Printed on 12/22/2025"""


def test_a_table_split_per_code_type_is_a_relayout_both_ways():
    assert relaid(ONE_TABLE, PER_TYPE)
    assert relaid(PER_TYPE, ONE_TABLE)  # merged back under a "Code Type" column


def test_columns_in_another_order_are_a_relayout():
    swapped = ONE_TABLE.replace("Code Type | Code | Description", "Code | Description | Code Type")
    rows = [
        ("HCPCS | S0013 | Esketamine, nasal spray, 1 mg", "S0013 | Esketamine, nasal spray, 1 mg | HCPCS"),
        ("HCPCS | G2082 | Esketamine visit, up to 56 mg", "G2082 | Esketamine visit, up to 56 mg | HCPCS"),
        (
            "ICD-10 | F33.2 | Recurrent major depression, severe",
            "F33.2 | Recurrent major depression, severe | ICD-10",
        ),
    ]
    for old, new in rows:
        swapped = swapped.replace(old, new)
    assert relaid(ONE_TABLE, swapped)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("S0013 | Esketamine, nasal spray, 1 mg", "J0013 | Esketamine, nasal spray, 1 mg"),  # a code swapped
        ("up to 56 mg", "up to 84 mg"),  # a description changed
        ("G2082 | Esketamine visit, up to 56 mg\n", ""),  # a row removed
        ("ICD-10\nCode | Description\nF33.2", "Code | Description\nF33.2"),  # F33.2 left its group
        ("Codes\nHCPCS", "Billing codes\nHCPCS"),  # a prose line changed
    ],
)
def test_a_changed_cell_row_or_line_is_not_a_relayout(old, new):
    assert old in PER_TYPE
    assert not relaid(ONE_TABLE, PER_TYPE.replace(old, new))


def test_the_same_tables_or_no_tables_are_not_a_relayout():
    assert not relaid(PER_TYPE, PER_TYPE.replace("12/22/2025", "01/05/2026"))  # nothing to say about tables
    assert not relaid("Esketamine is covered.", "Esketamine is not covered.")


# A table written out as a list (history holdout4: a Medicaid drug list's "Drug | HCPCS | Criteria" table
# re-published as one bullet per drug): the same cells in order, labelled by the header's words.
AS_TABLE = """Covered Drugs
Drug | HCPCS | Criteria
Brexanolone injection (Zulresso) | J1632 | PA-BRX-01
Esketamine nasal spray (Spravato) | J0013 | PA-ESK-03
How to Request
Send the request form.
Printed on 03/02/2026"""

AS_LIST = """Covered Drugs
- Brexanolone injection (Zulresso): HCPCS J1632; criteria PA-BRX-01
- Esketamine nasal spray (Spravato): HCPCS J0013; criteria PA-ESK-03
How to Request
Send the request form.
Printed on 03/16/2026"""


def test_a_table_written_out_as_a_list_is_a_relayout_both_ways():
    assert relaid(AS_TABLE, AS_LIST)
    assert relaid(AS_LIST, AS_TABLE)  # a list made a table
    # another table that stayed a table does not spoil it
    codes = "\nCodes\nCode | Description\nJ0013 | Esketamine, 1 mg"
    assert relaid(AS_TABLE + codes, AS_LIST + codes)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("HCPCS J0013", "HCPCS J3490"),  # a cell changed
        ("; criteria PA-ESK-03", ""),  # a cell dropped
        ("(Spravato): HCPCS", "(Spravato), prior authorization required: HCPCS"),  # words that are no label
        ("- Brexanolone injection (Zulresso): HCPCS J1632; criteria PA-BRX-01\n", ""),  # a row removed
        ("How to Request", "How to Ask"),  # a prose line changed
    ],
)
def test_a_list_that_is_not_the_tables_rows_is_not_a_relayout(old, new):
    assert old in AS_LIST
    assert not relaid(AS_TABLE, AS_LIST.replace(old, new))
    assert not relaid(AS_LIST.replace(old, new), AS_TABLE)
