from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from district.models import Profile
from tests.votes.conftest import answers_for, declaration, make_ballot, questions
from votes import registry, services, tally
from votes.models import BallotPaper, Choice, Participation

pytestmark = pytest.mark.django_db


def cast(ballot, user, dong, **kwargs):
    return services.vote_cast(
        user=user,
        ballot=ballot,
        declaration=kwargs.pop("decl", declaration(dong)),
        answers=kwargs.pop("answers") if "answers" in kwargs else answers_for(ballot),
        **kwargs,
    )


def test_online_vote_is_counted_and_receipt_shows_inclusion_only(
    ballot, resident, dong
):
    code = cast(ballot, resident, dong)
    assert (
        Participation.objects.filter(
            ballot=ballot, user=resident, channel="online"
        ).count()
        == 1
    )
    assert services.receipt_counted(ballot, code)
    assert services.receipt_counted(ballot, code.lower().replace("-", ""))
    assert not services.receipt_counted(ballot, "AAAA-BBBB-CCCC-DDDD-EEEE")
    paper = BallotPaper.objects.get(ballot=ballot)
    assert paper.receipt_hash != code and len(paper.receipt_hash) == 64
    assert Choice.objects.filter(paper=paper).count() == 3  # yes, one pick, one rank
    profile = Profile.objects.get(user=resident)
    assert profile.age_band == "18+"


def test_second_online_vote_is_refused_and_nothing_recorded(ballot, resident, dong):
    cast(ballot, resident, dong)
    with pytest.raises(ValidationError) as error:
        cast(ballot, resident, dong)
    assert "already voted" in str(error.value)
    assert Participation.objects.filter(ballot=ballot).count() == 1
    assert BallotPaper.objects.filter(ballot=ballot).count() == 1


@pytest.mark.parametrize(
    "opens_in, closes_in, message",
    [(1, 7, "Voting opens"), (-7, -1, "Voting closed")],
)
def test_vote_outside_voting_time_is_refused(
    leader, dong, resident, opens_in, closes_in, message
):
    ballot = make_ballot(leader, dong, opens_in=opens_in, closes_in=closes_in)
    with pytest.raises(ValidationError) as error:
        cast(ballot, resident, dong)
    assert message in str(error.value)
    assert not Participation.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"age_band": "13"}, "age_band"),
        ({"age_band": ""}, "age_band"),
        ({"category": "works"}, "category"),
        ({"consent": False}, "consent"),
        ({"dong_id": None}, "dong"),
    ],
)
def test_ineligible_declaration_is_refused_with_its_field(
    ballot, resident, dong, overrides, field
):
    with pytest.raises(ValidationError) as error:
        cast(ballot, resident, dong, decl=declaration(dong, **overrides))
    assert field in error.value.error_dict
    assert not Participation.objects.exists() and not Choice.objects.exists()


def test_declaring_another_association_is_refused(ballot, make_user, dong, other_dong):
    voter = make_user()
    with pytest.raises(ValidationError) as error:
        cast(ballot, voter, dong, decl=declaration(other_dong))
    assert "dong" in error.value.error_dict


def test_choices_from_another_ballot_are_refused(ballot, leader, dong, resident):
    other = make_ballot(leader, dong, title="다른 투표")
    with pytest.raises(ValidationError) as error:
        cast(ballot, resident, dong, answers=answers_for(other))
    assert "not on this ballot" in str(error.value)
    assert not Participation.objects.exists()


def test_more_picks_than_allowed_are_refused(ballot, resident, dong):
    with pytest.raises(ValidationError) as error:
        cast(ballot, resident, dong, answers=answers_for(ballot, picks=(0, 1, 2)))
    assert "at most 2" in str(error.value)
    assert not Participation.objects.exists()


def test_duplicate_ranks_are_refused(ballot, resident, dong):
    with pytest.raises(ValidationError) as error:
        cast(
            ballot, resident, dong, answers=answers_for(ballot, ranks=((0, 1), (1, 1)))
        )
    assert "only one item" in str(error.value)
    assert not Participation.objects.exists()


def test_empty_ballot_paper_is_refused(ballot, resident, dong):
    with pytest.raises(ValidationError):
        cast(ballot, resident, dong, answers={})


def test_revote_with_receipt_replaces_choices_when_allowed(leader, dong, resident):
    ballot = make_ballot(leader, dong, allow_revote=True)
    code = cast(ballot, resident, dong, answers=answers_for(ballot, yes="yes"))
    cast(ballot, resident, dong, answers=answers_for(ballot, yes="no"), receipt=code)
    (q1, *_), _items = questions(ballot)
    assert list(
        Choice.objects.filter(question=q1).values_list("answer", flat=True)
    ) == ["no"]
    assert BallotPaper.objects.count() == 1 and Participation.objects.count() == 1
    with pytest.raises(ValidationError):
        cast(ballot, resident, dong, receipt="WRONG-CODE-0000-0000-0000")


def test_revote_is_refused_when_ballot_does_not_allow_it(ballot, resident, dong):
    code = cast(ballot, resident, dong)
    with pytest.raises(ValidationError):
        cast(
            ballot, resident, dong, answers=answers_for(ballot, yes="no"), receipt=code
        )
    (q1, *_), _items = questions(ballot)
    assert list(
        Choice.objects.filter(question=q1).values_list("answer", flat=True)
    ) == ["yes"]


def test_pass_check_in_blocks_online_vote_and_online_vote_blocks_check_in(
    ballot, officer, resident, make_user, dong
):
    box = ballot.boxes.get()
    services.voter_check_in(
        officer=officer, box=box, token=services.pass_token(ballot, resident)
    )
    with pytest.raises(ValidationError) as error:
        cast(ballot, resident, dong)
    assert "already voted" in str(error.value)
    online = make_user(home_dong=dong)
    cast(ballot, online, dong)
    with pytest.raises(ValidationError) as error:
        services.voter_check_in(
            officer=officer, box=box, token=services.pass_token(ballot, online)
        )
    assert "already voted" in str(error.value)
    assert Participation.objects.filter(ballot=ballot).count() == 2


def test_forged_or_foreign_pass_is_refused(ballot, leader, officer, resident, dong):
    box = ballot.boxes.get()
    token = services.pass_token(ballot, resident)
    with pytest.raises(ValidationError):
        services.voter_check_in(
            officer=officer,
            box=box,
            token=token[:-1] + ("B" if token.endswith("A") else "A"),
        )
    other = make_ballot(leader, dong, title="다른 투표")
    with pytest.raises(ValidationError):
        services.voter_check_in(
            officer=officer, box=box, token=services.pass_token(other, resident)
        )
    assert not Participation.objects.exists()


def test_resident_cannot_check_anyone_in(ballot, resident, make_user):
    with pytest.raises(PermissionDenied):
        services.voter_check_in(
            officer=resident,
            box=ballot.boxes.get(),
            token=services.pass_token(ballot, make_user()),
        )


def test_needs_confirmation_requires_an_officer_first(leader, dong, officer, resident):
    ballot = make_ballot(leader, dong, needs_confirmation=True, officers=[officer])
    with pytest.raises(ValidationError) as error:
        cast(ballot, resident, dong)
    assert "confirm" in str(error.value)
    services.voter_confirm(
        officer=officer, ballot=ballot, token=services.pass_token(ballot, resident)
    )
    assert cast(ballot, resident, dong)


def test_suspended_voter_keeps_the_vote_already_cast(ballot, resident, dong):
    cast(ballot, resident, dong)
    resident.is_active = False
    resident.save()
    assert Participation.objects.filter(ballot=ballot).count() == 1
    assert tally.compute(ballot)[1]["participants"]["online"] == 1


def _count(officer, box, paper_voters, counts):
    return services.box_count_enter(
        officer=officer, box=box, paper_voters=paper_voters, counts=counts
    )


def test_box_counts_are_used_only_when_two_officers_agree(
    ballot, leader, officer, make_user
):
    box = ballot.boxes.get()
    (q1, *_), (i1, *_) = questions(ballot)
    yes = tally.count_key(q1.pk, i1[0].pk, "yes")
    _count(officer, box, 5, {yes: 4})
    assert tally.compute(ballot)[1]["boxes_pending"] == [box.pk]
    _count(leader, box, 5, {yes: 3})
    state = tally.box_states(ballot)[0]
    assert state.mismatch
    from district.models import Notification

    assert Notification.objects.filter(kind="box_count_mismatch", user=officer).exists()
    assert Notification.objects.filter(kind="box_count_mismatch", user=leader).exists()
    _count(leader, box, 5, {yes: 4})
    _data, result, _print = tally.compute(ballot)
    assert result["boxes_pending"] == []
    assert result["questions"][0]["items"][0]["yes"] == 4
    assert result["participants"]["paper_voters"] == 5


def test_box_count_larger_than_its_voters_or_negative_is_refused(
    ballot, officer, resident
):
    box = ballot.boxes.get()
    services.voter_check_in(
        officer=officer, box=box, token=services.pass_token(ballot, resident)
    )
    (q1, *_), (i1, *_) = questions(ballot)
    yes = tally.count_key(q1.pk, i1[0].pk, "yes")
    with pytest.raises(ValidationError) as error:
        _count(officer, box, 2, {yes: 4})
    assert "More marks than voters" in str(error.value)
    with pytest.raises(ValidationError):
        _count(officer, box, -1, {yes: 0})
    with pytest.raises(ValidationError):
        _count(officer, box, 2, {yes: -1})
    assert not box.entries.exists()
    _count(officer, box, 2, {yes: 3})  # 1 checked in + 2 without an account
    assert box.entries.count() == 1


def _close(ballot):
    ballot.closes_at = timezone.now() - timedelta(seconds=1)
    ballot.opens_at = ballot.closes_at - timedelta(days=3)
    ballot.save()


def test_certify_combines_online_and_paper_and_recount_gives_same_fingerprint(
    ballot, leader, officer, make_user, dong
):
    for n in range(3):
        cast(
            ballot,
            make_user(home_dong=dong),
            dong,
            answers=answers_for(
                ballot, yes="yes" if n else "no", picks=(0, 1), ranks=((0, 1), (1, 2))
            ),
        )
    box = ballot.boxes.get()
    (q1, q2, q3), (i1, i2, i3) = questions(ballot)
    counts = {
        tally.count_key(q1.pk, i1[0].pk, "yes"): 2,
        tally.count_key(q1.pk, i1[0].pk, "abstain"): 1,
        tally.count_key(q2.pk, i2[2].pk, "pick"): 3,
        tally.count_key(q3.pk, i3[2].pk, "pick", 1): 3,
    }
    _count(officer, box, 3, counts)
    _count(leader, box, 3, counts)
    _close(ballot)
    heard = []
    registry.register_result_handler(heard.append)
    try:
        services.ballot_certify(actor=leader, ballot=ballot)
    finally:
        registry._result_handlers.remove(heard.append)
    ballot.refresh_from_db()
    q1r, q2r, q3r = ballot.result["questions"]
    assert (
        q1r["items"][0]["yes"],
        q1r["items"][0]["no"],
        q1r["items"][0]["abstain"],
    ) == (4, 1, 1)
    assert q1r["items"][0]["selected"]  # 4 of 5 valid: abstentions are not valid votes
    assert [r["picks"] for r in q2r["items"]] == [3, 3, 3]
    assert q2r["tie"]
    assert [r["points"] for r in q3r["items"]] == [
        6,
        3,
        6,
    ]  # rank 1 of 2 = 2 points, rank 2 = 1
    assert ballot.result["participants"] == {
        "online": 3,
        "checked_in": 0,
        "paper_voters": 3,
        "total": 6,
    }
    data, result, print_ = tally.compute(ballot)
    assert print_ == ballot.fingerprint and result == ballot.result
    assert tally.result_from_data(data) == ballot.result
    results = heard[0]
    assert {r.title for r in results if r.selected} >= {"2027 자치계획안"}
    assert all(r.ballot_id == ballot.pk for r in results)
    from dong.models import MinutesPage

    minutes = MinutesPage.objects.get(pk=ballot.minutes_page_id)
    assert not minutes.live and minutes.meeting_type == "assembly"
    assert minutes.attendance == 6
    with pytest.raises(ValidationError):
        services.ballot_certify(actor=leader, ballot=ballot)


def test_certify_waits_for_agreed_box_counts(ballot, leader):
    _close(ballot)
    with pytest.raises(ValidationError) as error:
        services.ballot_certify(actor=leader, ballot=ballot)
    assert "must agree" in str(error.value)
    ballot.refresh_from_db()
    assert not ballot.certified


def test_quorum_not_met_means_not_passed(leader, dong, make_user):
    ballot = make_ballot(
        leader,
        dong,
        boxes=[],
        questions=[
            services.QuestionSpec(
                "찬성?", "yes_no", (services.ItemSpec("안건"),), quorum=3
            )
        ],
    )
    (q1,), ((item,),) = questions(ballot)
    cast(ballot, make_user(home_dong=dong), dong, answers={q1.pk: {item.pk: "yes"}})
    _close(ballot)
    services.ballot_certify(actor=leader, ballot=ballot)
    ballot.refresh_from_db()
    row = ballot.result["questions"][0]["items"][0]
    assert row["yes"] == 1 and not row["quorum_met"] and not row["selected"]


def test_item_from_a_registered_source_keeps_its_key(leader, dong):
    def source(ballot):
        return [
            registry.ItemChoice("proposal:7", "공원 벤치", "벤치를 놓아요", "/p/7/")
        ]

    registry.register_item_source("test", source)
    try:
        ballot = make_ballot(
            leader,
            dong,
            questions=[
                services.QuestionSpec(
                    "찬성?", "yes_no", (services.ItemSpec(source_key="proposal:7"),)
                )
            ],
        )
    finally:
        registry._item_sources.pop("test")
    item = ballot.questions.get().items.get()
    assert (item.title, item.source_key, item.url) == (
        "공원 벤치",
        "proposal:7",
        "/p/7/",
    )


def test_leader_cannot_create_a_ballot_for_another_association(other_leader, dong):
    with pytest.raises(PermissionDenied):
        make_ballot(other_leader, dong)


def test_someone_elses_receipt_cannot_replace_their_vote(
    leader, dong, resident, make_user
):
    ballot = make_ballot(leader, dong, allow_revote=True)
    code = cast(ballot, resident, dong, answers=answers_for(ballot, yes="yes"))
    other = make_user(home_dong=dong)
    cast(ballot, other, dong, answers=answers_for(ballot, yes="yes"))
    with pytest.raises(ValidationError):
        cast(ballot, other, dong, answers=answers_for(ballot, yes="no"), receipt=code)
    (q1, *_), _items = questions(ballot)
    assert set(Choice.objects.filter(question=q1).values_list("answer", flat=True)) == {
        "yes"
    }


def test_declarations_are_erased_a_year_after_certification(
    ballot, leader, officer, resident, dong
):
    cast(ballot, resident, dong)
    box = ballot.boxes.get()
    for who in (officer, leader):
        services.box_count_enter(officer=who, box=box, paper_voters=0, counts={})
    _close(ballot)
    services.ballot_certify(actor=leader, ballot=ballot)
    assert services.declarations_erase() == 0
    assert services.declarations_erase(now=timezone.now() + timedelta(days=366)) == 1
    participation = Participation.objects.get(ballot=ballot)
    assert (participation.declared_dong_id, participation.declared_age_band) == (
        None,
        "",
    )
    assert participation.user_id == resident.pk  # the voice stays counted
