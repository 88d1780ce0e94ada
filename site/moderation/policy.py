"""Who may take part while sanctioned, and who may decide an appeal. Every app's writes ask here."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from district.moderation.models import Appeal, Sanction, SanctionKind
from district.moderation.reasons import reason_label
from district.roles import is_district_staff

AnyUser = User | AnonymousUser


class Silenced(ValidationError):
    """Raised by a write a silenced (or suspended) account may not make; its message says until when and why."""


def current_sanctions(user: AnyUser):
    """The silences and suspensions applying to `user` now, the one ending last first."""
    now = timezone.now()
    return (
        Sanction.objects.filter(
            user_id=user.pk,
            kind__in=(SanctionKind.SILENCE, SanctionKind.SUSPEND),
            ended_at__isnull=True,
            starts_at__lte=now,
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by(F("ends_at").desc(nulls_first=True), "-id")
    )


def restriction_of(user: AnyUser) -> Sanction | None:
    """The sanction that keeps `user` from taking part now, if any (an open-ended one wins)."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_dongne_restriction", False)
    if cached is not False:
        return cached
    found = current_sanctions(user).first()
    user._dongne_restriction = found
    return found


def when(dt) -> str:
    return formats.date_format(timezone.localtime(dt), "DATETIME_FORMAT")


def restriction_message(sanction: Sanction) -> str:
    reason = f"{reason_label(sanction.reason_code)} — {sanction.text}"
    if sanction.ends_at is None:
        return _("You cannot post, react, report or propose: %(reason)s") % {
            "reason": reason
        }
    return _("You cannot post, react, report or propose until %(date)s: %(reason)s") % {
        "date": when(sanction.ends_at),
        "reason": reason,
    }


def require_can_participate(user: AnyUser) -> None:
    """Raise `Silenced` if `user` is silenced or suspended now. Call at the top of every participating write."""
    sanction = restriction_of(user)
    if sanction is not None:
        raise Silenced(restriction_message(sanction))


def can_participate(user: AnyUser) -> bool:
    return restriction_of(user) is None


def can_sanction(user: AnyUser) -> bool:
    """District staff set and lift sanctions."""
    return is_district_staff(user)


def can_decide_appeal(user: AnyUser, appeal: Appeal) -> bool:
    """Someone the appealed thing's app allows, never the one who acted, never the appellant."""
    from district.moderation.registry import handler_for

    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk in (appeal.acted_by_id, appeal.appellant_id):
        return False
    target = appeal.target
    if target is None:
        return is_district_staff(user)
    return handler_for(target).may_decide(user, target)
