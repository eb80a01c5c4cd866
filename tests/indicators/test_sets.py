"""Indicator sets from CSV and XLSX: versions, atomic imports, data following the current set."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators.models import Area, Indicator, IndicatorSet, Observation
from indicators.sets import SetImportRejected, indicator_set_import, indicator_set_make_current
from tests.factories import PledgeFactory, PledgeTargetFactory

pytestmark = pytest.mark.django_db

TABLE = (
    "Code,Name,Unit,Direction,SDG code,Custodian,Objectives,Target value,Target year\n"
    "10.c.1,Remittance costs as a proportion of the amount remitted,percent,decrease,10.c.1,"
    "World Bank,20,3,2030\n"
    ",Migrants in decent work (a proposed measure without an official code),percent,"
    "higher is better,,,6; 18,,\n"
)


def csv_file(text: str = TABLE) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def import_csv(text: str = TABLE, version: str = "1", **options):
    return indicator_set_import(
        file=csv_file(text),
        filename="set.csv",
        code="gcm-test",
        version=version,
        **({"name": "GCM test set"} | options),
    )


def test_a_new_set_is_imported_with_objectives_and_targets():
    result = import_csv()
    assert result.created
    assert result.indicators == 2
    costs = Indicator.objects.get(indicator_set=result.indicator_set, code="10.c.1")
    assert (costs.direction, costs.sdg_code, costs.custodian) == (
        "decrease",
        "10.c.1",
        "World Bank",
    )
    assert [o.number for o in costs.objectives.all()] == [20]
    target = costs.targets.get()
    assert (target.area, target.value, target.year, target.base_year) == (None, 3, 2030, 2015)
    decent = Indicator.objects.get(indicator_set=result.indicator_set, code="")
    assert decent.direction == "increase"
    assert sorted(o.number for o in decent.objectives.all()) == [6, 18]


def test_an_xlsx_table_reads_like_the_csv():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "objectives", "direction"])
    sheet.append(["10.7.3", "Migrant deaths and disappearances", 8, "decrease"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = indicator_set_import(
        file=buffer, filename="set.xlsx", code="gcm-test", version="1", name="GCM test set"
    )
    indicator = result.indicator_set.indicators.get()
    assert indicator.code == "10.7.3"
    assert [o.number for o in indicator.objectives.all()] == [8]


def test_a_bad_table_writes_nothing_and_names_every_bad_row():
    text = (
        "code,name,direction,SDG code,objectives,target value,target year\n"
        "A1,First,sideways,10.7.2,6,,\n"
        "A2,,increase,ten,24,,\n"
        "A1,Third,decrease,,all,3,\n"
    )
    with pytest.raises(SetImportRejected) as rejected:
        import_csv(text)
    assert rejected.value.rejected == [
        (2, "direction 'sideways' is not increase or decrease"),
        (3, "name is empty"),
        (3, "SDG code 'ten' is not like 10.7.2 (or 10.7.2.1)"),
        (3, "objective '24' is not a number from 1 to 23"),
        (4, "a target needs both a target value and a target year"),
    ]
    assert not IndicatorSet.objects.filter(code="gcm-test").exists()


def test_unknown_columns_and_repeated_codes_are_named():
    with pytest.raises(SetImportRejected) as rejected:
        import_csv("code,name,colour\nA,x,red\n")
    assert rejected.value.rejected == [(1, "unknown column 'colour'")]
    with pytest.raises(SetImportRejected) as rejected:
        import_csv("code,name\nA,x\nA,y\n")
    assert rejected.value.rejected == [(3, "code 'A' is already on line 2")]


def test_a_new_set_needs_a_name_and_a_table_needs_rows():
    with pytest.raises(SetImportRejected) as rejected:
        import_csv("code,name\n", name="")
    assert [reason for _, reason in rejected.value.rejected] == [
        "the table holds no indicator",
        "the set 'gcm-test' is new: give it a name",
    ]


def test_the_same_version_again_changes_nothing_and_other_content_is_refused():
    first = import_csv()
    again = import_csv()
    assert not again.created
    assert again.indicator_set == first.indicator_set
    with pytest.raises(SetImportRejected, match="does not change once imported"):
        import_csv(TABLE.replace("World Bank", "IOM"))


def test_a_new_version_becomes_current_takes_the_data_and_leaves_pledge_targets_alone():
    first = import_csv().indicator_set
    old = first.indicators.get(code="10.c.1")
    kenya = Area.objects.get(iso3="KEN")
    Observation.objects.create(
        indicator=old,
        area=kenya,
        period_label="2019",
        period_start="2019-01-01",
        period_end="2019-12-31",
        value=Decimal("7.5"),
    )
    target = PledgeTargetFactory(pledge=PledgeFactory(), indicator=old, own_metric="")

    second = import_csv(TABLE.replace("percent,decrease", "per cent,decrease"), version="2")

    first.refresh_from_db()
    assert second.indicator_set.is_current
    assert not first.is_current
    assert second.carried_on == 1
    new = second.indicator_set.indicators.get(code="10.c.1")
    assert Observation.objects.get().indicator == new
    old.refresh_from_db()
    assert old.superseded_by == new
    target.refresh_from_db()
    assert target.indicator == old  # the version the pledge chose
    assert first.indicators.count() == 2  # older versions stay readable

    indicator_set_make_current(indicator_set=first)
    assert Observation.objects.get().indicator == old
    new.refresh_from_db()
    assert new.superseded_by == old


def test_a_version_loaded_as_not_current_leaves_the_current_one():
    first = import_csv().indicator_set
    second = import_csv(TABLE.replace("percent", "%"), version="2", make_current=False)
    first.refresh_from_db()
    assert first.is_current
    assert not second.indicator_set.is_current


def test_the_command_imports_and_reports(tmp_path):
    path = tmp_path / "set.csv"
    path.write_text(TABLE, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_indicator_set", str(path), code="gcm-test", set_version="1", name="T", stdout=out
    )
    assert "T (1) imported: 2 indicators, current" in out.getvalue()


def test_the_command_exits_non_zero_and_lists_problems(tmp_path):
    path = tmp_path / "set.csv"
    path.write_text("code,name,direction\nA,x,up-ish\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_indicator_set", str(path), code="t", set_version="1", name="T", stderr=err
        )
    assert "set.csv:2: direction 'up-ish'" in err.getvalue()


def test_the_secretariat_imports_a_set_in_the_admin(client, secretariat):
    client.force_login(secretariat)
    url = reverse("admin:indicators_indicatorset_import")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("set.csv", TABLE.encode()),
            "code": "gcm-test",
            "version": "1",
            "name": "GCM test set",
            "make_current": "on",
        },
    )
    indicator_set = IndicatorSet.objects.get(code="gcm-test")
    assert response.url == reverse("admin:indicators_indicatorset_change", args=[indicator_set.pk])


def test_the_admin_import_shows_every_problem_and_writes_nothing(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:indicators_indicatorset_import"),
        {
            "file": SimpleUploadedFile("set.csv", b"code,name,objectives\nA,x,99\n"),
            "code": "gcm-test",
            "version": "1",
            "name": "GCM test set",
        },
    )
    assert response.status_code == 200
    assert "Line 2: objective &#x27;99&#x27; is not a number from 1 to 23" in response.text
    assert not IndicatorSet.objects.filter(code="gcm-test").exists()


def test_staff_without_the_permissions_cannot_import(client, member, secretariat):
    url = reverse("admin:indicators_indicatorset_import")
    client.force_login(member)
    assert client.get(url).status_code == 302  # to the admin login
    viewer = secretariat
    viewer.user_permissions.clear()
    client.force_login(viewer)
    assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("admin:indicators_indicatorset_import"))
    assert response.status_code == 302


def test_the_secretariat_makes_an_older_version_current_again(client, secretariat):
    first = import_csv().indicator_set
    import_csv(TABLE.replace("percent", "%"), version="2")
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:indicators_indicatorset_changelist"),
        {"action": "make_current", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_current


def test_two_versions_of_one_set_cannot_both_be_made_current(client, secretariat):
    first = import_csv().indicator_set
    second = import_csv(TABLE.replace("percent", "%"), version="2").indicator_set
    client.force_login(secretariat)
    client.post(
        reverse("admin:indicators_indicatorset_changelist"),
        {"action": "make_current", "_selected_action": [first.pk, second.pk]},
    )
    second.refresh_from_db()
    assert second.is_current


def test_a_file_that_is_not_a_table_is_refused_with_a_reason():
    with pytest.raises(SetImportRejected, match="not a readable XLSX file"):
        indicator_set_import(
            file=io.BytesIO(b"not a workbook"), filename="set.xlsx", code="t", version="1", name="T"
        )
    with pytest.raises(SetImportRejected, match="not UTF-8"):
        indicator_set_import(
            file=io.BytesIO("code,name\nA,Caf\u00e9\n".encode("latin-1")),
            filename="set.csv",
            code="t",
            version="1",
            name="T",
        )
    with pytest.raises(SetImportRejected, match=r"give a \.csv or \.xlsx file"):
        indicator_set_import(
            file=io.BytesIO(b""), filename="set.pdf", code="t", version="1", name="T"
        )


def test_an_indicator_without_a_code_is_carried_on_by_its_name():
    first = import_csv().indicator_set
    uncoded = first.indicators.get(code="")
    Observation.objects.create(
        indicator=uncoded,
        area=Area.objects.get(iso3="KEN"),
        period_label="2020",
        period_start="2020-01-01",
        period_end="2020-12-31",
        value=Decimal("41"),
    )
    second = import_csv(TABLE.replace("percent,higher", "% of workers,higher"), version="2")
    assert second.carried_on == 1
    assert Observation.objects.get().indicator.indicator_set == second.indicator_set


def test_a_quote_left_open_is_refused_with_its_line():
    with pytest.raises(SetImportRejected) as rejected:
        import_csv('code,name\nA,"Unfinished\n')
    assert rejected.value.rejected == [(2, "not readable as CSV: unexpected end of data")]


def test_staff_without_change_permission_cannot_make_a_version_current(client, secretariat):
    from django.contrib.auth.models import Permission

    first = import_csv().indicator_set
    import_csv(TABLE.replace("percent", "%"), version="2")
    secretariat.user_permissions.set(Permission.objects.filter(codename="view_indicatorset"))
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:indicators_indicatorset_changelist"),
        {"action": "make_current", "_selected_action": [first.pk]},
    )
    assert response.status_code == 200  # the action is not offered: Django says so, changes nothing
    first.refresh_from_db()
    assert not first.is_current


# Hostile tables: each is refused with a plain, short reason, never an error page.

MB = 1024 * 1024
SHEET_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def workbook(
    sheet_data: str, shared_strings: Iterable[bytes] = (), prolog: bytes = b""
) -> io.BytesIO:
    """A valid XLSX whose sheet and shared strings are written as given, part by part: the
    way a hostile one is made (openpyxl writes strings inline and checks what it writes)."""
    base = io.BytesIO()
    openpyxl.Workbook().save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in source.namelist():
            xml = source.read(name).decode()
            if name == "[Content_Types].xml":
                xml = xml.replace("</Types>", f"{SHARED_STRINGS}</Types>")
            elif name == "xl/worksheets/sheet1.xml":
                xml = xml.replace("<sheetData></sheetData>", f"<sheetData>{sheet_data}</sheetData>")
            z.writestr(name, xml)
        with z.open("xl/sharedStrings.xml", "w") as part:
            part.write(prolog + f'<sst xmlns="{SHEET_MAIN}">'.encode())
            for chunk in shared_strings:
                part.write(chunk)
            part.write(b"</sst>")
    out.seek(0)
    return out


def text_cells(*texts: str) -> str:
    return "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in texts)


def import_xlsx(file: io.BytesIO):
    return indicator_set_import(
        file=file, filename="set.xlsx", code="gcm-test", version="1", name="GCM test set"
    )


def test_a_hand_made_workbook_with_shared_strings_reads_like_any_other():
    file = workbook(
        f'<row r="1">{text_cells("code", "name")}</row>'
        '<row r="2"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>',
        [b"<si><t>10.7.3</t></si><si><t>Migrant deaths and disappearances</t></si>"],
    )
    indicator = import_xlsx(file).indicator_set.indicators.get()
    assert (indicator.code, indicator.name) == ("10.7.3", "Migrant deaths and disappearances")


def test_a_zip_bomb_is_refused_by_its_size_before_it_is_unpacked_and_in_few_words():
    # One shared string of 100 MB packs into about 100 KB.
    bomb = workbook(
        f'<row r="1">{text_cells("name")}</row><row r="2"><c t="s"><v>0</v></c></row>',
        [b"<si><t>", *[b"a" * MB] * 100, b"</t></si>"],
    )
    assert len(bomb.getvalue()) < 200 * 1024
    with pytest.raises(SetImportRejected) as rejected:
        import_xlsx(bomb)
    assert rejected.value.rejected == [
        (0, "the workbook's part 'xl/sharedStrings.xml' unpacks to more than 20 MB")
    ]
    assert len(str(rejected.value)) < 500


def test_a_workbook_packed_far_tighter_than_any_table_is_refused():
    # 4 MB of empty cells pack into a few KB: openpyxl would spend seconds and 340 MB on them.
    with pytest.raises(SetImportRejected) as rejected:
        import_xlsx(workbook(f'<row r="1">{"<c/>" * MB}</row>'))
    assert rejected.value.rejected == [
        (0, "the workbook unpacks to more than 100 times its size, which no real table does")
    ]


# Random bytes in a comment keep each of these under the packing cap, as an attacker would.
PADDING = f"<!--{os.urandom(150_000).hex()}-->"


@pytest.mark.parametrize(
    ("sheet_data", "reason"),
    [
        (
            f'<row r="1">{"<c/>" * 200_000}</row>',
            "a row, sheet or string list in the workbook holds more than 100,000 items",
        ),
        (
            "<row><c/><c/><c/><c/><c/><c/><c/><c/><c/></row>" * 110_000,
            "the workbook holds more than 1,000,000 XML elements (cells, rows, texts): keep only "
            "the indicator table in it",
        ),
        (
            '<row r="1"><c ' + " ".join(f'a{i}="1"' for i in range(20_000)) + "/></row>",
            "the workbook holds a text or tag longer than 64 KB",
        ),
    ],
    ids=["a row of 200,000 cells", "a million elements", "a tag of 20,000 attributes"],
)
def test_a_workbook_of_too_many_xml_elements_is_refused_before_openpyxl_reads_it(
    sheet_data, reason
):
    with pytest.raises(SetImportRejected) as rejected:
        import_xlsx(workbook(sheet_data + PADDING))
    assert rejected.value.rejected == [(0, reason)]


def test_a_workbook_declaring_xml_entities_is_refused():
    # The start of "a billion laughs": each entity ten times the one before.
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    file = workbook(f'<row r="1">{text_cells("name")}</row>', [b"<si><t>&b;</t></si>"], laughs)
    with pytest.raises(SetImportRejected) as rejected:
        import_xlsx(file)
    assert rejected.value.rejected == [
        (0, "the workbook's XML declares a document type, which XLSX never does")
    ]


def test_a_sheet_going_on_past_the_row_cap_is_refused_even_below_empty_rows():
    # A sheet jumping to row 1,000,000,000 makes openpyxl yield every empty row before it.
    file = workbook(
        f'<row r="1">{text_cells("name")}</row>'
        f'<row r="2">{text_cells("x")}</row>'
        f'<row r="1000000000">{text_cells("y")}</row>'
    )
    with pytest.raises(SetImportRejected) as rejected:
        import_xlsx(file)
    assert rejected.value.rejected == [
        (10_002, "the table goes on past 10,000 rows below its header")
    ]


def test_a_cell_in_the_last_excel_column_is_refused_and_empty_styled_cells_are_not():
    far = workbook(
        f'<row r="1">{text_cells("name")}<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    with pytest.raises(SetImportRejected) as rejected:
        import_xlsx(far)
    assert rejected.value.rejected == [(1, "the row fills more than 100 columns")]

    styled = workbook(
        f'<row r="1">{text_cells("name")}<c r="XFD1" s="0"/></row>'
        f'<row r="2">{text_cells("Migrant deaths")}<c r="XFD2" s="0"/></row>'
    )
    assert import_xlsx(styled).indicators == 1


@pytest.mark.parametrize("value", ["9" * 5000, "inf"], ids=["5,000 digits", "inf"])
def test_a_number_cell_openpyxl_cannot_read_is_refused_not_an_error_page(value):
    file = workbook(f'<row r="1">{text_cells("name")}</row><row r="2"><c><v>{value}</v></c></row>')
    with pytest.raises(SetImportRejected) as rejected:
        import_xlsx(file)
    [(line, reason)] = rejected.value.rejected
    # openpyxl's own words, which quote the cell, cut short.
    assert line == 0
    assert reason.startswith("not a readable XLSX file (")
    assert len(reason) < 150


def test_a_file_over_the_size_cap_is_refused_unread():
    big = "code,name\n" + "A,x\n" * (3 * MB)  # 12 MB
    with pytest.raises(SetImportRejected) as rejected:
        import_csv(big)
    assert rejected.value.rejected == [(0, "the file is larger than 10 MB")]


def test_a_csv_going_on_past_the_row_cap_is_refused_with_the_line():
    text = "code,name\n" + "".join(f"A{i},Indicator {i}\n" for i in range(10_001))
    with pytest.raises(SetImportRejected) as rejected:
        import_csv(text)
    assert rejected.value.rejected == [
        (10_002, "the table goes on past 10,000 rows below its header")
    ]


def test_a_csv_row_of_too_many_columns_is_refused_but_trailing_empty_ones_are_not():
    with pytest.raises(SetImportRejected) as rejected:
        import_csv("code,name\nA,x" + ",y" * 100 + "\n")
    assert rejected.value.rejected == [(2, "the row fills more than 100 columns")]
    assert import_csv("code,name\nA,x" + "," * 500 + "\n").indicators == 1


def test_a_long_cell_is_refused_and_quoted_short():
    description = "D" * 100_000
    with pytest.raises(SetImportRejected) as rejected:
        import_csv(f"code,name,description\nA,x,{description}\n")
    assert rejected.value.rejected == [
        (2, f"the cell in column 3 is longer than 5,000 characters ('{'D' * 40}…')")
    ]


def test_a_cell_past_csvs_own_cap_is_refused_in_our_words():
    with pytest.raises(SetImportRejected) as rejected:
        import_csv(f'code,name\nA,"{"x" * 200_000}"\n')
    assert rejected.value.rejected == [(2, "a cell is longer than 5,000 characters")]


def test_a_csv_line_longer_than_any_row_within_the_caps_is_refused_before_it_is_split():
    with pytest.raises(SetImportRejected) as rejected:
        import_csv("code,name\n" + "ab," * 200_000 + "\n")
    assert rejected.value.rejected == [(2, "the line is longer than 500,000 characters")]


def test_every_reason_quotes_a_bad_cell_short():
    direction = "sideways " * 500
    with pytest.raises(SetImportRejected) as rejected:
        import_csv(f"code,name,direction\nA,x,{direction}\n")
    [(line, reason)] = rejected.value.rejected
    assert (line, reason) == (
        2,
        f"direction {direction.strip()[:40] + '…'!r} is not increase or decrease",
    )


def test_a_table_of_many_bad_rows_lists_the_first_hundred_problems():
    with pytest.raises(SetImportRejected) as rejected:
        import_csv("code,name,objectives\n" + "".join(f"A{i},x{i},99\n" for i in range(500)))
    assert len(rejected.value.rejected) == 101
    assert rejected.value.rejected[-1] == (0, "more problems than these first 100")


@pytest.mark.parametrize(
    ("columns", "cells", "reason"),
    [
        ("objectives", "²", "objective '²' is not a number from 1 to 23"),
        ("objectives", "²²²²", "objective '²²²²' is not a number from 1 to 23"),
        ("objectives", "٣", "objective '٣' is not a number from 1 to 23"),
        (
            "objectives",
            "99999999999999999999",
            "objective '99999999999999999999' is not a number from 1 to 23",
        ),
        ("objectives", "1" * 4400, f"objective {'1' * 40 + '…'!r} is not a number from 1 to 23"),
        ("target value,target year", "²,2030", "target value '²' is not a number"),
        ("target value,target year", "NaN,2030", "target value 'NaN' is not a number"),
        ("target value,target year", "Infinity,2030", "target value 'Infinity' is not a number"),
        ("target value,target year", "sNaN,2030", "target value 'sNaN' is not a number"),
        (
            "target value,target year",
            "1e9999999999999999999999,2030",
            "target value '1e9999999999999999999999' is not a number",
        ),
        (
            "target value,target year",
            "1e999999,2030",
            "target value '1e999999' is too large: at most 18 digits before the point",
        ),
        (
            "target value,target year",
            f"{'9' * 30},2030",
            f"target value '{'9' * 30}' is too large: at most 18 digits before the point",
        ),
        (
            "target value,target year",
            "99999999999999999999.99999999999,2030",
            "target value '99999999999999999999.99999999999' is too large: at most 18 digits "
            "before the point",
        ),
        ("target value,target year", "3,²", "target year '²' is not a year from 2016 to 2100"),
        (
            "target value,target year",
            f"3,{'2' * 40}",
            f"target year '{'2' * 40}' is not a year from 2016 to 2100",
        ),
        (
            "target value,target year",
            "3,٢٠٣٠",
            "target year '٢٠٣٠' is not a year from 2016 to 2100",
        ),
        (
            "target value,target year",
            "3,2015",
            "target year '2015' is not a year from 2016 to 2100",
        ),
    ],
)
def test_an_odd_number_is_refused_with_its_line(columns, cells, reason):
    with pytest.raises(SetImportRejected) as rejected:
        import_csv(f"name,{columns}\nMigrant deaths,{cells}\n")
    assert rejected.value.rejected == [(2, reason)]


def test_targets_of_eighteen_digits_and_ten_places_or_tiny_exponents_are_read_not_refused():
    text = (
        "code,name,target value,target year\n"
        "A,Eighteen digits and ten places,123456789012345678.1234567890,2100\n"
        "B,Negative,-123456789012345678.1234567890,2016\n"
        "C,Tiny,1e-999999,2030\n"
    )
    indicators = import_csv(text).indicator_set.indicators.order_by("code")
    targets = [(i.targets.get().value, i.targets.get().year) for i in indicators]
    # SQLite keeps 15 significant digits of the 30 PostgreSQL keeps.
    assert targets == [
        (pytest.approx(Decimal("123456789012345678.1234567890")), 2100),
        (pytest.approx(Decimal("-123456789012345678.1234567890")), 2016),
        (Decimal(0), 2030),
    ]


def test_a_national_indicator_numbered_under_an_sdg_indicator_is_accepted():
    table = "code,name,SDG code\nMDA 10.7.2.1,Migration policies adopted,10.7.2.1\n"
    result = indicator_set_import(
        file=io.BytesIO(table.encode()), filename="s.csv", code="mda", version="1", name="MDA"
    )
    assert result.indicator_set.indicators.get().sdg_code == "10.7.2.1"
