"""Nothing unpublished or personal is reachable from the public site: one walk over every
public page, feed and download, with drafts, reviews in progress, rejected and merged pledges,
unpublished updates, private evidence and people's names and addresses in the database."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from indicators.models import Area, Indicator
from pledges.models import (
    Corroboration,
    CorroborationKind,
    CorroborationStatus,
    Evidence,
    PartnerStatus,
    PledgeObjective,
    PledgePartner,
    ReviewState,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    objective,
)

pytestmark = pytest.mark.django_db

SECRETS = (
    "SECRET-DRAFT",
    "SECRET-IN-REVIEW",
    "SECRET-REJECTED",
    "SECRET-MERGED",
    "SECRET-UPDATE",
    "SECRET-STATEMENT",
    "SECRET-EVIDENCE",
    "Private Person Name",
    "member.private@",
    "invited.private@",
    "follower.private@",
)


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kenya = Area.objects.get(iso3="KEN")
    lead = OrganisationFactory(name="Open Network", country=kenya, accredited=True)
    MembershipFactory(
        organisation=lead,
        user__email="member.private@example.org",
        user__full_name="Private Person Name",
    )
    public = PledgeFactory(published=True, title="Visible pledge", lead_organisation=lead)
    PledgeObjective.objects.create(pledge=public, objective=objective(6), main_rank=1)
    public.areas.add(kenya)
    PledgePartner.objects.create(
        pledge=public, invited_email="invited.private@example.org", status=PartnerStatus.INVITED
    )
    published_update = ProgressUpdateFactory(
        pledge=public,
        review_state=ReviewState.PUBLISHED,
        published_at=timezone.now(),
        narrative="Visible progress.",
    )
    hidden_update = ProgressUpdateFactory(
        pledge=public, review_state=ReviewState.SUBMITTED, narrative="SECRET-UPDATE narrative."
    )
    Evidence.objects.create(
        pledge=public,
        update=hidden_update,
        title="SECRET-EVIDENCE file",
        file=SimpleUploadedFile("e.pdf", b"%PDF-1.4"),
    )
    Corroboration.objects.create(
        pledge=public,
        update=published_update,
        organisation=OrganisationFactory(),
        kind=CorroborationKind.CONTEST,
        statement="SECRET-STATEMENT waiting for moderation",
        status=CorroborationStatus.SUBMITTED,
    )
    for title, state in (
        ("SECRET-DRAFT", ReviewState.DRAFT),
        ("SECRET-IN-REVIEW", ReviewState.SUBMITTED),
        ("SECRET-REJECTED", ReviewState.REJECTED),
    ):
        hidden = PledgeFactory(title=title, review_state=state, lead_organisation=lead)
        PledgeObjective.objects.create(pledge=hidden, objective=objective(6), main_rank=1)
        hidden.areas.add(kenya)
    merged = PledgeFactory(
        title="SECRET-MERGED", review_state=ReviewState.MERGED, merged_into=public
    )
    from pledges.services.following import follow_request

    follow_request(email="follower.private@example.org", subject=public)
    return {"public": public, "merged": merged, "lead": lead}


def public_urls(world) -> list[str]:
    public, lead = world["public"], world["lead"]
    indicator = Indicator.objects.current().first()
    return [
        reverse("home"),
        reverse("explorer"),
        reverse("explorer") + "?q=SECRET",
        reverse("explorer") + "?objective=6&country=KEN",
        public.get_absolute_url(),
        world["merged"].get_absolute_url(),
        reverse("objectives"),
        reverse("objective", args=[6]),
        reverse("area", args=["KEN"]),
        reverse("area", args=["ECA"]),
        reverse("organisation", args=[lead.pk]),
        reverse("map"),
        reverse("cycles"),
        reverse("cycle", args=[public.cycle.code]),
        reverse("feed_updates"),
        reverse("feed_pledge", args=[public.reference]),
        reverse("feed_objective", args=[6]),
        reverse("feed_area", args=["KEN"]),
        reverse("explorer_csv"),
        reverse("indicators:index"),
        reverse("indicators:detail", args=[indicator.pk]),
        *api_urls(world),
    ]


def api_urls(world) -> list[str]:
    """Every list of the read API, as JSON and as CSV, and the public pledge."""
    lists = [
        reverse(f"api:{name}")
        for name in (
            "root",
            "pledges",
            "updates",
            "organisations",
            "cycles",
            "reports",
            "objectives",
            "principles",
            "indicator_sets",
            "indicators",
            "areas",
        )
    ]
    lists += [reverse("api:observations") + "?area=KEN", reverse("api:pledges") + "?q=SECRET"]
    return [
        *lists,
        *(f"{url}{'&' if '?' in url else '?'}format=csv" for url in lists[1:]),
        reverse("api:pledge", args=[world["public"].reference]),
    ]


def readable(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def test_no_public_page_feed_or_download_shows_anything_unpublished_or_personal(client, world):
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        text = readable(response)
        for secret in SECRETS:
            assert secret not in text, (url, secret)


def test_the_workbook_download_shows_nothing_unpublished_or_personal(client, world):
    response = client.get(reverse("explorer_xlsx"))
    workbook = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist())
    assert "Visible pledge" in text
    for secret in SECRETS:
        assert secret not in text, secret


def test_the_unpublished_are_not_found_by_address(client, world):
    from pledges.models import Pledge

    for pledge in Pledge.objects.filter(title__startswith="SECRET-").exclude(
        review_state=ReviewState.MERGED
    ):
        assert client.get(pledge.get_absolute_url()).status_code == 404
        assert client.get(reverse("feed_pledge", args=[pledge.reference])).status_code == 404
        assert client.get(reverse("api:pledge", args=[pledge.reference])).status_code == 404
    evidence = Evidence.objects.get(title="SECRET-EVIDENCE file")
    download = reverse("portal:evidence_download", args=[world["public"].reference, evidence.pk])
    assert client.get(download).status_code in (302, 404)  # to the login, or not found
