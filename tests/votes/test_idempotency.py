"""A retried vote (same idempotency key) writes nothing and never stores the receipt page."""

import uuid

import pytest

from district.models import IdempotencyKey
from tests.votes.test_views import form_data
from votes.models import Choice, Participation

pytestmark = pytest.mark.django_db


def test_a_retried_vote_counts_once_and_its_receipt_is_not_stored(
    client, ballot, resident, dong
):
    client.force_login(resident)
    key = uuid.uuid4().hex
    data = form_data(ballot, dong, idempotency_key=key)
    first = client.post(ballot.get_absolute_url(), data)
    assert first.status_code == 200
    receipt = first.context["receipt"]
    choices = Choice.objects.count()
    retry = client.post(ballot.get_absolute_url(), data)
    assert retry.status_code == 303 and retry["Location"] == ballot.get_absolute_url()
    assert Participation.objects.filter(ballot=ballot, user=resident).count() == 1
    assert Choice.objects.count() == choices
    stored = IdempotencyKey.objects.get(key=key)
    assert receipt not in stored.body + stored.location
