"""The page's side of translation: ask for translations, read their state, the glossary."""

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from district.ratelimit import RateLimited, rate_limit
from district.translation import glossary
from district.translation.registry import enabled, registered
from district.translation.selectors import translation_for, translations_prefetch
from district.translation.services import translations_request
from district.translation.tasks import message

MAX_KEYS = 100


def _can_read(request: HttpRequest, obj) -> bool:
    entry = registered(obj)
    if entry is None:
        return False
    if entry.can_read is not None:
        return bool(entry.can_read(request, obj))
    if isinstance(obj, Page):
        return obj.live and all(
            restriction.accept_request(request)
            for restriction in obj.get_view_restrictions()
        )
    return True


def _resolve(request: HttpRequest, keys: list[str]) -> list[tuple[str, object, str]]:
    """Keys `ct.id.field` → (key, object, field), only for objects the reader may read."""
    wanted: dict[int, dict[int, list[tuple[str, str]]]] = {}
    for key in keys[:MAX_KEYS]:
        parts = key.split(".")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            continue
        wanted.setdefault(int(parts[0]), {}).setdefault(int(parts[1]), []).append(
            (key, parts[2])
        )
    found = []
    for ct_id, by_id in wanted.items():
        try:
            model = ContentType.objects.get_for_id(ct_id).model_class()
        except ContentType.DoesNotExist:
            continue
        if model is None or registered(model) is None:
            continue
        for pk, obj in model._default_manager.in_bulk(list(by_id)).items():
            if not _can_read(request, obj):
                continue
            for key, field in by_id[pk]:
                if field in registered(obj).fields:
                    found.append((key, obj, field))
    return found


def _state(found, language: str) -> dict:
    translations_prefetch([obj for _key, obj, _field in found], language)
    items = {}
    for key, obj, field in found:
        row = translation_for(obj, field, language)
        if row is None:
            items[key] = {"key": key, "status": "none", "language": language}
        else:
            items[key] = message(row, registered(obj).fields[field].format)
    return items


@csrf_exempt
@require_http_methods(["GET", "POST"])
def translations(request: HttpRequest) -> HttpResponse:
    """GET ?key=…: where the translations into the page's language stand. POST key=…: ask for them.

    Asking is rate-limited per account or address (one count per request,
    however many keys); reading is not. Objects the reader may not read are
    left out, as if they did not exist. Asking needs the `X-Dongne-Translate`
    header instead of a CSRF token: a cross-site page cannot send a custom
    header without a CORS preflight we never grant, and anonymous readers of
    cached pages have no token (asking changes nothing of theirs anyway).
    """
    if not enabled():
        return JsonResponse({"items": {}, "enabled": False}, status=404)
    language = get_language() or "ko"
    if request.method == "POST" and request.headers.get("X-Dongne-Translate") != "1":
        return JsonResponse({"error": "missing X-Dongne-Translate header"}, status=403)
    data = request.POST if request.method == "POST" else request.GET
    found = _resolve(request, data.getlist("key"))
    if request.method == "POST" and found:
        try:
            rate_limit("translation", user=request.user, request=request)
        except RateLimited as error:
            return JsonResponse(
                {"error": error.messages[0], "retry_after": error.retry_after},
                status=429,
                headers={"Retry-After": str(error.retry_after)},
            )
        translations_request(
            items=[(obj, field) for _key, obj, field in found],
            language=language,
            retry=data.get("retry") == "1",
        )
    return JsonResponse({"items": _state(found, language), "enabled": True})


def glossary_page(request: HttpRequest) -> HttpResponse:
    language = get_language() or "ko"
    terms = [
        {
            "ko": term.ko,
            "here": term.form(language),
            "explanation": term.explanation,
            "forms": term.forms(),
        }
        for term in glossary.TERMS
    ]
    return render(
        request, "district/glossary.html", {"terms": terms, "language": language}
    )
