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
    assert reverse("votes:officer", args=[ballots[0].pk]) in page


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


def test_leader_adds_a_question_with_an_item_picked_from_a_registered_source(
    client, leader, dong
):
    from votes import registry

    draft = make_ballot(leader, dong, publish=False, title="초안 투표")

    def source(ballot):
        return [
            registry.ItemChoice(
                "proposal:9", "골목 정원", "화단을 가꿔요", "/proposals/9/"
            )
        ]

    registry.register_item_source("test-admin", source)
    try:
        client.force_login(leader)
        response = client.post(
            reverse("ballot_questions:add"),
            {
                "ballot": draft.pk,
                "position": 5,
                "text": "골목 정원에 찬성하십니까?",
                "kind": "yes_no",
                "max_picks": 1,
                "winners": 1,
                "quorum": 0,
                "items-TOTAL_FORMS": 1,
                "items-INITIAL_FORMS": 0,
                "items-MIN_NUM_FORMS": 0,
                "items-MAX_NUM_FORMS": 1000,
                "items-0-source_key": "proposal:9",
                "items-0-title": "",
                "items-0-summary": "",
                "items-0-url": "",
                "items-0-ORDER": 1,
                "items-0-id": "",
            },
        )
    finally:
        registry._item_sources.pop("test-admin")
    assert response.status_code == 302, (
        response.context["form"].errors if response.context else response
    )
    item = draft.questions.get(position=5).items.get()
    assert (item.title, item.source_key, item.url) == (
        "골목 정원",
        "proposal:9",
        "/proposals/9/",
    )
