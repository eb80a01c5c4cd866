"""Versions frozen before pledges.content keyed the forms of a pledge as one list of labels and
the type of pledge by its label; they now follow the content's fields, like new versions."""

from django.db import migrations

FORMS = {
    "financial contribution": "form_financial",
    "human resource contribution": "form_human_resources",
    "process-oriented commitment": "form_process",
    "policy-oriented commitment": "form_policy",
}
JOINT_KINDS = {
    "Individual pledge": "individual",
    "Common pledge": "common",
    "Pledge in partnership": "partnership",
}


def by_content(apps, schema_editor):
    PledgeVersion = apps.get_model("pledges", "PledgeVersion")
    for version in PledgeVersion.objects.all().iterator():
        snapshot = version.snapshot
        if "forms" not in snapshot:
            continue
        forms = set(snapshot.pop("forms"))
        for label, name in FORMS.items():
            snapshot[name] = label in forms
        snapshot["joint_kind"] = JOINT_KINDS.get(snapshot.get("joint_kind"), "individual")
        snapshot.setdefault("partner_emails", [])
        version.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    dependencies = [("pledges", "0015_outbox_update_versions_rule_messages")]

    operations = [migrations.RunPython(by_content, migrations.RunPython.noop)]
