from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from district import languages


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
