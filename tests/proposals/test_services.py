import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from district.models import AppendOnlyError, Notification
from proposals import services
from proposals.counts import counts_repair
from proposals.models import (
    ChangeKind,
    FunnelCount,
    Phase,
    Stage,
    Status,
    StatusChange,
)
from proposals.rules import support_threshold, threshold_for_population
from tests.proposals.conftest import make_cycle, make_proposal, set_phase, supporters


def funnel(cycle, dimension="all", value=""):
    return dict(
        FunnelCount.objects.filter(
            cycle=cycle, dimension=dimension, value=value
        ).values_list("stage", "count")
    )


def test_submitting_opens_a_thread_on_the_general_board_and_counts_it(proposal, dong):
    assert proposal.status == Status.SUBMITTED
    assert proposal.thread.board.dong_id == dong.pk
    assert proposal.language == "en"  # the interface language at submission


def test_the_submission_language_is_stored_and_counted(author, cycle):
    from django.utils import translation

    with translation.override("vi"):
        proposal = make_proposal(author, cycle)
    assert proposal.language == "vi"
    assert funnel(cycle, "language", "vi") == {Stage.SUBMITTED: 1}
    assert funnel(proposal.cycle) == {Stage.SUBMITTED: 1}
    assert proposal.history.get().kind == ChangeKind.SUBMITTED


def test_proposing_outside_the_proposing_phase_is_refused(author, dong):
    cycle = make_cycle(dong, Phase.SCREENING)
    with pytest.raises(ValidationError, match="proposing phase"):
        make_proposal(author, cycle)


def test_anonymous_cannot_propose(cycle):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        make_proposal(AnonymousUser(), cycle)


@pytest.mark.parametrize("cost", [-1, 10_000_000_000])
def test_negative_or_absurd_cost_is_refused(author, cycle, cost):
    with pytest.raises(ValidationError) as error:
        make_proposal(author, cycle, cost=cost)
    assert "cost" in error.value.message_dict


def test_unknown_co_proposer_is_named_in_the_error(author, cycle):
    with pytest.raises(ValidationError) as error:
        make_proposal(author, cycle, co_proposer_names=["아무도아닌사람"])
    assert "아무도아닌사람" in str(error.value.message_dict["co_proposers"])


def test_co_proposer_is_told_and_may_not_support(make_user, author, cycle):
    co = make_user(display_name="공동제안자")
    proposal = make_proposal(author, cycle, co_proposer_names=["공동제안자"])
    assert Notification.objects.filter(user=co, kind="proposal_co_proposer").exists()
    with pytest.raises(ValidationError, match="own proposal"):
        services.support_set(user=co, proposal=proposal, support=True)


def test_supporting_twice_or_ones_own_proposal_is_refused(proposal, author, resident):
    services.support_set(user=resident, proposal=proposal, support=True)
    with pytest.raises(ValidationError, match="already support"):
        services.support_set(user=resident, proposal=proposal, support=True)
    with pytest.raises(ValidationError, match="own proposal"):
        services.support_set(user=author, proposal=proposal, support=True)
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_withdrawing_support_lowers_the_count(proposal, resident):
    services.support_set(user=resident, proposal=proposal, support=True)
    services.support_set(user=resident, proposal=proposal, support=False)
    proposal.refresh_from_db()
    assert proposal.support_count == 0
    with pytest.raises(ValidationError):
        services.support_set(user=resident, proposal=proposal, support=False)


def test_threshold_is_minimum_without_population_and_share_with_it(cycle, dong):
    assert support_threshold(cycle) == 20
    assert threshold_for_population(35_000) == 35
    assert threshold_for_population(5_000) == 20
    with override_settings(PROPOSALS_MIN_SUPPORT=3, PROPOSALS_SUPPORT_SHARE=0.01):
        assert threshold_for_population(1_000) == 10


@override_settings(PROPOSALS_MIN_SUPPORT=3)
def test_reaching_the_threshold_moves_to_screening_and_tells_leaders(
    make_user, proposal, leader, author
):
    for user in supporters(make_user, 3):
        services.support_set(user=user, proposal=proposal, support=True)
    proposal.refresh_from_db()
    assert proposal.status == Status.SCREENING
    assert proposal.threshold_at is not None
    assert (
        Notification.objects.filter(user=leader, kind="proposal_threshold").count() == 1
    )
    assert Notification.objects.filter(user=author, kind="proposal_status").exists()
    assert funnel(proposal.cycle)[Stage.THRESHOLD] == 1


def test_author_withdraws_and_the_proposal_leaves_the_funnel(proposal, author):
    services.proposal_withdraw(actor=author, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN
    assert funnel(proposal.cycle) == {Stage.SUBMITTED: 0}


def test_status_change_without_reason_is_refused(proposal, leader):
    with pytest.raises(ValidationError) as error:
        services.proposal_advance(actor=leader, proposal=proposal, reason=" ")
    assert "reason" in error.value.message_dict


def test_leader_of_another_dong_cannot_move_a_proposal_on(proposal, other_leader):
    with pytest.raises(PermissionDenied):
        services.proposal_advance(
            actor=other_leader, proposal=proposal, reason="좋아요"
        )


def test_full_path_to_implemented_keeps_history_and_counts(
    make_user, proposal, leader, author, staff
):
    fan = make_user()
    services.support_set(user=fan, proposal=proposal, support=True)
    services.proposal_advance(actor=leader, proposal=proposal, reason="주민 의견 반영")
    services.proposal_screen(
        actor=leader,
        proposal=proposal,
        department="도시안전과",
        cost_estimate=5_000_000,
        note="도로점용 허가 필요",
        reason="실현 가능",
    )
    set_phase(proposal.cycle, Phase.SELECTION)
    services.proposal_decide(
        actor=leader, proposal=proposal, status=Status.SELECTED, reason="총회 의결"
    )
    set_phase(proposal.cycle, Phase.IMPLEMENTATION)
    from proposals.models import today

    services.proposal_progress(
        actor=staff,
        proposal=proposal,
        percent=10,
        text="예산 배정",
        on_date=today(),
        status=Status.FUNDED,
        reason="예산 확정",
    )
    with pytest.raises(ValidationError) as error:
        services.proposal_progress(
            actor=staff,
            proposal=proposal,
            percent=100,
            text="완료",
            on_date=today(),
            status=Status.IMPLEMENTED,
            reason="설치 완료",
        )
    assert "completed_on" in error.value.message_dict
    services.proposal_progress(
        actor=staff,
        proposal=proposal,
        percent=100,
        text="완료",
        on_date=today(),
        status=Status.IMPLEMENTED,
        reason="설치 완료",
        completed_on=today(),
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.IMPLEMENTED and proposal.progress == 100
    steps = list(proposal.history.values_list("to_status", flat=True))
    assert steps == [
        "submitted",
        "screening",
        "screened",
        "selected",
        "funded",
        "implemented",
    ]
    assert all(
        c.reason for c in proposal.history.all() if c.kind == ChangeKind.DECISION
    )
    counts = funnel(proposal.cycle)
    assert counts == {stage: 1 for stage in Stage.values}
    # the supporter and the author heard of every decision, in their language when read
    assert Notification.objects.filter(user=fan, kind="proposal_status").count() == 5
    assert Notification.objects.filter(user=author, kind="proposal_status").count() == 5
    # the repair command gives the same counts
    counts_repair(cycles=[proposal.cycle])
    assert funnel(proposal.cycle) == counts


def test_history_refuses_update_and_delete(proposal):
    change = StatusChange.objects.get(proposal=proposal)
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()
    with pytest.raises(AppendOnlyError):
        StatusChange.objects.filter(proposal=proposal).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        StatusChange.objects.filter(proposal=proposal).delete()
    assert StatusChange.objects.filter(proposal=proposal).count() == 1


def test_phase_closed_early_keeps_its_reason(cycle, leader):
    services.cycle_phase_close(actor=leader, cycle=cycle, reason="예산 조기 확정")
    cycle.refresh_from_db()
    assert cycle.phase == Phase.SCREENING
    entry = cycle.history.get(action="phase_closed")
    assert (entry.phase, entry.reason) == (Phase.PROPOSING, "예산 조기 확정")


def test_merge_needs_another_proposal_of_the_same_cycle(
    make_user, proposal, leader, cycle
):
    other = make_proposal(make_user(), cycle, title="가로등 추가 설치 요청")
    set_phase(cycle, Phase.SCREENING)
    with pytest.raises(ValidationError):
        services.proposal_decide(
            actor=leader, proposal=proposal, status=Status.MERGED, reason="중복"
        )
    services.proposal_decide(
        actor=leader,
        proposal=proposal,
        status=Status.MERGED,
        reason="같은 내용",
        merged_into=other,
    )
    proposal.refresh_from_db()
    assert proposal.merged_into == other
