"""Whole-page caching of Wagtail pages (and views marked `cache_for_anonymous`) for anonymous readers.

Only GET requests from visitors without a session (so nobody's personalised
page is ever stored or served to someone else), only Wagtail page views, and
only responses that carry nothing of one visitor (`cacheable`): a 200 that
sets no cookie, wrote nothing to the session, whose rendering did not use the
CSRF token (Django 5.2 then sets `request.META["CSRF_COOKIE_NEEDS_UPDATE"]`
and, outside this middleware, the cookie and `Vary: Cookie`), and that its
view did not mark private or uncacheable. Wagtail marks every page with a view restriction (password,
login, groups) `Cache-Control: private, no-cache, no-store`, so restricted
pages, and their password and login forms, are never stored.

The key holds the language and a site-wide version number that every change
of the page tree bumps (publish, unpublish, move, delete, Sites, page and
collection view restrictions: `district.pagetree`), so a change is visible at
once; PAGE_CACHE_SECONDS bounds how stale the parts that come from elsewhere
(forum thread lists in a page) can be.

Wagtail internals relied on: the page view is `wagtail.views.serve`
(recognised by identity), and Wagtail's `check_view_restrictions` adds
never-cache headers to every restricted page's response.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import has_vary_header, patch_vary_headers
from wagtail import views as wagtail_views

VERSION_KEY = "dongne:pagecache:version"


def bump_version(**kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


UNCACHEABLE_DIRECTIVES = ("private", "no-cache", "no-store")


def cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    """True if `response` holds nothing that belongs to this visitor alone."""
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "session", None), "modified", False)
        and not has_vary_header(response, "Cookie")
        and not any(word in cache_control for word in UNCACHEABLE_DIRECTIVES)
    )


def cache_for_anonymous(setting: str) -> Callable:
    """Mark a Django view whose anonymous answers are cached like Wagtail pages, for `settings.<setting>` seconds.

    Only for pages that are the same for every anonymous reader and whose
    changing parts follow live (a page's live topics resume from the sequence
    numbers it carries, so a cached copy catches up on load); the rest of the
    page may be that many seconds old.
    """

    def decorate(view: Callable) -> Callable:
        view.dongne_page_cache_setting = setting
        return view

    return decorate


def _seconds_for(view_func: Callable) -> int:
    if view_func is wagtail_views.serve:
        return settings.PAGE_CACHE_SECONDS
    setting = getattr(view_func, "dongne_page_cache_setting", None)
    return getattr(settings, setting, 0) if setting else 0


def _key(request: HttpRequest) -> str:
    version = cache.get_or_set(VERSION_KEY, 1, None)
    return f"dongne:page:{version}:{request.LANGUAGE_CODE}:{request.get_host()}{request.get_full_path()}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_dongne_page_cache_key", None)
        if key is None:
            return response
        seconds = request._dongne_page_cache_seconds
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # first: rendering is what may use the CSRF token
        if cacheable(request, response):
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
            cache.set(key, response, seconds)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        seconds = _seconds_for(view_func)
        if (
            not seconds
            or request.method != "GET"
            or request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            or request.COOKIES.get("messages")
        ):
            return None
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            cached["X-Dongne-Cache"] = "hit"
            return cached
        request._dongne_page_cache_key = key
        request._dongne_page_cache_seconds = seconds
        return None
