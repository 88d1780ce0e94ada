"""allauth's account pages wear the site's shell and form style, and name people by their display name."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.test import Client

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/accounts/password/reset/", "/accounts/email/", "/accounts/password/change/"],
)
def test_account_pages_use_the_sites_form_style(district, make_user, url):
    user = make_user()
    client = Client()
    client.login(username=user.username, password=TEST_PASSWORD)
    page = client.get(url).content.decode()
    assert 'class="stacked-form narrow"' in page
    assert (
        '<div class="field' in page
    )  # labels, help and errors wired like every other form
    assert 'class="primary"' in page
    assert 'class="site-header"' in page


def test_the_confirmation_page_names_the_person_by_their_display_name(
    district, make_user
):
    user = make_user(display_name="새내기주민")
    address = EmailAddress.objects.create(
        user=user, email="confirm.me@example.org", verified=False, primary=False
    )
    key = EmailConfirmationHMAC(address).key
    page = Client().get(f"/accounts/confirm-email/{key}/").content.decode()
    assert "새내기주민" in page
    assert user.username not in page
