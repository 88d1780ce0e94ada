"""Template side of machine translation: `{% load dongne_translation %}`.

`{% translations_prefetch posts thread %}` loads every translation the page
will show in one query; `{% translation_control post "body" %}` shows the
"Translate" control with the stored translation or a "translating…" state;
`{% translation_script %}` adds the page's script. All render nothing when no
backend is configured.
"""

from collections.abc import Iterable

from django import template
from django.contrib.contenttypes.models import ContentType
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import get_language

from district.translation.language_guess import guess_language
from district.translation.preferences import always_translate
from district.translation.registry import enabled, field_for, object_key, source_text
from district.translation.rendering import language_name, render
from district.translation.selectors import translation_for, translations_prefetch

register = template.Library()


def _flatten(values) -> Iterable:
    for value in values:
        if value is None:
            continue
        if isinstance(value, str):
            continue
        if hasattr(value, "__iter__") and not hasattr(value, "_meta"):
            yield from (item for item in value if item is not None)
        else:
            yield value


@register.simple_tag(name="translations_prefetch")
def translations_prefetch_tag(*objects) -> str:
    translations_prefetch(list(_flatten(objects)), get_language() or "ko")
    return ""


@register.inclusion_tag("district/includes/translation.html", takes_context=True)
def translation_control(context, obj, field: str) -> dict:
    if obj is None or not enabled():
        return {"show": False}
    spec = field_for(obj, field)
    if spec is None:
        return {"show": False}
    text = source_text(obj, field)
    language = get_language() or "ko"
    guess = guess_language(text)
    if not text.strip() or guess == language or (guess == "latin" and language == "en"):
        return {"show": False}
    row = translation_for(obj, field, language)
    if row is not None and row.status == "done" and row.source_language == language:
        return {"show": False}
    request = context.get("request")
    auto = always_translate(request)
    ct = ContentType.objects.get_for_model(obj)
    status = row.status if row is not None else "none"
    return {
        "show": True,
        "key": object_key(ct.pk, obj.pk, field),
        "dom_id": f"tr-{ct.pk}-{obj.pk}-{field}",
        "status": status,
        "auto": auto,
        "expanded": auto and status != "none",
        "html": render(row.text, spec.format, language) if status == "done" else "",
        "source_name": language_name(row.source_language, language)
        if status == "done"
        else "",
        "language": language,
        "block": spec.format != "text",
    }


@register.simple_tag
def translation_script() -> str:
    if not enabled():
        return ""
    return format_html(
        '<script type="module" src="{}"></script>', static("district/js/translation.js")
    )
