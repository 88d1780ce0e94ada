"""`seed_district --demo` adds last year's certified assembly and an open pre-vote in 역삼1동, once."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from dong.models import MinutesPage
from votes import tally
from votes.models import Ballot

pytestmark = pytest.mark.django_db


def test_demo_seed_adds_a_certified_past_ballot_and_an_open_one_once(district, client):
    call_command("seed_district", "--demo", stdout=io.StringIO())
    ballots = list(Ballot.objects.filter(dong__slug="yeoksam-1").order_by("opens_at"))
    assert len(ballots) == 2
    past, current = ballots
    assert past.certified and past.has_closed() and past.fingerprint
    assert past.result["participants"]["total"] == 52
    minutes = MinutesPage.objects.get(pk=past.minutes_page_id)
    assert not minutes.live and minutes.meeting_date.year == past.closes_at.year
    assert current.is_open() and current.boxes.count() == 3
    assert current.assembly.kind == "assembly"
    body = client.get(reverse("votes:data_json", args=[past.pk])).content
    assert (
        hashlib.sha256(body).hexdigest() == past.fingerprint == tally.compute(past)[2]
    )
    call_command("seed_district", "--demo", stdout=io.StringIO())
    assert Ballot.objects.count() == 2
