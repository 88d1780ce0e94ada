from django.conf import settings
from django.http import HttpRequest

from district.languages import district_name


def site_shell(request: HttpRequest) -> dict:
    """What the page shell (header, language switcher, footer) needs on every page."""

    def unread() -> int:
        # Called only by templates that show the badge; cached (district.usercache).
        if getattr(request, "user", None) is None or not request.user.is_authenticated:
            return 0
        from district.usercache import unread_count

        return unread_count(request.user)

    return {
        "UNREAD_NOTIFICATIONS": unread,
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "district_name": district_name,  # in the reader's language
    }
