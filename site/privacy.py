"""Wagtail's page privacy, checked inside the queries that need it.

Wagtail's `PageQuerySet.public()` first loads every `PageViewRestriction` (one
query per queryset) to build its filter, and `Page.get_view_restrictions()`
loads the ancestors (for aliases) and then the restrictions (two queries per
served page). Both ask the same question: is there a restriction on this page
or on an ancestor? Here it is asked inside the SQL that needs the answer:

- a list filters with a subquery in its own statement (`public`);
- routing (`district.page_routing`) asks, in the query that finds each page,
  whether a restriction sits on the page or above it (`view_restricted`) and
  whether one sits at or below it (`private_below`). The served page's check
  then costs no query when it is public, and lists of the page's descendants
  need no privacy filter at all when neither is true (`public_within`).

The answers are Wagtail's: the same rows excluded, the same restrictions returned.

`DONGNE_FAST_ROUTING = False` (environment `DONGNE_FAST_ROUTING=0`) turns all
of this off: lists use Wagtail's `.public()`, served pages Wagtail's
`get_view_restrictions()`, and breadcrumbs read their ancestors with a query.

Upgrade checklist: the Wagtail internals this module relies on (check each one
against a new Wagtail release, then run the serving tests both ways):

- `wagtail.models.Page` as the page model: Wagtail 8 loads it through
  `swapper` ("wagtailcore.Page"); this module and routing hard-code Page.
- Treebeard's materialised path in `Page.path`: an ancestor's path is a prefix
  of its descendants' paths, in steps of `Page.steplen` characters of digits
  and capital letters (no LIKE wildcards).
- The tables `Page._meta.db_table` and `PageViewRestriction._meta.db_table`
  and `PageViewRestriction.page`, named in raw SQL.
- `PageQuerySet.public()`: excludes every page at or below a page with a
  `PageViewRestriction` (any type); `public` must keep giving the same rows.
- `Page.get_view_restrictions()`: the restrictions on the page and its
  ancestors, an alias following its source (`alias_of_id`); Wagtail's
  `check_view_restrictions` (an `on_serve_page` hook) calls it on every serve.
- `_cached_parent_obj`: treebeard's cache of `get_parent()`, which Wagtail's
  `Page.route` (and `district.page_routing`) set on the child it routes to;
  `routed_ancestors` reads the trail from it.
"""

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.lookups import StartsWith
from wagtail.models import Page, PageViewRestriction
from wagtail.query import PageQuerySet

# Set by routing on the page it found (True / False; absent when unknown).
RESTRICTED_ATTR = "_dongne_view_restricted"
PRIVATE_BELOW_ATTR = "_dongne_private_below"


def fast_routing() -> bool:
    """True unless `DONGNE_FAST_ROUTING` is off: then Wagtail's own routing and checks serve."""
    return settings.DONGNE_FAST_ROUTING


def restricted_at_or_above(path: OuterRef) -> Exists:
    """True for a page with a view restriction on itself or an ancestor.

    Treebeard's materialised path: an ancestor's path is a prefix of the page's
    path, which is exactly Wagtail's `descendant_of(restricted, inclusive=True)`.
    """
    return Exists(PageViewRestriction.objects.filter(StartsWith(path, F("page__path"))))


def _restriction_sql(condition: str) -> str:
    page = connection.ops.quote_name(Page._meta.db_table)
    restriction = connection.ops.quote_name(PageViewRestriction._meta.db_table)
    return (
        f"EXISTS (SELECT 1 FROM {restriction} r INNER JOIN {page} rp"
        f" ON rp.id = r.page_id WHERE {condition.format(page=page)})"
    )


def privacy_annotations() -> dict[str, RawSQL]:
    """For the query that finds a page to serve (routing): see `remember_privacy`.

    Written as SQL text because Django's `Exists` with a path-prefix lookup
    costs more to build and compile (about 0.6 ms each) than the restriction
    query it saves. Precondition: the page table appears under its own name in
    the query, as in routing's queries of pages (never use these in a query
    that becomes a subquery, where Django renames tables). Treebeard paths are
    digits and capital letters, so they hold no LIKE wildcards.
    """
    at_or_above = _restriction_sql("{page}.path LIKE rp.path || '%%'")
    at_or_below = _restriction_sql("rp.path LIKE {page}.path || '%%'")
    return {
        "view_restricted": RawSQL(at_or_above, (), output_field=BooleanField()),
        "private_below": RawSQL(at_or_below, (), output_field=BooleanField()),
    }


def remember_privacy(page: Page, found: Page) -> None:
    """Keep on `page` what `privacy_annotations()` found for it in this request."""
    page.__dict__[RESTRICTED_ATTR] = found.view_restricted
    page.__dict__[PRIVATE_BELOW_ATTR] = found.private_below


def public(pages: PageQuerySet) -> PageQuerySet:
    """`pages.public()` in the same statement: drop pages at or below a restricted page."""
    if not fast_routing():
        return pages.public()
    return pages.filter(~restricted_at_or_above(OuterRef("path")))


def public_within(page: Page, pages: PageQuerySet) -> PageQuerySet:
    """`public(pages)` for pages below `page`, or `pages` as they are when none can be private.

    A page below `page` is private only through a restriction on `page`, above
    it, or between the two; when routing found none of those in this request,
    the filter would exclude nothing.
    """
    if not fast_routing():
        return pages.descendant_of(page).public()
    if (
        page.__dict__.get(RESTRICTED_ATTR) is False
        and page.__dict__.get(PRIVATE_BELOW_ATTR) is False
    ):
        return pages.descendant_of(page)
    return public(pages.descendant_of(page))


def routed_ancestors(page: Page) -> list[Page] | None:
    """The ancestors below the tree root that routing already loaded, top first.

    Wagtail's routing hands each page its parent (`_cached_parent_obj`), so a
    page served from a URL knows its whole trail; a page reached another way
    (a preview) does not, and gets None; so does every page when fast routing
    is off.
    """
    if not fast_routing():
        return None
    ancestors = []
    current = page
    while current.depth > 2:
        current = current.__dict__.get("_cached_parent_obj")
        if current is None:
            return None
        ancestors.append(current)
    return ancestors[::-1]


def _ancestors_at_hand_without_aliases(page: Page) -> bool:
    """True if routing handed `page` all its ancestors below the tree root and none (nor it) is an alias."""
    ancestors = routed_ancestors(page)
    return ancestors is not None and all(
        p.alias_of_id is None for p in (page, *ancestors)
    )


class ViewRestrictionsInOneQueryMixin:
    """For page models: `get_view_restrictions()`, checked on every serve, in one query or none.

    Wagtail's version lists the ancestors to find aliases (an alias follows its
    source page's restrictions), then asks for the restrictions. When routing
    has handed this page its ancestors and none of them is an alias, the
    restrictions are those on the page's path prefixes: one query; none at all
    when routing's query already found that there are none. Otherwise
    Wagtail's own method runs.
    """

    def get_view_restrictions(self) -> QuerySet[PageViewRestriction]:
        if (
            not fast_routing()
            or not self.path
            or not _ancestors_at_hand_without_aliases(self)
        ):
            return super().get_view_restrictions()
        if self.__dict__.get(RESTRICTED_ATTR) is False:
            return PageViewRestriction.objects.none()
        step = self.steplen
        paths = [self.path[:end] for end in range(step, len(self.path) + 1, step)]
        return PageViewRestriction.objects.filter(page__path__in=paths)
