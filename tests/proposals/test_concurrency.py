"""Support under real concurrency (PostgreSQL): the count is exact and the threshold moves a proposal once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.test import override_settings

from district.models import Notification
from proposals import services
from proposals.models import ChangeKind, Cycle, FunnelCount, Status, Support
from tests.proposals.conftest import cycle_dates

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


@override_settings(PROPOSALS_MIN_SUPPORT=10)
def test_a_crowd_supporting_at_once_is_counted_exactly_and_crosses_once(make_user):
    cycle = services.cycle_create(
        actor=None,
        cycle=Cycle(name="동시 공감", year=2026, budget=10_000_000, **cycle_dates()),
    )
    staff = make_user(is_superuser=True)
    proposal = services.proposal_create(
        author=make_user(),
        cycle=cycle,
        title="동시에 공감받는 제안",
        description="여러 명이 동시에 공감합니다",
        category="culture",
    )
    crowd = [make_user() for _ in range(16)]
    twice = crowd[0]

    def support(user):
        return lambda: services.support_set(user=user, proposal=proposal, support=True)

    outcomes = _at_once([support(u) for u in crowd] + [support(twice)])
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    proposal.refresh_from_db()
    assert (
        proposal.support_count
        == 16
        == Support.objects.filter(proposal=proposal).count()
    )
    assert proposal.status == Status.SCREENING
    assert proposal.history.filter(kind=ChangeKind.THRESHOLD).count() == 1
    assert (
        FunnelCount.objects.get(cycle=cycle, dimension="all", stage="threshold").count
        == 1
    )
    # district-wide cycle: staff hear of the threshold, once
    assert (
        Notification.objects.filter(user=staff, kind="proposal_threshold").count() == 1
    )
