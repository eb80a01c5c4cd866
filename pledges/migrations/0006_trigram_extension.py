from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm for duplicate suggestions; a no-op on databases other than PostgreSQL."""

    dependencies = [("pledges", "0005_invitations_and_join_requests")]

    operations = [TrigramExtension()]
