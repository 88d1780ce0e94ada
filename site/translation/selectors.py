"""Reading translations: all those a page shows, in one query."""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from district.models import Translation
from district.translation.registry import enabled, registered, source_hash, source_text

CACHE_ATTR = "_dongne_translations"


def translations_prefetch(objects: Iterable, language: str) -> None:
    """Attach to each object its current translations into `language` (`obj._dongne_translations`).

    One query for any number of objects of any registered models; rows for an
    older source text are ignored (the text was edited since). Nothing at all
    when translation is off.
    """
    if not enabled():
        return
    by_type: dict[int, dict[int, object]] = defaultdict(dict)
    for obj in objects:
        if obj is None or obj.pk is None or registered(obj) is None:
            continue
        ct = ContentType.objects.get_for_model(obj)
        by_type[ct.pk][obj.pk] = obj
        setattr(obj, CACHE_ATTR, {})
    if not by_type:
        return
    condition = Q()
    for ct_id, objs in by_type.items():
        condition |= Q(content_type_id=ct_id, object_id__in=list(objs))
    for row in Translation.objects.filter(condition, target_language=language):
        obj = by_type[row.content_type_id].get(row.object_id)
        if obj is None or source_hash(source_text(obj, row.field)) != row.source_hash:
            continue
        getattr(obj, CACHE_ATTR)[row.field] = row


def translation_for(obj, field: str, language: str) -> Translation | None:
    """The current translation of one field (from the prefetch, else one query for this object)."""
    if not hasattr(obj, CACHE_ATTR):
        translations_prefetch([obj], language)
    return getattr(obj, CACHE_ATTR, {}).get(field)
