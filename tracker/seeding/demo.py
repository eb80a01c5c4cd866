"""A small, believable dataset for trying the tracker: organisations of every kind across the
regions, sixty pledges in every review state and implementation status, joint and matching
pledges, targets, progress updates, a merge and a revision under review, made through the
services so that their history is the workflow's own, and indicator observations.

Organisation names are invented and marked "(demo)" where they could be mistaken for a real
government's; observation values are synthetic and say so in their source.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from indicators.imports import observations_import
from indicators.models import Area, GuidingPrinciple, Indicator, Objective, Observation
from pledges.content import MeasurementContent, PledgeContent, TargetContent, UpdateContent
from pledges.models import (
    CorroborationKind,
    ImplementationStatus,
    JointKind,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    Pledge,
    ReviewCycle,
    ReviewState,
)
from pledges.permissions import owner_organisation_ids
from pledges.selectors import current_cycle
from pledges.services import (
    corroboration_submit,
    evidence_add,
    invitation_accept,
    member_invite,
    organisation_accredit,
    organisation_register,
    partnership_respond,
    pledge_confirm_fulfilled,
    pledge_create,
    pledge_merge,
    pledge_publish,
    pledge_reject,
    pledge_request_changes,
    pledge_revise,
    pledge_submit,
    pledge_update,
    pledge_withdraw,
    update_create,
    update_publish,
    update_submit,
)
from tracker.seeding.texts import THEMES, Theme, description_for

DEMO_PASSWORD = "gcm-demo-2026"  # noqa: S105 - printed to the developer on purpose
# The demo secretariat's authenticator key, public like the password: `demo_code` prints the
# current code for whoever has no authenticator app at hand.
DEMO_TOTP_SECRET = "GCMDEMOSECRETARIATGCMDEMOSECRETA"  # noqa: S105
SECRETARIAT_EMAIL = "secretariat@example.org"
FOCAL_POINT_EMAIL = "focal@example.org"
MEMBER_EMAIL = "member@example.org"
SECRETARIAT_GROUP = "Secretariat"
DEMO_SOURCE = "Demo data: synthetic values for illustration only"
# Countries with synthetic observations; those in OPEN_SDG_DATA get their office's real files.
DEMO_COUNTRIES = ("MEX", "PHL", "MAR", "DEU", "SEN", "JOR", "ECU", "BGD", "KEN", "NGA")
OPEN_SDG_DATA = Path(__file__).resolve().parent.parent / "data" / "open-sdg"
# When the demo organisations joined the tracker, before the 2022 Forum's pledging.
ORGANISATIONS_REGISTERED = dt.datetime(2021, 3, 1, 9, tzinfo=dt.UTC)

# (name, acronym, kind, ISO3 of the country)
ORGANISATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("Migrant Rights Network (demo)", "MRN", OrganisationKind.CIVIL_SOCIETY, "KEN"),
    ("Government of Mexico (demo)", "", OrganisationKind.MEMBER_STATE, "MEX"),
    ("Government of the Philippines (demo)", "", OrganisationKind.MEMBER_STATE, "PHL"),
    ("Government of Morocco (demo)", "", OrganisationKind.MEMBER_STATE, "MAR"),
    ("Government of Germany (demo)", "", OrganisationKind.MEMBER_STATE, "DEU"),
    ("Government of Senegal (demo)", "", OrganisationKind.MEMBER_STATE, "SEN"),
    ("Government of Jordan (demo)", "", OrganisationKind.MEMBER_STATE, "JOR"),
    ("Government of Ecuador (demo)", "", OrganisationKind.MEMBER_STATE, "ECU"),
    ("Government of Bangladesh (demo)", "", OrganisationKind.MEMBER_STATE, "BGD"),
    ("City of Riverside Mayors' Office (demo)", "", OrganisationKind.LOCAL_GOVERNMENT, "ESP"),
    ("Northern Province Council (demo)", "", OrganisationKind.LOCAL_GOVERNMENT, "ZAF"),
    ("Parliamentary Caucus on Migration (demo)", "PCM", OrganisationKind.PARLIAMENT, "CHL"),
    ("Safe Passage Alliance", "SPA", OrganisationKind.CIVIL_SOCIETY, "ITA"),
    ("Diaspora Bridge Foundation", "DBF", OrganisationKind.MIGRANT_DIASPORA, "GBR"),
    ("Women Migrants Collective", "WMC", OrganisationKind.MIGRANT_DIASPORA, "IDN"),
    ("Fair Hire Employers' Forum", "FHEF", OrganisationKind.PRIVATE_SECTOR, "SGP"),
    ("RemitRight Payments", "", OrganisationKind.PRIVATE_SECTOR, "NGA"),
    ("Federation of Migrant Workers' Unions", "FMWU", OrganisationKind.TRADE_UNION, "NPL"),
    ("Institute for Mobility Research", "IMR", OrganisationKind.ACADEMIA, "CAN"),
    ("National Human Rights Commission of Atlantis (demo)", "NHRC", OrganisationKind.NHRI, "GHA"),
    ("Community Radio Network", "CRN", OrganisationKind.MEDIA, "BOL"),
    ("Youth on the Move", "YoM", OrganisationKind.YOUTH, "TUN"),
    ("Interfaith Shelter Network", "ISN", OrganisationKind.FAITH_BASED, "GTM"),
    ("UN Agency for Demonstration Purposes", "UNADP", OrganisationKind.UN_ENTITY, "CHE"),
    (
        "Regional Mobility Organisation (demo)",
        "RMO",
        OrganisationKind.INTERNATIONAL_ORGANISATION,
        "ETH",
    ),
    ("Friends of Migrants Trust", "", OrganisationKind.OTHER, "AUS"),
    ("Coastal Cities Network", "CCN", OrganisationKind.LOCAL_GOVERNMENT, "SEN"),
    ("Pacific Diaspora Council", "PDC", OrganisationKind.MIGRANT_DIASPORA, "FJI"),
    ("Newcomers' Legal Aid Centre", "NLAC", OrganisationKind.CIVIL_SOCIETY, "USA"),
    ("Awaiting Accreditation Association", "AAA", OrganisationKind.CIVIL_SOCIETY, "BRA"),
)

# Review state of each of the sixty pledges, in creation order.
STATE_PLAN: tuple[tuple[str, int], ...] = (
    (ReviewState.PUBLISHED, 32),
    (ReviewState.DRAFT, 8),
    (ReviewState.SUBMITTED, 8),
    (ReviewState.CHANGES_REQUESTED, 5),
    (ReviewState.REJECTED, 3),
    (ReviewState.WITHDRAWN, 4),
)

STATUS_ORDER = [
    ImplementationStatus.IN_PROGRESS,
    ImplementationStatus.PARTIALLY_FULFILLED,
    ImplementationStatus.FULFILLED,
    ImplementationStatus.PLANNED,
    ImplementationStatus.DISCONTINUED,
]


@dataclass
class DemoResult:
    created: bool
    logins: list[tuple[str, str]]
    pledges: int = 0
    updates: int = 0
    observations: int = 0


def demo_logins() -> list[tuple[str, str]]:
    return [
        ("secretariat (admin workbench)", SECRETARIAT_EMAIL),
        ("focal point, Migrant Rights Network", FOCAL_POINT_EMAIL),
        ("member, Migrant Rights Network", MEMBER_EMAIL),
    ]


def demo_exists() -> bool:
    return get_user_model().objects.filter(email=SECRETARIAT_EMAIL).exists()


@transaction.atomic
def demo_seed(*, seed: int = 2026) -> DemoResult:
    """Create the demo dataset once; a second call finds it and creates nothing.

    Everything about pledges is made through the services, each step on the day it happened
    (a fixed clock), so the demo's pledges carry the versions and events the workflow writes.
    """
    if demo_exists():
        return DemoResult(created=False, logins=demo_logins())
    rng = random.Random(seed)
    users = _users()
    authors = _organisations(users)
    pledges, updates = _pledges(rng, authors, users[SECRETARIAT_EMAIL])
    _reporting_window()
    # The demo's history happened before anyone was watching: its e-mails are not sent.
    OutboxMessage.objects.all().delete()
    observations = _observations(rng)
    return DemoResult(
        created=True,
        logins=demo_logins(),
        pledges=pledges,
        updates=updates,
        observations=observations,
    )


def _at(moment: dt.datetime | dt.date) -> time_machine.travel:
    """The services run as on that day: their events, versions and dates say so."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(10), tzinfo=dt.UTC)
    return time_machine.travel(moment, tick=False)


def _users() -> dict[str, Any]:
    User = get_user_model()
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["indicators", "pledges", "tracker"])
    )
    with _at(ORGANISATIONS_REGISTERED):
        secretariat = User.objects.create_user(
            SECRETARIAT_EMAIL, DEMO_PASSWORD, full_name="Sam Secretariat", is_staff=True
        )
        users = {
            SECRETARIAT_EMAIL: secretariat,
            FOCAL_POINT_EMAIL: User.objects.create_user(
                FOCAL_POINT_EMAIL, DEMO_PASSWORD, full_name="Fatima Focal"
            ),
            MEMBER_EMAIL: User.objects.create_user(
                MEMBER_EMAIL, DEMO_PASSWORD, full_name="Miguel Member"
            ),
        }
    secretariat.groups.add(group)
    TOTP.activate(secretariat, DEMO_TOTP_SECRET)
    # Demo addresses are taken as verified, or the mandatory verification would lock them out.
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users.values()]
    )
    return users


def _organisations(users: dict[str, Any]) -> list[tuple[Organisation, Any]]:
    """Each organisation registered by its focal point (one who cannot log in, but for the
    Migrant Rights Network's) and accredited by the secretariat, but for the last one."""
    countries = {a.iso3: a for a in Area.objects.countries()}
    User = get_user_model()
    registered = []
    with _at(ORGANISATIONS_REGISTERED):
        for number, (name, acronym, kind, iso3) in enumerate(ORGANISATIONS):
            if number == 0:
                author = users[FOCAL_POINT_EMAIL]
            else:
                author = User.objects.create_user(f"focal-{number}@demo.example.org", None)
            organisation = organisation_register(
                by=author,
                name=name,
                acronym=acronym,
                kind=kind,
                country=countries[iso3],
                website=f"https://{(acronym or name.split()[0]).lower()}.example.org",
            )
            if not name.startswith("Awaiting"):
                organisation_accredit(organisation=organisation, by=users[SECRETARIAT_EMAIL])
            registered.append((organisation, author))
        invitation = member_invite(
            organisation=registered[0][0], by=users[FOCAL_POINT_EMAIL], email=MEMBER_EMAIL
        )
        invitation_accept(token=invitation.token, by=users[MEMBER_EMAIL])
    return registered


def _pledges(
    rng: random.Random, authors: list[tuple[Organisation, Any]], secretariat: Any
) -> tuple[int, int]:
    cycles = {c.code: c for c in ReviewCycle.objects.all()}
    past, current = cycles["IMRF-2022"], cycles["IMRF-2026"]
    objectives = {o.number: o for o in Objective.objects.all()}
    principles = list(GuidingPrinciple.objects.all())
    indicators = {i.sdg_code: i for i in Indicator.objects.exclude(sdg_code="")}
    regions = list(Area.objects.filter(kind__in=["subregion", "commission"]))
    author_of = dict(authors)
    accredited = [o for o, _ in authors if o.accredited]

    states = [state for state, count in STATE_PLAN for _ in range(count)]
    published: list[Pledge] = []
    update_count = 0
    for index, state in enumerate(states):
        theme = THEMES[index % len(THEMES)]
        lead = authors[0][0] if index % 9 == 0 else accredited[index % len(accredited)]
        if state == ReviewState.DRAFT and index % 2:
            lead = authors[-1][0]  # the organisation still awaiting accreditation drafts too
        cycle = past if state == ReviewState.PUBLISHED and index % 3 != 2 else current
        created = _cycle_moment(rng, cycle)
        joint = (
            JointKind.INDIVIDUAL,
            JointKind.INDIVIDUAL,
            JointKind.COMMON,
            JointKind.PARTNERSHIP,
        )[index % 4]
        partners = (
            tuple(rng.sample([o for o in accredited if o != lead], 2))
            if joint != JointKind.INDIVIDUAL
            else ()
        )
        # The last published pledges support the first ones: they match them.
        supported = (
            published[index - 28] if state == ReviewState.PUBLISHED and index >= 28 else None
        )
        content = _content(
            rng, theme, lead, cycle, created, objectives, principles, indicators, regions
        )
        content = replace(content, joint_kind=joint, partners=partners, matches=supported)
        with _at(created):
            pledge = pledge_create(
                by=author_of[lead], cycle=cycle, lead_organisation=lead, content=content
            )
            evidence_add(
                pledge=pledge,
                by=author_of[lead],
                title="Pledge announcement",
                url=f"https://www.example.org/pledges/{pledge.reference.lower()}",
            )
        if state != ReviewState.DRAFT:
            with _at(created + dt.timedelta(days=1)):
                for link in pledge.partner_links.select_related("organisation"):
                    partnership_respond(link=link, by=author_of[link.organisation], accept=True)
        _walk_review(rng, pledge, state, created, author_of[lead], secretariat)
        if state == ReviewState.PUBLISHED:
            pledge.refresh_from_db()
            published.append(pledge)
            update_count += _updates(rng, pledge, index, author_of[lead], secretariat)
    # One submitted pledge turns out to repeat a published one: the secretariat merges it.
    duplicate = Pledge.objects.submitted().order_by("pk").first()
    with _at(duplicate.submitted_at + dt.timedelta(days=20)):
        pledge_merge(duplicate=duplicate, into=published[0], by=secretariat)
    _revision(published[1], author_of[published[1].lead_organisation])
    _waiting(published, author_of)
    return len(states), update_count + 1


def _content(
    rng, theme: Theme, lead, cycle, created, objectives, principles, indicators, regions
) -> PledgeContent:
    place = lead.country.name
    is_financial = "financial" in theme.forms
    is_global = rng.random() < 0.08
    main = theme.objectives[:3]
    areas = () if is_global else (lead.country,)
    if not is_global and rng.random() < 0.3:
        areas = (*areas, rng.choice(regions))
    indicator = indicators.get(theme.indicator) if theme.indicator else None
    return PledgeContent(
        title=theme.title.format(place=place),
        description=description_for(theme, place),
        form_financial=is_financial,
        form_human_resources="human_resources" in theme.forms,
        form_process="process" in theme.forms,
        form_policy="policy" in theme.forms,
        main_objectives=tuple(objectives[n] for n in main),
        further_objectives=tuple(
            objectives[n]
            for n in rng.sample([n for n in objectives if n not in main], rng.randrange(0, 3))
        ),
        principles=tuple(rng.sample(principles, rng.randrange(2, 5))),
        mirrors_gcr=rng.random() < 0.1,
        is_global=is_global,
        areas=areas,
        start_date=created.date(),
        deadline=dt.date(cycle.forum_year + 4, 12, 31),
        amount=Decimal(rng.randrange(50, 5000) * 1000) if is_financial else None,
        currency=rng.choice(["USD", "EUR", "USD", "GBP"]) if is_financial else "",
        targets=(
            TargetContent(
                indicator=indicator,
                own_metric="" if indicator else theme.own_metric,
                unit=theme.unit,
                baseline_value=Decimal(str(theme.baseline)),
                baseline_year=cycle.forum_year - 1,
                target_value=Decimal(str(theme.target)),
                target_year=cycle.forum_year + 4,
            ),
        ),
    )


def _reporting_window() -> None:
    """The secretariat's reporting window of the current cycle, closed a few days ago unless
    it set one: the desk, the portal and the reminders then have overdue pledges to show."""
    cycle = current_cycle()
    if cycle is None or cycle.reporting_opens:
        return
    today = timezone.localdate()
    cycle.reporting_opens = today - dt.timedelta(days=90)
    cycle.reporting_closes = today - dt.timedelta(days=5)
    cycle.save(update_fields=["reporting_opens", "reporting_closes"])


def _cycle_moment(rng: random.Random, cycle: ReviewCycle) -> dt.datetime:
    day = dt.date(cycle.forum_year - 1, 9, 1) + dt.timedelta(days=rng.randrange(0, 240))
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)


def _walk_review(rng, pledge: Pledge, state: str, created, author, secretariat) -> None:
    """The review steps that lead to `state`, each through its service on its day."""
    if state == ReviewState.DRAFT:
        return
    submitted = created + dt.timedelta(days=rng.randrange(2, 20))
    with _at(submitted):
        pledge_submit(pledge=pledge, by=author)
    decided = submitted + dt.timedelta(days=rng.randrange(3, 30))
    with _at(decided):
        if state == ReviewState.CHANGES_REQUESTED:
            pledge_request_changes(
                pledge=pledge,
                by=secretariat,
                comment="Please add a baseline year and say how progress will be measured.",
            )
        elif state == ReviewState.REJECTED:
            pledge_reject(
                pledge=pledge,
                by=secretariat,
                comment="This commitment concerns refugees and belongs under the Global Compact "
                "on Refugees.",
            )
        elif state in (ReviewState.PUBLISHED, ReviewState.WITHDRAWN):
            pledge_publish(pledge=pledge, by=secretariat)
    if state == ReviewState.WITHDRAWN:
        with _at(decided + dt.timedelta(days=rng.randrange(60, 400))):
            pledge_withdraw(
                pledge=pledge, by=author, comment="Funding for this programme was not renewed."
            )


def _updates(rng, pledge: Pledge, index: int, author, secretariat) -> int:
    """Progress updates of a published pledge, ending in one of the implementation statuses;
    none is dated after today."""
    final_status = STATUS_ORDER[index % len(STATUS_ORDER)]
    if final_status == ImplementationStatus.PLANNED:
        return 0  # silence is data: some published pledges never report
    target = pledge.targets.get()
    count = 1 if final_status == ImplementationStatus.DISCONTINUED else rng.randrange(1, 4)
    baseline, goal = float(target.baseline_value), float(target.target_value)
    final_share = {
        ImplementationStatus.IN_PROGRESS: 0.4,
        ImplementationStatus.PARTIALLY_FULFILLED: 0.7,
        ImplementationStatus.FULFILLED: 1.0,
        ImplementationStatus.DISCONTINUED: 0.1,
    }[final_status]
    made = 0
    for step in range(1, count + 1):
        reported = pledge.published_at.date() + dt.timedelta(days=200 * step + rng.randrange(60))
        if reported + dt.timedelta(days=8) > timezone.localdate():
            break
        share = final_share * step / count
        status = final_status if step == count else ImplementationStatus.IN_PROGRESS
        content = UpdateContent(
            reported_on=reported,
            implementation_status=status,
            percent_complete=round(share * 100),
            narrative=(
                f"Implementation reached about {round(share * 100)}% of what was pledged. "
                "Partners met quarterly and the figures below come from administrative records."
            ),
            challenges="Staff turnover in partner agencies slowed the roll-out."
            if step > 1
            else "",
            support_needed="Technical support for data collection." if step == 1 else "",
            amount_committed=pledge.amount,
            amount_disbursed=(pledge.amount * Decimal(str(round(share, 2))))
            if pledge.amount
            else None,
            measurements=(
                MeasurementContent(
                    target=target,
                    value=Decimal(str(round(baseline + (goal - baseline) * share, 2))),
                    measured_on=reported,
                ),
            ),
        )
        with _at(reported + dt.timedelta(days=1)):
            update = update_create(
                pledge=pledge, by=author, organisation=pledge.lead_organisation, content=content
            )
            if step == count and rng.random() < 0.6:
                evidence_add(
                    pledge=pledge,
                    update=update,
                    by=author,
                    title="Annual implementation report",
                    url=f"https://www.example.org/reports/{pledge.reference.lower()}-{step}.pdf",
                )
            update_submit(update=update, by=author)
        with _at(reported + dt.timedelta(days=7)):
            update_publish(update=update, by=secretariat)
        made += 1
    # Half the pledges reported fulfilled are confirmed; the others wait on the secretariat.
    if made == count and final_status == ImplementationStatus.FULFILLED and index % 2 == 0:
        with _at(reported + dt.timedelta(days=30)):
            pledge_confirm_fulfilled(pledge=pledge, by=secretariat)
    return made


def _waiting(published: list[Pledge], author_of: dict[Organisation, Any]) -> None:
    """What else waits for the secretariat: an update to review, a third party's statement."""
    pledge = next(p for p in reversed(published) if p.updates.exists() and not p.is_locked)
    author = author_of[pledge.lead_organisation]
    moment = timezone.now() - dt.timedelta(days=3)
    with _at(moment):
        update = update_create(
            pledge=pledge,
            by=author,
            organisation=pledge.lead_organisation,
            content=UpdateContent(
                reported_on=moment.date(),
                implementation_status=ImplementationStatus.IN_PROGRESS,
                narrative="Two more provinces have joined the programme since the last report; "
                "the figures will be confirmed by the national statistics office next month.",
            ),
        )
        update_submit(update=update, by=author)
    witness = next(
        o for o in author_of if o.accredited and o.pk not in owner_organisation_ids(published[2])
    )
    with _at(moment + dt.timedelta(days=1)):
        corroboration_submit(
            pledge=published[2],
            by=author_of[witness],
            organisation=witness,
            kind=CorroborationKind.CORROBORATE,
            statement="Our field team visited two of the centres in March; both were open and "
            "staffed as the pledge describes.",
        )


def _revision(pledge: Pledge, author: Any) -> None:
    """A published pledge whose owners propose a later deadline and a higher target: the
    secretariat finds it in the queue and compares it with what is public."""
    moment = pledge.published_at + dt.timedelta(days=90)
    with _at(moment):
        revision = pledge_revise(pledge=pledge, by=author)
        content = PledgeContent.of(revision)
        first = content.targets[0]
        content = replace(
            content,
            deadline=content.deadline + dt.timedelta(days=365),
            targets=(replace(first, target_value=first.target_value * 2), *content.targets[1:]),
        )
        pledge_update(
            pledge=revision, by=author, content=content, expected_version=revision.version
        )
    with _at(moment + dt.timedelta(days=2)):
        pledge_submit(pledge=revision, by=author)


def _observations(rng: random.Random) -> int:
    """Real Open SDG files of three offices, and synthetic values for other countries."""
    imported = 0
    for folder in sorted(OPEN_SDG_DATA.iterdir()):
        if folder.is_dir():
            summary = observations_import(
                files=sorted(folder.glob("indicator_*.csv")),
                area=Area.objects.get(iso3=folder.name),
                source=f"Open SDG data of {folder.name} (see SOURCES.md)",
            )
            imported += summary.written
    return imported + _synthetic_observations(rng)


def _synthetic_observations(rng: random.Random) -> int:
    """Ten years of synthetic values for the SDG indicators in ten countries."""
    countries = list(Area.objects.countries().filter(iso3__in=DEMO_COUNTRIES))
    rows = []
    for indicator in Indicator.objects.exclude(sdg_code=""):
        start = rng.uniform(5, 80)
        for country in countries:
            level = start * rng.uniform(0.6, 1.4)
            slope = rng.uniform(-0.06, 0.04)
            for year in range(2015, 2025):
                value = max(level * (1 + slope) ** (year - 2015), 0)
                for sex in ["Female", "Male"] if indicator.sdg_code == "8.8.1" else [None]:
                    disaggregation = {"Sex": sex} if sex else {}
                    rows.append(
                        Observation(
                            indicator=indicator,
                            area=country,
                            period_label=str(year),
                            period_start=dt.date(year, 1, 1),
                            period_end=dt.date(year, 12, 31),
                            disaggregation=disaggregation,
                            disaggregation_key=Observation.key_for(disaggregation),
                            value=Decimal(str(round(value, 2))),
                            unit=indicator.unit,
                            source=DEMO_SOURCE,
                        )
                    )
    Observation.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
