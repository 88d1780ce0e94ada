"""The Votes menu in the Wagtail admin: leaders see and edit their own association's ballots only."""

import pytest
from django.urls import reverse

from tests.votes.conftest import make_ballot

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballots(leader, other_leader, dong, other_dong):
    return make_ballot(leader, dong, title="역삼1동 투표"), make_ballot(
        other_leader, other_dong, title="역삼2동 투표"
    )


def test_leader_lists_only_own_association_ballots(client, leader, ballots):
    client.force_login(leader)
    page = client.get(reverse("ballots:index")).content.decode()
    assert "역삼1동 투표" in page and "역삼2동 투표" not in page


def test_staff_lists_every_ballot(client, staff, ballots):
    client.force_login(staff)
    page = client.get(reverse("ballots:index")).content.decode()
    assert "역삼1동 투표" in page and "역삼2동 투표" in page


def test_leader_cannot_open_another_associations_ballot_by_url(client, leader, ballots):
    client.force_login(leader)
    own, other = ballots
    assert client.get(reverse("ballots:edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("ballots:edit", args=[other.pk])).status_code in (
        302,
        403,
    )


def test_questions_of_a_published_ballot_are_frozen(client, leader, ballots):
    client.force_login(leader)
    question = ballots[0].questions.first()
    assert client.get(
        reverse("ballot_questions:edit", args=[question.pk])
    ).status_code in (302, 403)


def test_leader_add_form_offers_only_own_association(client, leader, dong, other_dong):
    client.force_login(leader)
    page = client.get(reverse("ballots:add"))
    assert page.status_code == 200
    choices = [str(c) for c in page.context["form"].fields["dong"].queryset]
    assert choices == [str(dong)]


def test_resident_has_no_votes_admin(client, resident, ballots):
    client.force_login(resident)
    assert client.get(reverse("ballots:index")).status_code in (302, 403)
