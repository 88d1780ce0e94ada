import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from district import handler, languages

logger = logging.getLogger(__name__)


class TurnedAwayMiddleware:
    """Answers a request whose turn did not come in time (`district.handler`), before any query.

    Its lane's own answer (a sign-up is sent back to press again), or 503 with
    Retry-After and a short page in the visitor's language (cookie or
    browser), read without the session.
    """

    LOG_EVERY_SECONDS = 10

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._logged_at = 0.0
        self._unlogged = 0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = getattr(request, "scope", {}).get(handler.TURNED_AWAY)
        if not name:
            return self.get_response(request)
        lane = handler.lane(name)
        if lane is not None and lane.turned_away is not None:
            return lane.turned_away(request)
        with translation.override(translation.get_language_from_request(request)):
            body = render_to_string("503.html")
        response = HttpResponse(
            body,
            status=503,
            headers={"Retry-After": str(settings.HTTP_RETRY_AFTER_SECONDS)},
        )
        # One line per LOG_EVERY_SECONDS, not one error per request: an
        # overloaded server should not also write thousands of log lines.
        response._has_been_logged = True
        self._unlogged += 1
        now = time.monotonic()
        if now - self._logged_at >= self.LOG_EVERY_SECONDS:
            logger.warning(
                "busy: %d request(s) answered 503, none could start within %s s (HTTP_CONCURRENCY %d)",
                self._unlogged,
                settings.HTTP_QUEUE_SECONDS,
                settings.HTTP_CONCURRENCY,
            )
            self._logged_at, self._unlogged = now, 0
        return response


class UserLanguageMiddleware:
    """A signed-in resident sees the language saved in their profile, on any device.

    Runs after LocaleMiddleware (cookie / Accept-Language) and authentication. The
    profile's language is read once per session and kept there, so ordinary
    requests cost no query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith("/admin/"):
            code = request.session.get(languages.SESSION_KEY)
            if code is None:
                code = self._profile_language(request)
                request.session[languages.SESSION_KEY] = code
            if code and languages.is_supported(code) and code != request.LANGUAGE_CODE:
                translation.activate(code)
                request.LANGUAGE_CODE = code
        return self.get_response(request)

    @staticmethod
    def _profile_language(request: HttpRequest) -> str:
        from district.models import Profile

        return (
            Profile.objects.filter(user=request.user)
            .values_list("language", flat=True)
            .first()
            or ""
        )
