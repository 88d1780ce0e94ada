"""Who may do what with events: every role against every action, in the services' checks and over HTTP."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import reverse

from events import permissions
from forums.models import Board
from tests.events.conftest import make_event, make_proposal

pytestmark = pytest.mark.django_db

ROLES = (
    "visitor",
    "resident",
    "proposer",
    "other_leader",
    "leader",
    "youth_facilitator",
    "staff",
)
# action -> the roles allowed, for an event on 역삼1동's board
MATRIX = {
    "organise": {"leader", "staff"},
    "propose": {
        "resident",
        "proposer",
        "other_leader",
        "leader",
        "youth_facilitator",
        "staff",
    },
    "view_proposal": {"proposer", "leader", "staff"},
    "edit_proposal": {"proposer", "leader", "staff"},
    "review_proposal": {"leader", "staff"},
    "edit_event": {"leader", "staff"},
    "manage_attendees": {"leader", "staff"},
}


@pytest.fixture
def people(make_user, board, district):
    return {
        "visitor": AnonymousUser(),
        "resident": make_user(),
        "proposer": make_user(),
        "other_leader": make_user(groups=[district[0].leaders_group]),
        "leader": make_user(groups=[board.dong.leaders_group]),
        "youth_facilitator": make_user(
            groups=[Group.objects.get(name="Facilitators · Youth")]
        ),
        "staff": make_user(groups=[Group.objects.get(name="District staff")]),
    }


def test_role_by_action_matrix(people, board):
    event = make_event(people["leader"], board)
    proposal = make_proposal(people["proposer"], board)
    checks = {
        "organise": lambda user: permissions.can_organise(user, board),
        "propose": lambda user: permissions.can_propose(user, board),
        "view_proposal": lambda user: permissions.can_view_event(user, proposal),
        "edit_proposal": lambda user: permissions.can_edit_event(user, proposal),
        "review_proposal": lambda user: permissions.can_review_event(user, proposal),
        "edit_event": lambda user: permissions.can_edit_event(user, event),
        "manage_attendees": lambda user: permissions.can_manage_attendees(user, event),
    }
    allowed = {
        action: {role for role in ROLES if check(people[role])}
        for action, check in checks.items()
    }
    assert allowed == MATRIX


def test_a_facilitator_organises_on_their_audience_board_only(people):
    youth = Board.objects.get(slug="youth")
    seniors = Board.objects.get(slug="seniors")
    assert permissions.can_organise(people["youth_facilitator"], youth)
    assert not permissions.can_organise(people["youth_facilitator"], seniors)
    assert not permissions.can_organise(people["leader"], youth)


def test_a_resident_organiser_of_an_approved_proposal_manages_its_attendees(
    people, board
):
    from events import services

    proposal = make_proposal(people["proposer"], board)
    services.event_review(reviewer=people["leader"], event=proposal, approve=True)
    proposal.refresh_from_db()
    assert permissions.can_manage_attendees(people["proposer"], proposal)
    assert not permissions.can_edit_event(people["proposer"], proposal)


@pytest.mark.parametrize(
    "role, status",
    [
        ("visitor", 302),
        ("resident", 404),
        ("other_leader", 404),
        ("leader", 200),
        ("staff", 200),
    ],
)
def test_attendee_list_and_export_over_http(client, people, board, role, status):
    event = make_event(people["leader"], board)
    occurrence = event.occurrences.get()
    if role != "visitor":
        client.force_login(people[role])
    for name in ("events:attendees", "events:attendees_csv"):
        response = client.get(reverse(name, args=[occurrence.pk]))
        assert response.status_code == status, name


@pytest.mark.parametrize(
    "role, status",
    [("visitor", 404), ("resident", 404), ("proposer", 200), ("leader", 200)],
)
def test_a_proposal_is_hidden_from_everyone_but_proposer_and_organisers(
    client, people, board, role, status
):
    proposal = make_proposal(people["proposer"], board)
    if role != "visitor":
        client.force_login(people[role])
    assert client.get(proposal.get_absolute_url()).status_code == status
    assert (
        client.get(reverse("events:event_ics", args=[proposal.pk])).status_code
        == status
    )


@pytest.mark.parametrize(
    "role, status", [("resident", 403), ("other_leader", 403), ("leader", 200)]
)
def test_only_organisers_open_the_edit_and_cancel_pages(
    client, people, board, role, status
):
    event = make_event(people["leader"], board)
    client.force_login(people[role])
    assert client.get(reverse("events:edit", args=[event.pk])).status_code == status
    assert client.get(reverse("events:cancel", args=[event.pk])).status_code == status
    response = client.post(
        reverse("events:cancel", args=[event.pk]), {"reason": "장난"}
    )
    event.refresh_from_db()
    assert (event.status == "cancelled") == (status == 200)
    assert response.status_code == (302 if status == 200 else status)
