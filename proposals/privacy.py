"""What proposals put in a resident's data export; on closing, nothing is removed (`district.accounts`).

Proposals stay (others supported them, and their history is public), shown
as by "former member"; supports stay counted, on the opaque account id.
"""

from django.contrib.auth.models import AbstractUser

from district.accounts import register_data_exporter
from proposals.models import CoProposer, Proposal, Support


def _proposals(user: AbstractUser) -> list[dict]:
    return [
        {
            "id": p.pk,
            "title": p.title,
            "description": p.description,
            "category": p.category,
            "cost": p.cost,
            "place": p.place,
            "status": p.status,
            "supports": p.support_count,
        }
        for p in Proposal.objects.filter(author=user).order_by("id")
    ]


def _co_proposals(user: AbstractUser) -> list[dict]:
    return [
        {"proposal_id": c.proposal_id, "title": c.proposal.title}
        for c in CoProposer.objects.filter(user=user).select_related("proposal")
    ]


def _supports(user: AbstractUser) -> list[dict]:
    return [
        {"proposal_id": s.proposal_id, "title": s.proposal.title, "at": s.created_at}
        for s in Support.objects.filter(user=user).select_related("proposal")
    ]


def register() -> None:
    register_data_exporter("proposals", _proposals)
    register_data_exporter("proposal_co_proposer", _co_proposals)
    register_data_exporter("proposal_supports", _supports)
