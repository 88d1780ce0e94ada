"""Publishing modes, revisions and privacy: a leader's reach ends at their own dong."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from wagtail.models import PageViewRestriction, WorkflowPage

from dong.models import NoticeIndexPage, NoticePage
from dong.services import review_mode_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def yeoksam(district):
    return next(d for d in district if d.slug == "yeoksam-1")


@pytest.fixture
def staff(make_user):
    return make_user(
        email="staff.member@example.org",
        groups=[Group.objects.get(name="District staff")],
    )


@pytest.fixture
def leader(make_user, yeoksam):
    return make_user(email="leader.member@example.org", groups=[yeoksam.leaders_group])


def draft_notice(dong, leader, title="검토 요청 공지"):
    index = NoticeIndexPage.objects.child_of(dong).get()
    notice = NoticePage(
        title=title, slug="review-me", body="<p>본문</p>", owner=leader, live=False
    )
    index.add_child(instance=notice)
    notice.save_revision(user=leader)
    return notice


def test_by_default_a_leader_publishes_directly(yeoksam, leader):
    notice = draft_notice(yeoksam, leader)
    assert notice.permissions_for_user(leader).can_publish()
    assert not WorkflowPage.objects.filter(page=yeoksam).exists()


def test_review_mode_turns_publish_into_submit_and_staff_approve(
    yeoksam, leader, staff, district
):
    review_mode_set(actor=staff, dong=yeoksam, enabled=True)
    notice = draft_notice(yeoksam, leader)
    assert not notice.permissions_for_user(leader).can_publish()
    assert notice.get_workflow().name == "District review"
    other = district[0]
    assert other.get_workflow() is None  # other associations keep publishing directly

    client = Client()
    client.force_login(leader)
    edit = client.get(f"/admin/pages/{notice.pk}/edit/").text
    assert "action-submit" in edit and 'name="action-publish"' not in edit

    state = notice.get_workflow().start(notice, leader)
    task_state = state.current_task_state
    mail.outbox.clear()
    task_state.task.specific.on_action(task_state, staff, "approve", comment="좋습니다")
    notice.refresh_from_db()
    assert notice.live
    assert any(leader.email in m.to for m in mail.outbox)


def test_staff_can_reject_with_a_comment(yeoksam, leader, staff):
    review_mode_set(actor=staff, dong=yeoksam, enabled=True)
    notice = draft_notice(yeoksam, leader)
    state = notice.get_workflow().start(notice, leader)
    task_state = state.current_task_state
    task_state.task.specific.on_action(
        task_state, staff, "reject", comment="날짜를 확인해 주세요"
    )
    notice.refresh_from_db()
    assert not notice.live
    state.refresh_from_db()
    assert state.status == state.STATUS_NEEDS_CHANGES


def test_switching_back_restores_direct_publishing(yeoksam, leader, staff):
    review_mode_set(actor=staff, dong=yeoksam, enabled=True)
    review_mode_set(actor=staff, dong=yeoksam, enabled=False)
    assert draft_notice(yeoksam, leader).permissions_for_user(leader).can_publish()


def test_only_staff_switch_modes(yeoksam, leader):
    with pytest.raises(PermissionDenied):
        review_mode_set(actor=leader, dong=yeoksam, enabled=True)
    client = Client()
    client.force_login(leader)
    assert client.get("/admin/publishing/").status_code in (302, 403)
    assert client.post(
        f"/admin/publishing/{yeoksam.pk}/", {"review": "1"}
    ).status_code in (302, 403)
    assert not WorkflowPage.objects.filter(page=yeoksam).exists()


def test_leader_cannot_preview_compare_or_restore_another_dongs_revisions(
    district, yeoksam, make_user
):
    other = district[0]
    other_notice = draft_notice(
        other, make_user(groups=[other.leaders_group]), title="남의 동 초안"
    )
    revision = other_notice.latest_revision
    client = Client()
    client.force_login(make_user(groups=[yeoksam.leaders_group]))
    urls = [
        f"/admin/pages/{other_notice.pk}/revisions/{revision.pk}/view/",
        f"/admin/pages/{other_notice.pk}/revisions/{revision.pk}/revert/",
        f"/admin/pages/{other_notice.pk}/revisions/compare/earliest...{revision.pk}/",
        f"/admin/pages/{other_notice.pk}/revisions/",
        f"/admin/pages/{other_notice.pk}/edit/preview/",
        f"/admin/pages/{other_notice.pk}/history/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert "남의 동 초안" not in response.content.decode(), url


def test_private_minutes_are_seen_by_the_dongs_leaders_only(
    yeoksam, leader, make_user, district
):
    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    notice = NoticePage(title="임원 전용 초안", slug="leaders-only", body="<p>초안</p>")
    index.add_child(instance=notice)
    notice.save_revision().publish()
    restriction = PageViewRestriction.objects.create(
        page=notice, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(yeoksam.leaders_group)

    anonymous = Client().get(notice.url)
    assert anonymous.status_code == 302
    for user, visible in (
        (leader, True),
        (make_user(), False),
        (make_user(groups=[district[0].leaders_group]), False),
    ):
        client = Client()
        client.force_login(user)
        response = client.get(notice.url)
        assert ("임원 전용 초안" in response.content.decode()) is visible
