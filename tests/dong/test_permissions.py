"""The role × page matrix: a leader edits and publishes their own dong and nothing else."""

import pytest
from django.contrib.auth.models import Group
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail.permissions import policy_registry

from dong.models import StandardPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(district):
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def child_pages(district):
    """One page below every dong page, so the matrix covers descendants too."""
    children = {}
    for page in district:
        child = StandardPage(title=f"{page.title} 프로그램", slug="programmes")
        page.add_child(instance=child)
        children[page.pk] = child
    return children


def test_leader_permission_matrix_through_wagtail_api(
    district, home, child_pages, make_user
):
    for own in district:
        leader = make_user(groups=[own.leaders_group])
        for page in district:
            mine = page.pk == own.pk
            for target in (page, child_pages[page.pk]):
                perms = target.permissions_for_user(leader)
                assert perms.can_edit() is mine, (own.title, target.title)
                assert perms.can_publish() is mine, (own.title, target.title)
        home_perms = home.permissions_for_user(leader)
        assert not home_perms.can_edit() and not home_perms.can_publish()


def test_staff_may_edit_and_publish_everywhere_and_residents_nowhere(
    district, home, child_pages, make_user
):
    staff = make_user(groups=[Group.objects.get(name="District staff")])
    resident = make_user()
    for target in [home, *district, *child_pages.values()]:
        assert target.permissions_for_user(staff).can_edit()
        assert target.permissions_for_user(staff).can_publish()
        assert not target.permissions_for_user(resident).can_edit()
        assert not target.permissions_for_user(resident).can_publish()


def test_leader_admin_edit_url_matrix(client, district, home, make_user):
    """Over HTTP: 200 on the leader's own dong page, 302/403 (never 200) on the 21 others and home."""
    for own in district:
        client.force_login(make_user(groups=[own.leaders_group]))
        for page in [home, *district]:
            status = client.get(f"/admin/pages/{page.pk}/edit/").status_code
            if page.pk == own.pk:
                assert status == 200, own.title
            else:
                assert status in (302, 403), (own.title, page.title, status)
        client.logout()


def test_staff_and_resident_admin_edit_urls(client, district, home, make_user):
    client.force_login(make_user(groups=[Group.objects.get(name="District staff")]))
    assert all(
        client.get(f"/admin/pages/{p.pk}/edit/").status_code == 200
        for p in [home, district[0], district[-1]]
    )
    client.force_login(make_user())
    assert all(
        client.get(f"/admin/pages/{p.pk}/edit/").status_code in (302, 403)
        for p in [home, *district]
    )


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users/",
        "/admin/groups/",
        "/admin/workflows/list/",
        "/admin/redirects/",
        "/admin/sites/",
    ],
)
def test_administration_is_for_staff_not_leaders(client, district, make_user, url):
    client.force_login(make_user(groups=[district[0].leaders_group]))
    assert client.get(url).status_code in (302, 403)
    client.force_login(make_user(groups=[Group.objects.get(name="District staff")]))
    assert client.get(url).status_code == 200


def test_leader_may_add_images_and_documents_only_to_own_collection(
    district, make_user
):
    own = district[10]
    leader = make_user(groups=[own.leaders_group])
    image_policy = policy_registry.get_by_type(get_image_model())
    document_policy = policy_registry.get_by_type(get_document_model())
    for policy in (image_policy, document_policy):
        assert set(policy.collections_user_has_permission_for(leader, "add")) == {
            own.collection
        }
    staff = make_user(groups=[Group.objects.get(name="District staff")])
    assert {p.collection for p in district} <= set(
        image_policy.collections_user_has_permission_for(staff, "add")
    )
