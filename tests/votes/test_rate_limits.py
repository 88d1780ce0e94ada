"""Voting is limited per account (district.ratelimit): many voters at once pass, one account hammering does not."""

import pytest

from district.ratelimit import RateLimited
from tests.votes.conftest import answers_for, declaration, make_ballot
from votes import services
from votes.models import Participation

pytestmark = pytest.mark.django_db


def test_sixty_voters_at_once_are_all_counted(ballot, make_user, dong):
    for _ in range(60):
        services.vote_cast(
            user=make_user(),
            ballot=ballot,
            declaration=declaration(dong),
            answers=answers_for(ballot),
        )
    assert Participation.objects.filter(ballot=ballot).count() == 60


def test_one_account_replacing_its_vote_over_and_over_is_refused(
    leader, dong, resident, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": "3/m"}
    ballot = make_ballot(leader, dong, allow_revote=True)
    code = services.vote_cast(
        user=resident,
        ballot=ballot,
        declaration=declaration(dong),
        answers=answers_for(ballot),
    )
    for n in range(2):
        code = services.vote_cast(
            user=resident,
            ballot=ballot,
            declaration=declaration(dong),
            answers=answers_for(ballot, yes=("no", "yes")[n % 2]),
            receipt=code,
        )
    with pytest.raises(RateLimited):
        services.vote_cast(
            user=resident,
            ballot=ballot,
            declaration=declaration(dong),
            answers=answers_for(ballot, yes="no"),
            receipt=code,
        )


def test_ballot_title_must_be_one_line(leader, dong):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        make_ballot(leader, dong, title="2026 주민총회\r\nBcc: x@example.org")
    assert "title" in refused.value.message_dict
