"""Whole-page caching of Wagtail pages for anonymous readers.

Only GET requests from visitors without a session (so nobody's personalised
page is ever stored or served to someone else), only Wagtail page views, only
200 responses that set no cookie. The key holds the language and a site-wide
version number that every publish, unpublish, move or delete bumps, so a
publish is visible at once; PAGE_CACHE_SECONDS bounds how stale the parts that
come from elsewhere (forum thread lists in a page) can be.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from wagtail import views as wagtail_views

VERSION_KEY = "dongne:pagecache:version"


def bump_version(**kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _key(request: HttpRequest) -> str:
    version = cache.get_or_set(VERSION_KEY, 1, None)
    return f"dongne:page:{version}:{request.LANGUAGE_CODE}:{request.get_host()}{request.get_full_path()}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_dongne_page_cache_key", None)
        if (
            key
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
            and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        ):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if (
            view_func is not wagtail_views.serve
            or request.method != "GET"
            or not settings.PAGE_CACHE_SECONDS
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
        return None
