"""Machine translation of what residents and leaders write (posts, events, notices, proposals).

The kernel owns the mechanism; each app registers which fields of its models
are translatable (`register_translatable`, from its `AppConfig.ready()`), so no
lower layer imports a higher one. Translations are stored per object, field,
target language and hash of the source text (`district.models.Translation`):
each text is translated once, an edited text again. They are made in the
background (`district.translation.tasks.translate_field`, django-tasks) by the
backend chosen in settings (`TRANSLATION_BACKEND`; LibreTranslate ships), and
arrive live on the topic the app names. The original is never changed.

Without a backend (`TRANSLATION_BACKEND = None`) nothing is shown: no control,
no query.
"""

from district.translation.registry import (
    Translatable,
    TranslatableField,
    enabled,
    field_for,
    object_key,
    register_translatable,
    registered,
    source_hash,
    source_text,
    text_to_send,
)

__all__ = [
    "Translatable",
    "TranslatableField",
    "enabled",
    "field_for",
    "object_key",
    "register_translatable",
    "registered",
    "source_hash",
    "source_text",
    "text_to_send",
]
