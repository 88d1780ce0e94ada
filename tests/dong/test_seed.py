import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from wagtail.models import Collection, GroupPagePermission, Page, Revision, Site

from district.models import DistrictHomePage
from dong.district_file import DistrictFileError, load_district_file
from dong.models import DongPage

pytestmark = pytest.mark.django_db

HEADER = "code,slug,name_ko,name_en\n"


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "page_permissions": GroupPagePermission.objects.count(),
        "sites": Site.objects.count(),
    }


def test_seed_creates_the_22_associations_with_ascii_unique_slugs(district):
    assert len(district) == 22
    slugs = [page.slug for page in district]
    assert len(set(slugs)) == 22
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)
    by_slug = {page.slug: page for page in district}
    assert by_slug["yeoksam-1"].title == "역삼1동"
    assert by_slug["yeoksam-1"].name_en == "Yeoksam 1-dong"
    assert by_slug["yeoksam-1"].url == "/yeoksam-1/"


def test_seed_points_the_default_site_at_the_home_page(district):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, DistrictHomePage)
    assert all(page.get_parent().id == site.root_page_id for page in district)
    assert not Page.objects.filter(depth=2).exclude(id=site.root_page_id).exists()


def test_each_association_has_its_leaders_group_and_collection(district):
    for page in district:
        assert page.leaders_group.name == f"Leaders · {page.title}"
        assert page.collection.name == page.title
    assert Group.objects.filter(name="District staff").exists()


def test_seeding_again_changes_nothing(district):
    before = counts()
    call_command("seed_district", stdout=io.StringIO())
    assert counts() == before


def test_seeding_demo_twice_duplicates_no_account(district, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    from django.contrib.auth import get_user_model

    from events.models import RSVP, Event

    call_command("seed_district", "--demo", stdout=io.StringIO())
    users = get_user_model().objects.count()
    before = counts(), Event.objects.count(), RSVP.objects.count()
    call_command("seed_district", "--demo", stdout=io.StringIO())
    # admin, staff, 3 audience-board facilitators, a leader and 2 residents per dong
    assert get_user_model().objects.count() == users == 2 + 3 + 22 * 3
    assert (counts(), Event.objects.count(), RSVP.objects.count()) == before
    # programmes, monthly meetings, one proposal, and the votes demo's two
    # general assemblies (last year's certified one, this year's in Yeoksam 1-dong)
    assert before[1] == 3 + 22 + 1 + 2


def test_demo_prints_the_admin_login(district, tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    call_command("seed_district", "--demo")
    out = capsys.readouterr().out
    password = (tmp_path / "demo-password").read_text().strip()
    assert f"admin@example.org  /  {password}" in out
    assert "[22/22]" in out


def test_another_district_loads_its_own_file(district, tmp_path):
    data = tmp_path / "other.csv"
    data.write_text(HEADER + "X1,hanok-1,한옥1동,Hanok 1-dong\n", encoding="utf-8")
    call_command("seed_district", "--file", str(data), stdout=io.StringIO())
    assert DongPage.objects.get(code="X1").url == "/hanok-1/"
    assert DongPage.objects.count() == 23


def test_renamed_association_is_updated_in_place(district, tmp_path):
    rows = (
        Path(settings.DISTRICT_DATA_FILE)
        .read_text(encoding="utf-8")
        .replace("Segok-dong", "Segok-dong (new)")
    )
    data = tmp_path / "renamed.csv"
    data.write_text(rows, encoding="utf-8")
    call_command("seed_district", "--file", str(data), stdout=io.StringIO())
    assert DongPage.objects.get(slug="segok").name_en == "Segok-dong (new)"
    assert DongPage.objects.count() == 22


@pytest.mark.parametrize(
    "body, line, field",
    [
        (
            "1,yeoksam-1,역삼1동,Yeoksam 1-dong\n2,Yeoksam 2,역삼2동,Yeoksam 2-dong\n",
            3,
            "slug",
        ),
        (
            "1,yeoksam-1,역삼1동,Yeoksam 1-dong\n2,yeoksam-2,,Yeoksam 2-dong\n",
            3,
            "name_ko",
        ),
        (
            "1,yeoksam-1,역삼1동,Yeoksam 1-dong\n1,yeoksam-2,역삼2동,Yeoksam 2-dong\n",
            3,
            "code",
        ),
        (
            "1,yeoksam-1,역삼1동,Yeoksam 1-dong\n2,yeoksam-1,역삼2동,Yeoksam 2-dong\n",
            3,
            "slug",
        ),
        ("1,역삼-1,역삼1동,Yeoksam 1-dong\n", 2, "slug"),
        ("1,yeoksam-1,역삼1동\n", 2, None),
    ],
)
def test_malformed_data_file_names_line_and_field_and_changes_nothing(
    district, tmp_path, body, line, field
):
    data = tmp_path / "bad.csv"
    data.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(DistrictFileError) as error:
        load_district_file(data)
    assert error.value.line == line
    assert error.value.field == field
    before = counts()
    with pytest.raises(
        CommandError, match=rf"bad\.csv, line {line}.*Nothing was changed"
    ):
        call_command("seed_district", "--file", str(data))
    assert counts() == before


def test_missing_header_and_missing_file_are_explained(tmp_path):
    data = tmp_path / "noheader.csv"
    data.write_text("1,a,가,A\n", encoding="utf-8")
    with translation.override("en"):
        with pytest.raises(DistrictFileError, match="header must name the columns"):
            load_district_file(data)
        with pytest.raises(DistrictFileError, match="does not exist"):
            load_district_file(tmp_path / "absent.csv")
    with (
        translation.override("ko"),
        pytest.raises(DistrictFileError, match="파일이 없습니다"),
    ):
        load_district_file(tmp_path / "absent.csv")
