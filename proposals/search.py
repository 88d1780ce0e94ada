"""What site search finds among proposals. Registered with `district.search` from `ProposalsConfig.ready()`.

Public proposals only (never drafts; withdrawn ones stay findable, their
history is public), described with their association and status.
"""

from django.db.models import Q, QuerySet

from district.search import AnyUser, DongChoice, Match, Result, register_search_source
from proposals.models import Proposal, Status


def visible_proposals(reader: AnyUser) -> QuerySet[Proposal]:
    return Proposal.objects.exclude(status=Status.DRAFT).select_related("cycle__dong")


def proposals_in(choice: DongChoice) -> Q:
    return Q(cycle__dong_id=choice.page_id)


def describe_proposal(proposal: Proposal, match: Match) -> Result:
    return Result(
        title=proposal.title,
        url=proposal.get_absolute_url(),
        kind=f"{Proposal._meta.verbose_name} · {proposal.get_status_display()}",
        snippet=match.snippet(proposal.description),
        dong=proposal.cycle.where,
    )


def register() -> None:
    register_search_source(
        Proposal,
        visible=visible_proposals,
        dong=proposals_in,
        describe=describe_proposal,
    )
