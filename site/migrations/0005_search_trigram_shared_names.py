"""One set of trigram indexes on Wagtail's search index, not two (see district/search.py). No-op on SQLite.

0004 made `dongne_indexentry_{title,body}_trgm` on the same columns and with
the same operator class as the indexes Wagtail's search backend makes for its
fuzzy search (`manage.py enable_trigram`: `modelsearch_{title,body}_text_trgm`).
Ours take the backend's names, so that command finds them and adds no second
copy; where it already ran, ours are dropped as duplicates. The search query
says ILIKE, which these indexes serve (EXPLAIN in the search module).
"""

from django.db import migrations

NAMES = (
    ("dongne_indexentry_title_trgm", "modelsearch_title_text_trgm"),
    ("dongne_indexentry_body_trgm", "modelsearch_body_text_trgm"),
)


def _exists(schema_editor, name: str) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s",
            [name],
        )
        return cursor.fetchone() is not None


def take_backend_names(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for old, new in NAMES:
        if not _exists(schema_editor, old):
            continue
        if _exists(schema_editor, new):
            schema_editor.execute(f"DROP INDEX {old}")
        else:
            schema_editor.execute(f"ALTER INDEX {old} RENAME TO {new}")


class Migration(migrations.Migration):
    dependencies = [("district", "0004_search_trigram")]

    # Backwards the indexes keep the backend's names (wagtailsearch 0010 drops them when unapplied).
    operations = [migrations.RunPython(take_backend_names, migrations.RunPython.noop)]
