"""Middleware that turns hostile or odd input into a clear answer instead of a 500.

- `OddInputMiddleware`: a NUL byte, a lone surrogate or another control
  character in the path or in any query parameter can never be meaningful
  here, and PostgreSQL refuses NUL in text: answer 400 before any view runs.
- `RateLimitedMiddleware`: a `district.ratelimit.RateLimited` that a view let
  through becomes HTTP 429 with `Retry-After` and the message as JSON for
  clients that are not a browser page, and the message plus a redirect back
  for browsers.
- `AdminAccessMiddleware`: a signed-in resident without CMS access gets a
  403 page in the site's shell instead of a redirect loop.
"""

import re
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from district.ratelimit import RateLimited, wants_json

# C0 controls but tab, CR and LF (harmless in a search box), DEL, C1 controls,
# and lone surrogates (which cannot be encoded back to UTF-8).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_PARAMETER_LENGTH = 4000


def odd_input(request: HttpRequest) -> str | None:
    """Why the request's path or query string cannot be served, or None."""
    if _FORBIDDEN.search(request.path):
        return "path"
    for key, values in request.GET.lists():
        if _FORBIDDEN.search(key):
            return "parameter name"
        for value in values:
            if _FORBIDDEN.search(value):
                return f"parameter {key}"
            if len(value) > MAX_PARAMETER_LENGTH:
                return f"parameter {key} too long"
    return None


class OddInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = odd_input(request)
        if problem is not None:
            raise BadRequest(f"Unusable {problem}")
        return self.get_response(request)


class RateLimitedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        return rate_limited_response(request, exception)


def rate_limited_response(request: HttpRequest, error: RateLimited) -> HttpResponse:
    """429 + JSON for fetch and API clients; for a browser page, the message and back to where it came from."""
    message = error.messages[0]
    if wants_json(request):
        response = JsonResponse(
            {"errors": {"__all__": [message]}, "retry_after": error.retry_after},
            status=429,
        )
    else:
        messages.error(request, message)
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = "/"
        response = redirect(back)
    response["Retry-After"] = str(error.retry_after)
    return response


class AdminAccessMiddleware:
    """A signed-in resident who opens the CMS gets a plain "no access" page (403), not a sign-in loop.

    Wagtail sends a signed-in user without `wagtailadmin.access_admin` to the
    sign-in page, which sends a signed-in user back: an endless redirect.
    Anonymous visitors still go to the sign-in page as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith(_admin_prefix())
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            return render(request, "district/admin_no_access.html", status=403)
        return self.get_response(request)


def _admin_prefix() -> str:
    return reverse("wagtailadmin_home")
