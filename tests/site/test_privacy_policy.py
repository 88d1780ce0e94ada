"""The privacy policy page (PIPA Art. 30): built from settings, linked from every page, in five languages."""

import pytest
from django.conf import settings

from district.consents import Consent, ConsentKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_policy_is_served_in_every_language(client, district, language):
    client.cookies["django_language"] = language
    response = client.get("/privacy/")
    assert response.status_code == 200
    text = response.text
    assert f'<html lang="{language}">' in text
    officer = settings.PRIVACY_POLICY["officer"]
    assert officer["email"] in text and officer["phone"] in text
    assert settings.PRIVACY_POLICY["version"] in text


def test_the_policy_lists_items_retention_processors_and_rights(client, district):
    client.cookies["django_language"] = "en"
    text = client.get("/privacy/").text
    for heading in (
        "What we collect, why, and for how long",
        "Who processes it for us",
        "Your rights and how to use them",
        "Privacy officer",
        "Children under 14",
    ):
        assert heading in text
    # Retention periods come from the settings the deletion jobs use.
    assert f"Deleted after {settings.UNVERIFIED_ACCOUNT_DAYS} days" in text
    assert f"Kept for {settings.ACCESS_LOG_RETENTION_DAYS} days" in text
    assert "e-mail delivery provider" in text
    assert 'href="/accounts/profile/"' in text


def test_the_policy_follows_its_settings(client, district, settings):
    settings.PRIVACY_POLICY = {
        **settings.PRIVACY_POLICY,
        "version": "2027-03-01",
        "officer": {
            **settings.PRIVACY_POLICY["officer"],
            "email": "dpo@gangnam.example",
        },
    }
    text = client.get("/privacy/").text
    assert "2027-03-01" in text and "dpo@gangnam.example" in text


@pytest.mark.parametrize("path", ["/", "/accounts/signup/", "/forums/", "/privacy/"])
def test_every_page_links_to_the_policy(client, district, path):
    assert 'href="/privacy/"' in client.get(path).text


def test_a_resident_agrees_again_when_the_version_changes(
    client, district, make_user, settings
):
    user = make_user()
    Consent.objects.create(
        user=user, kind=ConsentKind.PRIVACY_POLICY, version="2025-01-01"
    )
    client.force_login(user)
    client.cookies["django_language"] = "en"
    assert (
        "You agreed to an earlier version (2025-01-01)" in client.get("/privacy/").text
    )
    response = client.post("/privacy/", {"agree": "1"})
    assert response.status_code == 302
    versions = list(
        Consent.objects.filter(user=user)
        .order_by("at", "id")
        .values_list("version", flat=True)
    )
    assert versions == ["2025-01-01", settings.PRIVACY_POLICY["version"]]
    assert "You agreed to this version" in client.get("/privacy/").text


def test_consents_are_append_only(make_user):
    from district.models import AppendOnlyError

    consent = Consent.objects.create(
        user=make_user(), kind=ConsentKind.PRIVACY_POLICY, version="v1"
    )
    consent.version = "v2"
    with pytest.raises(AppendOnlyError):
        consent.save()
