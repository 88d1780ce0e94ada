"""A resident's "always translate" choice, read once per session like their language."""

from django.http import HttpRequest

SESSION_KEY = "dongne_always_translate"


def always_translate(request: HttpRequest | None) -> bool:
    if request is None or not request.user.is_authenticated:
        return False
    value = request.session.get(SESSION_KEY)
    if value is None:
        from district.models import Profile

        value = bool(
            Profile.objects.filter(user=request.user)
            .values_list("always_translate", flat=True)
            .first()
        )
        request.session[SESSION_KEY] = value
    return value


def remember(request: HttpRequest, value: bool) -> None:
    request.session[SESSION_KEY] = bool(value)
