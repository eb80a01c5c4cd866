"""What a report says and how it is written: the site's figures, every format, the same bytes
for the same data, nothing unpublished."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from indicators.models import Area
from pledges import services
from pledges.explorer import _cycle_figures
from pledges.filters import PledgeFilter
from pledges.models import (
    ImplementationStatus,
    OrganisationKind,
    PledgeTarget,
    Report,
    ReportScope,
    ReviewState,
)
from pledges.reports.build import report_build
from pledges.reports.content import ANNEX_MAX, report_content, scope_pledges
from pledges.workflow import WorkflowError
from tests.factories import (
    OrganisationFactory,
    PledgeFactory,
    PledgeTargetFactory,
    ProgressUpdateFactory,
    cycle,
    objective,
    published_pledge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def data():
    """Published pledges in Kenya and elsewhere, of two cycles, with updates and targets, and
    what must never show: a draft, a pledge under review, an unpublished update."""
    kenya, ghana = Area.objects.get(iso3="KEN"), Area.objects.get(iso3="GHA")
    union = OrganisationFactory(name="Kenya Workers Union", kind=OrganisationKind.TRADE_UNION)
    fair = published_pledge(
        title="Fair recruitment corridors", lead_organisation=union, amount=1000, currency="USD"
    )
    fair.areas.add(kenya)
    target = PledgeTargetFactory(pledge=fair, baseline_value=0, target_value=100)
    update = ProgressUpdateFactory(
        pledge=fair,
        review_state=ReviewState.PUBLISHED,
        published_at=timezone.now(),
        amount_committed=Decimal("400.50"),
    )
    update.measurements.create(target=target, value=60, measured_on=dt.date(2026, 3, 1))
    fair.implementation_status = ImplementationStatus.IN_PROGRESS
    fair.save()
    elsewhere = published_pledge(title="Ghana's shelters =cmd|' /C calc'!A0")
    elsewhere.areas.add(ghana)
    old = published_pledge(title="A pledge of 2022", cycle=cycle("IMRF-2022"))
    old.areas.add(kenya)
    ProgressUpdateFactory(
        pledge=old,
        cycle=cycle("IMRF-2022"),
        review_state=ReviewState.PUBLISHED,
        published_at=timezone.now(),
        reported_on=dt.date(2022, 3, 1),
        implementation_status="in_progress",
    )
    old.implementation_status = ImplementationStatus.FULFILLED
    old.save()
    PledgeFactory(title="A secret draft").areas.add(kenya)
    PledgeFactory(title="Waiting for review", review_state=ReviewState.SUBMITTED).areas.add(kenya)
    ProgressUpdateFactory(pledge=fair, narrative="An update not published yet")
    return {"kenya": kenya, "fair": fair, "old": old}


def new_report(scope: str = ReportScope.GLOBAL, **fields) -> Report:
    return Report.objects.create(cycle=cycle(), scope=scope, **fields)


def figures(content) -> dict[str, int]:
    return dict(content.key_figures)


def table(content, key: str) -> dict:
    return {row[0]: row[1:] for t in content.tables if t.key == key for row in t.rows}


def test_the_global_report_counts_what_the_cycle_page_counts(data):
    content = report_content(new_report())
    site = _cycle_figures(cycle())
    assert figures(content)["Published pledges"] == site.pledges == 2
    assert figures(content)["Lead organisations"] == site.organisations
    assert figures(content)["Countries of implementation"] == site.countries
    statuses = table(content, "implementation_status")
    assert [(label, n[0]) for label, n in statuses.items()] == site.by_status
    reporting = table(content, "reporting")
    assert reporting["Update overdue"][0] == site.reporting["overdue"]
    assert reporting["No update published"][0] == 1


def test_a_country_report_counts_what_the_explorer_finds_for_the_country(data):
    content = report_content(new_report(ReportScope.COUNTRY, area=data["kenya"]))
    explorer = PledgeFilter({"cycle": "IMRF-2026", "country": "KEN"}).qs.count()
    assert figures(content)["Published pledges"] == explorer == 1
    assert table(content, "countries")["Kenya (KEN)"] == (1,)


def test_the_previous_cycles_pledges_show_their_status_then_and_now(data):
    content = report_content(new_report(ReportScope.COUNTRY, area=data["kenya"]))
    now = table(content, "previous_cycle_now")
    assert now["Fulfilled"] == (1,)
    change = table(content, "previous_cycle_change")
    # In progress at the 2022 Forum (its update of March 2022), fulfilled now.
    assert change["In progress"] == (0, 0, 0, 1, 0, 1)


def test_money_targets_and_verification_are_counted_per_currency_and_band(data):
    content = report_content(new_report())
    assert table(content, "money")["USD"] == (
        1,
        Decimal("1000.00"),
        Decimal("400.50"),
        Decimal("0"),
    )
    assert table(content, "target_progress")["Half way or more"] == (1, 0)
    assert table(content, "verification")["Self-reported"] == (1,)


def test_pledges_and_updates_published_after_the_cut_off_are_left_out(data):
    report = new_report(cutoff=timezone.now())
    published_pledge(
        title="Published a minute later", published_at=report.cutoff + dt.timedelta(minutes=1)
    )
    assert figures(report_content(report))["Published pledges"] == 2
    assert scope_pledges(report).filter(title="Published a minute later").count() == 0


def test_a_report_holds_nothing_unpublished_in_any_table(data):
    content = report_content(new_report(ReportScope.COUNTRY, area=data["kenya"]))
    text = "\n".join(repr(row) for table in content.data_tables for row in table.rows())
    assert "Fair recruitment corridors" in text
    for hidden in ("A secret draft", "Waiting for review", "An update not published yet"):
        assert hidden not in text


def test_a_scope_must_name_what_it_covers_in_plain_words():
    with pytest.raises(ValidationError) as error:
        services.report_prepare(cycle=cycle(), scope=ReportScope.COUNTRY, by=None)
    assert error.value.message_dict["area"] == [
        "Choose the commission or the country for a regional or national report, and none for "
        "the other scopes."
    ]
    with pytest.raises(ValidationError) as error:
        services.report_prepare(
            cycle=cycle(),
            scope=ReportScope.REGION,
            area=Area.objects.get(iso3="KEN"),
            by=None,
        )
    assert error.value.message_dict["area"] == [
        "Choose a UN regional commission for a regional report."
    ]


def test_only_the_secretariat_asks_for_or_publishes_reports(member, secretariat):
    with pytest.raises(PermissionDenied):
        services.report_prepare(cycle=cycle(), scope=ReportScope.GLOBAL, by=member)
    report = new_report()
    with pytest.raises(WorkflowError):
        services.report_publish(report=report, by=secretariat)
    with pytest.raises(PermissionDenied):
        services.report_publish(report=report, by=member)


def _build(report: Report) -> dict:
    steps: list[tuple[float, str]] = []
    result = report_build(report, lambda fraction, step: steps.append((fraction, step)))
    assert steps[0] == (0.0, "Counting the figures")
    assert all(0 <= fraction <= 1 for fraction, _ in steps)
    return result


def _open(report: Report, format: str) -> bytes:
    with default_storage.open(report.file(format)["path"]) as file:
        return file.read()


def test_a_build_writes_a_pdf_a_workbook_and_a_zip_of_csvs_and_records_them_at_once(data):
    report = new_report(ReportScope.COUNTRY, area=data["kenya"])
    result = _build(report)
    report.refresh_from_db()
    assert report.is_built
    assert len(report.checksum) == 64
    assert [f["format"] for f in report.files] == ["pdf", "xlsx", "csv"]
    assert dict(report.figures)["Published pledges"] == 1
    for file in report.files:
        assert default_storage.size(file["path"]) == file["size"] > 0
    assert _open(report, "pdf").startswith(b"%PDF")
    assert result["pages"] >= 5

    workbook = load_workbook(io.BytesIO(_open(report, "xlsx")))
    assert workbook.sheetnames == [
        "summary",
        "pledges",
        "targets",
        "updates",
        "organisations",
        "observations",
    ]
    pledges = workbook["pledges"]
    assert pledges.freeze_panes == "A2"
    assert pledges["A1"].font.bold
    assert pledges["A1"].value == "reference"
    header = [c.value for c in pledges[1]]
    row = dict(zip(header, [c.value for c in pledges[2]], strict=True))
    assert row["title"] == "Fair recruitment corridors"
    assert row["amount"] == 1000
    assert isinstance(row["published_at"], dt.datetime)
    assert pledges.column_dimensions["D"].width > 20
    targets = workbook["targets"]
    assert [c.value for c in targets[2]][11] == 60  # progress_percent, a number

    archive = zipfile.ZipFile(io.BytesIO(_open(report, "csv")))
    assert archive.namelist() == [
        "README.txt",
        "summary.csv",
        "pledges.csv",
        "targets.csv",
        "updates.csv",
        "organisations.csv",
        "observations.csv",
    ]
    readme = archive.read("README.txt").decode()
    assert report.checksum in readme
    assert "progress_percent" in readme
    rows = list(csv.DictReader(io.StringIO(archive.read("pledges.csv").decode())))
    assert [r["reference"] for r in rows] == [data["fair"].reference]
    summary = archive.read("summary.csv").decode()
    assert "key_figures,Published pledges,Value,1" in summary


def test_formulas_in_pledgers_text_are_neutralised_in_every_table(data):
    report = new_report()
    _build(report)
    report.refresh_from_db()
    archive = zipfile.ZipFile(io.BytesIO(_open(report, "csv")))
    assert "'=cmd|" not in archive.read("pledges.csv").decode()  # it does not start the cell
    workbook = load_workbook(io.BytesIO(_open(report, "xlsx")))
    titles = [c.value for c in workbook["pledges"]["D"]]
    assert "Ghana's shelters =cmd|' /C calc'!A0" in titles


def test_the_same_data_and_cut_off_give_the_same_csvs_byte_for_byte(data):
    cutoff = timezone.now()
    first, second = new_report(cutoff=cutoff), new_report(cutoff=cutoff)
    _build(first)
    _build(second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.checksum == second.checksum
    assert _open(first, "csv") == _open(second, "csv")
    assert _open(first, "pdf") == _open(second, "pdf")
    assert first.figures == second.figures


def test_a_second_build_of_a_built_report_changes_nothing(data):
    report = new_report()
    _build(report)
    report.refresh_from_db()
    files = report.files
    assert report_build(report, lambda *a: None)["already_built"]
    report.refresh_from_db()
    assert report.files == files


def test_an_attempt_that_finishes_second_leaves_no_files_behind(data, settings):
    report = new_report()
    stale = Report.objects.get(pk=report.pk)  # read before the other attempt finished
    _build(report)
    assert report_build(stale, lambda *a: None)["already_built"] is True
    stored = list(Path(settings.MEDIA_ROOT, "reports", str(report.pk)).rglob("*.*"))
    assert len(stored) == 3


def _pdf_text(report: Report) -> str:
    reader = PdfReader(io.BytesIO(_open(report, "pdf")))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_pdf_has_the_figures_with_their_numbers_and_lists_the_pledges_when_few(data):
    report = new_report()
    _build(report)
    report.refresh_from_db()
    text = _pdf_text(report)
    assert report.checksum in text.replace(" ", "")
    for words in (
        "Contents",
        "Key figures",
        "Pledges by objective",
        "Money by currency",
        "Methodology",
        "What the data cannot say",
        "Annex: the pledges",
    ):
        assert words in text
    assert data["fair"].reference in text  # listed in the annex


def test_the_pdf_leaves_the_listing_to_the_workbook_when_the_pledges_are_many(data, monkeypatch):
    monkeypatch.setattr("pledges.reports.build.ANNEX_MAX", 1)
    report = new_report()
    result = _build(report)
    report.refresh_from_db()
    text = _pdf_text(report)
    assert "the full listing is in the workbook and the CSVs" in text
    assert data["fair"].reference not in text
    assert ANNEX_MAX >= 100
    assert result["pages"] < 150


def test_a_published_report_is_a_report_with_files(data, secretariat):
    report = new_report()
    _build(report)
    report.refresh_from_db()
    services.report_publish(report=report, by=secretariat)
    assert Report.objects.published().get() == report
    services.report_unpublish(report=report, by=secretariat)
    assert not Report.objects.published().exists()


def test_targets_without_a_baseline_are_counted_apart(data):
    PledgeTarget.objects.update(baseline_value=None)
    content = report_content(new_report())
    assert table(content, "target_progress")["No baseline or target value"] == (1, 0)


def test_an_objective_report_covers_the_objectives_pledges(data):
    content = report_content(new_report(ReportScope.OBJECTIVE, objective=objective(6)))
    assert figures(content)["Published pledges"] == 2
    content = report_content(new_report(ReportScope.OBJECTIVE, objective=objective(7)))
    assert figures(content)["Published pledges"] == 0


def test_a_kind_report_covers_the_pledges_of_that_kind_of_organisation(data):
    report = new_report(ReportScope.KIND, organisation_kind=OrganisationKind.TRADE_UNION)
    assert figures(report_content(report))["Published pledges"] == 1
