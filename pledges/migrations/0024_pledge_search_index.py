"""A full-text index for the explorer's search, on PostgreSQL only (SQLite has no such index:
the explorer searches word by word there).

The expression is exactly `pledges.filters.search_vector()`: PostgreSQL uses an index on an
expression only for queries that use the same expression.
"""

from django.db import migrations

INDEX = "pledge_search_document"
CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX} ON pledges_pledge USING gin ((
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(description, '')), 'B')
))
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("pledges", "0023_following")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
