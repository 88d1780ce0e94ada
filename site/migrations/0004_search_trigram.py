"""Trigram indexes for Korean substring search on PostgreSQL (see district/search.py). No-op on SQLite."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS dongne_indexentry_title_trgm ON wagtailsearch_indexentry USING gin (title_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS dongne_indexentry_body_trgm ON wagtailsearch_indexentry USING gin (body_text gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS dongne_indexentry_title_trgm",
    "DROP INDEX IF EXISTS dongne_indexentry_body_trgm",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("district", "0003_livetopic_profile_email_notifications_liveevent_and_more"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
