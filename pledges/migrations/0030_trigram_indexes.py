from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in ("title", "description"):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS pledge_{column}_trgm "
                f"ON pledges_pledge USING gin ({column} gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in ("title", "description"):
            schema_editor.execute(f"DROP INDEX IF EXISTS pledge_{column}_trgm")


class Migration(migrations.Migration):
    """Trigram indexes, so that the duplicate finder reads candidates from an index rather than
    scoring every pledge; nothing on databases other than PostgreSQL."""

    dependencies = [("pledges", "0029_following_language")]

    operations = [migrations.RunPython(create, drop)]
