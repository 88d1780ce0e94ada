"""A leader publishes through the Wagtail admin, as they would in a browser (Django's test client).

Each form is read from the admin's own HTML (`querydict_from_html`, Wagtail's
test helper), filled in and posted, so the tests go through the same fields,
formsets and permission checks as a person at the keyboard.
"""

import html
from datetime import timedelta

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Revision
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from dong.models import MinutesIndexPage, MinutesPage, NoticeIndexPage, NoticePage
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db
Document = get_document_model()
Image = get_image_model()


@pytest.fixture
def yeoksam(district):
    return next(d for d in district if d.slug == "yeoksam-1")


@pytest.fixture
def sinsa(district):
    return next(d for d in district if d.slug == "sinsa")


def signed_in(user) -> Client:
    """A browser session: the leader signs in on the site's login page."""
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def leader(make_user, yeoksam):
    return make_user(email="leader.e2e@example.org", groups=[yeoksam.leaders_group])


@pytest.fixture
def other_leader(make_user, sinsa):
    return make_user(email="leader.other@example.org", groups=[sinsa.leaders_group])


def admin_form(client: Client, url: str, form_id: str | None = None):
    """GET an admin form and return what the browser would submit unchanged."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    if form_id:
        return querydict_from_html(html, form_id=form_id)
    return querydict_from_html(html, form_index=_upload_form_index(html))


def _upload_form_index(html: str) -> int:
    """The admin pages have a search form in the header; the upload form is the one with a file input."""
    from wagtail.test.utils import WagtailTestUtils

    forms = WagtailTestUtils.get_soup(html).find_all("form")
    return next(i for i, form in enumerate(forms) if form.find("input", type="file"))


def upload_document(client: Client, dong, title: str, content: bytes, name: str):
    data = admin_form(client, "/admin/documents/add/")
    data["title"] = title
    data["collection"] = str(dong.collection_id)
    data["file"] = SimpleUploadedFile(name, content)
    return client.post("/admin/documents/add/", data)


def korean(message: str, **params) -> str:
    """A message as the leader reads it: the admin speaks Korean by default."""
    with translation.override("ko"):
        text = gettext(message)
        return text % params if params else text


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def add_page_url(model, parent) -> str:
    return f"/admin/pages/add/dong/{model._meta.model_name}/{parent.pk}/"


def notice_form(client, index, **fields):
    data = admin_form(client, add_page_url(NoticePage, index), "page-edit-form")
    data.update(
        nested_form_data(
            {
                "title": "봄맞이 골목 대청소",
                "slug": "spring-cleanup",
                "date": timezone.localdate().isoformat(),
                "summary": "토요일 오전 10시, 주민센터 앞",
                "body": rich_text("<p>장갑과 봉투는 주민센터에서 드립니다.</p>"),
                "tags": "대청소, 환경",
                **fields,
            }
        )
    )
    return data


def test_leader_uploads_a_document_and_publishes_a_notice_with_it(
    yeoksam, leader, other_leader
):
    client = signed_in(leader)

    response = upload_document(
        client, yeoksam, "대청소 안내문", b"%PDF-1.4 notice", "cleanup.pdf"
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get(title="대청소 안내문")
    assert document.collection_id == yeoksam.collection_id

    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    data = notice_form(client, index)
    data.update(
        nested_form_data(
            {"attachments": inline_formset([{"document": str(document.pk)}])}
        )
    )
    data["action-publish"] = "action-publish"
    response = client.post(add_page_url(NoticePage, index), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    notice = NoticePage.objects.get(slug="spring-cleanup")
    assert notice.live and notice.get_parent().pk == index.pk
    assert notice.owner == leader
    assert sorted(t.name for t in notice.tags.all()) == ["대청소", "환경"]
    assert [a.document for a in notice.attachments.all()] == [document]

    visitor = Client()
    dong_page = visitor.get(yeoksam.url).content.decode()
    assert "봄맞이 골목 대청소" in dong_page
    notice_page = visitor.get(notice.url).content.decode()
    assert "대청소 안내문" in notice_page and document.url in notice_page
    assert "#대청소" in notice_page

    # Another association's leader: refused on the same add and edit URLs, and cannot see the document.
    other = signed_in(other_leader)
    for url in (add_page_url(NoticePage, index), f"/admin/pages/{notice.pk}/edit/"):
        assert other.get(url).status_code in (302, 403), url
        assert other.post(url, data).status_code in (302, 403), url
    assert NoticePage.objects.filter(slug="spring-cleanup").count() == 1
    assert other.get(f"/admin/documents/edit/{document.pk}/").status_code in (
        302,
        403,
    )
    for url in ("/admin/documents/", "/admin/documents/chooser/"):
        response = other.get(url)
        assert response.status_code == 200, url
        assert "대청소 안내문" not in response.content.decode(), url
    assert "대청소 안내문" in client.get("/admin/documents/").content.decode()


def test_leader_posts_minutes_with_decisions_and_a_document(yeoksam, leader):
    client = signed_in(leader)
    upload_document(client, yeoksam, "3월 회의 자료", b"%PDF-1.4 minutes", "m.pdf")
    document = Document.objects.get(title="3월 회의 자료")
    index = MinutesIndexPage.objects.child_of(yeoksam).get()
    url = add_page_url(MinutesPage, index)
    data = admin_form(client, url, "page-edit-form")
    data.update(
        nested_form_data(
            {
                "title": "3월 정기회의",
                "slug": "regular-march",
                "meeting_date": (timezone.localdate() - timedelta(days=3)).isoformat(),
                "meeting_type": "regular",
                "attendance": "17",
                "agenda": rich_text("<ul><li>골목 주차</li></ul>"),
                "decisions": streamfield(
                    [("decision", "야간 주차장 개방을 건의한다.")]
                ),
                "documents": inline_formset([{"document": str(document.pk)}]),
            }
        )
    )
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    minutes = MinutesPage.objects.get(slug="regular-march")
    assert minutes.live and minutes.attendance == 17
    assert [block.value for block in minutes.decisions] == [
        "야간 주차장 개방을 건의한다."
    ]
    assert [d.document for d in minutes.documents.all()] == [document]
    visitor = Client()
    assert "3월 정기회의" in visitor.get(yeoksam.url).content.decode()
    page = visitor.get(minutes.url).content.decode()
    assert "야간 주차장 개방을 건의한다." in page and "3월 회의 자료" in page


# Bad input: a clear message, nothing saved.


def past_pin_message() -> str:
    return korean("This date is in the past: choose a future date or leave it empty.")


def test_notice_pinned_until_a_past_date_is_refused_and_nothing_is_saved(
    yeoksam, leader
):
    client = signed_in(leader)
    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    revisions = Revision.objects.count()
    data = notice_form(
        client,
        index,
        pinned_until=(timezone.localdate() - timedelta(days=1)).isoformat(),
    )
    data["action-publish"] = "action-publish"
    response = client.post(add_page_url(NoticePage, index), data)
    assert response.status_code == 200
    text = page_text(response)
    assert past_pin_message() in text
    assert "봄맞이 골목 대청소" in text  # what the leader typed is still there
    assert not NoticePage.objects.filter(slug="spring-cleanup").exists()
    assert Revision.objects.count() == revisions


def test_editing_a_notice_to_a_past_pin_date_keeps_the_published_version(
    yeoksam, leader
):
    client = signed_in(leader)
    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    data = notice_form(client, index)
    data["action-publish"] = "action-publish"
    assert client.post(add_page_url(NoticePage, index), data).status_code == 302
    notice = NoticePage.objects.get(slug="spring-cleanup")
    revisions = notice.revisions.count()

    edit_url = f"/admin/pages/{notice.pk}/edit/"
    data = admin_form(client, edit_url, "page-edit-form")
    data["title"] = "날짜가 잘못된 공지"
    data["pinned_until"] = (timezone.localdate() - timedelta(days=5)).isoformat()
    data["action-publish"] = "action-publish"
    response = client.post(edit_url, data)
    assert response.status_code == 200
    assert past_pin_message() in page_text(response)
    notice.refresh_from_db()
    assert notice.title == "봄맞이 골목 대청소" and notice.pinned_until is None
    assert notice.revisions.count() == revisions
    assert not notice.has_unpublished_changes


def test_minutes_dated_far_in_the_future_are_refused_and_nothing_is_saved(
    yeoksam, leader
):
    client = signed_in(leader)
    index = MinutesIndexPage.objects.child_of(yeoksam).get()
    url = add_page_url(MinutesPage, index)
    revisions = Revision.objects.count()
    data = admin_form(client, url, "page-edit-form")
    data.update(
        nested_form_data(
            {
                "title": "먼 미래 회의",
                "slug": "far-future",
                "meeting_date": (
                    timezone.localdate() + timedelta(days=800)
                ).isoformat(),
                "meeting_type": "regular",
                "decisions": streamfield([]),
            }
        )
    )
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 200
    assert korean("This date is more than a year ahead: please check it.") in page_text(
        response
    )
    assert not MinutesPage.objects.filter(slug="far-future").exists()
    assert Revision.objects.count() == revisions


def test_an_officer_photo_that_is_not_an_image_is_refused(yeoksam, leader):
    client = signed_in(leader)
    images = Image.objects.count()
    data = admin_form(client, "/admin/images/add/")
    data["title"] = "회장 사진"
    data["collection"] = str(yeoksam.collection_id)
    data["file"] = SimpleUploadedFile("photo.jpg", b"this is a text file, not a JPEG")
    response = client.post("/admin/images/add/", data)
    assert response.status_code == 200
    with translation.override("ko"):
        message = str(forms.ImageField.default_error_messages["invalid_image"])
    assert message in page_text(response)
    assert Image.objects.count() == images


def test_a_document_over_the_size_limit_is_refused(yeoksam, leader, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    client = signed_in(leader)
    documents = Document.objects.count()
    response = upload_document(client, yeoksam, "너무 큰 파일", b"x" * 2048, "big.pdf")
    assert response.status_code == 200
    with translation.override("ko"):
        sizes = {
            "file_size": filesizeformat(2048),
            "max_filesize": filesizeformat(1024),
        }
    message = korean(
        "This file is too big (%(file_size)s). Maximum filesize %(max_filesize)s.",
        **sizes,
    )
    assert message in page_text(response)
    assert Document.objects.count() == documents


def test_leader_adds_the_upcoming_events_block_to_their_page(yeoksam, leader):
    client = signed_in(leader)
    url = f"/admin/pages/{yeoksam.pk}/edit/"
    data = admin_form(client, url, "page-edit-form")
    data.update(
        nested_form_data({"body": streamfield([("upcoming_events", {"count": "3"})])})
    )
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 302, page_text(response)[:3000]
    yeoksam.refresh_from_db()
    assert [(b.block_type, b.value["count"]) for b in yeoksam.body] == [
        ("upcoming_events", 3)
    ]
    text = Client().get(yeoksam.url).content.decode()
    assert "예정된 행사가 없습니다." in text[text.index('<div class="stream"') :]
