"""A trigram index on proposal titles for the similar-titles lookup (`similarity()`), PostgreSQL only."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS proposals_title_trgm ON proposals_proposal USING gin (title gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS proposals_title_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0001_initial"),
        ("district", "0004_search_trigram"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
