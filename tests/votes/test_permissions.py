"""Who may do what with a ballot: every role against every action, in votes.permissions and over HTTP."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tests.votes.conftest import answers_for, declaration, make_ballot
from votes import permissions, services
from votes.models import BallotPaper, Choice

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "resident",
    "other_resident",
    "young",
    "officer",
    "leader",
    "other_leader",
    "staff",
)
EVERYONE = set(ROLES)
# action -> the roles allowed, for a ballot of 역삼1동 (min. age 14) in the phase the action belongs to
MATRIX = {
    "view": EVERYONE,
    "vote": {"resident", "officer", "leader", "staff"},
    "check_in": {"officer", "leader", "staff"},
    "enter_tallies": {"officer", "leader", "staff"},
    "see_live_tallies": EVERYONE,  # on a ballot that shows them, once enough votes are in
    "see_results_before_certified": {"leader", "staff"},
    "close": {"leader", "staff"},
    "certify": {"leader", "staff"},
    "publish": {"leader", "staff"},
}


@pytest.fixture
def people(make_user, dong, other_dong, leader, other_leader, staff, officer):
    young = make_user(home_dong=dong)
    young.profile.age_band = "13"
    young.profile.save()
    return {
        "anonymous": AnonymousUser(),
        "resident": make_user(home_dong=dong),
        "other_resident": make_user(home_dong=other_dong),
        "young": young,
        "officer": officer,
        "leader": leader,
        "other_leader": _with_home(other_leader, other_dong),
        "staff": staff,
    }


def _with_home(user, dong):
    user.profile.home_dong = dong
    user.profile.save()
    return user


@pytest.fixture
def ballots(leader, dong, officer, settings):
    settings.VOTES_MIN_LIVE_TALLY = 1
    open_ = make_ballot(leader, dong, officers=[officer], show_live_tallies=True)
    closed = make_ballot(leader, dong, officers=[officer], title="닫힌 투표")
    closed.closes_at = timezone.now() - timedelta(minutes=1)
    closed.save()
    draft = make_ballot(leader, dong, officers=[officer], publish=False, title="초안")
    return {"open": open_, "closed": closed, "draft": draft}


def allowed(action, user, ballots) -> bool:
    b = ballots["open"]
    return {
        "view": lambda: permissions.can_view_ballot(user, b),
        "vote": lambda: permissions.can_vote(user, b),
        "check_in": lambda: permissions.can_check_in(user, b),
        "enter_tallies": lambda: permissions.can_enter_tallies(user, b),
        "see_live_tallies": lambda: permissions.can_see_live_tallies(user, b, 1),
        "see_results_before_certified": lambda: permissions.can_see_results(
            user, ballots["closed"]
        ),
        "close": lambda: permissions.can_close(user, b),
        "certify": lambda: permissions.can_certify(user, ballots["closed"]),
        "publish": lambda: permissions.can_publish(user, ballots["draft"]),
    }[action]()


@pytest.mark.parametrize("action", MATRIX)
def test_permission_matrix(action, people, ballots):
    got = {role for role, user in people.items() if allowed(action, user, ballots)}
    assert got == MATRIX[action]


def test_nobody_sees_tallies_while_open_unless_the_ballot_shows_them(
    people, leader, dong
):
    ballot = make_ballot(leader, dong)
    assert not any(
        permissions.can_see_live_tallies(u, ballot, 1000) for u in people.values()
    )


def test_live_tallies_wait_for_the_minimum_number_of_votes(people, ballots, settings):
    settings.VOTES_MIN_LIVE_TALLY = 10
    assert not permissions.can_see_live_tallies(people["resident"], ballots["open"], 9)
    assert permissions.can_see_live_tallies(people["resident"], ballots["open"], 10)


def test_draft_ballot_is_hidden_over_http(client, people, ballots):
    url = reverse("votes:ballot", args=[ballots["draft"].pk])
    client.force_login(people["resident"])
    assert client.get(url).status_code == 404
    client.force_login(people["leader"])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "role, status", [("resident", 403), ("officer", 200), ("other_leader", 403)]
)
def test_officer_desk_over_http(client, people, ballots, role, status):
    client.force_login(people[role])
    assert (
        client.get(reverse("votes:officer", args=[ballots["open"].pk])).status_code
        == status
    )


def test_ballot_topic_is_followed_only_when_published(people, ballots):
    anonymous = people["anonymous"]
    assert permissions.can_follow_ballot(anonymous, ballots["open"].pk)
    assert not permissions.can_follow_ballot(anonymous, ballots["draft"].pk)
    assert not permissions.can_follow_ballot(anonymous, 999_999)


def test_secret_ballot_schema_links_no_choice_to_a_person():
    """Papers and choices: random UUID keys, no time, no key to a user or a participation."""
    for model in (BallotPaper, Choice):
        assert isinstance(model._meta.pk, models.UUIDField)
        for field in model._meta.get_fields():
            assert not isinstance(
                field, (models.DateField, models.DateTimeField, models.TimeField)
            ), field
            assert not isinstance(field, models.AutoField), field
            related = getattr(field, "related_model", None)
            if related is not None and field.concrete:
                assert related._meta.label in {
                    "votes.Ballot",
                    "votes.BallotPaper",
                    "votes.Question",
                    "votes.Item",
                }, field


def test_what_a_voter_chose_is_not_reachable_from_their_participation(
    ballots, people, dong
):
    ballot = ballots["open"]
    services.vote_cast(
        user=people["resident"],
        ballot=ballot,
        declaration=declaration(dong),
        answers=answers_for(ballot),
    )
    participation = ballot.participations.get()
    linked = {f.name for f in participation._meta.get_fields()}
    assert not {"paper", "choices", "receipt_hash"} & linked
