"""Sanctions and appeals: every write here checks permission, runs in `live.atomic`, and tells the person.

The scheduled side is here too, beside what it runs (as events' reminders):
each sanction with an end queues `sanctions_lapse_task` for that moment, each
appeal queues `appeals_overdue_task` for its answer date (django-tasks, run
by `db_worker`). Both sweep everything due, so a late or repeated run is
harmless; `manage.py moderation_sweep` does the same from cron as a safety
net. Backends that cannot defer (the tests' immediate backend) get nothing
queued.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from district import live
from district.models import Profile
from district.moderation import policy
from district.moderation.models import (
    Appeal,
    AppealOutcome,
    Sanction,
    SanctionKind,
)
from district.moderation.reasons import ModerationReason
from district.moderation.registry import handler_for
from district.roles import district_staff
from district.services import notification_create, notifications_create

SILENCE_DAYS = (1, 7, 30)
SUSPEND_DAYS = (7, 30, 90, None)  # None: until lifted


def _text(value: str, field: str, message: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > max_length:
        raise ValidationError(
            {field: _("Use at most %(n)d characters.") % {"n": max_length}}
        )
    return value


def _reason_code(code: str) -> str:
    if code not in ModerationReason.values:
        raise ValidationError({"reason_code": _("Choose a reason.")})
    return code


def _sanction_params(sanction: Sanction) -> dict:
    return {
        "sanction": sanction.kind,
        "reason_code": sanction.reason_code,
        "reason": sanction.text,
        "ends_at": sanction.ends_at.isoformat() if sanction.ends_at else "",
    }


def _still_suspended(user_id: int, *, besides: int) -> bool:
    now = timezone.now()
    return (
        Sanction.objects.filter(
            user_id=user_id,
            kind=SanctionKind.SUSPEND,
            ended_at__isnull=True,
            starts_at__lte=now,
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .exclude(pk=besides)
        .exists()
    )


def _forget_banner(user_id: int) -> None:
    policy.forget_banner(user_id)
    transaction.on_commit(lambda: policy.forget_banner(user_id))


def _closed(user: AbstractUser) -> bool:
    """A closed account (district.accounts) stays closed when a suspension of it ends."""
    return Profile.objects.filter(user=user, closed_at__isnull=False).exists()


def _set_active(user: AbstractUser, active: bool) -> None:
    # save() (not update()): the post_save receiver closes a suspended user's sockets.
    user.is_active = active
    user.save(update_fields=["is_active"])


@live.atomic
def sanction_create(
    *,
    moderator: AbstractUser,
    user: AbstractUser,
    kind: str,
    reason_code: str,
    text: str,
    days: int | None = None,
) -> Sanction:
    """Warn, silence (1, 7 or 30 days) or suspend (7, 30, 90 days or until lifted) an account.

    District staff only, never themselves. A suspension turns `is_active`
    off at once (their open pages stop listening); a lapse job is queued for
    the end date. The person is told, by e-mail too (a suspended person
    cannot sign in to read it).
    """
    if not policy.can_sanction(moderator):
        raise PermissionDenied
    if user.pk == moderator.pk:
        raise ValidationError(_("You cannot sanction yourself."))
    if kind not in SanctionKind.values:
        raise ValidationError({"kind": _("Choose a sanction.")})
    reason_code = _reason_code(reason_code)
    text = _text(
        text, "text", _("Please explain: the person will read it."), max_length=1000
    )
    now = timezone.now()
    ends_at = None
    if kind == SanctionKind.SILENCE:
        if days not in SILENCE_DAYS:
            raise ValidationError({"days": _("Silence for 1, 7 or 30 days.")})
        ends_at = now + timedelta(days=days)
    elif kind == SanctionKind.SUSPEND:
        if days not in SUSPEND_DAYS:
            raise ValidationError(
                {"days": _("Suspend for 7, 30 or 90 days, or until lifted.")}
            )
        ends_at = now + timedelta(days=days) if days else None
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    sanction = Sanction.objects.create(
        user=user,
        kind=kind,
        reason_code=reason_code,
        text=text,
        starts_at=now,
        ends_at=ends_at,
        moderator=moderator,
    )
    if kind == SanctionKind.SUSPEND and user.is_active:
        _set_active(user, False)
    _forget_banner(user.pk)
    notification_create(
        user=user,
        kind="sanction",
        url=reverse("moderation:mine"),
        params=_sanction_params(sanction),
        email_now=True,
    )
    if ends_at is not None:
        transaction.on_commit(lambda: schedule_lapse(ends_at))
    return sanction


def _end(sanction: Sanction, *, at: datetime, by: AbstractUser | None, reason: str):
    sanction.ended_at = at
    sanction.lifted_by = by
    sanction.lift_reason = reason
    sanction.save(update_fields=["ended_at", "lifted_by", "lift_reason"])
    user = sanction.user
    _forget_banner(user.pk)
    if (
        sanction.kind == SanctionKind.SUSPEND
        and not user.is_active
        and not _still_suspended(user.pk, besides=sanction.pk)
        and not _closed(user)
    ):
        _set_active(user, True)
    notification_create(
        user=user,
        kind="sanction_ended",
        url=reverse("moderation:mine"),
        params={**_sanction_params(sanction), "lifted": bool(by), "note": reason},
    )


@live.atomic
def sanction_lift(
    *, by: AbstractUser, sanction: Sanction, reason: str, _as_appeal: bool = False
) -> Sanction:
    """End a silence or suspension before its time (staff; an upheld appeal's reversal comes here too)."""
    if not _as_appeal and not policy.can_sanction(by):
        raise PermissionDenied
    reason = _text(reason, "reason", _("Please give a reason."), max_length=1000)
    sanction = (
        Sanction.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=sanction.pk)
    )
    if not sanction.is_current():
        raise ValidationError(_("This sanction no longer applies."))
    _end(sanction, at=timezone.now(), by=by, reason=reason)
    return sanction


@live.atomic
def sanctions_lapse(*, now: datetime | None = None) -> int:
    """End every silence and suspension whose time is up; reactivate accounts no other suspension holds.

    Run by the scheduled task at each end date and by `manage.py moderation_sweep`.
    """
    now = now or timezone.now()
    due = list(
        Sanction.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(
            kind__in=(SanctionKind.SILENCE, SanctionKind.SUSPEND),
            ended_at__isnull=True,
            ends_at__lte=now,
        )
        .order_by("pk")
    )
    for sanction in due:
        _end(sanction, at=sanction.ends_at, by=None, reason="")
    return len(due)


@live.atomic
def appeal_create(*, appellant: AbstractUser, target, text: str) -> Appeal:
    """Appeal an action against oneself: once per action, within DONGNE_APPEAL_WINDOW_DAYS.

    Those who may decide it (never the one who acted) are told.
    """
    handler = handler_for(target)
    if not appellant.is_authenticated or handler.author_id(target) != appellant.pk:
        raise PermissionDenied
    if not handler.appealable(target):
        raise ValidationError(_("This action cannot be appealed."))
    acted_at = handler.acted_at(target)
    window = timedelta(days=settings.DONGNE_APPEAL_WINDOW_DAYS)
    if timezone.now() > acted_at + window:
        raise ValidationError(
            _("Appeals are possible for %(days)d days after the action.")
            % {"days": settings.DONGNE_APPEAL_WINDOW_DAYS}
        )
    text = _text(
        text, "text", _("Please say why someone should look again."), max_length=2000
    )
    content_type = ContentType.objects.get_for_model(target)
    if Appeal.objects.filter(content_type=content_type, object_id=target.pk).exists():
        raise ValidationError(_("You have already appealed this action."))
    association = handler.association(target)
    appeal = Appeal.objects.create(
        content_type=content_type,
        object_id=target.pk,
        appellant=appellant,
        text=text,
        acted_by_id=handler.acted_by_id(target),
        acted_at=acted_at,
        reason_code=handler.reason_code(target),
        association=association,
        summary=handler.summary(target)[:200],
    )
    notifications_create(
        users=handler.reviewers(target).exclude(
            pk__in=[appeal.acted_by_id or 0, appellant.pk]
        ),
        kind="appeal_received",
        url=reverse("moderation_appeal", args=[appeal.pk]),
        params={"summary": appeal.summary},
    )
    due = appeal.due_at
    transaction.on_commit(lambda: schedule_overdue_check(due))
    return appeal


@live.atomic
def appeal_decide(
    *, decider: AbstractUser, appeal: Appeal, outcome: str, reason: str
) -> Appeal:
    """Uphold or reverse the appealed action, with a reason the appellant reads; reversing undoes it."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not policy.can_decide_appeal(decider, appeal):
        raise PermissionDenied
    if appeal.decided_at is not None:
        raise ValidationError(_("This appeal has already been decided."))
    if outcome not in AppealOutcome.values:
        raise ValidationError({"outcome": _("Choose a decision.")})
    reason = _text(
        reason, "reason", _("Please give a reason: the person will read it."), 1000
    )
    target = appeal.target
    handler = handler_for(
        target if target is not None else appeal.content_type.model_class()
    )
    key = handler.key
    if outcome == AppealOutcome.REVERSED and target is not None:
        handler.reverse(decider=decider, target=target, reason=reason)
    appeal.decided_at = timezone.now()
    appeal.decided_by = decider
    appeal.outcome = outcome
    appeal.decision_reason = reason
    appeal.save(
        update_fields=["decided_at", "decided_by", "outcome", "decision_reason"]
    )
    notification_create(
        user=appeal.appellant,
        kind="appeal_decided",
        url=reverse("moderation:appeal", args=[key, appeal.object_id]),
        params={"summary": appeal.summary, "outcome": outcome, "reason": reason},
        email_now=True,
    )
    return appeal


@live.atomic
def appeals_flag_overdue(*, now: datetime | None = None) -> int:
    """Tell district staff, once per appeal, about appeals past DONGNE_APPEAL_TARGET_DAYS without a decision."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.DONGNE_APPEAL_TARGET_DAYS)
    overdue = list(
        Appeal.objects.select_for_update()
        .filter(
            decided_at__isnull=True,
            overdue_flagged_at__isnull=True,
            created_at__lte=limit,
        )
        .order_by("pk")
    )
    if not overdue:
        return 0
    Appeal.objects.filter(pk__in=[a.pk for a in overdue]).update(overdue_flagged_at=now)
    notifications_create(
        users=district_staff().distinct(),
        kind="appeals_overdue",
        url=reverse("moderation_appeals"),
        params={"count": len(overdue)},
    )
    return len(overdue)


@task()
def sanctions_lapse_task() -> int:
    return sanctions_lapse()


@task()
def appeals_overdue_task() -> int:
    return appeals_flag_overdue()


def schedule_lapse(at: datetime) -> None:
    if sanctions_lapse_task.get_backend().supports_defer:
        sanctions_lapse_task.using(run_after=at).enqueue()


def schedule_overdue_check(at: datetime) -> None:
    if appeals_overdue_task.get_backend().supports_defer:
        appeals_overdue_task.using(run_after=at).enqueue()
