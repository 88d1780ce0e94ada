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


def fall_back_to_english() -> None:
    """A string missing from the Vietnamese, Chinese or Japanese catalogue shows its English source, never Korean.

    Django gives every language's catalogue the default language's
    (LANGUAGE_CODE, Korean here) as its fallback, so where a library has no
    Vietnamese catalogue (django-allauth), a Vietnamese reader got Korean on
    the login, password-reset and e-mail pages. Our msgids are English, so
    with no fallback a missing string shows in English. Django has no setting
    for this; `DjangoTranslation._add_fallback` is the one place it happens.
    """
    from django.utils.translation import trans_real

    def _add_fallback(self, localedirs=None) -> None:
        return None

    trans_real.DjangoTranslation._add_fallback = _add_fallback
    trans_real._translations = {}  # catalogues built before this line are rebuilt without it


def district_name(language: str | None = None) -> str:
    """The district's name in `language` (default: the active one): 강남구, Gangnam-gu, 江南区 (settings.DISTRICT_NAMES)."""
    from django.utils.translation import get_language

    code = (language or get_language() or settings.LANGUAGE_CODE).lower()
    names = settings.DISTRICT_NAMES
    return names.get(code) or names.get(code.split("-")[0]) or settings.DISTRICT_NAME_EN
