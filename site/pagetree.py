"""One receiver for "the page tree changed": what is served, where, and to whom.

Two caches answer from a copy of the page tree: the Site cache of fast
routing (`district.page_routing`, each Site with its root page) and the
anonymous page cache (`district.cache`, whole rendered pages). Anything that
changes which page a URL serves, what it shows or who may see it must empty
both, or a page made private stays public in the cache for up to
PAGE_CACHE_SECONDS. `page_tree_changed` empties both; `connect()` connects it
once to each signal that means such a change:

- a page published, unpublished, moved, renamed (slug) or deleted;
- a Site saved or deleted (hostnames and roots);
- a view restriction on a page or a collection added, changed or removed,
  and the groups of a group restriction changed.

It empties the caches at once and again after the transaction commits: a
request served between the two could otherwise store the old state under the
new version.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from district.cache import bump_version
from district.page_routing import forget_sites

M2M_CHANGES = frozenset({"post_add", "post_remove", "post_clear"})


def _empty_caches() -> None:
    forget_sites()
    bump_version()


def page_tree_changed(sender=None, **kwargs) -> None:
    """Empty the Site cache and the page cache, now and after commit."""
    action = kwargs.get("action")
    if action is not None and action not in M2M_CHANGES:
        return  # m2m_changed also fires before each change
    _empty_caches()
    transaction.on_commit(_empty_caches)


def connect() -> None:
    """Connect `page_tree_changed` to every signal that changes what pages are served to whom."""
    from wagtail.models import (
        CollectionViewRestriction,
        Page,
        PageViewRestriction,
        Site,
    )
    from wagtail.signals import (
        page_published,
        page_slug_changed,
        page_unpublished,
        post_page_move,
    )

    for name, signal in (
        ("published", page_published),
        ("unpublished", page_unpublished),
        ("moved", post_page_move),
        ("slug", page_slug_changed),
    ):
        signal.connect(page_tree_changed, dispatch_uid=f"district.pagetree.{name}")
    for model in (Page, Site, PageViewRestriction, CollectionViewRestriction):
        label = model._meta.label_lower
        post_delete.connect(
            page_tree_changed,
            sender=model,
            dispatch_uid=f"district.pagetree.{label}.deleted",
        )
        if model is not Page:  # a page's own saves are drafts until published
            post_save.connect(
                page_tree_changed,
                sender=model,
                dispatch_uid=f"district.pagetree.{label}.saved",
            )
    for model in (PageViewRestriction, CollectionViewRestriction):
        m2m_changed.connect(
            page_tree_changed,
            sender=model.groups.through,
            dispatch_uid=f"district.pagetree.{model._meta.label_lower}.groups",
        )
