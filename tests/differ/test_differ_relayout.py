"""``differ.relayout.relaid``: tables laid out anew (same cells) are formatting; any change of a cell is not.

Found by history holdout3 (a code table with a "Code Type" column re-published as one captioned table per
code type was announced as a wording change). The texts are normalized text as the extractors write it: a
table row is one line of " | "-joined cells, its first row the header.
"""

from __future__ import annotations

import pytest

from differ.relayout import relaid, relaid_as_list

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


def test_group_labels_of_several_words_are_captions_too():
    """A label cell is matched to its caption whole ("Drug codes"), not word by word."""
    old = ONE_TABLE.replace("HCPCS |", "Drug codes |").replace("ICD-10 |", "Diagnosis codes |")
    new = PER_TYPE.replace("HCPCS\n", "Drug codes\n").replace("ICD-10\n", "Diagnosis codes\n")
    assert relaid(old, new)
    assert relaid(new, old)


def test_text_moved_between_cells_is_not_a_relayout():
    """The same words in other cells: a code's description now split over two columns."""
    new = PER_TYPE.replace("Esketamine, nasal spray, 1 mg", "Esketamine, nasal spray | 1 mg")
    assert not relaid(ONE_TABLE, new)


def test_a_text_that_ends_in_its_table():
    """The last table is read like any other: its columns swapped is a re-layout, a code swapped is not."""
    old = "Codes\nCode | Description\nS0013 | Esketamine, nasal spray, 1 mg\nG2082 | Esketamine visit"
    swapped = "Codes\nDescription | Code\nEsketamine, nasal spray, 1 mg | S0013\nEsketamine visit | G2082"
    assert relaid(old, swapped)
    assert not relaid(old, swapped.replace("G2082", "G2083"))


def test_a_prose_change_after_a_blank_line_is_seen():
    after = "\n\nSpravato is covered for treatment-resistant depression."
    assert relaid(ONE_TABLE + after, PER_TYPE + after)
    assert not relaid(ONE_TABLE + after, PER_TYPE + after.replace("is covered", "is not covered"))


def test_a_changed_header_without_group_labels_is_not_a_relayout():
    """Only a column whose values became captions may leave the header: a heading renamed, or a column
    dropped whose cells repeated another's (the rows' cells stay the same), is wording."""
    table = "Codes\nCode | Description\nS0013 | Esketamine, nasal spray, 1 mg\nG2082 | Esketamine visit\nEnd"
    renamed = table.replace("Code | Description", "Code | Descriptor")
    billing = table.replace("Code | Description", "Code | Description | Billing code")
    billing = billing.replace("1 mg\n", "1 mg | S0013\n").replace("visit\n", "visit | G2082\n")
    for old, new in ((table, renamed), (billing, table)):
        assert not relaid(old, new)
        assert not relaid(new, old)


def test_a_split_per_code_type_that_renames_a_heading_is_not_a_relayout():
    """Losing the "Code Type" column is the re-layout's one header change; a second one is wording."""
    renamed = PER_TYPE.replace("Code | Description", "Code | Descriptor")
    assert not relaid(ONE_TABLE, renamed)
    assert not relaid(renamed, ONE_TABLE)


def test_a_list_of_one_row_or_of_a_text_that_opens_with_its_table():
    """One data row is a table too, and a text may start with the table's header (no caption above it)."""
    one = "Drug | HCPCS\nEsketamine nasal spray (Spravato) | J0013\nSend the request form."
    listed_one = "- Esketamine nasal spray (Spravato): HCPCS J0013\nSend the request form."
    assert relaid(one, listed_one)
    assert relaid(listed_one, one)


def test_blank_lines_between_the_parts_of_a_listed_table():
    assert relaid(AS_TABLE.replace("How to Request", "\n\nHow to Request"), AS_LIST)


def test_each_row_written_out_needs_a_line_of_its_own():
    """Two rows with the same cells are two lines, however each is punctuated; one line is not both."""
    table = "Drugs\nDrug | HCPCS\nSpravato | J0013\nSpravato | J0013\nEnd"
    assert relaid(table, "Drugs\n- Spravato: J0013\n- Spravato (J0013)\nEnd")
    assert relaid(table, "Drugs\n- Spravato: J0013\n- Spravato: J0013\nEnd")
    assert not relaid(table, "Drugs\n- Spravato: J0013\nEnd")


def test_a_table_written_out_with_its_column_labels_swapped_is_no_relayout():
    """review17: "Drug | Covered | Not covered" rows written out with the labels in another order state
    the opposite stance; the labels must come in the header's order (a cell may drop its header word)."""
    table = "Drugs\nDrug | Covered | Not covered\nKetamine infusion | No | Yes\nSpravato | Yes | No\nEnd."
    spravato = "- Spravato: covered Yes; not covered No"
    same = f"Drugs\n- Ketamine infusion: covered No; not covered Yes\n{spravato}\nEnd."
    swapped = f"Drugs\n- Ketamine infusion: not covered No; covered Yes\n{spravato}\nEnd."
    assert relaid_as_list(table, same) and not relaid_as_list(table, swapped)
    coded = "Drugs\nDrug | HCPCS | Criteria\nSpravato | J0013 | PA criteria ESK-03\nEnd."
    assert relaid_as_list(coded, "Drugs\n- Spravato: HCPCS J0013; criteria PA ESK-03\nEnd.")
