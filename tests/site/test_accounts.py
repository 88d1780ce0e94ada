import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from district.models import Profile

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "email": "new.resident@example.org",
        "password1": "a-Long-and-unusual-passphrase-9",
        "password2": "a-Long-and-unusual-passphrase-9",
        "display_name": "새주민",
        "home_dong": "",
        "age_band": "18+",
        "guardian_email": "",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_signup_shows_the_personal_information_notice_in_the_users_language(
    client, district
):
    client.cookies["django_language"] = "en"
    text = client.get("/accounts/signup/").text
    for heading in (
        "Purpose",
        "What we collect",
        "How long we keep it",
        "Your right to refuse",
    ):
        assert heading in text
    client.cookies["django_language"] = "ko"
    assert "개인정보 수집·이용 안내" in client.get("/accounts/signup/").text


def test_signup_asks_for_no_real_name_phone_or_registration_number(client, district):
    form = client.get("/accounts/signup/").context["form"]
    assert set(form.fields) == {
        "email",
        "password1",
        "password2",
        "display_name",
        "home_dong",
        "age_band",  # the one age field (votes' eligibility reads it too)
        "guardian_email",  # only for children under 14, deleted after consent
        "consent",
    }


def test_signup_creates_profile_and_sends_verification(client, district):
    yeoksam = next(p for p in district if p.slug == "yeoksam-1")
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/signup/", signup_data(home_dong=yeoksam.pk))
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new.resident@example.org")
    profile = Profile.objects.get(user=user)
    assert (profile.display_name, profile.home_dong_id, profile.language) == (
        "새주민",
        yeoksam.pk,
        "en",
    )
    assert len(mail.outbox) == 1 and "new.resident@example.org" in mail.outbox[0].to


def test_signup_without_consent_creates_nothing_and_keeps_what_was_typed(
    client, district
):
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/signup/", signup_data(consent=""))
    assert response.status_code == 200
    assert "You can only create an account if you agree" in response.text
    assert 'value="새주민"' in response.text
    assert (
        not get_user_model().objects.filter(email="new.resident@example.org").exists()
    )


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"display_name": "x"}, "at least 2 characters"),
        ({"display_name": "<script>"}, "Use letters, numbers"),
        ({"email": "not-an-email"}, "valid email"),
        ({"password2": "different-passphrase-1"}, "same password"),
        ({"home_dong": "999999"}, "Select a valid choice"),
    ],
)
def test_invalid_signup_gets_a_clear_message(client, district, overrides, message):
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/signup/", signup_data(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert (
        not get_user_model().objects.filter(email="new.resident@example.org").exists()
    )


def test_display_names_are_unique_ignoring_case(client, district, make_user):
    make_user(display_name="Minji")
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/signup/", signup_data(display_name="minji"))
    assert "already taken" in response.text


def test_repeated_failed_logins_are_throttled(client, district, make_user):
    make_user(email="target@example.org")
    client.cookies["django_language"] = "en"
    for _ in range(5):
        client.post(
            "/accounts/login/", {"login": "target@example.org", "password": "wrong"}
        )
    response = client.post(
        "/accounts/login/", {"login": "target@example.org", "password": "wrong"}
    )
    assert "Too many failed login attempts" in response.text


def test_verified_resident_can_sign_in_and_out(client, district, make_user):
    from tests.conftest import TEST_PASSWORD

    make_user(email="someone@example.org", display_name="누군가")
    response = client.post(
        "/accounts/login/", {"login": "someone@example.org", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert 'href="/accounts/profile/"' in client.get("/").text
    assert client.post("/accounts/logout/").status_code == 302
    assert 'href="/accounts/profile/"' not in client.get("/").text


def test_profile_edit_saves_and_refuses_a_taken_name(client, district, make_user):
    make_user(display_name="Taken")
    user = make_user(display_name="Mine")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/accounts/profile/",
        {"display_name": "taken", "home_dong": "", "language": "en"},
    )
    assert "already taken" in response.text
    response = client.post(
        "/accounts/profile/",
        {"display_name": "Mine 2", "home_dong": district[3].pk, "language": "ja"},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.display_name, profile.home_dong_id, profile.language) == (
        "Mine 2",
        district[3].pk,
        "ja",
    )
