"""Wagtail's database search backend, writing Korean search terms with each index entry.

`WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "district.search_backend"`:
the backend Wagtail would pick for the database (PostgreSQL or SQLite), whose
index also writes a `district.SearchTerms` row (the morphemes and bigrams of
`district.korean`) for each entry it writes. Every way an entry is written
goes through `add_items`: a page published, a post saved (the indexing
task), `update_index` and seeding's bulk build (one analysis per document,
in chunks). Entries deleted by Wagtail take their terms with them.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from modelsearch.backends import database
from modelsearch.index import class_is_indexed
from modelsearch.utils import get_content_type_pk
from wagtail.search.models import IndexEntry


def terms_rows(entries: list[tuple[int, str, str]]) -> list[Any]:
    """`SearchTerms` rows (unsaved) for (entry id, title, body) triples: one analysis each."""
    from district import korean
    from district.models import SearchTerms

    rows = []
    for entry_id, title, body in entries:
        text = f"{title or ''}\n{body or ''}"
        rows.append(
            SearchTerms(
                entry_id=entry_id,
                terms=" ".join(korean.analyse(text)),
                grams=" ".join(korean.bigrams(text)),
            )
        )
    return rows


def write_terms(entries: list[tuple[int, str, str]]) -> None:
    """Create or replace the terms of these index entries."""
    from district.models import SearchTerms

    SearchTerms.objects.bulk_create(
        terms_rows(entries),
        batch_size=500,
        update_conflicts=True,
        unique_fields=["entry"],
        update_fields=["terms", "grams"],
    )


def _text_columns() -> tuple[str, str]:
    from django.db import connection

    if connection.vendor == "postgresql":
        return "title_text", "body_text"
    return "title", "body"


def _with_terms(index_class: type) -> type:
    class TermsIndex(index_class):  # type: ignore[misc, valid-type]
        def add_items(self, model: type[models.Model], objs: list[Any]) -> None:
            super().add_items(model, objs)
            if not class_is_indexed(model) or not objs:
                return
            title, body = _text_columns()
            ids = [str(obj.pk) for obj in objs]
            rows = IndexEntry.objects.filter(
                content_type_id=get_content_type_pk(model), object_id__in=ids
            ).values_list("pk", title, body)
            write_terms(list(rows))

        def delete_item(self, item: models.Model) -> None:
            from district.models import SearchTerms

            SearchTerms.objects.filter(
                entry__in=item.index_entries.values("pk")
            )._raw_delete(SearchTerms.objects.db)
            super().delete_item(item)

        def reset(self) -> None:
            from district.models import SearchTerms

            SearchTerms.objects.all()._raw_delete(SearchTerms.objects.db)
            super().reset()

    TermsIndex.__name__ = f"Terms{index_class.__name__}"
    TermsIndex.__qualname__ = TermsIndex.__name__
    return TermsIndex


def SearchBackend(params: dict[str, Any]) -> Any:
    backend = database.SearchBackend(params)
    backend.index_class = _with_terms(backend.index_class)
    return backend
