"""Board names follow the reader's language: Korean, English, and the seeded boards' names in Chinese, Vietnamese and Japanese."""

import pytest
from django.utils import translation

from forums.models import Board

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ko", "en", "zh-hans", "vi", "ja"])
def test_seeded_board_names_follow_the_readers_language(district, language):
    youth = Board.objects.get(slug="youth")
    general = Board.objects.filter(dong__isnull=False).select_related("dong").first()
    with translation.override(language):
        expected_youth = (
            youth.name if language == "ko" else translation.gettext("Youth board")
        )
        expected_general = (
            general.name
            if language == "ko"
            else translation.gettext("%(association)s forum")
            % {"association": general.dong.name_en}
        )
        assert youth.local_name == expected_youth
        assert general.local_name == expected_general
        if language != "ko":
            assert general.dong.name_en in general.local_name


def test_a_board_staff_named_keeps_its_english_name_outside_korean(district):
    board = Board.objects.create(
        name="독서 모임", name_en="Book club", slug="book-club"
    )
    with translation.override("vi"):
        assert board.local_name == "Book club"
    with translation.override("ko"):
        assert board.local_name == "독서 모임"
