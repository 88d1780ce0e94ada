"""Support ("공감"): once per resident, under the proposal's row lock; the threshold moves a proposal to screening."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from district import live
from district.moderation.policy import require_can_participate
from district.ratelimit import rate_limit
from proposals import permissions
from proposals.models import ChangeKind, Proposal, Status, Support
from proposals.rules import support_threshold
from proposals.services.common import (
    change_status,
    lock_proposal,
    tell,
)


def organisers_of(proposal: Proposal) -> list[AbstractUser]:
    """Who hears that a proposal reached its threshold: the association's leaders (district staff for a district cycle)."""
    from django.contrib.auth import get_user_model

    from district.roles import district_staff

    users = get_user_model().objects.filter(is_active=True)
    dong = proposal.cycle.dong
    if dong is not None and dong.leaders_group_id:
        leaders = list(users.filter(groups=dong.leaders_group_id).order_by("pk"))
        if leaders:
            return leaders
    return list(district_staff().distinct().order_by("pk"))


@live.atomic
def support_set(*, user: AbstractUser, proposal: Proposal, support: bool) -> Proposal:
    """Support a proposal (`support=True`) or withdraw one's support.

    The proposal row is locked, so the count is exact under any concurrency
    and the support that reaches the threshold moves the proposal to
    screening exactly once; its association's leaders are told. The unique
    constraint on (proposal, user) makes a repeated request harmless.
    """
    if not permissions.is_resident(user):
        raise PermissionDenied
    if support:
        require_can_participate(user)  # withdrawing stays possible
    proposal = lock_proposal(proposal)
    if not permissions.can_view_proposal(user, proposal):
        raise PermissionDenied
    if permissions.is_proposer(user, proposal):
        raise ValidationError(_("You cannot support your own proposal."))
    if (
        proposal.status not in (Status.SUBMITTED, Status.SCREENING, Status.SCREENED)
        or proposal.cycle.phase not in permissions.SUPPORT_PHASES
    ):
        raise ValidationError(_("This proposal is no longer open for support."))
    existing = Support.objects.filter(proposal=proposal, user=user)
    if support:
        if existing.exists():
            raise ValidationError(_("You already support this proposal."))
        rate_limit("proposal_support", user=user)
        Support.objects.create(proposal=proposal, user=user)
        proposal.support_count += 1
    else:
        rate_limit("proposal_support", user=user)
        deleted, _rows = existing.delete()
        if not deleted:
            raise ValidationError(_("You do not support this proposal."))
        proposal.support_count -= 1
    proposal.updated_at = timezone.now()
    # An update, not save(): the count is not searchable, so no re-indexing per support.
    Proposal.objects.filter(pk=proposal.pk).update(
        support_count=proposal.support_count, updated_at=proposal.updated_at
    )
    threshold = support_threshold(proposal.cycle)
    # After commit, read fresh and coalesced: not under the proposal's row lock.
    live.publish_state("proposal", proposal.pk)
    if (
        support
        and proposal.status == Status.SUBMITTED
        and proposal.support_count >= threshold
    ):
        change_status(
            proposal,
            Status.SCREENING,
            kind=ChangeKind.THRESHOLD,
            actor=None,
            params={"supports": proposal.support_count, "threshold": threshold},
        )
        tell(
            organisers_of(proposal),
            "proposal_threshold",
            proposal,
            supports=proposal.support_count,
        )
    return proposal
