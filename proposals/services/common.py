"""What the proposal writes share: status changes with their history, counts, broadcasts and notifications."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from district import live
from district.services import notifications_create
from proposals.counts import counted, funnel_add
from proposals.models import (
    STAGE_FIELDS,
    STATUS_STAGES,
    ChangeKind,
    CoProposer,
    Proposal,
    Stage,
    Status,
    StatusChange,
    Support,
)
from proposals.rules import support_threshold

MAX_REASON = 2000


def lock_proposal(proposal: Proposal) -> Proposal:
    """The proposal's row, locked until commit: supports and status changes happen one at a time."""
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("cycle__dong", "cycle__board", "author")
        .get(pk=proposal.pk)
    )


def clean_reason(reason: str, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and len(reason) < 2:
        raise ValidationError(
            {"reason": _("Please give a public reason for this change.")}
        )
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {
                "reason": _("Please keep the reason under %(limit)d characters.")
                % {"limit": MAX_REASON}
            }
        )
    return reason


def counts_payload(proposal: Proposal) -> dict:
    return {
        "proposal_id": proposal.pk,
        "supports": proposal.support_count,
        "threshold": support_threshold(proposal.cycle),
        "status": proposal.status,
    }


def proposal_state(pk: int) -> tuple[list[str], dict] | None:
    """A proposal's support count as committed now, for its page and its cycle's lists (`live.publish_state`)."""
    proposal = Proposal.objects.select_related("cycle").filter(pk=pk).first()
    if proposal is None:
        return None
    return [proposal.topic, proposal.cycle.topic], counts_payload(proposal)


def publish_both(proposal: Proposal, type_: str, data: dict) -> None:
    """The same news for the proposal's page and for its cycle's lists."""
    live.publish(proposal.topic, type_, data)
    live.publish(proposal.cycle.topic, type_, data)


def people_of(proposal: Proposal) -> list[AbstractUser]:
    """The author, co-proposers and supporters, once each, active accounts only."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(pk=proposal.author_id)
            | Q(pk__in=CoProposer.objects.filter(proposal=proposal).values("user_id"))
            | Q(pk__in=Support.objects.filter(proposal=proposal).values("user_id"))
        )
        .order_by("pk")
    )


def tell(
    users: Iterable[AbstractUser],
    kind: str,
    proposal: Proposal,
    *,
    actor: AbstractUser | None = None,
    **params,
) -> None:
    """Notify each of `users` (never the actor) about `proposal`, composed in their language when read."""
    notifications_create(
        users=[user for user in users if actor is None or user.pk != actor.pk],
        kind=kind,
        url=proposal.get_absolute_url(),
        params={"title": proposal.title, "proposal_id": proposal.pk, **params},
    )


def change_status(
    proposal: Proposal,
    to: str,
    *,
    kind: str,
    actor: AbstractUser | None,
    reason: str = "",
    params: dict | None = None,
    notify: bool = True,
) -> StatusChange:
    """Move a (locked) proposal to `to`: stamp the stages it reaches, count them, keep the history, tell people.

    Every decision needs a public reason; a submission, the threshold and an
    author's withdrawal explain themselves.
    """
    if not proposal.can_move_to(to):
        raise ValidationError(
            _("A proposal that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": Status(proposal.status).label,
                "to": Status(to).label,
            }
        )
    reason = clean_reason(
        reason, required=kind in (ChangeKind.DECISION, ChangeKind.BALLOT)
    )
    now = timezone.now()
    before = proposal.status
    was_counted = counted(proposal)
    proposal.status = to
    new_stages = []
    for stage in STATUS_STAGES.get(to, ()):
        field = STAGE_FIELDS[stage]
        if getattr(proposal, field) is None:
            setattr(proposal, field, now)
            new_stages.append(stage)
    if to == Status.WITHDRAWN and was_counted:
        funnel_add(proposal, [Stage.SUBMITTED], -1)
    elif counted(proposal):
        funnel_add(proposal, new_stages)
    proposal.save()
    change = StatusChange.objects.create(
        proposal=proposal,
        from_status=before,
        to_status=to,
        kind=kind,
        reason=reason,
        params=params or {},
        actor=actor,
    )
    publish_both(
        proposal,
        "proposal.status_changed",
        {**counts_payload(proposal), "change_id": change.pk},
    )
    if notify and kind != ChangeKind.SUBMITTED:
        tell(
            people_of(proposal),
            "proposal_status",
            proposal,
            actor=actor,
            status=to,
            reason=reason or "",
            change=kind,
        )
    return change
