"""The staff access log (issue #15): who looked at whose personal data, readable by superusers only."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from district.models import AccessLogEntry, AppendOnlyError
from events.services import rsvp_set
from forums.models import Board
from tests.events.conftest import make_event


@pytest.fixture
def board(district):
    return Board.objects.select_related("dong").get(slug="yeoksam-1")


@pytest.fixture
def superuser(make_user):
    return make_user(email="root@example.org", is_superuser=True)


@pytest.fixture
def staff(make_user):
    user = make_user(groups=[Group.objects.get(name="District staff")])
    return user


def test_attendee_list_and_csv_are_logged(client, make_user, board):
    leader = make_user(groups=[board.dong.leaders_group])
    event = make_event(leader, board)
    occurrence = event.occurrences.get()
    rsvp_set(user=make_user(), occurrence=occurrence, going=True)
    client.force_login(leader)
    assert (
        client.get(reverse("events:attendees", args=[occurrence.pk])).status_code == 200
    )
    assert (
        client.get(reverse("events:attendees_csv", args=[occurrence.pk])).status_code
        == 200
    )
    entries = list(AccessLogEntry.objects.order_by("id"))
    assert [(e.actor_id, e.action) for e in entries] == [
        (leader.pk, "view"),
        (leader.pk, "export"),
    ]
    assert entries[0].object_ref == f"events.occurrence:{occurrence.pk}"


def test_refused_attendee_list_is_not_logged(client, make_user, board):
    leader = make_user(groups=[board.dong.leaders_group])
    occurrence = make_event(leader, board).occurrences.get()
    client.force_login(make_user())
    client.get(reverse("events:attendees", args=[occurrence.pk]))
    assert not AccessLogEntry.objects.exists()


def test_admin_user_list_and_details_are_logged(client, superuser, make_user):
    someone = make_user()
    client.force_login(superuser)
    assert client.get(reverse("wagtailusers_users:index")).status_code == 200
    assert (
        client.get(reverse("wagtailusers_users:edit", args=[someone.pk])).status_code
        == 200
    )
    whats = list(AccessLogEntry.objects.order_by("id").values_list("what", flat=True))
    assert whats == ["admin user list", f"admin user details #{someone.pk}"]


def test_only_superusers_read_the_log(client, superuser, staff):
    AccessLogEntry.objects.create(actor=staff, action="view", what="admin user list")
    url = reverse("access_log:index")
    client.force_login(staff)
    assert client.get(url).status_code in (302, 403)
    client.force_login(superuser)
    page = client.get(url)
    assert page.status_code == 200
    assert "admin user list" in page.content.decode()


def test_nobody_edits_the_log(superuser, client):
    entry = AccessLogEntry.objects.create(actor=superuser, action="view", what="x")
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.update(what="y")
    client.force_login(superuser)
    assert client.get(reverse("access_log:add")).status_code in (302, 403)
