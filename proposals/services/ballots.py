"""The seam with votes: proposals offered as ballot items, and certified results that select them.

Registered from `ProposalsConfig.ready()` with `votes.registry`; votes never
imports this app.
"""

from django.db.models import Q

from proposals.models import ChangeKind, Phase, Proposal, Status
from proposals.models import today as seoul_today
from proposals.services.common import change_status, lock_proposal

SOURCE = "proposal"
BALLOT_PHASES = (Phase.DELIBERATION, Phase.SELECTION)


def source_key(proposal: Proposal) -> str:
    return f"{SOURCE}:{proposal.pk}"


def parse_key(key: str) -> int | None:
    kind, _sep, ident = (key or "").partition(":")
    if kind != SOURCE or not ident.isdigit():
        return None
    return int(ident)


def ballot_items(ballot) -> list:
    """The ballot's association's screened proposals whose cycle is in deliberation or selection."""
    from votes.registry import ItemChoice

    dong_id = getattr(ballot, "dong_id", None)
    where = Q(cycle__dong_id=dong_id) if dong_id else Q(cycle__dong__isnull=True)
    day = seoul_today()
    proposals = (
        Proposal.objects.filter(where, status=Status.SCREENED)
        .select_related("cycle")
        .order_by("cycle_id", "pk")
    )
    return [
        ItemChoice(
            key=source_key(p),
            title=p.title,
            summary=" ".join(p.description.split())[:300],
            url=p.get_absolute_url(),
        )
        for p in proposals
        if p.cycle.phase_on(day) in BALLOT_PHASES
    ]


def ballot_title(ballot_id: int) -> str:
    try:
        from votes.models import Ballot
    except ImportError:  # the votes app without its models yet
        return ""
    ballot = Ballot.objects.filter(pk=ballot_id).first()
    return str(getattr(ballot, "title", "") or "") if ballot else ""


def ballot_results(results: list) -> None:
    """Called inside the certification's transaction: each selected proposal item becomes "selected".

    The public reason names the ballot and the result's summary; the ballot
    and its item are stored on the proposal. A proposal no longer screened
    (withdrawn, merged) is left as it is: the history says what happened.
    """
    for result in results:
        proposal_id = parse_key(result.source_key)
        if proposal_id is None or not result.selected:
            continue
        proposal = Proposal.objects.filter(pk=proposal_id).first()
        if proposal is None:
            continue
        proposal = lock_proposal(proposal)
        if proposal.status != Status.SCREENED:
            continue
        title = ballot_title(result.ballot_id) or f"#{result.ballot_id}"
        proposal.ballot_id = result.ballot_id
        proposal.ballot_item_id = result.item_id
        change_status(
            proposal,
            Status.SELECTED,
            kind=ChangeKind.BALLOT,
            actor=None,
            reason=f"{title}: {result.summary}".strip(),
            params={
                "ballot_id": result.ballot_id,
                "ballot_item_id": result.item_id,
                "ballot": title,
                "summary": result.summary,
            },
        )
