"""A small, believable dataset for trying the tracker: organisations of every kind across the
regions, about sixty pledges in every review state and implementation status, joint and
matching pledges, targets, progress updates, review events and indicator observations.

Organisation names are invented and marked "(demo)" where they could be mistaken for a real
government's; observation values are synthetic and say so in their source.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from indicators.imports import observations_import
from indicators.models import Area, GuidingPrinciple, Indicator, Objective, Observation
from pledges.models import (
    Evidence,
    ImplementationStatus,
    JointKind,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    PartnerStatus,
    Pledge,
    PledgeObjective,
    PledgePartner,
    PledgeTarget,
    ProgressUpdate,
    ReviewAction,
    ReviewCycle,
    ReviewEvent,
    ReviewState,
    TargetMeasurement,
)
from pledges.services import pledge_create, pledge_merge
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
    """Create the demo dataset once; a second call finds it and creates nothing."""
    if demo_exists():
        return DemoResult(created=False, logins=demo_logins())
    rng = random.Random(seed)
    users = _users()
    organisations = _organisations()
    Membership.objects.create(
        user=users[FOCAL_POINT_EMAIL],
        organisation=organisations[0],
        role=MembershipRole.FOCAL_POINT,
    )
    Membership.objects.create(
        user=users[MEMBER_EMAIL], organisation=organisations[0], role=MembershipRole.MEMBER
    )
    pledges, updates = _pledges(rng, organisations, users)
    observations = _observations(rng)
    return DemoResult(
        created=True,
        logins=demo_logins(),
        pledges=pledges,
        updates=updates,
        observations=observations,
    )


def _users() -> dict[str, object]:
    User = get_user_model()
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["indicators", "pledges", "tracker"])
    )
    secretariat = User.objects.create_user(
        SECRETARIAT_EMAIL, DEMO_PASSWORD, full_name="Sam Secretariat", is_staff=True
    )
    secretariat.groups.add(group)
    TOTP.activate(secretariat, DEMO_TOTP_SECRET)
    users = {
        SECRETARIAT_EMAIL: secretariat,
        FOCAL_POINT_EMAIL: User.objects.create_user(
            FOCAL_POINT_EMAIL, DEMO_PASSWORD, full_name="Fatima Focal"
        ),
        MEMBER_EMAIL: User.objects.create_user(
            MEMBER_EMAIL, DEMO_PASSWORD, full_name="Miguel Member"
        ),
    }
    # Demo addresses are taken as verified, or the mandatory verification would lock them out.
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users.values()]
    )
    return users


def _organisations() -> list[Organisation]:
    countries = {a.iso3: a for a in Area.objects.countries()}
    now = timezone.now()
    organisations = []
    for name, acronym, kind, iso3 in ORGANISATIONS:
        accredited = not name.startswith("Awaiting")
        organisations.append(
            Organisation.objects.create(
                name=name,
                acronym=acronym,
                kind=kind,
                country=countries[iso3],
                website=f"https://{(acronym or name.split()[0]).lower()}.example.org",
                accredited=accredited,
                accredited_at=now if accredited else None,
            )
        )
    return organisations


def _pledges(rng: random.Random, organisations: list[Organisation], users: dict) -> tuple[int, int]:
    cycles = {c.code: c for c in ReviewCycle.objects.all()}
    past, current = cycles["IMRF-2022"], cycles["IMRF-2026"]
    objectives = {o.number: o for o in Objective.objects.all()}
    principles = list(GuidingPrinciple.objects.all())
    indicators = {i.sdg_code: i for i in Indicator.objects.exclude(sdg_code="")}
    regions = list(Area.objects.filter(kind__in=["subregion", "commission"]))
    secretariat = users[SECRETARIAT_EMAIL]
    accredited = [o for o in organisations if o.accredited]

    states = [state for state, count in STATE_PLAN for _ in range(count)]
    published: list[Pledge] = []
    update_count = 0
    for index, state in enumerate(states):
        theme = THEMES[index % len(THEMES)]
        lead = organisations[0] if index % 9 == 0 else accredited[index % len(accredited)]
        if state == ReviewState.DRAFT and index % 2:
            lead = organisations[-1]  # the organisation still awaiting accreditation drafts too
        place = lead.country.name
        cycle = past if state == ReviewState.PUBLISHED and index % 3 != 2 else current
        created_at = _cycle_moment(rng, cycle)
        joint = (
            JointKind.INDIVIDUAL,
            JointKind.INDIVIDUAL,
            JointKind.COMMON,
            JointKind.PARTNERSHIP,
        )[index % 4]
        is_financial = "financial" in theme.forms
        pledge = pledge_create(
            by=secretariat,
            cycle=cycle,
            lead_organisation=lead,
            title=theme.title.format(place=place),
            description=description_for(theme, place),
            form_financial=is_financial,
            form_human_resources="human_resources" in theme.forms,
            form_process="process" in theme.forms,
            form_policy="policy" in theme.forms,
            joint_kind=joint,
            mirrors_gcr=index % 11 == 0,
            is_global=index % 13 == 0,
            start_date=created_at.date(),
            deadline=dt.date(cycle.forum_year + 4, 12, 31),
            amount=Decimal(rng.randrange(50, 5000) * 1000) if is_financial else None,
            currency=rng.choice(["USD", "EUR", "USD", "GBP"]) if is_financial else "",
        )
        _links(rng, pledge, theme, objectives, principles, lead, regions)
        if joint != JointKind.INDIVIDUAL:
            for partner in rng.sample([o for o in accredited if o != lead], 2):
                PledgePartner.objects.create(
                    pledge=pledge,
                    organisation=partner,
                    status=PartnerStatus.ACCEPTED
                    if state != ReviewState.DRAFT
                    else PartnerStatus.INVITED,
                    responded_at=created_at if state != ReviewState.DRAFT else None,
                )
        target = _target(pledge, theme, indicators, cycle)
        Evidence.objects.create(
            pledge=pledge,
            title="Pledge announcement",
            url=f"https://www.example.org/pledges/{pledge.reference.lower()}",
            created_at=created_at,
        )
        _walk_review(rng, pledge, state, created_at, users, index)
        if state == ReviewState.PUBLISHED:
            published.append(pledge)
            update_count += _updates(rng, pledge, target, index, users)
    # A few published pledges match another one: support pledges for the first ones.
    for supporter, supported in zip(published[-4:], published[:4], strict=True):
        Pledge.objects.filter(pk=supporter.pk).update(matches=supported)
    # One submitted pledge turns out to repeat a published one: the secretariat merges it.
    duplicate = Pledge.objects.filter(review_state=ReviewState.SUBMITTED).order_by("pk").first()
    pledge_merge(duplicate=duplicate, into=published[0], by=secretariat)
    return len(states), update_count


def _cycle_moment(rng: random.Random, cycle: ReviewCycle) -> dt.datetime:
    day = dt.date(cycle.forum_year - 1, 9, 1) + dt.timedelta(days=rng.randrange(0, 240))
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)


def _links(rng, pledge, theme: Theme, objectives, principles, lead, regions) -> None:
    main = theme.objectives[:3]
    PledgeObjective.objects.bulk_create(
        [
            PledgeObjective(pledge=pledge, objective=objectives[n], main_rank=rank)
            for rank, n in enumerate(main, start=1)
        ]
        + [
            PledgeObjective(pledge=pledge, objective=objectives[n])
            for n in rng.sample([n for n in objectives if n not in main], rng.randrange(0, 3))
        ]
    )
    pledge.principles.set(rng.sample(principles, rng.randrange(2, 5)))
    if not pledge.is_global:
        pledge.areas.add(lead.country)
        if rng.random() < 0.3:
            pledge.areas.add(rng.choice(regions))


def _target(pledge, theme: Theme, indicators, cycle) -> PledgeTarget:
    indicator = indicators.get(theme.indicator) if theme.indicator else None
    return PledgeTarget.objects.create(
        pledge=pledge,
        indicator=indicator,
        own_metric="" if indicator else theme.own_metric,
        unit=theme.unit,
        baseline_value=Decimal(str(theme.baseline)),
        baseline_year=cycle.forum_year - 1,
        target_value=Decimal(str(theme.target)),
        target_year=cycle.forum_year + 4,
    )


def _event(pledge, action, from_state, to_state, actor, when, comment="", update=None) -> None:
    ReviewEvent.objects.create(
        pledge=pledge,
        update=update,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        created_at=when,
        comment=comment,
    )


def _walk_review(rng, pledge: Pledge, state: str, created_at, users, index: int) -> None:
    """Record the review steps that lead to `state`, as the workflow would have."""
    ReviewEvent.objects.filter(pledge=pledge).update(created_at=created_at)
    Pledge.objects.filter(pk=pledge.pk).update(created_at=created_at)
    if state == ReviewState.DRAFT:
        return
    author = users[FOCAL_POINT_EMAIL]
    secretariat = users[SECRETARIAT_EMAIL]
    submitted = created_at + dt.timedelta(days=rng.randrange(2, 20))
    _event(pledge, ReviewAction.SUBMIT, ReviewState.DRAFT, ReviewState.SUBMITTED, author, submitted)
    fields: dict = {"review_state": state, "submitted_at": submitted}
    decided = submitted + dt.timedelta(days=rng.randrange(3, 30))
    if state == ReviewState.CHANGES_REQUESTED:
        _event(
            pledge,
            ReviewAction.REQUEST_CHANGES,
            ReviewState.SUBMITTED,
            state,
            secretariat,
            decided,
            "Please add a baseline year and say how progress will be measured.",
        )
    elif state == ReviewState.REJECTED:
        _event(
            pledge,
            ReviewAction.REJECT,
            ReviewState.SUBMITTED,
            state,
            secretariat,
            decided,
            "This commitment concerns refugees and belongs under the Global Compact on Refugees.",
        )
    elif state in (ReviewState.PUBLISHED, ReviewState.WITHDRAWN):
        _event(
            pledge,
            ReviewAction.PUBLISH,
            ReviewState.SUBMITTED,
            ReviewState.PUBLISHED,
            secretariat,
            decided,
        )
        fields["published_at"] = decided
        if state == ReviewState.WITHDRAWN:
            withdrawn = decided + dt.timedelta(days=rng.randrange(60, 400))
            _event(
                pledge,
                ReviewAction.WITHDRAW,
                ReviewState.PUBLISHED,
                state,
                author,
                withdrawn,
                "Funding for this programme was not renewed.",
            )
            fields["implementation_status"] = ImplementationStatus.DISCONTINUED
    Pledge.objects.filter(pk=pledge.pk).update(**fields)


def _updates(rng, pledge: Pledge, target: PledgeTarget, index: int, users) -> int:
    """Progress updates of a published pledge, ending in one of the implementation statuses."""
    final_status = STATUS_ORDER[index % len(STATUS_ORDER)]
    if final_status == ImplementationStatus.PLANNED:
        return 0  # silence is data: some published pledges never report
    pledge.refresh_from_db(fields=["published_at"])
    count = 1 if final_status == ImplementationStatus.DISCONTINUED else rng.randrange(1, 4)
    baseline, goal = float(target.baseline_value), float(target.target_value)
    final_share = {
        ImplementationStatus.IN_PROGRESS: 0.4,
        ImplementationStatus.PARTIALLY_FULFILLED: 0.7,
        ImplementationStatus.FULFILLED: 1.0,
        ImplementationStatus.DISCONTINUED: 0.1,
    }[final_status]
    author = users[FOCAL_POINT_EMAIL]
    secretariat = users[SECRETARIAT_EMAIL]
    for step in range(1, count + 1):
        reported = pledge.published_at.date() + dt.timedelta(days=200 * step + rng.randrange(0, 60))
        share = final_share * step / count
        status = final_status if step == count else ImplementationStatus.IN_PROGRESS
        published_at = dt.datetime.combine(
            reported + dt.timedelta(days=7), dt.time(9), tzinfo=dt.UTC
        )
        update = ProgressUpdate.objects.create(
            pledge=pledge,
            cycle=pledge.cycle,
            organisation=pledge.lead_organisation,
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
            review_state=ReviewState.PUBLISHED,
            author=author,
            submitted_at=published_at - dt.timedelta(days=5),
            published_at=published_at,
            created_at=published_at - dt.timedelta(days=6),
        )
        TargetMeasurement.objects.create(
            update=update,
            target=target,
            value=Decimal(str(round(baseline + (goal - baseline) * share, 2))),
            measured_on=reported,
        )
        if step == count and rng.random() < 0.6:
            Evidence.objects.create(
                pledge=pledge,
                update=update,
                title="Annual implementation report",
                url=f"https://www.example.org/reports/{pledge.reference.lower()}-{step}.pdf",
            )
        _event(
            pledge,
            ReviewAction.SUBMIT,
            ReviewState.DRAFT,
            ReviewState.SUBMITTED,
            author,
            published_at - dt.timedelta(days=5),
            update=update,
        )
        _event(
            pledge,
            ReviewAction.PUBLISH,
            ReviewState.SUBMITTED,
            ReviewState.PUBLISHED,
            secretariat,
            published_at,
            update=update,
        )
    Pledge.objects.filter(pk=pledge.pk).update(implementation_status=final_status)
    return count


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
