import pytest
from django.conf import settings

from district.models import Profile

pytestmark = pytest.mark.django_db


def test_korean_is_the_default(client, district):
    response = client.get("/")
    assert '<html lang="ko">' in response.text
    assert "역삼1동" in response.text


def test_switching_to_english_is_remembered_for_a_visitor(client, district):
    response = client.post("/language/", {"language": "en", "next": "/yeoksam-1/"})
    assert response.status_code == 302 and response["Location"] == "/yeoksam-1/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/yeoksam-1/")
    assert '<html lang="en">' in page.text
    assert "Yeoksam 1-dong Resident Self-Government Association" in page.text


@pytest.mark.parametrize(
    "code, phrase", [("zh-hans", "语言"), ("vi", "Ngôn ngữ"), ("ja", "言語")]
)
def test_every_language_has_its_interface(client, district, code, phrase):
    client.post("/language/", {"language": code})
    response = client.get("/")
    assert f'<html lang="{code}">' in response.text
    assert phrase in response.text


def test_unknown_language_code_is_refused_with_a_message(client, district):
    client.post("/language/", {"language": "en"})
    response = client.post(
        "/language/", {"language": "xx-evil", "next": "/"}, follow=True
    )
    assert "is not a language this site offers" in response.text
    assert '<html lang="en">' in response.text


def test_unsafe_next_url_is_not_followed(client, district):
    response = client.post(
        "/language/", {"language": "en", "next": "https://evil.example.com/"}
    )
    assert response["Location"] == "/"


def test_signed_in_choice_is_saved_to_the_profile_and_follows_the_user(
    client, district, make_user
):
    from django.test import Client

    user = make_user()
    client.force_login(user)
    client.post("/language/", {"language": "vi"})
    assert Profile.objects.get(user=user).language == "vi"

    other_device = Client()
    other_device.force_login(user)
    assert '<html lang="vi">' in other_device.get("/").text
