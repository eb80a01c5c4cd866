"""Open SDG imports: real files from national statistics offices, bad files, round trips."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from indicators.imports import ImportRejected, Layout, observations_export, observations_import
from indicators.models import Area, Indicator, Observation, ObservationRevision
from indicators.periods import parse_period

pytestmark = pytest.mark.django_db

# Real files of three statistics offices, shipped as demo data (see SOURCES.md there).
DATA = Path(__file__).resolve().parent.parent.parent / "tracker" / "data" / "open-sdg"


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2019", dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
        ("2013 Q1", dt.date(2013, 1, 1), dt.date(2013, 3, 31)),
        ("2013-Q4", dt.date(2013, 10, 1), dt.date(2013, 12, 31)),
        ("2016/17", dt.date(2016, 1, 1), dt.date(2017, 12, 31)),
        ("2014-15", dt.date(2014, 1, 1), dt.date(2015, 12, 31)),
        ("1999/00", dt.date(1999, 1, 1), dt.date(2000, 12, 31)),
        ("2019-05", dt.date(2019, 5, 1), dt.date(2019, 5, 31)),
        ("2015.0", dt.date(2015, 1, 1), dt.date(2015, 12, 31)),
        ("2019/20 [Note 5]", dt.date(2019, 1, 1), dt.date(2020, 12, 31)),
        ("2021 (p)", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
    ],
)
def test_periods_keep_their_label_and_sort(label, start, end):
    period = parse_period(label)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize("label", ["", "soon", "2019-13", "20199", "Q5 2019"])
def test_unreadable_periods_say_what_was_expected(label):
    with pytest.raises(ValueError, match="is not a year"):
        parse_period(label)


@pytest.mark.parametrize("country", ["ARM", "GBR", "RWA"])
def test_real_files_import_without_error_and_again_change_nothing(country):
    out = io.StringIO()
    call_command("import_observations", str(DATA / country), country=country, stdout=out)
    assert "refused" not in out.getvalue()
    count = Observation.objects.filter(area__iso3=country).count()
    assert count > 0
    again = io.StringIO()
    call_command("import_observations", str(DATA / country), country=country, stdout=again)
    assert ": 0 written" in again.getvalue()
    assert Observation.objects.filter(area__iso3=country).count() == count


def test_a_header_alone_is_no_data():
    summary = observations_import(
        files=[DATA / "ARM" / "indicator_10-7-3.csv"], area=Area.objects.get(iso3="ARM")
    )
    assert summary.files_without_data == 1
    assert summary.written == 0


def test_quarters_and_disaggregations_of_a_real_file():
    observations_import(
        files=[DATA / "GBR" / "indicator_10-c-1.csv"], area=Area.objects.get(iso3="GBR")
    )
    first = Observation.objects.filter(period_label="2013 Q1").first()
    assert first.period_end == dt.date(2013, 3, 31)
    assert first.value == Decimal("7.96")
    assert first.disaggregation["Units"] == "Percentage (%)"


def write(tmp_path, name, text) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def broken_and_good(tmp_path) -> list[Path]:
    good = write(tmp_path, "indicator_10-c-1.csv", "Year,Value\n2019,7.1\n2020,6.9\n")
    bad = write(
        tmp_path,
        "indicator_10-7-1.csv",
        "Year,Sex,Value\n2019,Female,12\nlast year,Male,11\n2020,Male,eleven\n2021,Male,3,4\n",
    )
    return [good, bad]


def test_a_broken_file_is_refused_whole_naming_every_bad_row_and_the_others_imported(tmp_path):
    summary = observations_import(
        files=broken_and_good(tmp_path), area=Area.objects.get(iso3="KEN")
    )
    assert [(name, line) for name, line, _ in summary.rejected] == [
        ("indicator_10-7-1.csv", 3),
        ("indicator_10-7-1.csv", 4),
        ("indicator_10-7-1.csv", 5),
    ]
    reasons = " ".join(reason for _, _, reason in summary.rejected)
    assert "'last year' is not a year" in reasons
    assert "'eleven' is not a number" in reasons
    assert "4 cells where the header has 3" in reasons
    assert summary.refused_files == ["indicator_10-7-1.csv"]
    # The good file's two values, and nothing of the broken file's good first row.
    assert list(
        Observation.objects.filter(area__iso3="KEN").values_list("indicator__sdg_code", flat=True)
    ) == ["10.c.1", "10.c.1"]


def test_strict_writes_nothing_if_any_file_is_broken(tmp_path):
    with pytest.raises(ImportRejected) as rejected:
        observations_import(
            files=broken_and_good(tmp_path), area=Area.objects.get(iso3="KEN"), strict=True
        )
    assert len(rejected.value.summary.rejected) == 3
    assert not Observation.objects.filter(area__iso3="KEN").exists()


def test_an_unknown_layout_is_refused(tmp_path):
    path = write(tmp_path, "indicator_10-c-1.csv", "Date,Amount\n2019,3\n")
    summary = observations_import(files=[path], area=Area.objects.get(iso3="KEN"))
    assert "no Year and Value columns" in summary.rejected[0][2]


def test_a_short_row_lacks_its_last_cells_as_open_sdg_reads_it(tmp_path):
    path = write(tmp_path, "indicator_10-7-1.csv", "Year,Sex,Value\n2019,Female,12\n2020,Male\n")
    summary = observations_import(files=[path], area=Area.objects.get(iso3="KEN"))
    assert (summary.rejected, summary.written, summary.empty_values) == ([], 1, 1)


def test_a_note_in_place_of_data_and_empty_values_are_no_data(tmp_path):
    note = write(tmp_path, "indicator_10-7-3.csv", "Data for this indicator is not yet available\n")
    gaps = write(tmp_path, "indicator_10-c-1.csv", "Year,Value\n2019,\n2020,5.5\n")
    summary = observations_import(files=[note, gaps], area=Area.objects.get(iso3="KEN"))
    assert (summary.files_without_data, summary.empty_values, summary.written) == (1, 1, 1)


def test_a_newer_value_replaces_the_older_with_history(tmp_path):
    area = Area.objects.get(iso3="KEN")
    observations_import(
        files=[write(tmp_path, "indicator_10-c-1.csv", "Year,Value\n2019,7.1\n")], area=area
    )
    (tmp_path / "indicator_10-c-1.csv").write_text("Year,Value\n2019,6.8\n", encoding="utf-8")
    observations_import(files=[tmp_path / "indicator_10-c-1.csv"], area=area)
    observation = Observation.objects.get(area=area)
    assert observation.value == Decimal("6.8")
    assert ObservationRevision.objects.get(observation=observation).value == Decimal("7.1")


REAL_FILES = sorted(DATA.glob("*/indicator_*.csv"))


@pytest.mark.parametrize("source", REAL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_file_round_trips(source):
    """Import then export gives the same points: period, disaggregation, value."""
    area = Area.objects.get(iso3=source.parent.name)
    observations_import(files=[source], area=area)
    code = source.stem.removeprefix("indicator_").replace("-", ".")
    indicator = Indicator.objects.get(sdg_code=code, indicator_set__is_current=True)
    exported = observations_export(indicator=indicator, area=area)

    def points(text: str) -> set[tuple]:
        rows = csv.DictReader(io.StringIO(text))
        return {
            (
                row["Year"],
                tuple(sorted((k, v) for k, v in row.items() if k not in ("Year", "Value") and v)),
                Decimal(row["Value"]).quantize(Decimal("1e-10")),
            )
            for row in rows
            if row.get("Value")
        }

    assert points(exported) == points(source.read_text(encoding="utf-8-sig"))


def test_the_command_exits_non_zero_and_lists_bad_rows(tmp_path):
    write(tmp_path, "indicator_10-c-1.csv", "Year,Value\nnever,3\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 file refused"):
        call_command("import_observations", str(tmp_path), country="KEN", stderr=err)
    assert "indicator_10-c-1.csv:2:" in err.getvalue()


def test_the_command_refuses_an_unknown_country(tmp_path):
    with pytest.raises(CommandError, match="not a country code"):
        call_command("import_observations", str(tmp_path), country="XXX")


# The long layout of the UN SDG Global Database as its API writes it (values made up for tests).
SDG_GLOBAL = (
    "Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,"
    "Value,Time_Detail,TimeCoverage,UpperBound,LowerBound,BasePeriod,Source,GeoInfoUrl,"
    "FootNote,Nature,Reporting Type,Sex,Units\n"
    '10,10.c,10.c.1,SI_RMT_COST,"Remittance costs, as a proportion of the amount remitted (%)",'
    "404,Kenya,2019,7.5,2019,,,,,World Bank,,,E,G,,PERCENT\n"
    '10,10.c,10.c.1,SI_RMT_COST,"Remittance costs, as a proportion of the amount remitted (%)",'
    "404,Kenya,2020,NaN,2020,,,,,World Bank,,,E,G,,PERCENT\n"
    '10,10.c,10.c.1,SI_RMT_COST,"Remittance costs, as a proportion of the amount remitted (%)",'
    "4,Afghanistan,2020,<5,2020,,,,,World Bank,,,E,G,,PERCENT\n"
    '10,10.c,10.c.1,SI_RMT_COST,"Remittance costs, as a proportion of the amount remitted (%)",'
    "1,World,2020,6.3,2020,,,,,World Bank,,,E,G,,PERCENT\n"
    '10,10.c,10.c.1,SI_RMT_COST,"Remittance costs, as a proportion of the amount remitted (%)",'
    "513,Europe and Northern America,2020,6.1,2020,,,,,World Bank,,,E,G,,PERCENT\n"
    "1,1.1,1.1.1,SI_POV_DAY1,Proportion below the poverty line (%),404,Kenya,2019,36.1,"
    "2019,,,,,World Bank,,,E,G,BOTHSEX,PERCENT\n"
)


def test_the_un_long_layout_places_each_row_by_m49_code(tmp_path):
    path = write(tmp_path, "sdg_10c1.csv", SDG_GLOBAL)
    summary = observations_import(files=[path], layout=Layout.SDG_GLOBAL)
    kenya = Observation.objects.get(area__iso3="KEN")
    assert kenya.value == Decimal("7.5")
    assert kenya.disaggregation == {
        "Series": "SI_RMT_COST",
        "Reporting Type": "G",
        "Units": "PERCENT",
    }
    assert kenya.source == "World Bank"
    assert Observation.objects.get(area__code="001").value == Decimal("6.3")
    # NaN is no data, "<5" only a bound; a grouping and an indicator not followed are skipped.
    assert (summary.written, summary.empty_values, summary.bounded_values, summary.skipped) == (
        2,
        1,
        1,
        2,
    )
    assert observations_import(files=[path], layout=Layout.SDG_GLOBAL).unchanged == 2


def test_the_un_portal_download_writes_dimensions_in_brackets(tmp_path):
    text = (
        "Goal,Target,Indicator,SeriesCode,GeoAreaCode,GeoAreaName,TimePeriod,Value,[Sex],[Units]\n"
        "8,8.8,['8.8.1'],SL_EMP_FTLINJUR,404,Kenya,2018,2.5,FEMALE,PER_100000_WORKERS\n"
    )
    observations_import(files=[write(tmp_path, "dl.csv", text)], layout=Layout.SDG_GLOBAL)
    observation = Observation.objects.get(area__iso3="KEN")
    assert observation.indicator.sdg_code == "8.8.1"
    assert observation.disaggregation["Sex"] == "FEMALE"


def test_the_un_layout_keeps_one_country_when_asked(tmp_path):
    path = write(tmp_path, "sdg_10c1.csv", SDG_GLOBAL)
    observations_import(files=[path], layout=Layout.SDG_GLOBAL, area=Area.objects.get(code="001"))
    assert list(Observation.objects.values_list("area__code", flat=True)) == ["001"]


def test_a_broken_un_file_names_its_bad_rows(tmp_path):
    text = SDG_GLOBAL.replace("404,Kenya,2019,7.5", "404,Kenya,someday,7.5").replace(
        "1,World,2020,6.3", "World,World,2020,6.3"
    )
    summary = observations_import(
        files=[write(tmp_path, "bad.csv", text)], layout=Layout.SDG_GLOBAL
    )
    assert [(line, reason[:20]) for _, line, reason in summary.rejected] == [
        (2, "period 'someday' is "),
        (5, "GeoAreaCode 'World' "),
    ]
    assert not Observation.objects.exists()


def test_the_un_layout_is_recognised_by_its_columns(tmp_path):
    path = write(tmp_path, "open.csv", "Year,Value\n2019,3\n")
    summary = observations_import(files=[path], layout=Layout.SDG_GLOBAL)
    assert "no indicator, geoareacode, timeperiod column" in summary.rejected[0][2]


def test_a_point_repeated_with_another_value_is_named_not_silently_overwritten(tmp_path):
    path = write(tmp_path, "indicator_10-c-1.csv", "Year,Sex,Value\n2019,F,3\n2020,F,4\n2019,F,5\n")
    summary = observations_import(files=[path], area=Area.objects.get(iso3="KEN"))
    assert summary.rejected == [
        (
            "indicator_10-c-1.csv",
            4,
            "same period and disaggregation as line 2, with another value",
        )
    ]
    assert not Observation.objects.exists()


def test_a_point_repeated_with_the_same_value_is_counted_not_refused(tmp_path):
    path = write(
        tmp_path, "indicator_10-c-1.csv", "Year,Sex,Value\n2019,F,3\n2020,F,4\n2019,F,3.0\n"
    )
    summary = observations_import(files=[path], area=Area.objects.get(iso3="KEN"))
    assert (summary.rejected, summary.duplicates, summary.written) == ([], 1, 2)


def test_large_files_are_written_in_batches_and_reimported_unchanged(
    tmp_path, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("indicators.imports.BATCH_SIZE", 100)
    rows = "".join(f"{2000 + n // 40},{n % 40},{n}.5\n" for n in range(1000))
    path = write(tmp_path, "indicator_10-c-1.csv", "Year,Age,Value\n" + rows)
    kenya = Area.objects.get(iso3="KEN")
    # Per batch of 100: one read of what is stored, then the new rows in bulk (plus the
    # indicator lookup, savepoints and the transaction around it).
    with django_assert_max_num_queries(30):
        assert observations_import(files=[path], area=kenya).written == 1000
    path.write_text(path.read_text().replace("999.5", "999.25"), encoding="utf-8")
    summary = observations_import(files=[path], area=kenya)
    assert (summary.unchanged, summary.written) == (999, 1)
    assert ObservationRevision.objects.get().value == Decimal("999.5")


def test_the_command_reads_the_un_layout(tmp_path):
    write(tmp_path, "sdg_10c1.csv", SDG_GLOBAL)
    out = io.StringIO()
    call_command("import_observations", str(tmp_path), format="sdg-global", stdout=out)
    assert "2 written" in out.getvalue()
    assert "2 about areas or indicators not followed here" in out.getvalue()
    assert "[####################] 100%" in out.getvalue()


def test_open_sdg_files_need_a_country(tmp_path):
    with pytest.raises(CommandError, match="give --country"):
        call_command("import_observations", str(tmp_path))


def test_a_file_that_is_not_utf8_or_not_csv_is_refused_with_a_reason(tmp_path):
    latin = tmp_path / "indicator_10-c-1.csv"
    latin.write_bytes("Year,Sex,Value\n2019,Féminin,3\n".encode("latin-1"))
    open_quote = write(tmp_path, "indicator_10-7-1.csv", 'Year,Value\n2019,"3\n2020,4\n')
    summary = observations_import(files=[latin, open_quote], area=Area.objects.get(iso3="KEN"))
    assert summary.rejected == [
        ("indicator_10-c-1.csv", 0, "not UTF-8 text: save the file as UTF-8"),
        ("indicator_10-7-1.csv", 3, "not readable as CSV: unexpected end of data"),
    ]
    assert not Observation.objects.exists()


def test_the_public_download_neutralises_formulas_from_imported_files(client, tmp_path):
    from django.urls import reverse

    path = write(
        tmp_path,
        "indicator_10-c-1.csv",
        'Year,Corridor,COMMENT_OBS,Value\n2019,"=HYPERLINK(""http://x.example"",""go"")",'
        "@SUM(A1),7.5\n2020,+cmd|' /C calc'!A0,-2+3,-1.5\n",
    )
    observations_import(files=[path], area=Area.objects.get(iso3="KEN"))
    indicator = Indicator.objects.get(sdg_code="10.c.1", indicator_set__is_current=True)
    response = client.get(reverse("indicators:data_csv", args=[indicator.pk]), {"area": "KEN"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Year", "Corridor", "COMMENT_OBS", "Value"],
        ["2019", '\'=HYPERLINK("http://x.example","go")', "'@SUM(A1)", "7.5"],
        ["2020", "'+cmd|' /C calc'!A0", "'-2+3", "-1.5"],
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("²", "is not a number"),
        ("²²²²", "is not a number"),
        ("1e999999", "too large to store"),
        ("123456789012345678901234567890", "too large to store"),
        ("x" * 5000, "is not a number"),
    ],
)
def test_values_out_of_range_are_refused_with_their_line_quoted_short(tmp_path, value, reason):
    path = write(tmp_path, "indicator_10-c-1.csv", f"Year,Value\n2019,1\n2020,{value}\n")
    summary = observations_import(files=[path], area=Area.objects.get(iso3="KEN"))
    [(name, line, message)] = summary.rejected
    assert (name, line) == ("indicator_10-c-1.csv", 3)
    assert reason in message
    assert len(message) < 120


def test_a_point_repeated_in_a_later_file_is_compared_with_the_first(tmp_path):
    first = write(tmp_path, "a.csv", SDG_GLOBAL)
    same = write(tmp_path, "b.csv", SDG_GLOBAL)
    other = write(tmp_path, "c.csv", SDG_GLOBAL.replace("404,Kenya,2019,7.5", "404,Kenya,2019,7.7"))
    summary = observations_import(files=[first, same, other], layout=Layout.SDG_GLOBAL)
    assert (summary.duplicates, summary.no_data) == (3, [])  # b's two, and c's world row
    assert summary.refused_files == ["c.csv"]
    assert "as a.csv line 2, with another value" in summary.rejected[0][2]
    assert Observation.objects.get(area__iso3="KEN").value == Decimal("7.5")


def test_the_largest_value_stored_reads_back_on_the_indicator_page(client, tmp_path):
    from django.urls import reverse

    path = write(
        tmp_path, "indicator_10-c-1.csv", "Year,Value\n2019,999999999999999999\n2020,1e18\n"
    )
    summary = observations_import(files=[path], area=Area.objects.get(iso3="KEN"))
    assert [(line, reason[-30:]) for _, line, reason in summary.rejected] == [
        (3, "e to store (18 digits at most)")
    ]
    indicator = Indicator.objects.get(sdg_code="10.c.1", indicator_set__is_current=True)
    observations_import(
        files=[write(tmp_path, "indicator_10-c-1.csv", "Year,Value\n2019,999999999999999999\n")],
        area=Area.objects.get(iso3="KEN"),
    )
    page = client.get(reverse("indicators:detail", args=[indicator.pk]), {"area": "KEN"})
    assert page.status_code == 200
