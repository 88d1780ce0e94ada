"""A signed-in resident who opens the CMS gets a plain 403 page, never a loop between the admin and sign-in."""

import pytest
from django.contrib.auth.models import Group


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/reports/"])
def test_resident_opening_the_admin_gets_a_403_page_with_a_link_home(
    client, make_user, district, path
):
    client.force_login(make_user())
    client.cookies["django_language"] = "en"
    response = client.get(path)
    assert response.status_code == 403
    assert "No access to the administration" in response.text
    assert 'href="/"' in response.text
    assert "<nav" in response.text or "<header" in response.text  # the site's shell


def test_resident_is_not_sent_round_in_circles(client, make_user, district):
    client.force_login(make_user())
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain == []
    assert response.status_code == 403


def test_anonymous_visitor_is_still_sent_to_sign_in(client, district):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_leaders_and_staff_still_reach_the_admin(client, make_user, district):
    leader = make_user(groups=[district[0].leaders_group])
    staff = make_user(groups=[Group.objects.get(name="District staff")])
    for user in (leader, staff):
        client.force_login(user)
        assert client.get("/admin/").status_code == 200
