"""Updating the district's list of associations: re-coded and renamed associations keep everything.

`data/gangnam-before-2026-11.csv` is the file as it was seeded until the
December 2022 rename (일원2동 → 개포3동) and five re-assigned codes were
brought in. The `old_district` fixture rebuilds that database; the tests then
seed today's file over it, as a district would.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Collection, Page, Revision

from district.models import DistrictHomePage
from dong.district_file import DistrictFileError, load_district_file
from dong.models import DongPage
from forums import services as forum_services
from forums.models import Board, Thread
from tests.dong.factories import add_event, add_notice

pytestmark = pytest.mark.django_db

OLD_FILE = Path(__file__).parent / "data" / "gangnam-before-2026-11.csv"
NEW_FILE = Path(settings.DISTRICT_DATA_FILE)
RECODED = {
    "irwonbon": ("1168070000", "1168072000"),
    "irwon-1": ("1168071000", "1168073000"),
    "suseo": ("1168073000", "1168075000"),
    "segok": ("1168074000", "1168070000"),
}


def seed(path: Path) -> str:
    out = io.StringIO()
    call_command("seed_district", "--file", str(path), stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "associations": DongPage.objects.count(),
        "revisions": Revision.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "boards": Board.objects.count(),
        "threads": Thread.objects.count(),
        "redirects": Redirect.objects.count(),
    }


def dong(slug: str) -> DongPage:
    return DongPage.objects.select_related("leaders_group", "collection").get(slug=slug)


@pytest.fixture
def old_district(district):
    """The database as seeded from the old file (the session's seed used today's: undo it)."""
    Board.objects.filter(dong__isnull=False).delete()
    for page in DongPage.objects.all():
        page.delete()
    Group.objects.filter(name__startswith="Leaders · ").delete()
    Collection.objects.filter(depth=2).delete()
    Redirect.objects.all().delete()
    seed(OLD_FILE)
    assert dong("irwon-2").code == "1168072000"
    return {page.slug: page for page in DongPage.objects.all()}


@pytest.fixture
def content(old_district, make_user):
    """What the associations hold before the update: notices, a thread, a leader, an event."""
    irwon_2 = old_district["irwon-2"]
    leader = make_user(
        display_name="일원2동 회장",
        groups=[irwon_2.leaders_group],
        home_dong=irwon_2,
    )
    board = Board.objects.get(dong=irwon_2)
    thread = forum_services.thread_create(
        author=leader,
        board=board,
        title="동 이름이 바뀝니다",
        body="개포3동으로 바뀝니다.",
        enforce_limits=False,
    )
    return {
        "leader": leader,
        "board": board,
        "thread": thread,
        "event": add_event(leader, board, "주민총회"),
        "notice": add_notice(irwon_2, "2월 소식"),
        "notices": {slug: add_notice(old_district[slug], "소식") for slug in RECODED},
    }


def test_recoded_associations_keep_their_pages_and_content(old_district, content):
    for slug, (old_code, _new) in RECODED.items():
        assert old_district[slug].code == old_code
    seed(NEW_FILE)
    for slug, (_old, new_code) in RECODED.items():
        page = dong(slug)
        assert page.pk == old_district[slug].pk
        assert page.code == new_code
        notice = content["notices"][slug]
        assert notice.get_parent().get_parent().pk == page.pk
        assert Page.objects.get(pk=notice.pk).live
    assert dong("gaepo-3").code == "1168067500"
    on_file = {entry.slug: entry.code for entry in load_district_file(NEW_FILE)}
    assert {page.slug: page.code for page in DongPage.objects.all()} == on_file


def test_renamed_association_keeps_its_page_group_collection_and_board(
    old_district, content, client
):
    before = counts()
    out = seed(NEW_FILE)
    assert "1 renamed" in out
    after = counts()
    assert after["revisions"] == before["revisions"] + 5  # the five changed pages
    assert after["redirects"] > before["redirects"]
    for key in ("revisions", "redirects"):
        del before[key], after[key]
    assert after == before
    assert not DongPage.objects.filter(slug="irwon-2").exists()

    page = dong("gaepo-3")
    assert page.pk == old_district["irwon-2"].pk
    assert (page.title, page.name_en, page.url) == (
        "개포3동",
        "Gaepo 3-dong",
        "/gaepo-3/",
    )
    assert page.draft_title == "개포3동"
    assert page.revisions.count() == 2  # created, renamed
    assert page.leaders_group.pk == old_district["irwon-2"].leaders_group_id
    assert page.leaders_group.name == "Leaders · 개포3동"
    assert content["leader"].groups.filter(pk=page.leaders_group.pk).exists()
    assert page.collection.pk == old_district["irwon-2"].collection_id
    assert page.collection.name == "개포3동"
    assert not Group.objects.filter(name="Leaders · 일원2동").exists()

    board = Board.objects.get(pk=content["board"].pk)
    assert (board.slug, board.name, board.name_en, board.dong_id) == (
        "gaepo-3",
        "개포3동 이야기",
        "Gaepo 3-dong forum",
        page.pk,
    )
    assert Thread.objects.get(pk=content["thread"].pk).board_id == board.pk
    assert type(content["event"]).objects.get(pk=content["event"].pk).board == board

    assert client.get("/gaepo-3/").status_code == 200
    notice_url = Page.objects.get(pk=content["notice"].pk).url
    assert notice_url.startswith("/gaepo-3/notices/")
    assert client.get(notice_url).status_code == 200
    assert client.get("/forums/gaepo-3/").status_code == 200


OLD_AND_NEW_ADDRESSES = (
    ("/irwon-2/", "/gaepo-3/"),
    ("/irwon-2/notices/", "/gaepo-3/notices/"),
    ("/forums/irwon-2/", "/forums/gaepo-3/"),
    ("/events/irwon-2/", "/events/gaepo-3/"),
    ("/events/irwon-2.ics", "/events/gaepo-3.ics"),
    ("/feeds/irwon-2/notices/", "/feeds/gaepo-3/notices/"),
    ("/open-data/irwon-2.csv", "/open-data/gaepo-3.csv"),
)


def test_old_addresses_redirect_permanently_to_the_new_ones(old_district, client):
    seed(NEW_FILE)
    for old, new in OLD_AND_NEW_ADDRESSES:
        response = client.get(old)
        assert (old, response.status_code, response["Location"]) == (old, 301, new)


def test_old_notice_address_redirects_to_the_notice(old_district, content, client):
    old_url = content["notice"].url
    assert old_url.startswith("/irwon-2/notices/")
    seed(NEW_FILE)
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == Page.objects.get(pk=content["notice"].pk).url


def test_seeding_the_new_file_twice_changes_nothing(old_district, content):
    seed(NEW_FILE)
    before = counts()
    out = seed(NEW_FILE)
    assert "0 created, 0 updated, 22 unchanged, 0 renamed" in out
    assert counts() == before


def test_a_code_still_held_by_an_unlisted_association_is_refused(
    old_district, content, tmp_path
):
    """Dropping 개포3동's row (and its rename) would hand 일원2동's code to 일원본동."""
    rows = NEW_FILE.read_text(encoding="utf-8").splitlines()
    data = tmp_path / "no-rename.csv"
    data.write_text(
        "\n".join(row for row in rows if "gaepo-3" not in row) + "\n",
        encoding="utf-8",
    )
    before = counts()
    with pytest.raises(CommandError) as error:
        seed(data)
    message = str(error.value)
    assert "1168072000" in message and "일원2동" in message and "/irwon-2/" in message
    assert "Nothing was changed" in message
    assert counts() == before
    assert dong("irwonbon").code == "1168070000"
    assert dong("segok").code == "1168074000"


def test_a_previous_address_that_is_another_association_is_refused(
    old_district, tmp_path
):
    rows = OLD_FILE.read_text(encoding="utf-8").splitlines()
    rows = [rows[0] + ",previous_slug"] + [row + "," for row in rows[1:]]
    rows = [row + "suseo" if ",segok," in row else row for row in rows]
    rows = [row for row in rows if ",suseo," not in row]
    data = tmp_path / "merge.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError, match=r"/segok/.*/suseo/.*Nothing was changed"):
        seed(data)
    assert counts() == before


def test_an_address_taken_by_another_page_is_refused(district, tmp_path):
    home = DistrictHomePage.objects.get()
    home.add_child(instance=Page(title="구청 소개", slug="about"))
    data = tmp_path / "about.csv"
    data.write_text(
        NEW_FILE.read_text(encoding="utf-8") + "X9,about,소개동,About-dong,,\n",
        encoding="utf-8",
    )
    before = counts()
    with pytest.raises(CommandError, match=r"/about/.*구청 소개.*Nothing was changed"):
        seed(data)
    assert counts() == before


def test_codes_can_swap_between_associations(district, tmp_path):
    text = NEW_FILE.read_text(encoding="utf-8")
    sinsa, nonhyeon = dong("sinsa"), dong("nonhyeon-1")
    swapped = (
        text.replace("1168051000,sinsa", "X,sinsa")
        .replace("1168052100,nonhyeon-1", "1168051000,nonhyeon-1")
        .replace("X,sinsa", "1168052100,sinsa")
    )
    data = tmp_path / "swapped.csv"
    data.write_text(swapped, encoding="utf-8")
    pages = Page.objects.count()
    seed(data)
    assert (dong("sinsa").pk, dong("sinsa").code) == (sinsa.pk, "1168052100")
    assert (dong("nonhyeon-1").pk, dong("nonhyeon-1").code) == (
        nonhyeon.pk,
        "1168051000",
    )
    assert Page.objects.count() == pages


# The data file's columns ---------------------------------------------------------


def test_todays_file_has_the_22_associations_and_no_population_figures():
    entries = load_district_file(NEW_FILE)
    assert len(entries) == 22
    assert all(entry.population is None for entry in entries)
    assert [e.previous_slug for e in entries if e.previous_slug] == ["irwon-2"]


def test_population_is_stored_and_empty_means_unknown(district, tmp_path):
    text = NEW_FILE.read_text(encoding="utf-8")
    data = tmp_path / "population.csv"
    data.write_text(text.replace("Sinsa-dong,,", "Sinsa-dong,12345,"), encoding="utf-8")
    seed(data)
    assert dong("sinsa").population == 12345
    assert dong("segok").population is None
    seed(NEW_FILE)
    assert dong("sinsa").population is None


HEADER = "code,slug,name_ko,name_en,population,previous_slug\n"


@pytest.mark.parametrize(
    "body, line, field",
    [
        ("1,a-1,가1동,A 1-dong,12,345,\n", 2, None),
        ('1,a-1,가1동,A 1-dong,"12,345",\n', 2, "population"),
        ("1,a-1,가1동,A 1-dong,-5,\n", 2, "population"),
        ("1,a-1,가1동,A 1-dong,1e5,\n", 2, "population"),
        ("1,a-1,가1동,A 1-dong,많음,\n", 2, "population"),
        ("1,a-1,가1동,A 1-dong,,A-0\n", 2, "previous_slug"),
        ("1,a-1,가1동,A 1-dong,,a-1\n", 2, "previous_slug"),
        ("1,a-1,가1동,A 1-dong,,b-0\n2,a-2,가2동,A 2-dong,,b-0\n", 3, "previous_slug"),
        ("1,a-1,가1동,A 1-dong,,a-2\n2,a-2,가2동,A 2-dong,,\n", 2, "previous_slug"),
    ],
)
def test_malformed_optional_columns_name_line_and_field_and_change_nothing(
    district, tmp_path, body, line, field
):
    data = tmp_path / "bad.csv"
    data.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(DistrictFileError) as error:
        load_district_file(data)
    assert (error.value.line, error.value.field) == (line, field)
    before = counts()
    with pytest.raises(
        CommandError, match=rf"bad\.csv, line {line}.*Nothing was changed"
    ):
        seed(data)
    assert counts() == before


def test_an_unknown_column_is_refused(tmp_path):
    data = tmp_path / "typo.csv"
    data.write_text(
        "code,slug,name_ko,name_en,populaton\n1,a-1,가1동,A 1-dong,5\n",
        encoding="utf-8",
    )
    with pytest.raises(DistrictFileError, match="populaton") as error:
        load_district_file(data)
    assert error.value.line == 1
