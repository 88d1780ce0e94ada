import pytest

pytestmark = pytest.mark.django_db


def test_home_lists_and_links_all_22_associations(client, district):
    response = client.get("/")
    assert response.status_code == 200
    for page in district:
        assert f'href="/{page.slug}/"' in response.text
        assert page.title in response.text


def test_home_shows_english_names_in_the_english_interface(client, district):
    client.cookies["django_language"] = "en"
    response = client.get("/")
    for page in district:
        assert page.name_en in response.text
        assert page.title in response.text


def test_every_dong_page_is_routable_and_shows_name_introduction_and_contact(
    client, district
):
    page = district[0]
    page.introduction = "신사동 주민자치회를 소개합니다."
    page.office_address = "서울특별시 강남구 신사동 주민센터"
    page.contact_email = "sinsa@example.org"
    page.save_revision().publish()
    for dong in district:
        response = client.get(dong.url)
        assert response.status_code == 200, dong.slug
        assert f"{dong.title} 주민자치회" in response.text
    text = client.get(page.url).text
    assert "신사동 주민자치회를 소개합니다." in text
    assert "sinsa@example.org" in text and "서울특별시 강남구 신사동 주민센터" in text


def test_unknown_dong_slug_is_a_404_in_the_users_language(client, district):
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-dong/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    client.cookies["django_language"] = "ko"
    assert "페이지를 찾을 수 없습니다" in client.get("/no-such-dong/").text


def test_page_shell_has_landmarks_skip_link_and_labelled_language_switcher(
    client, district
):
    text = client.get("/").text
    assert 'href="#main"' in text and 'id="main"' in text
    assert "<header" in text and "<main" in text and "<footer" in text
    assert '<label for="language-select">' in text


def test_home_lists_the_next_five_event_dates_across_the_district(
    client, district, make_user
):
    from django.contrib.auth.models import Group
    from django.urls import reverse

    from forums.models import Board
    from tests.dong.factories import add_event

    assert "예정된 행사가 없습니다." in client.get("/").text  # none yet

    yeoksam = next(d for d in district if d.slug == "yeoksam-1")
    dong_board = yeoksam.boards.get()
    youth = Board.objects.get(slug="youth")
    leader = make_user(groups=[yeoksam.leaders_group])
    staff = make_user(groups=[Group.objects.get(name="District staff")])
    events = [
        add_event(
            leader if n % 2 else staff,
            dong_board if n % 2 else youth,
            title,
            days=n + 1,
        )
        for n, title in enumerate(
            [
                "청년 모임",
                "골목 청소",
                "청년 영화",
                "주민 총회",
                "청년 등산",
                "여섯째 행사",
            ]
        )
    ]
    text = client.get("/").text
    section = text[text.index('aria-labelledby="events-title"') :]
    section = section[: section.index("</section>")]
    positions = [section.index(event.title) for event in events[:5]]
    assert positions == sorted(positions)  # soonest first
    assert "여섯째 행사" not in section
    for event in events[:5]:
        assert f'href="{event.get_absolute_url()}"' in section
    assert f'href="{reverse("events:board", args=[youth.slug])}"' in section
    assert f'href="{reverse("events:board", args=[dong_board.slug])}"' in section
    assert youth.local_name in section and dong_board.local_name in section
    assert '<time datetime="' in section and "+09:00" in section
    assert 'href="/events/"' in section
