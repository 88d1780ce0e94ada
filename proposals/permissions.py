"""Who may do what with cycles and proposals, in which phase. Every view, the admin and the live socket ask here.

Roles: a resident is any signed-in, active account (sign-up verifies the
e-mail address before the first sign-in); a cycle's organisers are its
association's leaders (for a district-wide cycle, district staff only) and
district staff everywhere. Facilitators of audience boards have no special
rights here: they are residents.

Actions and phases:
- propose: residents, in the proposing phase.
- edit: the author and co-proposers, in the proposing phase, while the
  proposal is a draft or gathering support.
- withdraw: the author, until the proposal goes to screening.
- support: residents other than the author and co-proposers, while the
  proposal is public and open (gathering support, in screening, screened)
  and the cycle is in proposing, screening or deliberation.
- screen (record feasibility, move a proposal on below its threshold):
  organisers, in proposing, screening or deliberation.
- decide (select, merge, decline): organisers, in screening, deliberation or
  selection.
- update progress (funded, in progress, implemented, abandoned, updates):
  organisers, in the implementation phase.
`access_*` fetch and check at once, answering 404 alike for "missing" and
"not yours to see".
"""

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404

from district.roles import is_district_staff, user_group_ids
from proposals.models import (
    SUPPORTABLE_STATUSES,
    Cycle,
    Phase,
    Proposal,
    Status,
)

AnyUser = User | AnonymousUser

SUPPORT_PHASES = (Phase.PROPOSING, Phase.SCREENING, Phase.DELIBERATION)
SCREEN_PHASES = (Phase.PROPOSING, Phase.SCREENING, Phase.DELIBERATION)
DECIDE_PHASES = (Phase.SCREENING, Phase.DELIBERATION, Phase.SELECTION)
PROGRESS_PHASES = (Phase.IMPLEMENTATION,)


def is_resident(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def leads(user: AnyUser, dong) -> bool:
    """A leader of this association: a member of its leaders' group."""
    return bool(
        dong is not None
        and dong.leaders_group_id
        and dong.leaders_group_id in user_group_ids(user)
    )


def can_manage_cycle(user: AnyUser, cycle: Cycle) -> bool:
    """District staff everywhere; an association's leaders in their own association's cycles."""
    if not is_resident(user):
        return False
    if is_district_staff(user):
        return True
    return cycle.dong_id is not None and leads(user, cycle.dong)


def is_proposer(user: AnyUser, proposal: Proposal) -> bool:
    """The author or a co-proposer."""
    if not user.is_authenticated:
        return False
    if proposal.author_id == user.pk:
        return True
    return user.pk in proposal_co_proposer_ids(proposal)


def proposal_co_proposer_ids(proposal: Proposal) -> set[int]:
    if not hasattr(proposal, "_co_proposer_ids"):
        proposal._co_proposer_ids = set(
            proposal.co_proposers.values_list("user_id", flat=True)
        )
    return proposal._co_proposer_ids


def can_view_proposal(user: AnyUser, proposal: Proposal) -> bool:
    """Public once submitted; a draft is seen by its proposers (and the cycle's organisers never)."""
    return proposal.is_public or is_proposer(user, proposal)


def can_propose(user: AnyUser, cycle: Cycle) -> bool:
    return is_resident(user) and cycle.phase == Phase.PROPOSING


def can_edit_proposal(user: AnyUser, proposal: Proposal) -> bool:
    return (
        is_resident(user)
        and proposal.status in (Status.DRAFT, Status.SUBMITTED)
        and proposal.cycle.phase == Phase.PROPOSING
        and is_proposer(user, proposal)
    )


def can_withdraw_proposal(user: AnyUser, proposal: Proposal) -> bool:
    return (
        is_resident(user)
        and proposal.author_id == user.pk
        and proposal.status in (Status.DRAFT, Status.SUBMITTED)
        and proposal.cycle.phase != Phase.CLOSED
    )


def can_support(user: AnyUser, proposal: Proposal) -> bool:
    return (
        is_resident(user)
        and proposal.status in SUPPORTABLE_STATUSES
        and proposal.cycle.phase in SUPPORT_PHASES
        and not is_proposer(user, proposal)
    )


def can_screen(user: AnyUser, proposal: Proposal) -> bool:
    return (
        proposal.status in (Status.SUBMITTED, Status.SCREENING)
        and proposal.cycle.phase in SCREEN_PHASES
        and can_manage_cycle(user, proposal.cycle)
    )


def can_decide(user: AnyUser, proposal: Proposal) -> bool:
    return (
        proposal.status in (Status.SUBMITTED, Status.SCREENING, Status.SCREENED)
        and proposal.cycle.phase in DECIDE_PHASES
        and can_manage_cycle(user, proposal.cycle)
    )


def can_update_progress(user: AnyUser, proposal: Proposal) -> bool:
    return (
        proposal.status in (Status.SELECTED, Status.FUNDED, Status.IN_PROGRESS)
        and proposal.cycle.phase in PROGRESS_PHASES
        and can_manage_cycle(user, proposal.cycle)
    )


def can_close_phase(user: AnyUser, cycle: Cycle) -> bool:
    return cycle.phase not in (Phase.UPCOMING, Phase.CLOSED) and can_manage_cycle(
        user, cycle
    )


def access_cycle(user: AnyUser, cycle_id: int) -> Cycle:
    try:
        return Cycle.objects.select_related("dong", "board").get(pk=cycle_id)
    except Cycle.DoesNotExist:
        raise Http404 from None


def access_proposal(user: AnyUser, proposal_id: int) -> Proposal:
    try:
        proposal = Proposal.objects.select_related(
            "cycle__dong", "cycle__board", "author__profile", "thread", "merged_into"
        ).get(pk=proposal_id)
    except Proposal.DoesNotExist:
        raise Http404 from None
    if not can_view_proposal(user, proposal):
        raise Http404
    return proposal


def can_follow_proposal(user: AnyUser, proposal_id: int) -> bool:
    """The live topic `proposal:<id>`: whoever may see the proposal."""
    proposal = Proposal.objects.filter(pk=proposal_id).first()
    return proposal is not None and can_view_proposal(user, proposal)


def can_follow_cycle(user: AnyUser, cycle_id: int) -> bool:
    """The live topic `cycle:<id>`: public (it carries only public counts)."""
    return Cycle.objects.filter(pk=cycle_id).exists()
