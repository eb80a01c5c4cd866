"""Believable pledge wording for demo data: themes tied to GCM objectives and indicators."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    title: str
    objectives: tuple[int, ...]
    paragraphs: tuple[str, ...]
    indicator: str | None  # SDG code of the target's indicator, or None for an own metric
    own_metric: str
    unit: str
    baseline: float
    target: float
    forms: tuple[str, ...]


COMMON_CLOSING = (
    "Progress will be reported to the secretariat at least once a year, with the data sources "
    "named, and discussed with migrant organisations and local partners before each regional "
    "review so that the next steps reflect what people on the ground see."
)

THEMES: tuple[Theme, ...] = (
    Theme(
        title="Zero recruitment fees for migrant workers in {place}",
        objectives=(6, 7, 23),
        paragraphs=(
            "We commit to eliminate recruitment fees and related costs charged to migrant workers "
            "recruited through licensed agencies operating in {place}, in line with the ILO "
            "General Principles and Operational Guidelines for Fair Recruitment.",
            "Licensing rules will be amended so that employers bear the cost of recruitment, "
            "labour inspectors will receive training on fee-charging practices, and a complaints "
            "channel in six languages will let workers report abuses safely.",
        ),
        indicator="10.7.1",
        own_metric="",
        unit="percent of monthly income",
        baseline=48,
        target=10,
        forms=("policy", "process"),
    ),
    Theme(
        title="Cheaper remittance corridors from {place}",
        objectives=(20, 19),
        paragraphs=(
            "We pledge to bring the average cost of sending remittances from {place} below three "
            "per cent of the amount sent, by opening payment systems to licensed money transfer "
            "operators and publishing a price comparison of the main corridors.",
            "A financial-literacy programme delivered with diaspora associations will reach "
            "migrants and their families, and digital onboarding will be accepted with the "
            "identity documents migrants actually hold.",
        ),
        indicator="10.c.1",
        own_metric="",
        unit="percent of amount sent",
        baseline=6.8,
        target=3,
        forms=("policy", "financial"),
    ),
    Theme(
        title="Search and rescue coordination and identification of missing migrants in {place}",
        objectives=(8, 23),
        paragraphs=(
            "We commit to strengthen coordination of search and rescue along routes through "
            "{place} and to set up a single point of contact for families searching for "
            "missing relatives, working with national Red Cross and Red Crescent societies.",
            "Forensic protocols for the identification of remains will be adopted and shared "
            "with neighbouring countries, and data on deaths and disappearances will be "
            "published quarterly.",
        ),
        indicator="10.7.3",
        own_metric="",
        unit="persons",
        baseline=310,
        target=150,
        forms=("process", "human_resources"),
    ),
    Theme(
        title="Birth registration for every child born to migrant parents in {place}",
        objectives=(4, 7, 15),
        paragraphs=(
            "We commit to ensure that every child born in {place} is registered at birth, "
            "regardless of the migration status of the parents, by removing documentary "
            "requirements that migrant parents cannot meet.",
            "Mobile registration teams will visit informal settlements and border areas, and "
            "health facilities will notify births directly to the civil registry.",
        ),
        indicator="16.9.1",
        own_metric="",
        unit="percent",
        baseline=71,
        target=98,
        forms=("policy", "process"),
    ),
    Theme(
        title="Alternatives to immigration detention for children and families in {place}",
        objectives=(13, 7),
        paragraphs=(
            "We pledge to end the immigration detention of children in {place} and to expand "
            "community-based case management as an alternative for families, developed with "
            "civil society organisations that already provide shelter and legal counselling.",
            "Case workers will be trained and the number of people placed in alternatives will "
            "be published each year alongside the number of people detained.",
        ),
        indicator=None,
        own_metric="Children held in immigration detention",
        unit="children",
        baseline=420,
        target=0,
        forms=("policy",),
    ),
    Theme(
        title="Anti-trafficking referral mechanism covering all provinces of {place}",
        objectives=(10, 7),
        paragraphs=(
            "We commit to extend the national referral mechanism for victims of trafficking to "
            "every province of {place}, so that every identified victim is offered shelter, "
            "legal assistance and a reflection period.",
            "Frontline officials, labour inspectors and health workers will be trained to "
            "recognise indicators of trafficking and forced labour among migrants.",
        ),
        indicator=None,
        own_metric="Provinces covered by the referral mechanism",
        unit="provinces",
        baseline=4,
        target=12,
        forms=("process", "human_resources"),
    ),
    Theme(
        title="Recognition of migrants' skills and qualifications in {place}",
        objectives=(18, 5, 16),
        paragraphs=(
            "We commit to set up a one-stop service in {place} for the recognition of foreign "
            "qualifications, with decisions within ninety days and fees waived for refugees "
            "and low-income migrants.",
            "Bilateral skills partnerships with two countries of origin will align training "
            "curricula with the needs of employers on both sides.",
        ),
        indicator=None,
        own_metric="Qualifications recognised within 90 days",
        unit="percent of applications",
        baseline=35,
        target=80,
        forms=("policy", "process"),
    ),
    Theme(
        title="Migrant data unit and disaggregated statistics in {place}",
        objectives=(1, 23),
        paragraphs=(
            "We pledge to set up a migration statistics unit in the national statistics office "
            "of {place} and to publish SDG indicators disaggregated by migratory status, "
            "following the UN Statistical Commission recommendations.",
            "Administrative data from labour, health and education ministries will be linked "
            "under a data-protection framework agreed with civil society.",
        ),
        indicator="17.18.1",
        own_metric="",
        unit="index",
        baseline=55,
        target=75,
        forms=("process", "financial"),
    ),
    Theme(
        title="Access to primary health care for all migrants in {place}",
        objectives=(15, 16, 17),
        paragraphs=(
            "We commit to guarantee access to primary health care for all migrants in {place}, "
            "regardless of status, and to establish a firewall so that health workers do not "
            "share patients' data with immigration enforcement.",
            "Interpreters and cultural mediators will be funded in the twenty districts with the "
            "largest migrant populations.",
        ),
        indicator=None,
        own_metric="Districts with funded cultural mediators",
        unit="districts",
        baseline=3,
        target=20,
        forms=("financial", "policy"),
    ),
    Theme(
        title="Fair labour migration agreements with decent-work safeguards ({place})",
        objectives=(5, 6, 22),
        paragraphs=(
            "We pledge to negotiate bilateral labour migration agreements from {place} that "
            "include decent-work clauses, the portability of social security entitlements and "
            "the participation of trade unions in their monitoring.",
            "Each agreement will be published, and a joint committee with the partner country "
            "will review its implementation every year.",
        ),
        indicator="8.8.2",
        own_metric="",
        unit="score",
        baseline=4.2,
        target=2.5,
        forms=("policy",),
    ),
    Theme(
        title="Counter-xenophobia campaign with local media in {place}",
        objectives=(17, 16),
        paragraphs=(
            "We commit to run a three-year campaign with local and community media in {place} "
            "to promote evidence-based public discourse on migration, with migrants telling "
            "their own stories.",
            "A training programme for journalists will cover ethical reporting on migration, and "
            "a monitoring panel will track hate speech online.",
        ),
        indicator=None,
        own_metric="Journalists trained in ethical migration reporting",
        unit="journalists",
        baseline=0,
        target=600,
        forms=("process", "human_resources"),
    ),
    Theme(
        title="Sustainable reintegration support for returning migrants in {place}",
        objectives=(21, 19),
        paragraphs=(
            "We pledge to provide returning migrants in {place} with individual reintegration "
            "plans covering psychosocial support, vocational training and access to small "
            "grants, whether they return voluntarily or not.",
            "Municipalities of return will be supported to include returnees in local "
            "development plans, with diaspora investment matched by public funds.",
        ),
        indicator=None,
        own_metric="Returnees with an individual reintegration plan",
        unit="persons",
        baseline=800,
        target=5000,
        forms=("financial", "process"),
    ),
)


def description_for(theme: Theme, place: str) -> str:
    """A description within the form's 300 to 3000 characters."""
    paragraphs = [p.format(place=place) for p in theme.paragraphs]
    return "\n\n".join([*paragraphs, COMMON_CLOSING])
