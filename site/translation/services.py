"""Asking for translations: the one write path (rows + background task)."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from district import live
from district.models import Translation
from district.translation.registry import registered, source_hash, source_text


def _enqueue(ids: list[int]) -> None:
    from district.translation.tasks import translate_field

    def run() -> None:
        for pk in ids:
            translate_field.enqueue(pk)

    transaction.on_commit(run)


@live.atomic
def translations_request(
    *, items: Iterable[tuple[models.Model, str]], language: str, retry: bool = False
) -> list[Translation]:
    """Make sure each (object, field) has a translation into `language`, made or on its way.

    A text already translated (same source hash) is not sent again; a new or
    edited text gets a pending row and a background task, after commit. With
    `retry`, failed ones are tried again. Returns the rows in `items` order
    (None where the field is empty or not translatable).
    """
    rows: list[Translation | None] = []
    queued: list[int] = []
    for obj, field in items:
        entry = registered(obj)
        if entry is None or field not in entry.fields:
            rows.append(None)
            continue
        text = source_text(obj, field)
        if not text.strip():
            rows.append(None)
            continue
        row, created = Translation.objects.get_or_create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            field=field,
            target_language=language,
            source_hash=source_hash(text),
        )
        if created:
            queued.append(row.pk)
        elif retry and row.status == Translation.Status.FAILED:
            Translation.objects.filter(pk=row.pk).update(
                status=Translation.Status.PENDING, error=""
            )
            row.status = Translation.Status.PENDING
            queued.append(row.pk)
        rows.append(row)
    if queued:
        _enqueue(queued)
    return rows


def translation_request(
    *, obj: models.Model, field: str, language: str, retry: bool = False
) -> Translation | None:
    """`translations_request` for one field."""
    return translations_request(items=[(obj, field)], language=language, retry=retry)[0]
