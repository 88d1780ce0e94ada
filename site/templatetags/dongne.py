import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Page

from district import timefmt
from district.privacy import routed_ancestors
from district.slots import render_slot

register = template.Library()


@register.filter
def isotime(value) -> str:
    """A machine-readable `<time datetime>`: `2026-11-30T14:00:00+09:00`, or `2026-11-30` for a date.

    Django's `|date:'c'` writes microseconds (`…T14:00:00.123456+09:00`),
    which HTML's datetime syntax does not allow. Built in (settings'
    TEMPLATES builtins): every template may use it without `{% load %}`.
    """
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.filter
def member_name(user) -> str:
    """`{{ post.author|member_name }}`: the display name, or "former member" for a closed account."""
    from district.models import display_name

    return display_name(user) if hasattr(user, "get_username") else ""


@register.filter
def get_item(mapping, key):
    """`counts|get_item:kind` — a dict lookup by a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def slot(context, name: str, **kwargs):
    """What the apps above fill into this place of the page (see `district.slots`)."""
    return render_slot(name, context, **kwargs)


def _page_trail(page) -> list[tuple[str, str]]:
    """Ancestors of `page` below the site root as (title, url) pairs.

    No query for a page served from its URL (routing loaded the ancestors),
    one otherwise. URLs are derived from url_path relative to the site root
    instead of asking each ancestor for its URL (one query per ancestor).
    """
    ancestors = routed_ancestors(page)
    if ancestors is None:
        ancestors = list(
            Page.objects.ancestor_of(page)
            .filter(depth__gt=1)
            .only("title", "url_path", "depth")
            .order_by("depth")
        )
    if not ancestors:
        return []
    root_path = ancestors[0].url_path
    trail = []
    for ancestor in ancestors:
        url = "/" + ancestor.url_path[len(root_path) :]
        title = gettext("Home") if ancestor.depth == 2 else ancestor.title
        trail.append((title, url))
    return trail


@register.inclusion_tag("district/includes/breadcrumbs.html")
def breadcrumbs(*pairs, page=None):
    """The breadcrumb trail of every page: one tag, one markup.

    `{% breadcrumbs page=page %}` for a Wagtail page (its ancestors);
    `{% breadcrumbs title1 url1 title2 url2 … %}` elsewhere, after "Home":
    the last pair is the page itself. A pair with an empty title is left out
    (an optional level, such as a board).
    """
    if page is not None:
        if page.depth <= 2:
            return {"trail": []}
        current = (getattr(page, "local_name", None) or page.title, page.url)
        return {"trail": _page_trail(page), "current": current}
    steps = [(t, u) for t, u in zip(pairs[::2], pairs[1::2], strict=True) if t]
    if not steps:
        return {"trail": []}
    return {"trail": [(gettext("Home"), "/"), *steps[:-1]], "current": steps[-1]}


@register.simple_tag
def idempotency_field():
    """A hidden field with a fresh key for a write form (`district.idempotency`): a retry writes once."""
    import uuid

    from django.utils.html import format_html

    return format_html(
        '<input type="hidden" name="idempotency_key" value="{}">', uuid.uuid4().hex
    )


@register.filter
def when(value, kind: str = "datetime") -> str:
    """A date or time in the reader's language, one way per kind (district.timefmt): `{{ o.starts_at|when:"weekday" }}`."""
    return timefmt.when(value, kind)


@register.simple_tag
def when_range(start, end=None, kind: str = "weekday") -> str:
    """`{% when_range o.starts_at o.ends_at %}` → "2026년 12월 3일 (목) 오후 7:00 – 오후 9:00"."""
    return timefmt.when_range(start, end, kind)
