"""What site search finds among proposals. Registered with `district.search` from `ProposalsConfig.ready()`.

Public proposals only (never drafts; withdrawn ones stay findable, their
history is public), described with their association and status. Withdrawn
and merged ones come after every other hit: they are no longer current (a
merged one lives on in the proposal it joined). So do each proposal's
discussion thread and its opening post, which repeat its title and text: the
proposal's own result leads to both.
"""

from django.db.models import Q, QuerySet

from district.search import (
    AnyUser,
    DongChoice,
    Match,
    Result,
    register_search_demotion,
    register_search_source,
)
from forums.models import Post, Thread
from forums.selectors import opening_posts
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


def proposal_threads() -> QuerySet[Thread]:
    return Thread.objects.filter(proposal__isnull=False)


def proposal_opening_posts() -> QuerySet[Post]:
    return opening_posts(proposal_threads())


def no_longer_current() -> QuerySet[Proposal]:
    return Proposal.objects.filter(status__in=(Status.WITHDRAWN, Status.MERGED))


def register() -> None:
    register_search_source(
        Proposal,
        visible=visible_proposals,
        dong=proposals_in,
        describe=describe_proposal,
    )
    register_search_demotion(Proposal, no_longer_current)
    register_search_demotion(Thread, proposal_threads)
    register_search_demotion(Post, proposal_opening_posts)
