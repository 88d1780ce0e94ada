"""Who may take part while sanctioned, and who may decide an appeal. Every app's writes ask here."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
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


BANNER_CACHE_SECONDS = 300


def _banner_key(user_id: int) -> str:
    return f"moderation:banner:{user_id}"


def forget_banner(user_id: int) -> None:
    """Called by every sanction change (a per-process cache forgets only in its own process: at most BANNER_CACHE_SECONDS stale)."""
    cache.delete(
        _banner_key(user_id)
    )  # the project's Redis cache degrades, never raises


def banner_message(user: AnyUser) -> str:
    """`restriction_message` for the page shell, cached so a signed-in page costs no query in steady state."""
    key = _banner_key(user.pk)
    cached = cache.get(key)
    now = timezone.now()
    if cached is None:
        sanction = restriction_of(user)
        cached = (
            {
                "reason_code": sanction.reason_code,
                "text": sanction.text,
                "ends_at": sanction.ends_at,
            }
            if sanction
            else {}
        )
        timeout = BANNER_CACHE_SECONDS
        if sanction and sanction.ends_at:
            timeout = max(
                1, min(timeout, int((sanction.ends_at - now).total_seconds()))
            )
        cache.set(key, cached, timeout)
    if not cached or (cached["ends_at"] is not None and cached["ends_at"] <= now):
        return ""
    return restriction_message(Sanction(**cached))


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


def suspension_message(user: AnyUser) -> str:
    """For the sign-in refusal of a suspended account: until when and why ("" if not suspended).

    Meant for allauth's `respond_user_inactive` (reached only with the right
    password, so it tells nothing to someone who merely knows the address).
    """
    now = timezone.now()
    sanction = (
        Sanction.objects.filter(
            user_id=user.pk,
            kind=SanctionKind.SUSPEND,
            ended_at__isnull=True,
            starts_at__lte=now,
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by(F("ends_at").desc(nulls_first=True), "-id")
        .first()
    )
    if sanction is None:
        return ""
    reason = f"{reason_label(sanction.reason_code)} — {sanction.text}"
    if sanction.ends_at is None:
        return _("Your account is suspended until lifted: %(reason)s") % {
            "reason": reason
        }
    return _("Your account is suspended until %(date)s: %(reason)s") % {
        "date": when(sanction.ends_at),
        "reason": reason,
    }
