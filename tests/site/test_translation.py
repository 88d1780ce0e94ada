"""Machine translation of residents' writing, against a local LibreTranslate-speaking server."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from district.models import LiveEvent, Profile, Translation
from district.translation import glossary
from district.translation.backends import (
    LibreTranslateBackend,
    TranslationRefused,
    TranslationUnavailable,
)
from district.translation.services import translation_request
from forums import services as forum_services
from forums.models import Board, Post

pytestmark = pytest.mark.django_db

QUESTION = "주민자치회 회의는 언제인가요?"


@pytest.fixture
def board(district):
    return Board.objects.select_related("dong").get(slug="yeoksam-1")


@pytest.fixture
def korean(make_user):
    return make_user(display_name="민지", language="ko")


@pytest.fixture
def vietnamese(make_user):
    return make_user(display_name="Lan", language="vi")


@pytest.fixture
def thread(board, korean, settings):
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0
    return forum_services.thread_create(
        author=korean, board=board, title="안녕하세요", body=QUESTION
    )


def first_post(thread) -> Post:
    return thread.posts.order_by("id").first()


def key(obj, field: str) -> str:
    return f"{ContentType.objects.get_for_model(obj).pk}.{obj.pk}.{field}"


def as_reader(client, user, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    session = client.session
    session["dongne_language"] = language
    session.save()


# The backend speaks LibreTranslate's API as documented.


def test_backend_sends_documented_request_and_reads_detected_language(libretranslate):
    libretranslate.api_key = "s3cret"
    backend = LibreTranslateBackend(api_key="s3cret")
    result = backend.translate(
        "[G0] 회의는 언제인가요?", source="auto", target="vi", format="text"
    )
    assert result.text == "Cuộc họp của [G0] là khi nào?"
    assert result.source_language == "ko"
    sent = libretranslate.translations()[-1]
    assert sent["q"] == "[G0] 회의는 언제인가요?"
    assert sent["source"] == "auto" and sent["target"] == "vi"
    assert sent["format"] == "text" and sent["api_key"] == "s3cret"
    assert backend.detect("Tôi sẽ tham gia.") == "vi"


def test_chinese_code_follows_the_setting(libretranslate, settings):
    backend = LibreTranslateBackend()
    assert backend.translate(
        "안녕", source="auto", target="zh-hans", format="text"
    ).text.startswith("<zh>")
    settings.LIBRETRANSLATE_LANGUAGE_CODES = {"zh-hans": "zh-Hans"}
    assert backend.translate(
        "안녕", source="auto", target="zh-hans", format="text"
    ).text.startswith("<zh-Hans>")


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("500", TranslationUnavailable),
        ("429", TranslationUnavailable),
        ("garbage", TranslationUnavailable),
        ("notjson", TranslationUnavailable),
        ("hang", TranslationUnavailable),
        ("400", TranslationRefused),
        ("403", TranslationRefused),
    ],
)
def test_backend_errors_are_classified(libretranslate, mode, error):
    libretranslate.mode = mode
    with pytest.raises(error):
        LibreTranslateBackend(timeout=0.3).translate(
            "안녕", source="auto", target="vi", format="text"
        )


def test_unreachable_server_is_unavailable_not_a_crash():
    backend = LibreTranslateBackend(url="http://127.0.0.1:9", api_key="", timeout=0.3)
    with pytest.raises(TranslationUnavailable):
        backend.translate("안녕", source="auto", target="vi", format="text")


# The glossary.


def test_glossary_protects_terms_and_restores_the_right_word():
    assert glossary.protect(QUESTION, "vi") == "[G0] 회의는 언제인가요?"
    assert glossary.restore("Cuộc họp của [ G0 ] là khi nào?", "vi") == (
        "Cuộc họp của Hội tự quản cư dân là khi nào?"
    )
    # 동 alone is the administrative word; inside 활동 or 동의 it is not.
    assert (
        glossary.protect("우리 동 활동에 동의합니다", "en")
        == "우리 [G7] 활동에 동의합니다"
    )
    # Towards Korean, the foreign forms are protected.
    assert (
        glossary.protect("Cuộc họp tại trung tâm hành chính phúc lợi.", "ko")
        == "Cuộc họp tại [G3]."
    )
    assert glossary.restore("[G3]", "ko") == "행정복지센터"


def test_glossary_page_explains_the_words(client):
    client.cookies["django_language"] = "vi"
    text = client.get(reverse("translation_glossary")).text
    assert "주민자치회" in text and "Hội tự quản cư dân" in text and "<dfn" in text


# Translating: once per text, in the background, announced live.


def test_post_is_translated_once_with_glossary_and_announced_live(
    libretranslate, thread, django_capture_on_commit_callbacks
):
    post = first_post(thread)
    with django_capture_on_commit_callbacks(execute=True):
        translation_request(obj=post, field="body", language="vi")
    row = Translation.objects.get(object_id=post.pk, field="body", target_language="vi")
    assert row.status == "done" and row.source_language == "ko"
    assert row.text == "Cuộc họp của Hội tự quản cư dân là khi nào?"
    assert post.body == QUESTION  # the original is never touched
    event = LiveEvent.objects.get(
        topic=f"thread:{thread.pk}", type="translation.finished"
    )
    assert event.data["key"] == key(post, "body")
    assert "Hội tự quản cư dân" in event.data["html"] and event.data["language"] == "vi"
    assert event.data["source_language_name"]  # "tiếng Hàn" or "Korean"

    with django_capture_on_commit_callbacks(execute=True):
        translation_request(obj=post, field="body", language="vi")
    assert len(libretranslate.translations()) == 1

    forum_services.post_edit(
        editor=thread.author, post=post, body="안녕하세요"
    ) if hasattr(forum_services, "post_edit") else Post.objects.filter(
        pk=post.pk
    ).update(body="안녕하세요")
    post.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        translation_request(obj=post, field="body", language="vi")
    assert len(libretranslate.translations()) == 2
    assert (
        Translation.objects.filter(
            object_id=post.pk, field="body", status="done"
        ).count()
        == 2
    )


def test_flaky_backend_is_retried_with_back_off(
    libretranslate, thread, django_capture_on_commit_callbacks
):
    libretranslate.fail_times(2, "500")
    post = first_post(thread)
    with django_capture_on_commit_callbacks(execute=True):
        translation_request(obj=post, field="body", language="vi")
    row = Translation.objects.get(object_id=post.pk, field="body")
    assert row.status == "done" and row.attempts == 3


@pytest.mark.parametrize("mode", ["500", "garbage", "hang", "403"])
def test_broken_backend_marks_failed_and_page_says_try_later(
    libretranslate, thread, vietnamese, client, mode, django_capture_on_commit_callbacks
):
    libretranslate.mode = mode
    libretranslate.hang_seconds = 1.5
    post = first_post(thread)
    with django_capture_on_commit_callbacks(execute=True):
        translation_request(obj=post, field="body", language="vi")
    row = Translation.objects.get(object_id=post.pk, field="body")
    assert row.status == "failed"
    assert LiveEvent.objects.filter(
        topic=f"thread:{thread.pk}", type="translation.failed"
    ).exists()
    as_reader(client, vietnamese, "en")
    Translation.objects.filter(pk=row.pk).update(target_language="en")
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200
    assert QUESTION in page.text
    assert "Translation unavailable, try later." in page.text

    libretranslate.mode = "ok"  # asking again after the failure works
    with django_capture_on_commit_callbacks(execute=True):
        translation_request(obj=post, field="body", language="en", retry=True)
    assert Translation.objects.get(pk=row.pk).status == "done"


# Pages.


def test_no_backend_no_control_and_no_query(client, thread, vietnamese, settings):
    settings.TRANSLATION_BACKEND = None
    as_reader(client, vietnamese, "vi")
    client.get(thread.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        text = client.get(thread.get_absolute_url()).text
    assert "data-translation=" not in text
    assert not [q for q in queries if "district_translation" in q["sql"]]


def test_control_shown_to_other_languages_only(
    client, libretranslate, thread, korean, vietnamese
):
    as_reader(client, vietnamese, "vi")
    text = client.get(thread.get_absolute_url()).text
    assert f'data-translation="{key(first_post(thread), "body")}"' in text
    assert f'data-translation="{key(thread, "title")}"' in text
    assert "translation.js" in text
    as_reader(client, korean, "ko")
    text = client.get(thread.get_absolute_url()).text
    assert "data-translation=" not in text
    assert libretranslate.translations() == []  # a page view never calls the backend


def test_thread_page_needs_one_query_for_all_translations(
    client,
    libretranslate,
    thread,
    vietnamese,
    settings,
    django_capture_on_commit_callbacks,
):
    Post.objects.bulk_create(
        Post(
            thread=thread,
            author=thread.author,
            body=f"글 {n}",
            body_html=f"<p>글 {n}</p>",
        )
        for n in range(40)
    )
    posts = list(thread.posts.order_by("id"))
    as_reader(client, vietnamese, "vi")
    url = thread.get_absolute_url()
    client.get(url)
    settings.TRANSLATION_BACKEND = None
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    settings.TRANSLATION_BACKEND = "district.translation.backends.LibreTranslateBackend"
    with django_capture_on_commit_callbacks(execute=True):
        for post in posts:
            translation_request(obj=post, field="body", language="vi")
        translation_request(obj=thread, field="title", language="vi")
    client.get(url)
    with CaptureQueriesContext(connection) as after:
        text = client.get(url).text
    assert len(after) == len(before) + 1
    shown = re.findall(r'data-status="done"', text)
    assert len(shown) >= 20  # every post on the page and the title
    assert "&lt;vi&gt; 글 0" in text  # the translation, escaped, beside "글 0"


def test_endpoint_requests_and_reports_and_hides_what_reader_cannot_see(
    client,
    libretranslate,
    thread,
    vietnamese,
    board,
    django_capture_on_commit_callbacks,
):
    post = first_post(thread)
    hidden = forum_services.post_create(
        author=thread.author, thread=thread, body="숨긴 글입니다"
    )
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    as_reader(client, vietnamese, "vi")
    response = client.get(reverse("translations"), {"key": [key(post, "body")]})
    assert response.json()["items"][key(post, "body")]["status"] == "none"
    # Asking needs the custom header (a cross-site form cannot send it).
    forged = client.post(reverse("translations"), {"key": [key(post, "body")]})
    assert forged.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("translations"),
            {"key": [key(post, "body"), key(hidden, "body"), "1.2", "x.y.z"]},
            HTTP_X_DONGNE_TRANSLATE="1",
        )
    assert response.status_code == 200
    items = response.json()["items"]
    assert list(items) == [key(post, "body")]
    assert (
        items[key(post, "body")]["status"] == "pending"
    )  # answered before the background work
    items = client.get(reverse("translations"), {"key": [key(post, "body")]}).json()[
        "items"
    ]
    assert items[key(post, "body")]["status"] == "done"
    assert "Hội tự quản cư dân" in items[key(post, "body")]["html"]
    assert not Translation.objects.filter(object_id=hidden.pk, field="body").exists()


def test_vietnamese_answer_read_in_korean_by_a_leader(
    client,
    libretranslate,
    thread,
    vietnamese,
    korean,
    django_capture_on_commit_callbacks,
):
    reply = forum_services.post_create(
        author=vietnamese, thread=thread, body="Tôi sẽ tham gia."
    )
    as_reader(client, korean, "ko")
    page = client.get(thread.get_absolute_url()).text
    assert f'data-translation="{key(reply, "body")}"' in page
    assert f'data-translation="{key(first_post(thread), "body")}"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("translations"),
            {"key": [key(reply, "body")]},
            HTTP_X_DONGNE_TRANSLATE="1",
        )
    items = client.get(reverse("translations"), {"key": [key(reply, "body")]}).json()[
        "items"
    ]
    assert "참석하겠습니다." in items[key(reply, "body")]["html"]
    page = client.get(thread.get_absolute_url()).text
    assert "참석하겠습니다." in page and "Tôi sẽ tham gia." in page


def test_always_translate_in_profile(client, libretranslate, thread, vietnamese):
    as_reader(client, vietnamese, "vi")
    form = client.get(reverse("profile_edit")).text
    assert 'name="always_translate"' in form
    profile = Profile.objects.get(user=vietnamese)
    response = client.post(
        reverse("profile_edit"),
        {
            "display_name": profile.display_name,
            "language": "vi",
            "email_notifications": "on",
            "always_translate": "on",
        },
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=vietnamese).always_translate
    assert "data-auto" in client.get(thread.get_absolute_url()).text
