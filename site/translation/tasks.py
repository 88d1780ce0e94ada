"""The background side of translation: one task per (object, field, language, source text)."""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import override
from django_tasks import task

from district import live
from district.models import Translation
from district.translation import glossary
from district.translation.backends import (
    TranslationRefused,
    TranslationUnavailable,
    get_backend,
)
from district.translation.registry import (
    object_key,
    registered,
    source_hash,
    source_text,
    text_to_send,
)
from district.translation.rendering import language_name, render

logger = logging.getLogger(__name__)


def _delays() -> list[float]:
    return list(getattr(settings, "TRANSLATION_RETRY_DELAYS", [1, 3, 9]))


@task()
def translate_field(translation_id: int) -> str:
    """Translate one pending (or failed, retried) row; announce the outcome on the object's topic.

    The backend is called outside any transaction. A temporary failure
    (time-out, 429, 5xx, garbage) is retried with back-off inside the task,
    then the row is marked failed and, where the task backend can defer, tried
    again later (TRANSLATION_LATER_ATTEMPTS times, doubling the wait). A
    refusal (400, 403) fails at once. Nothing ever touches the original.
    """
    row = (
        Translation.objects.select_related("content_type")
        .filter(pk=translation_id)
        .exclude(status=Translation.Status.DONE)
        .first()
    )
    if row is None:
        return "skipped"
    obj = (
        row.content_type.get_object_for_this_type(pk=row.object_id)
        if row.content_type.model_class()
        else None
    )
    entry = registered(obj) if obj is not None else None
    if entry is None or row.field not in entry.fields:
        _finish(row, None, status=Translation.Status.FAILED, error="gone")
        return "gone"
    text = source_text(obj, row.field)
    if source_hash(text) != row.source_hash:
        _finish(row, obj, status=Translation.Status.FAILED, error="source changed")
        return "stale"
    backend = get_backend()
    if backend is None:
        _finish(row, obj, status=Translation.Status.FAILED, error="no backend")
        return "no backend"
    fmt = entry.fields[row.field].format
    protected = glossary.protect(text_to_send(obj, row.field), row.target_language)
    delays = _delays()
    error = ""
    for attempt in range(len(delays) + 1):
        try:
            result = backend.translate(
                protected, source="auto", target=row.target_language, format=fmt
            )
            if text.strip() and not result.text.strip():
                raise TranslationUnavailable("empty translation")
        except TranslationRefused as exc:
            error = str(exc)
            break
        except TranslationUnavailable as exc:
            error = str(exc)
            if attempt < len(delays):
                time.sleep(delays[attempt])
            continue
        translated = glossary.restore(result.text, row.target_language)
        _finish(
            row,
            obj,
            status=Translation.Status.DONE,
            text=translated,
            source_language=result.source_language,
            attempts=attempt + 1,
        )
        return "done"
    logger.warning("translation %s failed: %s", row.pk, error)
    _finish(
        row,
        obj,
        status=Translation.Status.FAILED,
        error=error,
        attempts=len(delays) + 1,
    )
    _schedule_later(row)
    return "failed"


def _schedule_later(row: Translation) -> None:
    later = getattr(settings, "TRANSLATION_LATER_ATTEMPTS", 3)
    rounds = row.attempts // (len(_delays()) + 1)
    backend = translate_field.get_backend()
    if rounds > later or not backend.supports_defer:
        return
    wait = timedelta(minutes=5 * 2 ** (rounds - 1))
    translate_field.using(run_after=timezone.now() + wait).enqueue(row.pk)


@live.atomic
def _finish(
    row: Translation,
    obj,
    *,
    status: str,
    text: str = "",
    source_language: str = "",
    error: str = "",
    attempts: int = 0,
) -> None:
    row.status = status
    row.error = error[:200]
    row.attempts = row.attempts + attempts
    update = ["status", "error", "attempts", "updated_at"]
    if status == Translation.Status.DONE:
        row.text = text
        row.source_language = source_language
        update += ["text", "source_language"]
    row.save(update_fields=update)
    entry = registered(obj) if obj is not None else None
    topic = entry.topic(obj) if entry and entry.topic else None
    if topic:
        live.publish(
            topic,
            f"translation.{'finished' if status == Translation.Status.DONE else 'failed'}",
            message(row, entry.fields[row.field].format),
        )


def message(row: Translation, fmt: str) -> dict:
    """What a page needs to show a row: the same for the live message and the JSON endpoint."""
    data = {
        "key": object_key(row.content_type_id, row.object_id, row.field),
        "language": row.target_language,
        "status": row.status,
    }
    if row.status == Translation.Status.DONE:
        data["same_language"] = row.source_language == row.target_language
        with override(row.target_language):  # the glossary's explanations
            data["html"] = str(render(row.text, fmt, row.target_language))
        data["source_language"] = row.source_language
        data["source_language_name"] = language_name(
            row.source_language, row.target_language
        )
    return data
