"""Serving Wagtail pages in fewer queries, with Wagtail's answers.

Wagtail looks up the Site for every request (one query), then walks the URL
one segment at a time: the child by slug as a generic Page, then its specific
object (two queries per level), then checks view restrictions (two queries).
Here the Site is kept in the cache until a Site or page changes (with its root
page's place in the tree, so routing below the home page does not read the
home page), and each level is one query that also says whether a view
restriction sits on the page, above it or below it: a public page's check
costs nothing, and lists of its descendants need no privacy filter when there
is no restriction in its line (`district.privacy`).

`DONGNE_FAST_ROUTING = False` (environment `DONGNE_FAST_ROUTING=0`) turns it
off: the middleware leaves the Site to Wagtail's `Site.find_for_request` and
`route` is Wagtail's own. CI runs the serving, privacy and cache tests both
ways.

Upgrade checklist: the Wagtail internals this module relies on (check each one
against a new Wagtail release, then run the serving tests both ways):

- `wagtail.models.sites.get_site_for_hostname(hostname, port)`: Wagtail's
  matching of a host and port to a Site (module-level, undocumented).
- `request._wagtail_site`: the slot where `Site.find_for_request` keeps the
  request's Site; the middleware fills it before Wagtail looks.
- `wagtail.views.serve`: the page view, recognised by identity.
- `Page.route(request, path_components)`: returns Wagtail's RouteResult, 404s
  an unknown slug, refuses a draft at the last segment, and hands the child its
  parent in `_cached_parent_obj` (treebeard's cache of `get_parent()`), which
  `route` here sets the same way.
- `wagtail.models.Page` hard-coded as the page model (Wagtail 8 can swap it
  through `swapper`), `Page.objects.child_of`, `specific_deferred`,
  `specific_class`, `allowed_subpage_models()`, and Django's multi-table parent
  link from each page type to Page (`_meta.get_ancestor_link`), joined with
  `select_related` to build the specific page in one query.
- Wagtail's site root paths cache lifetime (an hour), matched by SITES_SECONDS.
- `SpecificChildRoutingMixin` must come before `Page` in a model's bases; a
  Site's root kept as `specific_deferred` without its fields is marked
  (CACHED_ROOT_ATTR) and re-read before it is served itself.
"""

from collections.abc import Callable
from functools import cache

from django.core.cache import cache as django_cache
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Page, Site
from wagtail.models.sites import get_site_for_hostname

from district.privacy import fast_routing, privacy_annotations, remember_privacy

SITES_KEY = "dongne:sites"
SITES_SECONDS = 3600  # as long as Wagtail keeps its site root paths
CACHED_ROOT_ATTR = "_dongne_cached_site_root"


def forget_sites(**kwargs) -> None:
    """Empty the Site cache; connected to Site saves and deletes and to page changes."""
    django_cache.delete(SITES_KEY)


def _site_for_cache(hostname: str, port: int) -> Site | None:
    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    # A root page that routes with SpecificChildRoutingMixin is kept as its
    # specific type without its own fields: enough to route below it (its id,
    # path and url_path); served itself, it is read fresh (see `route`). Any
    # other root stays Wagtail's generic page, which Wagtail reads each time.
    root = site.root_page.specific_deferred
    if isinstance(root, SpecificChildRoutingMixin):
        root.__dict__[CACHED_ROOT_ATTR] = True
        site.root_page = root
    return site


def site_for_request(request: HttpRequest) -> Site | None:
    """Wagtail's `Site.find_for_request` from the cache: the same match, no query once cached.

    The cache holds one entry per (hostname, port) that reached a page, under
    one key that every Site save or delete, and every page publish, unpublish,
    move, slug change or delete, removes; like Wagtail's own site root paths it
    expires after an hour, which bounds what another process without a shared
    cache (the in-memory default) can miss.
    """
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    sites = django_cache.get(SITES_KEY) or {}
    if (hostname, port) not in sites:
        sites[(hostname, port)] = _site_for_cache(hostname, port)
        django_cache.set(SITES_KEY, sites, SITES_SECONDS)
    return sites[(hostname, port)]


class CachedSiteMiddleware:
    """Hands Wagtail's page view its Site from the cache (`request._wagtail_site`, Wagtail's own slot)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        # Imported here, not at the top: page models import this module.
        from wagtail.views import serve

        self.get_response = get_response
        self.serve = serve

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if (
            view_func is self.serve
            and fast_routing()
            and not hasattr(request, "_wagtail_site")
        ):
            request._wagtail_site = site_for_request(request)


@cache
def _child_links(page_class: type[Page]) -> dict[type[Page], str]:
    """For each page type allowed below `page_class` that extends Page directly: its link's name."""
    links = {}
    for model in page_class.allowed_subpage_models():
        link = model._meta.get_ancestor_link(Page)
        if link is not None and model._meta.get_parent_list() == [Page]:
            links[model] = link.remote_field.get_accessor_name()
    return links


class SpecificChildRoutingMixin:
    """For page models: find the child named by the next URL segment in one query.

    The types a child may have are this page's `subpage_types`, so the query
    that finds the child by slug can join each type's table: Django fills a
    multi-table child from a `select_related` on its parent link, and the
    specific page comes back without Wagtail's second query. The same query
    says whether a view restriction sits on the child, above it or below it
    (`district.privacy`). A child of any other type (created before a rule
    changed, or a deeper subclass) costs Wagtail's second query, as before.
    Everything else is Wagtail's `route`: 404 for an unknown slug, the child's
    own `route` for the rest of the path, and the parent handed to the child.
    """

    def route(self, request, path_components):
        if not fast_routing():
            return super().route(request, path_components)
        if not path_components:
            if self.__dict__.get(CACHED_ROOT_ATTR):
                # The Site's cached root page is served itself: read it now.
                fresh = (
                    type(self).objects.annotate(**privacy_annotations()).get(pk=self.pk)
                )
                remember_privacy(fresh, fresh)
                return super(SpecificChildRoutingMixin, fresh).route(request, [])
            return super().route(request, path_components)
        links = _child_links(type(self))
        try:
            found = (
                Page.objects.child_of(self)
                .select_related(*links.values())
                .annotate(**privacy_annotations())
                .get(slug=path_components[0])
            )
        except Page.DoesNotExist as error:
            raise Http404 from error
        link = links.get(found.specific_class)
        child = getattr(found, link) if link is not None else found.specific
        remember_privacy(child, found)
        child._cached_parent_obj = self
        return child.route(request, path_components[1:])
