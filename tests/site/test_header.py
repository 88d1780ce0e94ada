"""The header on a phone: one tap to the resident's own association, a menu, and a large-text switch."""

import pytest
from django.test import Client

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_a_resident_with_a_home_association_reaches_it_in_one_tap(district, make_user):
    yeoksam = next(d for d in district if d.slug == "yeoksam-1")
    client = signed_in(make_user(home_dong=yeoksam))
    page = client.get("/").content.decode()
    assert 'href="/my-neighbourhood/"' in page
    response = client.get("/my-neighbourhood/")
    assert response.status_code == 302 and response["Location"] == yeoksam.url


def test_without_a_home_association_the_link_is_absent_and_leads_to_the_profile(
    district, make_user
):
    client = signed_in(make_user())
    assert 'href="/my-neighbourhood/"' not in client.get("/").content.decode()
    response = client.get("/my-neighbourhood/")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"


def test_the_menu_and_display_switches_are_buttons_that_say_their_state(
    client, district
):
    page = client.get("/").content.decode()
    assert 'class="menu-toggle" aria-expanded="true" aria-controls="site-menu"' in page
    assert 'id="site-menu"' in page
    assert "data-display-toggle" in page and 'aria-pressed="false"' in page
    assert "district/js/display.js" in page  # applied before the page paints


def test_the_home_page_lists_the_associations_before_anything_else(client, district):
    page = client.get("/").content.decode()
    first = district[0]
    grid = page.index(f'href="{first.url}"')
    for later in ('id="news-title"', 'id="events-title"'):
        assert grid < page.index(later), later
