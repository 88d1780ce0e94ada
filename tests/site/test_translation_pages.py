"""Every registered kind of text gets the control and a translation: events, proposals, notices, minutes."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from district.models import LiveEvent, Translation
from district.translation.services import translation_request
from dong.models import DongPage
from forums.models import Board
from tests.dong.factories import add_minutes, add_notice
from tests.events.conftest import make_event
from tests.proposals.conftest import make_cycle, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def dong(district):
    return DongPage.objects.select_related("leaders_group").get(slug="yeoksam-1")


@pytest.fixture
def reader(client, make_user):
    user = make_user(display_name="Lan", language="vi")
    client.force_login(user)
    client.cookies["django_language"] = "vi"
    session = client.session
    session["dongne_language"] = "vi"
    session.save()
    return user


def key(obj, field):
    return f"{ContentType.objects.get_for_model(obj).pk}.{obj.pk}.{field}"


def translate(obj, field, capture):
    with capture(execute=True):
        translation_request(obj=obj, field=field, language="vi")
    return Translation.objects.get(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        field=field,
        target_language="vi",
    )


def test_notice_rich_text_is_translated_with_links_kept(
    client, libretranslate, dong, reader, django_capture_on_commit_callbacks
):
    notice = add_notice(dong, "주민총회 안내", summary="주민자치회 소식")
    notice.body = '<p>행정복지센터 2층 <a href="https://example.org">안내</a></p>'
    notice.save_revision().publish()
    notice.refresh_from_db()
    page = client.get(notice.url).text
    for field in ("title", "summary", "body"):
        assert f'data-translation="{key(notice, field)}"' in page
    row = translate(notice, "body", django_capture_on_commit_callbacks)
    assert row.status == "done"
    sent = libretranslate.translations()[-1]
    assert sent["format"] == "html" and "[G3]" in sent["q"]
    assert "trung tâm hành chính phúc lợi" in row.text
    page = client.get(notice.url).text
    assert 'href="https://example.org"' in page
    assert 'class="glossary-term"' in page  # the term is explained where it appears


def test_minutes_decisions_are_translated(
    client, libretranslate, dong, reader, django_capture_on_commit_callbacks
):
    minutes = add_minutes(dong, "3월 회의록")
    minutes.decisions = [("decision", "자치계획 승인"), ("decision", "예산 확정")]
    minutes.save_revision().publish()
    minutes.refresh_from_db()
    assert (
        f'data-translation="{key(minutes, "decisions")}"'
        in client.get(minutes.url).text
    )
    row = translate(minutes, "decisions", django_capture_on_commit_callbacks)
    assert row.status == "done" and "kế hoạch tự quản" in row.text


def test_event_title_description_and_place_are_translated_live(
    client, libretranslate, make_user, reader, django_capture_on_commit_callbacks
):
    board = Board.objects.select_related("dong").get(slug="yeoksam-1")
    leader = make_user(groups=[board.dong.leaders_group])
    event = make_event(leader, board, location_name="역삼1동 행정복지센터")
    page = client.get(event.get_absolute_url()).text
    for field in ("title", "description", "location_name"):
        assert f'data-translation="{key(event, field)}"' in page
    row = translate(event, "location_name", django_capture_on_commit_callbacks)
    assert "trung tâm hành chính phúc lợi" in row.text
    assert LiveEvent.objects.filter(
        topic=f"event:{event.pk}", type="translation.finished"
    ).exists()


def test_proposal_is_translated(
    client, libretranslate, dong, make_user, reader, django_capture_on_commit_callbacks
):
    proposal = make_proposal(make_user(), make_cycle(dong))
    page = client.get(proposal.get_absolute_url()).text
    assert f'data-translation="{key(proposal, "description")}"' in page
    row = translate(proposal, "description", django_capture_on_commit_callbacks)
    assert row.status == "done" and "<vi>" in row.text
    assert "&lt;vi&gt;" in client.get(proposal.get_absolute_url()).text


def test_restricted_page_translation_is_not_given_to_outsiders(
    client, libretranslate, dong, reader
):
    from wagtail.models import PageViewRestriction

    notice = add_notice(dong, "임원 전용 공지")
    restriction = PageViewRestriction.objects.create(
        page=notice, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="District staff")])
    response = client.post(
        "/translations/", {"key": [key(notice, "title")]}, HTTP_X_DONGNE_TRANSLATE="1"
    )
    assert response.json()["items"] == {}
