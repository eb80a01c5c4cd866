"""load_framework: idempotent, atomic, and clear about a broken file."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from indicators.models import Area, GuidingPrinciple, Indicator, IndicatorSet, Objective
from pledges.models import RegionalReview, ReviewCycle
from tracker.management.commands.load_framework import DEFAULT_FILE

pytestmark = pytest.mark.django_db

MODELS = (Objective, GuidingPrinciple, Area, IndicatorSet, Indicator, ReviewCycle, RegionalReview)


def load(path: Path | None = None) -> str:
    out = io.StringIO()
    call_command("load_framework", *(["--file", str(path)] if path else []), stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def broken_copy(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "framework.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_loading_from_empty_creates_the_framework():
    Area.objects.update(parent=None)  # the hierarchy protects itself from piecemeal deletion
    for model in reversed(MODELS):
        model.objects.all().delete()
    load()
    assert Objective.objects.count() == 23
    assert GuidingPrinciple.objects.count() == 10
    assert ReviewCycle.objects.filter(code__in=["IMRF-2022", "IMRF-2026", "IMRF-2030"]).count() == 3
    assert Area.objects.get(iso3="KEN").parent.name == "Eastern Africa"
    assert Area.objects.get(code="ECE").member_areas.count() == 56
    assert Area.objects.countries().filter(is_un_member=True).count() == 193
    assert Indicator.objects.filter(indicator_set__code="sdg-migration").count() == 12


def test_loading_twice_changes_nothing():
    before = counts()
    output = load()
    assert counts() == before
    assert "already up to date" in output
    assert Objective.objects.count() == 23
    assert GuidingPrinciple.objects.count() == 10


def test_a_changed_fact_is_updated_in_place(tmp_path):
    def retitle(data):
        data["objectives"][0]["short"] = "Data and evidence"

    output = load(broken_copy(tmp_path, retitle))
    assert Objective.objects.get(number=1).short_title == "Data and evidence"
    assert Objective.objects.count() == 23
    assert "1 rows created or updated" in output


def test_the_secretariats_choice_of_current_version_is_kept():
    newer = IndicatorSet.objects.create(
        code="sdg-migration", version="2", name="x", is_current=False
    )
    IndicatorSet.objects.filter(code="sdg-migration", version="1").update(is_current=False)
    IndicatorSet.objects.filter(pk=newer.pk).update(is_current=True)
    load()
    assert IndicatorSet.objects.get(code="sdg-migration", is_current=True) == newer


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["objectives"].pop(), "objectives 1 to 23"),
        (lambda d: d["objectives"][4].pop("title"), "objectives[4].title: missing"),
        (lambda d: d["guiding_principles"].append(d["guiding_principles"][0]), "appears twice"),
        (lambda d: d["areas"]["countries"].update({"XYZ": ["014", True]}), "XYZ"),
        (lambda d: d["areas"]["commissions"][0]["members"].append("ZZZ"), "unknown countries ZZZ"),
        (lambda d: d["indicator_sets"][0]["indicators"][0].update(direction="up"), "direction"),
        (lambda d: d["review_cycles"][0].update(forum_start="17 May 2022"), "YYYY-MM-DD"),
        (
            lambda d: d["review_cycles"][0]["regional_reviews"][0].update(commission="NOPE"),
            "unknown commission NOPE",
        ),
    ],
)
def test_a_broken_file_loads_nothing_and_says_why(tmp_path, change, message):
    def break_it(data):
        # A valid change early in the file must not survive the error later on.
        data["objectives"][0]["short"] = "Changed before the error"
        change(data)

    before = counts()
    with pytest.raises(CommandError, match=re.escape(message)) as error:
        load(broken_copy(tmp_path, break_it))
    assert "Nothing was loaded" in str(error.value)
    assert counts() == before
    assert Objective.objects.get(number=1).short_title == "Data"


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("objectives: [unclosed", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid YAML"):
        load(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        load(tmp_path / "absent.yaml")


def test_reference_data_reads_in_each_language():
    from django.utils import translation

    objective, kenya, africa = (
        Objective.objects.get(number=1),
        Area.objects.get(code="KEN"),
        Area.objects.get(code="002"),
    )
    with translation.override("fr"):
        assert objective.local.short_title == "Données"
        assert objective.local.title.startswith("Collecter et utiliser des données")
        assert africa.local.name == "Afrique"
    with translation.override("zh-hans"):
        assert str(kenya) == "肯尼亚"  # pycountry's ISO 3166 catalogue
    with translation.override("ar"):
        assert all(p.local.title != p.title for p in GuidingPrinciple.objects.all())
    assert (objective.local.title, str(kenya)) == (objective.title, "Kenya")


@pytest.mark.parametrize(
    ("wording", "message"),
    [
        ({"format": 1, "objectives": {24: {"fr": {"title": "x"}}}}, "objectives.24: not in"),
        ({"format": 1, "areas": {"002": {"de": {"name": "Afrika"}}}}, "002.de: not a language"),
        ({"format": 2}, "format 1"),
    ],
)
def test_broken_translations_load_nothing_and_say_why(tmp_path, wording, message):
    path = tmp_path / "translations.yaml"
    path.write_text(yaml.safe_dump(wording), encoding="utf-8")
    before = Objective.objects.get(number=1).translations
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("load_framework", "--translations", str(path), stdout=io.StringIO())
    assert Objective.objects.get(number=1).translations == before
