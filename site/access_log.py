"""The staff access log: every look at (or export of) other people's personal data, by staff or leaders.

One function writes it (`record`); views that show personal data of others
call it, and `AccessLogMiddleware` covers the Wagtail admin's user screens.
Readable by superusers only (`district.wagtail_hooks`).
"""

from django.contrib.auth.models import AbstractUser
from django.http import HttpRequest

from district.models import AccessLogEntry

VIEW = AccessLogEntry.Action.VIEW
EXPORT = AccessLogEntry.Action.EXPORT

# Wagtail admin views that show accounts' personal data (e-mail, names, groups).
ADMIN_USER_VIEWS = {
    "wagtailusers_users:index": "admin user list",
    "wagtailusers_users:index_results": "admin user list",
    "wagtailusers_users:edit": "admin user details",
    "wagtailusers_users:delete": "admin user details",
    "wagtailusers_users:export": "admin user list",
}


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def record(
    request: HttpRequest,
    what: str,
    obj=None,
    *,
    action: str = VIEW,
    actor: AbstractUser | None = None,
) -> AccessLogEntry | None:
    """Write one entry: who (the signed-in user), `action` (view/export), `what`, which object, when."""
    actor = actor or getattr(request, "user", None)
    if actor is None or not actor.is_authenticated:
        return None
    ref = ""
    if obj is not None:
        ref = f"{obj._meta.label_lower}:{obj.pk}"[:100]
    return AccessLogEntry.objects.create(
        actor=actor,
        action=action,
        what=what[:200],
        object_ref=ref,
        path=request.get_full_path()[:300],
        ip=_ip(request),
    )


class AccessLogMiddleware:
    """Logs successful GETs of the admin's user list and user details (Wagtail's own views)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and match.view_name in ADMIN_USER_VIEWS
            and request.method == "GET"
            and response.status_code == 200
        ):
            what = ADMIN_USER_VIEWS[match.view_name]
            action = EXPORT if request.GET.get("export") else VIEW
            pk = match.kwargs.get("pk")
            if pk:
                what = f"{what} #{pk}"
            record(request, what, action=action)
        return response
