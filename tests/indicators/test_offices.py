"""Real files of statistics offices other than the three shipped as demo data.

Copied from their Open SDG data repositories (tests/indicators/data/offices/SOURCES.md: origin,
licence, and the form each file stands for); the survey they come from is in
docs/open-sdg-survey.md. Each form the survey found has a test here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from indicators.imports import file_code, observations_export, observations_import
from indicators.metadata import meta_read
from indicators.models import (
    Area,
    AreaReporting,
    Indicator,
    NoData,
    Observation,
    ReportingStatus,
)
from indicators.periods import parse_period
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

OFFICES = Path(__file__).resolve().parent / "data" / "offices"
# The area each office's files are about (the starter's is anybody's: Kenya here).
AREAS = {"DEU-SH": "DEU", "ESP-CN": "ESP", "ESP-PV": "ESP", "STARTER": "KEN"}


def area_of(office: str) -> Area:
    return Area.objects.get(iso3=AREAS.get(office, office))


@pytest.fixture
def every_indicator() -> None:
    """The current sets follow every indicator the offices' files are for."""
    followed = set(Indicator.objects.current().values_list("sdg_code", flat=True))
    codes = {file_code(path.name) for path in OFFICES.glob("*/data/*.csv")} - {None, *followed}
    for code in sorted(codes):
        IndicatorFactory(code=f"T{code}", sdg_code=code, name=f"Test {code}")


def data(office: str) -> list[Path]:
    return sorted((OFFICES / office / "data").glob("*.csv"))


def load(office: str, name: str) -> Observation:
    path = OFFICES / office / "data" / name
    observations_import(files=[path], area=area_of(office))
    return Observation.objects.filter(area=area_of(office), indicator__sdg_code=file_code(name))


# What is refused, among all the offices' files: only conflicts and the unreadable.
REFUSED = {
    # Wide tables of the Croatian office's older site: a column per series, no Value column.
    ("HRV", "indicator_1-b-1.csv"): "layout not recognised",
    ("HRV", "indicator_10-7-2.csv"): "layout not recognised",
    ("HRV", "indicator_16-2-2.csv"): "layout not recognised",
    ("HRV", "indicator_8-5-2.csv"): "layout not recognised",
    # Rows with a cell more than the header (the unit and the value moved right).
    ("JAM", "indicator_14-5-1.csv"): "5 cells where the header has 4",
    # The same point twice with two values.
    ("JAM", "indicator_15-1-1.csv"): "with another value",
    ("JAM", "indicator_17-1-1.csv"): "with another value",
    ("KAZ", "indicator_17-3-1-2.csv"): "with another value",
    ("KAZ", "indicator_2-a-1.csv"): "with another value",
    ("MDA", "indicator_10-7-4.csv"): "with another value",
    # Shares written as "66/34".
    ("UKR", "indicator_11-4-4.csv"): "is not a number",
}


def test_every_office_folder_imports_with_only_conflicts_and_unreadable_files_refused(
    every_indicator,
):
    refused = {}
    for office in sorted(p.name for p in OFFICES.iterdir() if p.is_dir()):
        summary = observations_import(files=data(office), area=area_of(office))
        for name, _, reason in summary.rejected:
            refused.setdefault((office, name), reason)
    assert set(refused) == set(REFUSED)
    for key, reason in refused.items():
        assert REFUSED[key] in reason, (key, reason)
    assert Observation.objects.count() > 2500


def test_the_command_names_each_refused_file_imports_the_rest_and_exits_non_zero(
    every_indicator,
):
    refused = r"Refused: indicator_14-5-1\.csv, indicator_15-1-1\.csv, indicator_17-1-1\.csv;"
    with pytest.raises(CommandError, match=refused):
        call_command("import_observations", str(OFFICES / "JAM"), country="JAM")
    assert Observation.objects.filter(area__iso3="JAM").count() == 27


# --- Periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "start", "end", "status"),
    [
        ("2007/8", dt.date(2007, 1, 1), dt.date(2008, 12, 31), ""),  # JAM
        ("2014/1", dt.date(2014, 1, 1), dt.date(2014, 3, 31), ""),  # MEX: a quarter
        ("1996/I", dt.date(1996, 1, 1), dt.date(1996, 3, 31), ""),  # MEX
        ("2022/IV P/", dt.date(2022, 10, 1), dt.date(2022, 12, 31), "preliminary"),  # MEX
        ("2008 P/", dt.date(2008, 1, 1), dt.date(2008, 12, 31), "preliminary"),  # MEX
        ("2017 E/", dt.date(2017, 1, 1), dt.date(2017, 12, 31), "estimated"),  # MEX
        ("2020 R/", dt.date(2020, 1, 1), dt.date(2020, 12, 31), "revised"),  # MEX
        ("2021-2022*", dt.date(2021, 1, 1), dt.date(2022, 12, 31), ""),  # USA
        ("1980 to 1990", dt.date(1980, 1, 1), dt.date(1990, 12, 31), ""),  # CAN
        ("2014/2015", dt.date(2014, 1, 1), dt.date(2015, 12, 31), ""),  # CAN, MEX
        ("2019/21", dt.date(2019, 1, 1), dt.date(2021, 12, 31), ""),  # CAN, KOR
        ("2014-16", dt.date(2014, 1, 1), dt.date(2016, 12, 31), ""),  # ISL
        ("2002-2004", dt.date(2002, 1, 1), dt.date(2004, 12, 31), ""),  # ISL
        ("FY2013/2014", dt.date(2013, 1, 1), dt.date(2014, 12, 31), ""),  # JAM
        ("2007/08 to 2008/09", dt.date(2007, 1, 1), dt.date(2009, 12, 31), ""),  # KOR
        ("2002/03-2007/08", dt.date(2002, 1, 1), dt.date(2008, 12, 31), ""),  # KOR
        ("2020Q1", dt.date(2020, 1, 1), dt.date(2020, 3, 31), ""),  # HRV
        ("Q3 2015", dt.date(2015, 7, 1), dt.date(2015, 9, 30), ""),
        ("2015-III", dt.date(2015, 7, 1), dt.date(2015, 9, 30), ""),
        ("2019 H2", dt.date(2019, 7, 1), dt.date(2019, 12, 31), ""),
        ("2020p", dt.date(2020, 1, 1), dt.date(2020, 12, 31), "provisional"),
        ("2019 provisional", dt.date(2019, 1, 1), dt.date(2019, 12, 31), "provisional"),
        ("2021 (prelim)", dt.date(2021, 1, 1), dt.date(2021, 12, 31), "preliminary"),
    ],
)
def test_periods_as_offices_write_them(label, start, end, status):
    period = parse_period(label)
    assert (period.label, period.start, period.end, period.status) == (label, start, end, status)


@pytest.mark.parametrize(
    ("label", "note"),
    [("2016/18 (baseline)", "baseline"), ("2009  (completion 2013)", "completion 2013")],
)
def test_words_in_brackets_after_a_period_are_kept_as_its_note(label, note):
    assert parse_period(label).note == note


def test_a_preliminary_mark_becomes_an_attribute_not_part_of_the_period(every_indicator):
    observations = load("MEX", "indicator_8-8-1.csv")
    marked = observations.filter(period_label="2008 P/").first()
    assert marked.period_start == dt.date(2008, 1, 1)
    assert marked.attributes == {Observation.PERIOD_STATUS: "preliminary"}
    assert marked.attribute_note == "preliminary"


def test_roman_quarters_sort_as_quarters(every_indicator):
    quarters = load("MEX", "indicator_17-3-2.csv").filter(period_label__startswith="2019/")
    assert [o.period_start.month for o in quarters.order_by("period_start")][:4] == [1, 4, 7, 10]


# --- Headers, attributes, values --------------------------------------------------------------


def test_attribute_columns_describe_values_and_never_split_a_series(every_indicator):
    # KOR: "Observation status", "Unit multiplier" beside "Unit measure" (a unit: kept).
    observations = load("KOR", "indicator_10-c-1.csv")
    first = observations.first()
    assert "Observation status" in first.attributes
    assert "Unit multiplier" in first.attributes
    assert "Observation status" not in first.disaggregation
    # CAN: numbered comment columns after the value.
    comments = load("CAN", "indicator_2-1-1.csv").exclude(attributes={})
    assert any("COMMENT_OBS_0" in o.attributes for o in comments)
    assert not any("COMMENT_OBS_0" in o.disaggregation for o in comments)


def test_an_attribute_on_some_years_keeps_the_series_whole(tmp_path):
    path = tmp_path / "indicator_10-c-1.csv"
    rows = "".join(
        f"{year},,{'r' if year % 2 else ''},{year - 2000}\n" for year in range(2005, 2021)
    )
    path.write_text("Year,Sex,OBS_STATUS,Value\n" + rows, encoding="utf-8")
    kenya = Area.objects.get(iso3="KEN")
    observations_import(files=[path], area=kenya)
    assert set(Observation.objects.values_list("disaggregation_key", flat=True)) == {""}
    assert Observation.objects.filter(attributes={"OBS_STATUS": "r"}).count() == 8
    # Exported back with the attribute as a column of its own.
    indicator = Indicator.objects.get(sdg_code="10.c.1", indicator_set__is_current=True)
    exported = observations_export(indicator=indicator, area=kenya)
    assert exported.splitlines()[:3] == ["Year,OBS_STATUS,Value", "2005,r,5", "2006,,6"]


@pytest.mark.parametrize(
    ("office", "name", "check"),
    [
        # A header ending in empty names (a stray comma), a byte-order mark, CRLF.
        ("USA", "indicator_3-2-1.csv", lambda o: o.count() > 10),
        # Blanks around numbers; scientific notation; a decimal comma; ".1111" and "0.".
        ("KAZ", "indicator_10-7-4.csv", lambda o: o.filter(value=Decimal("14.6")).exists()),
        ("NAM", "indicator_2-3-1.csv", lambda o: o.filter(value=Decimal("0.0928")).exists()),
        ("ISL", "indicator_7-2-1.csv", lambda o: o.filter(value=Decimal("89.7")).exists()),
        ("ISL", "indicator_17-11-1.csv", lambda o: o.filter(value=Decimal("0.1111")).exists()),
        ("ISL", "indicator_3-9-3.csv", lambda o: o.exists()),
        # Fully quoted; partly quoted headers; "..", "NA", "-" and "c" cells.
        ("CAN", "indicator_10-7-4.csv", lambda o: o.filter(period_label="1980 to 1990").exists()),
        ("MEX", "indicator_8-8-1.csv", lambda o: o.exists()),
        ("FRO", "indicator_16-1-1.csv", lambda o: o.exists()),
        ("UKR", "indicator_9-1-2.csv", lambda o: o.exists()),
        # Two series and two units in one file: kept apart as dimensions.
        (
            "MLT",
            "indicator_7-3-1.csv",
            lambda o: (
                len({d.get("Units") for d in o.values_list("disaggregation", flat=True)}) == 2
            ),
        ),
    ],
)
def test_real_files_of_each_form_import(every_indicator, office, name, check):
    assert check(load(office, name))


def test_the_year_may_come_last(tmp_path):
    path = tmp_path / "indicator_10-c-1.csv"
    path.write_text("Geographical region,Unit,Value,Year\nJamaica,%,32.7,2014\n", encoding="utf-8")
    observations_import(files=[path], area=Area.objects.get(iso3="JAM"))
    assert Observation.objects.get().period_label == "2014"


def test_a_header_alone_of_any_header_is_no_data(every_indicator):
    for office, name in [
        ("KAZ", "indicator_10-7-3.csv"),  # Year,Units,Value and no newline
        ("KAZ", "indicator_1-2-2.csv"),  # an SDMX-style header
        ("HRV", "indicator_10-7-1.csv"),  # year,var_1,var_2
        ("HRV", "indicator_17-3-2.csv"),  # ending in a bare carriage return
    ]:
        summary = observations_import(
            files=[OFFICES / office / "data" / name], area=area_of(office)
        )
        assert (summary.rejected, summary.files_without_data) == ([], 1), name


def test_an_exact_repeat_is_read_once_and_counted(every_indicator):
    summary = observations_import(
        files=[OFFICES / "USA" / "data" / "indicator_16-9-1.csv"], area=area_of("USA")
    )
    assert (summary.rejected, summary.duplicates) == ([], 1)


def test_files_named_in_other_ways_are_read(every_indicator):
    for office, name in [("NAM", "indicator_ 8-5-2.csv"), ("GHA", "Indicator_16.9.1.csv")]:
        assert file_code(name)
        assert load(office, name).exists(), name


# --- Metadata and placeholders ----------------------------------------------------------------


def reporting(office: str, code: str) -> AreaReporting:
    return AreaReporting.objects.get(area=area_of(office), indicator__sdg_code=code)


@pytest.mark.parametrize(
    ("office", "name", "why"),
    [
        # The starter's file (Year,Group,Value: 1, 3, 2), under "not started".
        ("STARTER", "indicator_1-1-1.csv", NoData.PLACEHOLDER),
        ("JOR", "indicator_10-7-2.csv", NoData.PLACEHOLDER),
        ("ISL", "indicator_10-7-2.csv", NoData.PLACEHOLDER),
        # "2000,0" under "not started".
        ("ISL", "indicator_10-7-4.csv", NoData.PLACEHOLDER),
        # "2015,0", its metadata saying non-statistical (the configuration says otherwise:
        # the metadata, read last, wins, as in sdg-build).
        ("USA", "indicator_10-7-2.csv", NoData.NON_STATISTICAL),
    ],
)
def test_placeholder_indicators_import_as_no_data_with_the_reason(
    every_indicator, office, name, why
):
    code = file_code(name)
    assert not load(office, name).exists()
    record = reporting(office, code)
    assert record.no_data == why
    assert record.source == name


def test_real_values_under_a_stale_not_started_are_kept_with_the_status(every_indicator):
    assert load("JOR", "indicator_1-1-1.csv").exists()
    assert reporting("JOR", "1.1.1").status == ReportingStatus.NOT_STARTED
    assert reporting("JOR", "1.1.1").no_data == NoData.NONE
    assert load("ISL", "indicator_10-7-1.csv").exists()


def test_a_placeholder_counts_as_not_reported_on_the_index(client, every_indicator):
    from django.urls import reverse

    load("ISL", "indicator_10-7-2.csv")
    response = client.get(reverse("indicators:index"))
    remittances = next(
        e
        for g in response.context["groups"]
        for e in g.entries
        if e.indicator.sdg_code == "10.7.2" and e.indicator.indicator_set.is_current
    )
    assert remittances.availability.countries == 0


@pytest.mark.parametrize(
    ("path", "status", "non_statistical"),
    [
        ("JAM/meta/17-1-1.md", ReportingStatus.COMPLETE, None),  # bare YAML, "completed"
        ("HRV/_indicators/10-7-2.md", None, None),  # tabs after colons: read line by line
        ("USA/meta/10-7-2.md", ReportingStatus.NOT_STARTED, True),
        ("STARTER/indicator-config/1-1-1.yml", ReportingStatus.NOT_STARTED, False),
    ],
)
def test_metadata_as_offices_write_it(path, status, non_statistical):
    text = (OFFICES / path).read_bytes().decode("utf-8-sig")
    meta = meta_read(text, Path(path).name)
    if status is not None:
        assert meta.reporting_status == status
    if non_statistical is not None:
        assert meta.data_non_statistical is non_statistical


# --- National indicators ----------------------------------------------------------------------


def test_a_national_indicator_imports_when_the_set_has_it_and_is_skipped_otherwise():
    path = OFFICES / "MDA" / "data" / "indicator_10-7-2-1.csv"
    summary = observations_import(files=[path], area=area_of("MDA"))
    assert summary.skipped_files == [
        (
            "indicator_10-7-2-1.csv",
            "national indicator 10.7.2.1 is not in the current indicator sets",
        )
    ]
    IndicatorFactory(code="MDA 10.7.2.1", sdg_code="10.7.2.1")
    summary = observations_import(files=[path], area=area_of("MDA"))
    assert summary.skipped_files == []
    assert summary.rejected == []
