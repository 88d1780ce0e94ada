"""Display names that render blank or imitate someone else are refused (district.forms.clean_display_name)."""

import pytest
from django.contrib.auth import get_user_model
from django.forms import ValidationError

from district.forms import ProfileForm, clean_display_name
from district.models import Profile
from district.names import skeleton

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "\u3164\u3164",  # Hangul filler ×2: renders blank
        "\u115f\u1160\u3164",
        "\uffa0\uffa0\uffa0",
        "\u2800\u2800",  # braille blank
        "김\u3164",  # one visible letter and a filler
        "민\u200b지",  # a zero-width space hidden inside
        "민\u202e지",  # a right-to-left override
    ],
)
def test_invisible_characters_are_refused(name, district):
    with pytest.raises(ValidationError):
        clean_display_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "staff",
        "Staff",
        "ѕtaff",  # Cyrillic ѕ
        "ЅТАFF",  # Cyrillic Ѕ, Т, А
        "stаff",  # Cyrillic а
        "관리자",
        "운영자",
        "ΑDMIN",  # Greek capital alpha
    ],
)
def test_reserved_names_and_their_look_alikes_are_refused(name, district, settings):
    settings.RESERVED_DISPLAY_NAMES = ["staff", "admin", "관리자", "운영자"]
    with pytest.raises(ValidationError) as refused:
        clean_display_name(name)
    assert refused.value.code == "reserved"


def test_look_alike_of_an_existing_resident_is_refused(district, make_user):
    make_user(display_name="paul")
    for imitation in ("раul", "PAUL", "pauI"):  # Cyrillic р and а; capital i for l
        with pytest.raises(ValidationError):
            clean_display_name(imitation)


def test_ordinary_mixed_script_names_stay_fine(district, make_user):
    make_user(display_name="김민지")
    for name in ("김 John", "Nguyễn Văn An", "王小明", "민지 엄마", "Tuan", "김민수"):
        assert clean_display_name(name) == name


def test_the_owner_may_keep_their_own_name(district, make_user):
    user = make_user(display_name="ѕunny")
    assert clean_display_name("ѕunny", exclude_user_id=user.pk) == "ѕunny"


def test_skeleton_is_stored_and_follows_renames(district, make_user):
    user = make_user(display_name="Ѕunny")
    profile = Profile.objects.get(user=user)
    assert profile.display_name_skeleton == skeleton("sunny")
    profile.display_name = "Moon"
    profile.save(update_fields=["display_name"])
    profile.refresh_from_db()
    assert profile.display_name_skeleton == skeleton("moon")


def test_signup_with_a_lookalike_of_staff_is_refused_in_the_users_language(
    client, district
):
    client.cookies["django_language"] = "en"
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.resident@example.org",
            "password1": "a-Long-and-unusual-passphrase-9",
            "password2": "a-Long-and-unusual-passphrase-9",
            "display_name": "ѕtaff",
            "home_dong": "",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert "reserved" in response.text
    assert (
        not get_user_model().objects.filter(email="new.resident@example.org").exists()
    )


def test_profile_form_refuses_a_blank_rendering_name(district, make_user):
    user = make_user(display_name="민지")
    form = ProfileForm(
        data={"display_name": "\u3164\u3164\u3164", "language": "en"},
        instance=user.profile,
    )
    assert not form.is_valid() and "display_name" in form.errors
