"""Children under 14 (PIPA Art. 22-2): the account waits for a guardian's consent by e-mail link."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from district.consents import Consent, ConsentKind, GuardianConsent
from district.guardians import guardian_consents_expire
from district.models import AGE_BAND_FLOOR, Profile
from tests.site.test_accounts import signup_data

pytestmark = pytest.mark.django_db

CHILD = "child@example.org"
PARENT = "parent@example.org"


def sign_up_child(client, capture, **overrides):
    """Sign a child up; `capture` runs the on-commit e-mail (the test's transaction never commits)."""
    client.cookies["django_language"] = "en"
    with capture(execute=True):
        return client.post(
            "/accounts/signup/",
            signup_data(
                **{
                    "email": CHILD,
                    "display_name": "어린이",
                    "age_band": "under13",
                    "guardian_email": PARENT,
                    **overrides,
                }
            ),
        )


def guardian_link(message) -> str:
    return re.search(r"https?://\S+/accounts/guardian/\S+/", message.body).group(0)


def test_an_adult_signs_up_with_a_consent_to_the_current_policy(
    client, district, settings
):
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/signup/", signup_data(age_band="18+"))
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new.resident@example.org")
    assert user.is_active and not GuardianConsent.objects.filter(user=user).exists()
    consent = Consent.objects.get(user=user)
    assert (consent.kind, consent.version) == (
        ConsentKind.PRIVACY_POLICY,
        settings.PRIVACY_POLICY["version"],
    )
    assert Profile.objects.get(user=user).age_band == "18+"


def test_signup_requires_the_age(client, district):
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/signup/", signup_data(age_band=""))
    assert response.status_code == 200
    assert 'id="id_age_band_error"' in response.text
    assert (
        not get_user_model().objects.filter(email="new.resident@example.org").exists()
    )


@pytest.mark.parametrize("age_band", ["under13", "13"])
def test_a_child_must_give_a_guardians_address(
    client, district, age_band, django_capture_on_commit_callbacks
):
    response = sign_up_child(
        client, django_capture_on_commit_callbacks, age_band=age_band, guardian_email=""
    )
    assert response.status_code == 200
    assert "parent or legal guardian" in response.text
    assert not get_user_model().objects.filter(email=CHILD).exists()


def test_the_guardians_address_is_not_the_childs_own(
    client, district, django_capture_on_commit_callbacks
):
    response = sign_up_child(
        client, django_capture_on_commit_callbacks, guardian_email=CHILD.upper()
    )
    assert "not your own" in response.text


def test_a_childs_account_waits_then_opens_when_the_guardian_consents(
    client, district, django_capture_on_commit_callbacks
):
    response = sign_up_child(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response.url == "/accounts/guardian/waiting/"
    page = client.get(response.url)
    assert "Waiting for your parent" in page.text
    child = get_user_model().objects.get(email=CHILD)
    assert not child.is_active
    request = GuardianConsent.objects.get(user=child)
    assert request.guardian_email == PARENT and request.confirmed_at is None
    # One e-mail to the guardian, in the child's language, with the link; the token is not stored.
    to_parent = [m for m in mail.outbox if PARENT in m.to]
    assert len(to_parent) == 1 and "consent" in to_parent[0].subject
    link = guardian_link(to_parent[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in request.token_hash
    # Signing in before the consent says why the account is closed.
    login = client.post(
        "/accounts/login/",
        {"login": CHILD, "password": "a-Long-and-unusual-passphrase-9"},
    )
    assert login.status_code == 302 and login.url == "/accounts/guardian/waiting/"
    # The guardian's page: the box must be ticked.
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and "어린이" in page.text
    refused = client.post("/" + path, {})
    assert refused.status_code == 400 and "tick the box" in refused.text
    done = client.post("/" + path, {"consent": "on"})
    assert done.status_code == 200 and "the account is open" in done.text
    child.refresh_from_db()
    request.refresh_from_db()
    assert child.is_active
    assert request.guardian_email == "" and request.confirmed_at is not None
    assert Consent.objects.filter(user=child, kind=ConsentKind.GUARDIAN).exists()
    # The link works once.
    assert client.get("/" + path).status_code == 404


def test_a_guardian_who_refuses_deletes_the_account(
    client, district, django_capture_on_commit_callbacks
):
    sign_up_child(client, django_capture_on_commit_callbacks)
    link = guardian_link(next(m for m in mail.outbox if PARENT in m.to))
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.post(path, {"decline": "1"})
    assert response.status_code == 200 and "deleted" in response.text
    assert not get_user_model().objects.filter(email=CHILD).exists()
    assert not GuardianConsent.objects.exists()


def test_an_unknown_link_is_a_clear_404(client, district):
    client.cookies["django_language"] = "en"
    response = client.get("/accounts/guardian/not-a-real-token/")
    assert response.status_code == 404 and "no longer works" in response.text


def test_after_seven_days_without_consent_the_account_and_address_are_deleted(
    client, district, make_user, django_capture_on_commit_callbacks
):
    sign_up_child(client, django_capture_on_commit_callbacks)
    child = get_user_model().objects.get(email=CHILD)
    link = guardian_link(next(m for m in mail.outbox if PARENT in m.to))
    # An answered request from long ago keeps no address either.
    other = make_user()
    GuardianConsent.objects.create(
        user=other,
        guardian_email="old@example.org",
        token_hash="x" * 64,
        created_at=timezone.now() - timedelta(days=30),
        confirmed_at=timezone.now() - timedelta(days=29),
    )
    assert guardian_consents_expire(timezone.now()) == 0  # not yet
    later = timezone.now() + timedelta(days=7, minutes=1)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    GuardianConsent.objects.filter(user=child).update(
        created_at=timezone.now() - timedelta(days=7, minutes=1)
    )
    assert client.get(path).status_code == 404  # the link has expired
    assert guardian_consents_expire(later) == 1
    assert not get_user_model().objects.filter(email=CHILD).exists()
    assert GuardianConsent.objects.get(user=other).guardian_email == ""
    assert other.__class__.objects.filter(pk=other.pk).exists()


def test_votes_eligibility_reads_the_same_age_field():
    # The sign-up question is Profile.age_band, whose floors votes compare with a minimum age.
    assert set(AGE_BAND_FLOOR) == {"under13", "13", "14-17", "18+"}
    from django.conf import settings

    assert (
        AGE_BAND_FLOOR["13"]
        < settings.GUARDIAN_CONSENT_MIN_AGE
        <= AGE_BAND_FLOOR["14-17"]
    )


def test_the_daily_retention_job_runs_the_guardian_sweep(client, district):
    from district.retention import retention_sweep

    assert "guardian_consents" in retention_sweep()


def test_a_profile_cannot_become_under_14_without_a_guardians_consent(
    client, district, make_user
):
    user = make_user(display_name="어른")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/accounts/profile/",
        {"display_name": "어른", "home_dong": "", "language": "en", "age_band": "13"},
    )
    assert "needs a parent's or legal guardian's consent" in response.text.replace(
        "&#x27;", "'"
    )
    assert Profile.objects.get(user=user).age_band == ""
    response = client.post(
        "/accounts/profile/",
        {"display_name": "어른", "home_dong": "", "language": "en", "age_band": "18+"},
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=user).age_band == "18+"
