"""A target on an indicator is measured in the indicator's unit: targets saved before this rule
took whatever unit was typed."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def indicators_unit(apps, schema_editor):
    PledgeTarget = apps.get_model("pledges", "PledgeTarget")
    Indicator = apps.get_model("indicators", "Indicator")
    PledgeTarget.objects.filter(indicator__isnull=False).update(
        unit=Subquery(Indicator.objects.filter(pk=OuterRef("indicator_id")).values("unit")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0019_target_unit_as_long_as_indicators"),
        ("indicators", "0004_observation_revision_who_and_why"),
    ]

    operations = [migrations.RunPython(indicators_unit, migrations.RunPython.noop)]
