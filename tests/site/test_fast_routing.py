"""DONGNE_FAST_ROUTING turns fast routing off: Wagtail's own routing and privacy checks serve, with the same answers."""

import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from wagtail.models import Page, PageViewRestriction

from district.page_routing import SITES_KEY
from district.privacy import (
    PRIVATE_BELOW_ATTR,
    RESTRICTED_ATTR,
    public,
    routed_ancestors,
)
from dong.models import NoticeIndexPage, NoticePage
from tests.dong.factories import add_notice

pytestmark = pytest.mark.django_db


def routed(url: str):
    path = urlsplit(
        url
    ).path  # page.url is absolute while another test's Site is remembered
    request = RequestFactory().get(path)
    return Page.route_for_request(request, path)[0], request


@pytest.mark.parametrize("fast", [True, False])
def test_the_setting_chooses_who_routes_and_answers_are_the_same(
    fast, settings, district, client
):
    settings.DONGNE_FAST_ROUTING = fast
    dong = district[0]
    open_notice = add_notice(dong, "공개 공지")
    private_notice = add_notice(dong, "비공개 공지")
    PageViewRestriction.objects.create(
        page=private_notice, restriction_type=PageViewRestriction.LOGIN
    )

    page, _request = routed(open_notice.url)
    assert page.pk == open_notice.pk and type(page) is NoticePage
    assert (RESTRICTED_ATTR in page.__dict__) is fast
    assert (PRIVATE_BELOW_ATTR in page.__dict__) is fast

    notices = NoticePage.objects.descendant_of(dong)
    assert set(public(notices)) == set(notices.public())
    assert private_notice.pk not in {p.pk for p in public(notices)}
    assert client.get(open_notice.url).status_code == 200
    assert client.get(private_notice.url).status_code == 302
    assert "공개 공지" in client.get(dong.url).text


def test_with_fast_routing_off_wagtail_finds_the_site_itself(
    settings, district, client
):
    settings.DONGNE_FAST_ROUTING = False
    response = client.get(district[0].url)
    assert response.status_code == 200
    # Wagtail's Site.find_for_request filled its own slot; the cached Site was not used.
    assert cache.get(SITES_KEY) is None
    assert response.wsgi_request._wagtail_site.root_page.specific_class is not None


def test_with_fast_routing_off_breadcrumbs_read_ancestors_themselves(
    settings, district
):
    notice = add_notice(district[0], "빵부스러기")
    page, _request = routed(notice.url)
    assert routed_ancestors(page) is not None
    settings.DONGNE_FAST_ROUTING = False
    assert routed_ancestors(page) is None
    index = NoticeIndexPage.objects.child_of(district[0]).get()
    assert page.get_parent().pk == index.pk


@pytest.mark.parametrize(("value", "expected"), [("0", "False"), ("1", "True")])
def test_the_environment_turns_fast_routing_off(value, expected):
    env = {**os.environ, "DONGNE_FAST_ROUTING": value}
    code = "from django.conf import settings; print(settings.DONGNE_FAST_ROUTING)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == expected
