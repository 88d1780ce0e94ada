"""The interface language: which codes exist, and remembering a person's choice."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SESSION_KEY = "dongne_language"


def is_supported(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


def remember(request: HttpRequest, response: HttpResponse, code: str) -> None:
    """Keep `code` in the language cookie, the session and, for a signed-in user, the profile."""
    from district.models import Profile

    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    if request.user.is_authenticated:
        Profile.objects.filter(user=request.user).update(language=code)
        request.session[SESSION_KEY] = code
