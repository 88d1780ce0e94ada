"""A leader's admin ends at their association: no other association's files or page titles, in any listing, chooser or report."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    PageViewRestriction,
)

from tests.dong.factories import add_image, add_notice

pytestmark = pytest.mark.django_db
Document = get_document_model()

SECRET = "남의비밀"  # in every title that must not cross the boundary

LISTINGS = [
    "/admin/api/main/documents/",
    "/admin/api/main/images/",
    "/admin/documents/",
    "/admin/documents/chooser/",
    "/admin/images/",
    "/admin/images/chooser/",
    "/admin/choose-page/",
    "/admin/reports/locked/",
    "/admin/reports/aging-pages/",
    "/admin/reports/site-history/",
    "/admin/reports/workflow/",
    "/admin/reports/workflow_tasks/",
]
PAGE_TYPES_USAGE = "/admin/reports/page-types-usage/"


@pytest.fixture
def other_dong(district, make_user):
    """Another association's files and pages: a document in a login-only collection, an image, a draft, a private and a locked page."""
    mine, other = district[0], district[1]
    members = Collection.objects.get(pk=other.collection_id).add_child(
        name=f"{other.title} 회원 전용"
    )
    CollectionViewRestriction.objects.create(
        collection=members, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = Document.objects.create(
        title=f"{SECRET} 회원 문서",
        collection=members,
        file=ContentFile(b"%PDF-1.4 members", name="members.pdf"),
    )
    image = add_image(other.collection, f"{SECRET} 사진")
    add_notice(other, f"{SECRET} 초안", live=False)
    private = add_notice(other, f"{SECRET} 보호 공지")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    locked = add_notice(other, f"{SECRET} 잠긴 공지")
    staff = make_user(groups=[Group.objects.get(name="District staff")])
    locked.locked, locked.locked_by, locked.locked_at = True, staff, timezone.now()
    locked.save()
    # The leader's own files, which they must still see.
    own_document = Document.objects.create(
        title="우리 문서",
        collection=mine.collection,
        file=ContentFile(b"%PDF-1.4 ours", name="ours.pdf"),
    )
    own_image = add_image(mine.collection, "우리 사진")
    return {
        "document": document,
        "image": image,
        "own_document": own_document,
        "own_image": own_image,
        "staff": staff,
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_leader_sees_no_other_associations_files_or_titles_anywhere(
    district, other_dong, make_user
):
    leader = client_for(make_user(groups=[district[0].leaders_group]))
    for url in LISTINGS:
        response = leader.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    documents = leader.get("/admin/api/main/documents/").json()["items"]
    assert [d["title"] for d in documents] == ["우리 문서"]
    assert other_dong["document"].url not in str(documents)
    images = leader.get("/admin/api/main/images/").json()["items"]
    assert [i["title"] for i in images] == ["우리 사진"]
    for detail in (
        f"/admin/api/main/documents/{other_dong['document'].pk}/",
        f"/admin/api/main/images/{other_dong['image'].pk}/",
    ):
        assert leader.get(detail).status_code == 404, detail


def test_whole_tree_reports_are_for_district_staff_only(
    district, other_dong, make_user
):
    leader = client_for(make_user(groups=[district[0].leaders_group]))
    for url in (PAGE_TYPES_USAGE, f"{PAGE_TYPES_USAGE}results/"):
        refused = leader.get(url)  # Wagtail's answer to PermissionDenied in the admin
        assert refused.status_code == 302 and refused["Location"] == "/admin/", url
    assert PAGE_TYPES_USAGE not in leader.get("/admin/").content.decode()
    assert "/login/" in Client().get(PAGE_TYPES_USAGE)["Location"]

    staff = client_for(other_dong["staff"])
    assert PAGE_TYPES_USAGE in staff.get("/admin/").content.decode()
    usage = staff.get(PAGE_TYPES_USAGE)
    assert usage.status_code == 200 and SECRET in usage.content.decode()


def test_staff_still_see_every_associations_files(district, other_dong):
    staff = client_for(other_dong["staff"])
    document, image = other_dong["document"], other_dong["image"]
    documents = staff.get(f"/admin/api/main/documents/?id={document.pk}").json()
    assert [d["title"] for d in documents["items"]] == [f"{SECRET} 회원 문서"]
    images = staff.get(f"/admin/api/main/images/?id={image.pk}").json()
    assert [i["title"] for i in images["items"]] == [f"{SECRET} 사진"]
    assert SECRET in staff.get("/admin/reports/locked/").content.decode()
