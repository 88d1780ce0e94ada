"""The admin: leaders manage their own association's cycles and see its proposals, never another's; staff everywhere."""

import pytest
from django.urls import reverse

from proposals.models import Cycle
from tests.proposals.conftest import cycle_dates, make_cycle, make_proposal


@pytest.fixture
def admin_client(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def cycle_form(dong_id="", **overrides):
    dates = {k: v.isoformat() for k, v in cycle_dates().items()}
    return {
        "dong": dong_id,
        "name": "새 예산 주기",
        "year": "2026",
        "budget": "50000000",
        "board": "",
        **dates,
        **overrides,
    }


def test_leader_lists_only_own_cycles(admin_client, leader, dong, other_dong):
    mine = make_cycle(dong, name="우리 동 주기")
    make_cycle(other_dong, name="다른 동 주기")
    response = admin_client(leader).get(reverse("proposals_cycle:index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "우리 동 주기" in body and "다른 동 주기" not in body
    assert (
        admin_client(leader)
        .get(reverse("proposals_cycle:edit", args=[mine.pk]))
        .status_code
        == 200
    )


def test_leader_cannot_open_another_dongs_cycle(admin_client, leader, other_dong):
    theirs = make_cycle(other_dong)
    response = admin_client(leader).get(
        reverse("proposals_cycle:edit", args=[theirs.pk])
    )
    assert response.status_code in (302, 403)


def test_leader_creates_a_cycle_for_own_dong_only(
    admin_client, leader, dong, other_dong
):
    client = admin_client(leader)
    url = reverse("proposals_cycle:add")
    client.post(url, cycle_form(other_dong.pk, name="남의 주기"))
    assert not Cycle.objects.filter(name="남의 주기").exists()
    response = client.post(url, cycle_form(dong.pk, name="우리 주기"))
    assert response.status_code == 302
    cycle = Cycle.objects.get(name="우리 주기")
    assert cycle.history.get().actor == leader


def test_staff_sees_every_cycle_and_proposal(
    admin_client, staff, dong, other_dong, author
):
    make_proposal(author, make_cycle(other_dong), title="저쪽 동 제안")
    client = admin_client(staff)
    assert client.get(reverse("proposals_cycle:index")).status_code == 200
    body = client.get(reverse("proposals_proposal:index")).content.decode()
    assert "저쪽 동 제안" in body


def test_leader_sees_only_own_dongs_proposals(
    admin_client, leader, dong, other_dong, author
):
    make_proposal(author, make_cycle(dong), title="우리 동 제안")
    theirs = make_proposal(author, make_cycle(other_dong), title="저쪽 동 제안")
    client = admin_client(leader)
    body = client.get(reverse("proposals_proposal:index")).content.decode()
    assert "우리 동 제안" in body and "저쪽 동 제안" not in body
    response = client.get(reverse("proposals_proposal:inspect", args=[theirs.pk]))
    assert response.status_code in (302, 403)


def test_resident_has_no_admin_menu(admin_client, resident):
    response = admin_client(resident).get(reverse("proposals_cycle:index"))
    assert response.status_code in (302, 403)
