"""Residents' rights over their account (PIPA): closing it and downloading their data.

The kernel knows no app: each app registers, from its `AppConfig.ready()`,
what it does when an account closes (`register_account_closer`) and what it
puts in a data export (`register_data_exporter`).
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from district import live, ratelimit
from district.models import DataExport, Notification, Profile


@dataclass(frozen=True)
class Closing:
    """What a closer is told: whose account, its e-mail addresses before scrubbing, the person's choice."""

    user: AbstractUser
    emails: tuple[str, ...]
    delete_content: bool


AccountCloser = Callable[[Closing], None]
DataExporter = Callable[[AbstractUser], list[dict]]

_CLOSERS: list[tuple[int, str, AccountCloser]] = []
_EXPORTERS: dict[str, DataExporter] = {}


def register_account_closer(name: str, closer: AccountCloser, order: int = 50) -> None:
    """`closer(closing)` runs inside `account_close`'s transaction, before the account is scrubbed.

    It must keep what has to stay (append-only records, counted voices) and
    remove or cancel the rest through the app's own services.
    """
    _CLOSERS[:] = [c for c in _CLOSERS if c[1] != name]
    _CLOSERS.append((order, name, closer))
    _CLOSERS.sort(key=lambda c: (c[0], c[1]))


def register_data_exporter(name: str, exporter: DataExporter) -> None:
    """`exporter(user)` returns a list of flat dicts: one JSON file and one CSV file in the export."""
    _EXPORTERS[name] = exporter


def data_exporters() -> dict[str, DataExporter]:
    return dict(sorted(_EXPORTERS.items()))


def email_key(email: str) -> str:
    """A keyed hash (HMAC-SHA-256, key derived from SECRET_KEY) of a normalised e-mail address.

    Lets an app recognise the same address later without keeping the address.
    """
    key = hashlib.sha256(b"dongne.email-key:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def is_closed(user: AbstractUser) -> bool:
    profile = getattr(user, "profile", None)
    return profile is not None and profile.closed_at is not None


@live.atomic
def account_close(
    *, user: AbstractUser, password: str, delete_content: bool = False
) -> AbstractUser:
    """Close a resident's own account, confirmed with their password.

    The `auth.User` row stays as an opaque id, so append-only records
    (moderation log, sanctions, access log) and counted voices (ballot
    participation, proposal supports) keep pointing at something; everything
    personal on it goes: e-mail addresses, name, profile fields, password,
    sessions, notifications, data exports. Each app's registered closer runs
    first (events cancel future sign-ups, which moves the waiting list up;
    forums delete posts if asked; votes remember a keyed e-mail hash per open
    ballot). What they write is shown as "former member".
    """
    if not user.is_authenticated or not user.is_active or is_closed(user):
        raise PermissionDenied
    if not user.check_password(password):
        raise ValidationError({"password": _("This is not your password.")})
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    emails = {user.email} | set(
        EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    emails.discard("")
    closing = Closing(
        user=user, emails=tuple(sorted(emails)), delete_content=delete_content
    )
    with ratelimit.suspended():  # cancelling ten sign-ups at once is not a flood
        for _order, _name, closer in _CLOSERS:
            closer(closing)
    _scrub(user)
    return user


def _scrub(user: AbstractUser) -> None:
    EmailAddress.objects.filter(user=user).delete()
    if apps.is_installed("allauth.socialaccount"):  # Kakao/Naver, when configured
        apps.get_model("socialaccount", "SocialAccount").objects.filter(
            user=user
        ).delete()  # their tokens cascade
    Notification.objects.filter(user=user).delete()
    name = Profile.objects.filter(user=user).values_list("display_name", flat=True)
    if name and name[0]:  # others' notifications named them ("민지 replied"): no more
        with translation.override(settings.LANGUAGE_CODE):
            former = _("former member")[:30]
        Notification.objects.filter(actor_name__iexact=name[0]).update(
            actor_name=former
        )
    try:  # a guardian's e-mail address, asked for a child under 14 (district.consents)
        apps.get_model("district", "GuardianConsent").objects.filter(user=user).delete()
    except LookupError:
        pass
    exports = list(DataExport.objects.filter(user=user))
    DataExport.objects.filter(user=user).delete()
    # Files go once the closing is committed (a rollback keeps the rows and their files).
    transaction.on_commit(lambda: [export.delete_file() for export in exports])
    user.groups.clear()
    user.user_permissions.clear()
    user.username = f"closed-{secrets.token_hex(8)}"
    user.email = ""
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()  # is_active False: their open pages stop listening (district.apps)
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "display_name": "",
            "home_dong": None,
            "language": "",
            "age_band": "",
            "email_notifications": False,
            "closed_at": timezone.now(),
        },
    )
    _sessions_end(user.pk)


def _sessions_end(user_id: int) -> None:
    """Sign the account out everywhere: each of its live sessions deleted through the session engine (cache too)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            store(session_key=session.session_key).delete()
