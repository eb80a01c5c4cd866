"""Loading the GCM results framework (objectives, principles, areas, indicator sets).

`framework_load` reads the whole structure first and refuses a malformed one before it writes a
row; the caller wraps it, with whatever else it loads, in one transaction.
"""

from __future__ import annotations

import gettext
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from django.conf import settings
from django.db import transaction

from indicators.datafile import DataFileError, Entry, sync_m2m, unique, upsert
from indicators.models import (
    Area,
    AreaKind,
    Direction,
    GuidingPrinciple,
    Indicator,
    IndicatorSet,
    IndicatorTarget,
    Objective,
)

OBJECTIVE_COUNT = 23
PRINCIPLE_COUNT = 10
# pycountry's catalogue of country names for each of the site's languages.
PYCOUNTRY_LOCALES = {"fr": "fr", "es": "es", "ar": "ar", "zh-hans": "zh_CN", "ru": "ru"}
# Each kind of reference data, its key in the translations file and the fields translated there
# (as named in the file, then on the model).
TRANSLATED = {
    "objectives": {"title": "title", "short": "short_title"},
    "guiding_principles": {"title": "title"},
    "areas": {"name": "name"},
}


@dataclass
class IndicatorRow:
    code: str
    name: str
    values: dict[str, Any]
    objectives: list[int]
    target: dict[str, Any] | None = None


@dataclass
class IndicatorSetRow:
    code: str
    version: str
    values: dict[str, Any]
    indicators: list[IndicatorRow] = field(default_factory=list)


@dataclass
class Framework:
    objectives: list[dict[str, Any]]
    principles: list[dict[str, Any]]
    regions: list[dict[str, Any]]
    world: dict[str, str]
    countries: dict[str, tuple[str, bool]]
    commissions: list[dict[str, Any]]
    indicator_sets: list[IndicatorSetRow]
    # By kind ("objectives", "guiding_principles", "areas"), then key, then language.
    translations: dict[str, dict[str, dict[str, dict[str, str]]]] = field(default_factory=dict)


def framework_parse(data: Any) -> Framework:
    """Check the reference data and turn it into plain rows; raise DataFileError if malformed."""
    root = Entry(data, "file")
    if root.int("format") != 1:
        raise DataFileError("file.format: this tracker reads format 1")

    objectives = [
        {
            "number": e.int("number"),
            "title": e.str("title", max_length=300),
            "short_title": e.str("short", max_length=100),
            "source": e.str("source", required=False, max_length=300),
        }
        for e in root.entries("objectives")
    ]
    numbers = [o["number"] for o in objectives]
    unique(numbers, "objectives")
    if sorted(numbers) != list(range(1, OBJECTIVE_COUNT + 1)):
        raise DataFileError(f"objectives: the GCM has objectives 1 to {OBJECTIVE_COUNT}")

    principles = [
        {
            "letter": e.str("letter", max_length=1),
            "title": e.str("title", max_length=200),
            "source": e.str("source", required=False, max_length=300),
        }
        for e in root.entries("guiding_principles")
    ]
    unique([p["letter"] for p in principles], "guiding_principles")
    if len(principles) != PRINCIPLE_COUNT:
        raise DataFileError(f"guiding_principles: the GCM has {PRINCIPLE_COUNT}")

    areas = root.entry("areas")
    world_entry = areas.entry("world")
    world = {"code": world_entry.str("code"), "name": world_entry.str("name")}
    region_kinds = {AreaKind.REGION, AreaKind.SUBREGION, AreaKind.INTERMEDIATE}
    regions = []
    for e in areas.entries("regions"):
        kind = e.choice("kind", AreaKind, AreaKind.REGION)
        if kind not in region_kinds:
            raise DataFileError(f"{e.path}.kind: a region is region, subregion or intermediate")
        regions.append(
            {"m49": e.str("m49"), "name": e.str("name"), "kind": kind, "parent": e.str("parent")}
        )
    region_codes = {world["code"]} | {r["m49"] for r in regions}
    unique([r["m49"] for r in regions], "areas.regions")
    for r in regions:
        if r["parent"] not in region_codes:
            raise DataFileError(f"areas.regions: {r['m49']} has unknown parent {r['parent']}")

    countries: dict[str, tuple[str, bool]] = {}
    raw_countries = areas.data.get("countries")
    if not isinstance(raw_countries, dict) or not raw_countries:
        raise DataFileError("areas.countries: expected a mapping of ISO3 codes")
    for iso3, value in raw_countries.items():
        if pycountry.countries.get(alpha_3=str(iso3)) is None:
            raise DataFileError(f"areas.countries.{iso3}: not an ISO 3166 alpha-3 code")
        if not (isinstance(value, list) and len(value) == 2 and str(value[0]) in region_codes):
            raise DataFileError(f"areas.countries.{iso3}: expected [M49 region code, true|false]")
        countries[str(iso3)] = (str(value[0]), bool(value[1]))

    commissions = []
    for e in areas.entries("commissions"):
        members = [str(m) for m in e.list("members")]
        unknown = sorted(set(members) - set(countries))
        if unknown:
            raise DataFileError(f"{e.path}.members: unknown countries {', '.join(unknown)}")
        commissions.append({"code": e.str("code"), "name": e.str("name"), "members": members})
    unique([c["code"] for c in commissions], "areas.commissions")

    indicator_sets = [_parse_indicator_set(e) for e in root.entries("indicator_sets")]
    unique([(s.code, s.version) for s in indicator_sets], "indicator_sets")
    return Framework(
        objectives=objectives,
        principles=principles,
        regions=regions,
        world=world,
        countries=countries,
        commissions=commissions,
        indicator_sets=indicator_sets,
    )


def translations_parse(data: Any, framework: Framework) -> None:
    """Check the reference data's wording in the other languages and attach it to `framework`.

    Every entry names a row of the framework and a language of the site; a field left out keeps
    its English wording.
    """
    root = Entry(data, "translations")
    if root.int("format") != 1:
        raise DataFileError("translations.format: this tracker reads format 1")
    languages = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    keys = {
        "objectives": {str(o["number"]) for o in framework.objectives},
        "guiding_principles": {p["letter"] for p in framework.principles},
        "areas": {framework.world["code"]}
        | {r["m49"] for r in framework.regions}
        | {c["code"] for c in framework.commissions},
    }
    for kind, fields_ in TRANSLATED.items():
        found: dict[str, dict[str, dict[str, str]]] = {}
        for key, by_language in (root.data.get(kind) or {}).items():
            path = f"translations.{kind}.{key}"
            if str(key) not in keys[kind]:
                raise DataFileError(f"{path}: not in the framework")
            if not isinstance(by_language, dict):
                raise DataFileError(f"{path}: expected a mapping of language codes")
            for language, words in by_language.items():
                if language not in languages:
                    raise DataFileError(f"{path}.{language}: not a language of the site")
                entry = Entry(words, f"{path}.{language}")
                found.setdefault(str(key), {})[language] = {
                    model_field: entry.str(name, max_length=300)
                    for name, model_field in fields_.items()
                    if name in words
                }
        framework.translations[kind] = found


def country_names(iso3: str) -> dict[str, dict[str, str]]:
    """A country's name in the site's other languages, from pycountry's ISO 3166 catalogues."""
    country = pycountry.countries.get(alpha_3=iso3)
    english = getattr(country, "common_name", None) or country.name
    names = {}
    for language, locale in PYCOUNTRY_LOCALES.items():
        local = _country_catalogue(locale).gettext(english)
        if local != english:
            names[language] = {"name": local}
    return names


def _country_catalogue(locale: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True
    )


def _parse_indicator_set(e: Entry) -> IndicatorSetRow:
    row = IndicatorSetRow(
        code=e.str("code", max_length=50),
        version=e.str("version", max_length=30),
        values={
            "name": e.str("name", max_length=200),
            "description": e.str("description", required=False),
            "source": e.str("source", required=False, max_length=500),
            "published_on": e.date("published_on"),
        },
    )
    codes_are_sdg = bool(e.data.get("codes_are_sdg", False))
    for position, ie in enumerate(e.entries("indicators"), start=1):
        raw_objectives = ie.data.get("objectives", [])
        if raw_objectives == "all":
            objectives = list(range(1, OBJECTIVE_COUNT + 1))
        elif isinstance(raw_objectives, list) and all(
            isinstance(n, int) and 1 <= n <= OBJECTIVE_COUNT for n in raw_objectives
        ):
            objectives = raw_objectives
        else:
            raise DataFileError(f"{ie.path}.objectives: expected objective numbers or 'all'")
        target = None
        if "target" in ie.data:
            te = ie.entry("target")
            try:
                value = Decimal(str(te.data.get("value")))
            except InvalidOperation:
                raise DataFileError(f"{te.path}.value: expected a number") from None
            target = {
                "value": value,
                "year": te.int("year"),
                "description": te.str("description", required=False, max_length=500),
                "source": te.str("source", required=False, max_length=500),
            }
        row.indicators.append(
            IndicatorRow(
                code=ie.str("code", required=False, max_length=30),
                name=ie.str("name", max_length=500),
                objectives=objectives,
                target=target,
                values={
                    "short_name": ie.str("short", required=False, max_length=120),
                    "unit": ie.str("unit", required=False, max_length=200),
                    "direction": ie.choice("direction", Direction, Direction.UNSPECIFIED),
                    # Sets of SDG indicators say so once, rather than repeating each code.
                    "sdg_code": ie.str("code", required=False) if codes_are_sdg else "",
                    "custodian": ie.str("custodian", required=False, max_length=300),
                    "notes": ie.str("notes", required=False),
                    "source": ie.str("source", required=False, max_length=500),
                    "position": position,
                },
            )
        )
    unique([i.code for i in row.indicators if i.code], f"{e.path}.indicators codes")
    unique([i.name for i in row.indicators], f"{e.path}.indicators names")
    return row


@transaction.atomic
def framework_load(*, framework: Framework) -> Counter[str]:
    """Create what is missing and update what changed; count rows created/updated/unchanged.

    Which version of an indicator set is current is the secretariat's choice once a set exists,
    so it is set only when a set is first created.
    """
    counts: Counter[str] = Counter()

    def tally(kind: str, outcome: str) -> None:
        counts[f"{kind} {outcome}"] += 1

    objectives = {}
    for row in framework.objectives:
        values = {k: v for k, v in row.items() if k != "number"}
        values["translations"] = _translations(framework, "objectives", str(row["number"]))
        obj, outcome = upsert(Objective, {"number": row["number"]}, values)
        objectives[obj.number] = obj
        tally("objectives", outcome)
    for row in framework.principles:
        values = {k: v for k, v in row.items() if k != "letter"}
        values["translations"] = _translations(framework, "guiding_principles", row["letter"])
        tally("principles", upsert(GuidingPrinciple, {"letter": row["letter"]}, values)[1])

    _load_areas(framework, tally)

    for set_row in framework.indicator_sets:
        is_new = not IndicatorSet.objects.filter(
            code=set_row.code, version=set_row.version
        ).exists()
        values = dict(set_row.values)
        if is_new:
            values["is_current"] = (
                not IndicatorSet.objects.current().filter(code=set_row.code).exists()
            )
        indicator_set, outcome = upsert(
            IndicatorSet, {"code": set_row.code, "version": set_row.version}, values
        )
        tally("indicator sets", outcome)
        for ind in set_row.indicators:
            key = {"code": ind.code} if ind.code else {"code": "", "name": ind.name}
            values = dict(ind.values) | ({"name": ind.name} if ind.code else {})
            indicator, outcome = upsert(Indicator, {"indicator_set": indicator_set, **key}, values)
            wanted = [objectives[n] for n in ind.objectives]
            if sync_m2m(indicator.objectives, wanted) and outcome == "unchanged":
                outcome = "updated"
            if ind.target:
                _, target_outcome = upsert(
                    IndicatorTarget, {"indicator": indicator, "area": None}, ind.target
                )
                tally("indicator targets", target_outcome)
            tally("indicators", outcome)
    return counts


def _translations(framework: Framework, kind: str, key: str) -> dict[str, dict[str, str]]:
    return framework.translations.get(kind, {}).get(key, {})


def _load_areas(framework: Framework, tally: Any) -> None:
    world, outcome = upsert(
        Area,
        {"code": framework.world["code"]},
        {
            "name": framework.world["name"],
            "kind": AreaKind.WORLD,
            "m49": framework.world["code"],
            "translations": _translations(framework, "areas", framework.world["code"]),
        },
    )
    tally("areas", outcome)
    by_m49 = {world.m49: world}
    # Parents come before children in the file; the parse step checked every parent exists.
    for row in framework.regions:
        area, outcome = upsert(
            Area,
            {"code": row["m49"]},
            {
                "name": row["name"],
                "kind": row["kind"],
                "m49": row["m49"],
                "parent": by_m49[row["parent"]],
                "translations": _translations(framework, "areas", row["m49"]),
            },
        )
        by_m49[area.m49] = area
        tally("areas", outcome)

    countries = {}
    for iso3, (parent, is_member) in framework.countries.items():
        country = pycountry.countries.get(alpha_3=iso3)
        name = getattr(country, "common_name", None) or country.name
        area, outcome = upsert(
            Area,
            {"code": iso3},
            {
                "name": name,
                "kind": AreaKind.COUNTRY,
                "iso3": iso3,
                "iso2": country.alpha_2,
                "m49": country.numeric,
                "parent": by_m49[parent],
                "is_un_member": is_member,
                "translations": country_names(iso3),
            },
        )
        countries[iso3] = area
        tally("areas", outcome)

    for row in framework.commissions:
        commission, outcome = upsert(
            Area,
            {"code": row["code"]},
            {
                "name": row["name"],
                "kind": AreaKind.COMMISSION,
                "translations": _translations(framework, "areas", row["code"]),
            },
        )
        tally("areas", outcome)
        members = [countries[iso3] for iso3 in row["members"]]
        if sync_m2m(commission.member_areas, members):
            tally("commission memberships", "updated")
