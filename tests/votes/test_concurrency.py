"""One voice per person under real concurrency (PostgreSQL): two devices at once, and a crowd on one ballot."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from tests.votes.conftest import answers_for, declaration, make_ballot
from votes import services
from votes.models import BallotPaper, Choice, Participation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(n, call):
        try:
            barrier.wait(timeout=30)
            outcomes[n] = call()
        except Exception as error:  # noqa: BLE001 - collected and asserted by the caller
            outcomes[n] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_the_same_resident_voting_from_two_devices_at_once_counts_once(
    district, make_user
):
    dong = next(d for d in district if d.slug == "yeoksam-1")
    leader = make_user(groups=[dong.leaders_group])
    ballot = make_ballot(leader, dong)
    resident = make_user(home_dong=dong)

    def vote():
        return services.vote_cast(
            user=resident,
            ballot=ballot,
            declaration=declaration(dong),
            answers=answers_for(ballot),
        )

    outcomes = _at_once([vote, vote])
    receipts = [o for o in outcomes if isinstance(o, str)]
    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(receipts) == 1 and len(refusals) == 1, outcomes
    assert "already voted" in str(refusals[0])
    assert Participation.objects.filter(ballot=ballot, user=resident).count() == 1
    assert BallotPaper.objects.filter(ballot=ballot).count() == 1
    assert Choice.objects.filter(paper__ballot=ballot).count() == 3


def test_forty_residents_at_once_are_all_counted_with_an_exact_participation_count(
    district, make_user
):
    dong = next(d for d in district if d.slug == "yeoksam-1")
    ballot = make_ballot(make_user(groups=[dong.leaders_group]), dong)
    voters = [make_user(home_dong=dong) for _ in range(40)]
    outcomes = _at_once(
        [
            (
                lambda v=v: services.vote_cast(
                    user=v,
                    ballot=ballot,
                    declaration=declaration(dong),
                    answers=answers_for(ballot),
                )
            )
            for v in voters
        ]
    )
    assert all(isinstance(o, str) for o in outcomes), outcomes
    assert (
        Participation.objects.filter(ballot=ballot).count()
        == 40
        == BallotPaper.objects.count()
    )
    assert services.participant_count(ballot) == 40
    from district.models import LiveEvent

    counts = sorted(
        e.data["participants"]
        for e in LiveEvent.objects.filter(
            topic=ballot.topic, type="participation.changed"
        )
    )
    assert counts == list(range(1, 41))  # each broadcast count exact, none repeated
