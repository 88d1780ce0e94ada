"""The seam with votes: screened proposals are offered as ballot items; a certified result selects them."""

from datetime import timedelta

from django.utils import timezone

from proposals import services
from proposals.models import ChangeKind, Phase, Status
from tests.proposals.conftest import make_proposal, set_phase
from votes import registry
from votes import services as votes_services
from votes.services import Declaration, ItemSpec, QuestionSpec


def screened(proposal, leader):
    services.proposal_advance(actor=leader, proposal=proposal, reason="검토 대상")
    return services.proposal_screen(
        actor=leader,
        proposal=proposal,
        department="공원녹지과",
        cost_estimate=1_000_000,
        note="",
        reason="실현 가능",
    )


def test_screened_proposals_of_the_ballots_association_are_offered(
    author, cycle, leader, dong
):
    proposal = screened(make_proposal(author, cycle), leader)
    make_proposal(author, cycle, title="아직 공감 모으는 제안")
    set_phase(cycle, Phase.DELIBERATION)

    class FakeBallot:
        dong_id = dong.pk

    choices = registry.item_choices(FakeBallot())
    keys = [c.key for c in choices if c.key.startswith("proposal:")]
    assert keys == [f"proposal:{proposal.pk}"]
    assert choices[0].url == proposal.get_absolute_url()


def test_a_certified_ballot_selects_the_proposal_with_its_reason(
    author, cycle, leader, dong, make_user
):
    proposal = screened(make_proposal(author, cycle), leader)
    set_phase(cycle, Phase.SELECTION)
    now = timezone.now()
    ballot = votes_services.ballot_create(
        actor=leader,
        dong=dong,
        title="2026 역삼1동 주민총회",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
        questions=[
            QuestionSpec(
                "이 제안을 채택할까요?",
                "yes_no",
                (ItemSpec("", source_key=f"proposal:{proposal.pk}"),),
            )
        ],
        boxes=[],
        publish=True,
    )
    question = ballot.questions.get()
    item = question.items.get()
    assert item.title == proposal.title
    for _ in range(3):
        voter = make_user(home_dong=dong)
        votes_services.vote_cast(
            user=voter,
            ballot=ballot,
            declaration=Declaration(
                dong_id=dong.pk, age_band="18+", category="resident", consent=True
            ),
            answers={question.pk: {item.pk: "yes"}},
        )
    ballot.closes_at = timezone.now() - timedelta(seconds=1)
    ballot.opens_at = ballot.closes_at - timedelta(days=2)
    ballot.save()
    votes_services.ballot_certify(actor=leader, ballot=ballot)

    proposal.refresh_from_db()
    assert proposal.status == Status.SELECTED
    assert (proposal.ballot_id, proposal.ballot_item_id) == (ballot.pk, item.pk)
    change = proposal.history.last()
    assert change.kind == ChangeKind.BALLOT and change.actor is None
    assert "2026 역삼1동 주민총회" in change.reason
    assert change.params["ballot_item_id"] == item.pk
