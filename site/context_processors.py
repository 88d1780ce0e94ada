from django.conf import settings
from django.http import HttpRequest


def site_shell(request: HttpRequest) -> dict:
    """What the page shell (header, language switcher, footer) needs on every page."""
    return {
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "DISTRICT_NAME": settings.DISTRICT_NAME,
        "DISTRICT_NAME_EN": settings.DISTRICT_NAME_EN,
    }
