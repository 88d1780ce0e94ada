from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`counts|get_item:kind` — a dict lookup by a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


@register.simple_tag
def latest_threads(dong, count: int = 5):
    """The newest visible threads on an association's boards (for the "latest threads" block)."""
    from forums.models import Thread

    return list(
        Thread.objects.filter(board__dong=dong, is_hidden=False).order_by(
            "-last_activity_at"
        )[: max(1, min(count, 20))]
    )


@register.simple_tag
def upcoming_events(dong, count: int = 5):
    """The next dates of events on an association's boards (for the "upcoming events" block)."""
    from dong.selectors import upcoming_event_dates

    if dong is None or dong.pk is None:  # previewing an association not saved yet
        return []
    return upcoming_event_dates(dong, limit=max(1, min(count, 20)))


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context, page):
    """Ancestors of `page` below the site root as (title, url) pairs.

    No query for a page served from its URL (routing loaded the ancestors),
    one otherwise. URLs are derived from url_path relative to the site root
    instead of asking each ancestor for its URL (one query per ancestor).
    """
    from django.utils.translation import gettext
    from wagtail.models import Page

    from district.privacy import routed_ancestors

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
