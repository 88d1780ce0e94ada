"""Which proposal texts residents can have machine-translated (district.translation)."""

from django.http import HttpRequest

from district.translation import register_translatable
from proposals.models import Proposal
from proposals.permissions import can_view_proposal


def _can_read(request: HttpRequest, proposal: Proposal) -> bool:
    return can_view_proposal(request.user, proposal)


def register() -> None:
    register_translatable(
        Proposal,
        ["title", ("description", "markdown"), "place"],
        topic=lambda proposal: f"proposal:{proposal.pk}",
        can_read=_can_read,
    )
