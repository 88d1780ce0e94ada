"""A support retried with its first key after a later change does not undo the change (district.idempotency)."""

import uuid

import pytest
from django.urls import reverse

from proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_a_late_retry_of_a_support_does_not_support_again(
    signed_in, resident, proposal
):
    client = signed_in(resident)
    url = reverse("proposals:support", args=[proposal.pk])
    first_key = uuid.uuid4().hex
    first = client.post(url, {"action": "support", "idempotency_key": first_key})
    client.post(url, {"action": "withdraw", "idempotency_key": uuid.uuid4().hex})
    retry = client.post(url, {"action": "support", "idempotency_key": first_key})
    assert retry["Location"] == first["Location"]
    assert retry["Idempotent-Replayed"] == "true"
    assert Proposal.objects.get(pk=proposal.pk).support_count == 0


def test_a_retried_new_proposal_is_created_once(signed_in, author, cycle):
    client = signed_in(author)
    url = reverse("proposals:new", args=[cycle.pk])
    key = uuid.uuid4().hex
    data = {
        "title": "놀이터 그늘막",
        "description": "여름에 아이들이 쉴 수 있게 그늘막을 설치해 주세요.",
        "category": "safety",
        "idempotency_key": key,
    }
    answers = [client.post(url, data) for _ in range(2)]
    assert answers[0].status_code in (302, 303)
    assert answers[1]["Location"] == answers[0]["Location"]
    assert Proposal.objects.filter(title="놀이터 그늘막").count() == 1
