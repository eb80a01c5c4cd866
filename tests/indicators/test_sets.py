"""Indicator sets from CSV and XLSX: versions, atomic imports, data following the current set."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators.models import Area, Indicator, IndicatorSet, Observation
from indicators.sets import SetImportRejected, indicator_set_import, indicator_set_make_current
from tests.factories import PledgeFactory, PledgeTargetFactory

pytestmark = pytest.mark.django_db

TABLE = (
    "Code,Name,Unit,Direction,SDG code,Custodian,Objectives,Target value,Target year\n"
    "10.c.1,Remittance costs as a proportion of the amount remitted,percent,decrease,10.c.1,"
    "World Bank,20,3,2030\n"
    ",Migrants in decent work (a proposed measure without an official code),percent,"
    "higher is better,,,6; 18,,\n"
)


def csv_file(text: str = TABLE) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def import_csv(text: str = TABLE, version: str = "1", **options):
    return indicator_set_import(
        file=csv_file(text),
        filename="set.csv",
        code="gcm-test",
        version=version,
        **({"name": "GCM test set"} | options),
    )


def test_a_new_set_is_imported_with_objectives_and_targets():
    result = import_csv()
    assert result.created
    assert result.indicators == 2
    costs = Indicator.objects.get(indicator_set=result.indicator_set, code="10.c.1")
    assert (costs.direction, costs.sdg_code, costs.custodian) == (
        "decrease",
        "10.c.1",
        "World Bank",
    )
    assert [o.number for o in costs.objectives.all()] == [20]
    target = costs.targets.get()
    assert (target.area, target.value, target.year, target.base_year) == (None, 3, 2030, 2015)
    decent = Indicator.objects.get(indicator_set=result.indicator_set, code="")
    assert decent.direction == "increase"
    assert sorted(o.number for o in decent.objectives.all()) == [6, 18]


def test_an_xlsx_table_reads_like_the_csv():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "objectives", "direction"])
    sheet.append(["10.7.3", "Migrant deaths and disappearances", 8, "decrease"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = indicator_set_import(
        file=buffer, filename="set.xlsx", code="gcm-test", version="1", name="GCM test set"
    )
    indicator = result.indicator_set.indicators.get()
    assert indicator.code == "10.7.3"
    assert [o.number for o in indicator.objectives.all()] == [8]


def test_a_bad_table_writes_nothing_and_names_every_bad_row():
    text = (
        "code,name,direction,SDG code,objectives,target value,target year\n"
        "A1,First,sideways,10.7.2,6,,\n"
        "A2,,increase,ten,24,,\n"
        "A1,Third,decrease,,all,3,\n"
    )
    with pytest.raises(SetImportRejected) as rejected:
        import_csv(text)
    assert rejected.value.rejected == [
        (2, "direction 'sideways' is not increase or decrease"),
        (3, "name is empty"),
        (3, "SDG code 'ten' is not like 10.7.2"),
        (3, "objective '24' is not a number from 1 to 23"),
        (4, "a target needs both a target value and a target year"),
    ]
    assert not IndicatorSet.objects.filter(code="gcm-test").exists()


def test_unknown_columns_and_repeated_codes_are_named():
    with pytest.raises(SetImportRejected) as rejected:
        import_csv("code,name,colour\nA,x,red\n")
    assert rejected.value.rejected == [(1, "unknown column 'colour'")]
    with pytest.raises(SetImportRejected) as rejected:
        import_csv("code,name\nA,x\nA,y\n")
    assert rejected.value.rejected == [(3, "code 'A' is already on line 2")]


def test_a_new_set_needs_a_name_and_a_table_needs_rows():
    with pytest.raises(SetImportRejected) as rejected:
        import_csv("code,name\n", name="")
    assert [reason for _, reason in rejected.value.rejected] == [
        "the table holds no indicator",
        "the set 'gcm-test' is new: give it a name",
    ]


def test_the_same_version_again_changes_nothing_and_other_content_is_refused():
    first = import_csv()
    again = import_csv()
    assert not again.created
    assert again.indicator_set == first.indicator_set
    with pytest.raises(SetImportRejected, match="does not change once imported"):
        import_csv(TABLE.replace("World Bank", "IOM"))


def test_a_new_version_becomes_current_takes_the_data_and_leaves_pledge_targets_alone():
    first = import_csv().indicator_set
    old = first.indicators.get(code="10.c.1")
    kenya = Area.objects.get(iso3="KEN")
    Observation.objects.create(
        indicator=old,
        area=kenya,
        period_label="2019",
        period_start="2019-01-01",
        period_end="2019-12-31",
        value=Decimal("7.5"),
    )
    target = PledgeTargetFactory(pledge=PledgeFactory(), indicator=old, own_metric="")

    second = import_csv(TABLE.replace("percent,decrease", "per cent,decrease"), version="2")

    first.refresh_from_db()
    assert second.indicator_set.is_current
    assert not first.is_current
    assert second.carried_on == 1
    new = second.indicator_set.indicators.get(code="10.c.1")
    assert Observation.objects.get().indicator == new
    old.refresh_from_db()
    assert old.superseded_by == new
    target.refresh_from_db()
    assert target.indicator == old  # the version the pledge chose
    assert first.indicators.count() == 2  # older versions stay readable

    indicator_set_make_current(indicator_set=first)
    assert Observation.objects.get().indicator == old
    new.refresh_from_db()
    assert new.superseded_by == old


def test_a_version_loaded_as_not_current_leaves_the_current_one():
    first = import_csv().indicator_set
    second = import_csv(TABLE.replace("percent", "%"), version="2", make_current=False)
    first.refresh_from_db()
    assert first.is_current
    assert not second.indicator_set.is_current


def test_the_command_imports_and_reports(tmp_path):
    path = tmp_path / "set.csv"
    path.write_text(TABLE, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_indicator_set", str(path), code="gcm-test", set_version="1", name="T", stdout=out
    )
    assert "T (1) imported: 2 indicators, current" in out.getvalue()


def test_the_command_exits_non_zero_and_lists_problems(tmp_path):
    path = tmp_path / "set.csv"
    path.write_text("code,name,direction\nA,x,up-ish\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_indicator_set", str(path), code="t", set_version="1", name="T", stderr=err
        )
    assert "set.csv:2: direction 'up-ish'" in err.getvalue()


def test_the_secretariat_imports_a_set_in_the_admin(client, secretariat):
    client.force_login(secretariat)
    url = reverse("admin:indicators_indicatorset_import")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("set.csv", TABLE.encode()),
            "code": "gcm-test",
            "version": "1",
            "name": "GCM test set",
            "make_current": "on",
        },
    )
    indicator_set = IndicatorSet.objects.get(code="gcm-test")
    assert response.url == reverse("admin:indicators_indicatorset_change", args=[indicator_set.pk])


def test_the_admin_import_shows_every_problem_and_writes_nothing(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:indicators_indicatorset_import"),
        {
            "file": SimpleUploadedFile("set.csv", b"code,name,objectives\nA,x,99\n"),
            "code": "gcm-test",
            "version": "1",
            "name": "GCM test set",
        },
    )
    assert response.status_code == 200
    assert "Line 2: objective &#x27;99&#x27; is not a number from 1 to 23" in response.text
    assert not IndicatorSet.objects.filter(code="gcm-test").exists()


def test_staff_without_the_permissions_cannot_import(client, member, secretariat):
    url = reverse("admin:indicators_indicatorset_import")
    client.force_login(member)
    assert client.get(url).status_code == 302  # to the admin login
    viewer = secretariat
    viewer.user_permissions.clear()
    client.force_login(viewer)
    assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("admin:indicators_indicatorset_import"))
    assert response.status_code == 302


def test_the_secretariat_makes_an_older_version_current_again(client, secretariat):
    first = import_csv().indicator_set
    import_csv(TABLE.replace("percent", "%"), version="2")
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:indicators_indicatorset_changelist"),
        {"action": "make_current", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_current


def test_two_versions_of_one_set_cannot_both_be_made_current(client, secretariat):
    first = import_csv().indicator_set
    second = import_csv(TABLE.replace("percent", "%"), version="2").indicator_set
    client.force_login(secretariat)
    client.post(
        reverse("admin:indicators_indicatorset_changelist"),
        {"action": "make_current", "_selected_action": [first.pk, second.pk]},
    )
    second.refresh_from_db()
    assert second.is_current


def test_a_file_that_is_not_a_table_is_refused_with_a_reason():
    with pytest.raises(SetImportRejected, match="not a readable XLSX file"):
        indicator_set_import(
            file=io.BytesIO(b"not a workbook"), filename="set.xlsx", code="t", version="1", name="T"
        )
    with pytest.raises(SetImportRejected, match="not UTF-8"):
        indicator_set_import(
            file=io.BytesIO("code,name\nA,Caf\u00e9\n".encode("latin-1")),
            filename="set.csv",
            code="t",
            version="1",
            name="T",
        )
    with pytest.raises(SetImportRejected, match=r"give a \.csv or \.xlsx file"):
        indicator_set_import(
            file=io.BytesIO(b""), filename="set.pdf", code="t", version="1", name="T"
        )


def test_an_indicator_without_a_code_is_carried_on_by_its_name():
    first = import_csv().indicator_set
    uncoded = first.indicators.get(code="")
    Observation.objects.create(
        indicator=uncoded,
        area=Area.objects.get(iso3="KEN"),
        period_label="2020",
        period_start="2020-01-01",
        period_end="2020-12-31",
        value=Decimal("41"),
    )
    second = import_csv(TABLE.replace("percent,higher", "% of workers,higher"), version="2")
    assert second.carried_on == 1
    assert Observation.objects.get().indicator.indicator_set == second.indicator_set


def test_a_quote_left_open_is_refused_with_its_line():
    with pytest.raises(SetImportRejected) as rejected:
        import_csv('code,name\nA,"Unfinished\n')
    assert rejected.value.rejected == [(2, "not readable as CSV: unexpected end of data")]


def test_staff_without_change_permission_cannot_make_a_version_current(client, secretariat):
    from django.contrib.auth.models import Permission

    first = import_csv().indicator_set
    import_csv(TABLE.replace("percent", "%"), version="2")
    secretariat.user_permissions.set(Permission.objects.filter(codename="view_indicatorset"))
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:indicators_indicatorset_changelist"),
        {"action": "make_current", "_selected_action": [first.pk]},
    )
    assert response.status_code == 200  # the action is not offered: Django says so, changes nothing
    first.refresh_from_db()
    assert not first.is_current
