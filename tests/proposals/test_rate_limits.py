"""Proposals and supports are limited per account (district.ratelimit); a repeated support does not count."""

import pytest
from django.core.exceptions import ValidationError

from district.ratelimit import RateLimited
from proposals import services
from proposals.models import Proposal
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db


def test_fourth_proposal_in_a_minute_is_refused(author, cycle):
    for n in range(3):
        make_proposal(author, cycle, title=f"가로등 설치 {n}")
    with pytest.raises(RateLimited):
        make_proposal(author, cycle, title="가로등 설치 3")
    assert Proposal.objects.filter(author=author).count() == 3


def test_many_residents_supporting_once_each_are_all_counted(proposal, make_user):
    for _ in range(40):
        services.support_set(user=make_user(), proposal=proposal, support=True)
    proposal.refresh_from_db()
    assert proposal.support_count == 40


def test_support_toggling_is_limited_but_a_repeated_support_does_not_count(
    proposal, resident, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "proposal_support": "3/m"}
    services.support_set(user=resident, proposal=proposal, support=True)
    for _ in range(5):  # "already supporting": refused, not counted
        with pytest.raises(ValidationError) as refused:
            services.support_set(user=resident, proposal=proposal, support=True)
        assert not isinstance(refused.value, RateLimited)
    services.support_set(user=resident, proposal=proposal, support=False)
    services.support_set(user=resident, proposal=proposal, support=True)
    with pytest.raises(RateLimited):
        services.support_set(user=resident, proposal=proposal, support=False)


def test_json_client_gets_429_for_supports_past_the_limit(
    client, proposal, resident, settings
):
    from django.urls import reverse

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "proposal_support": "1/m"}
    client.force_login(resident)
    url = reverse("proposals:support", args=[proposal.pk])
    assert client.post(url, HTTP_ACCEPT="application/json").status_code == 200
    refused = client.post(url, {"action": "withdraw"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 429 and "Retry-After" in refused


def test_proposal_title_and_place_must_be_one_line(author, cycle):
    for fields in ({"title": "가로등\x1b[2J 설치"}, {"place": "골목\n입구"}):
        with pytest.raises(ValidationError) as refused:
            make_proposal(author, cycle, **fields)
        assert set(fields) & set(refused.value.message_dict)
