"""The boards every district starts with: one per association, and the district-wide audience boards."""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from dong.models import DongPage
from dong.services import redirect_ensure
from forums.models import FORUM_SUFFIX, Board

AUDIENCE_BOARDS = (
    # (audience, slug, Korean name, English name, facilitators' group)
    (
        "youth",
        "youth",
        "청년 게시판",
        gettext_noop("Youth board"),
        "Facilitators · Youth",
    ),
    (
        "seniors",
        "seniors",
        "어르신 게시판",
        gettext_noop("Seniors' board"),
        "Facilitators · Seniors",
    ),
    (
        "foreign",
        "foreign-residents",
        "외국인 주민 게시판",
        gettext_noop("Foreign residents' board"),
        "Facilitators · Foreign residents",
    ),
)


def general_board_names(dong_title: str, dong_name_en: str) -> tuple[str, str]:
    """The Korean and English names an association's general board takes from the association's."""
    return f"{dong_title} 이야기", f"{dong_name_en}{FORUM_SUFFIX}"


@transaction.atomic
def boards_ensure(*, dongs: Iterable) -> list[Board]:
    """One general board per association and the district-wide audience boards, with facilitators' groups.

    Idempotent: existing boards (found by address) are left as staff edited them.
    """
    boards = []
    for position, dong in enumerate(dongs, start=10):
        name, name_en = general_board_names(dong.title, dong.name_en)
        board, _created = Board.objects.get_or_create(
            slug=dong.slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "dong": dong,
                "position": position,
            },
        )
        boards.append(board)
    for position, (audience, slug, name, name_en, group_name) in enumerate(
        AUDIENCE_BOARDS
    ):
        group, _created = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
        )
        board, _created = Board.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "audience": audience,
                "facilitators": group,
                "position": position,
            },
        )
        boards.append(board)
    return boards


BOARD_URL_NAMES = ("forums:board", "forums:thread_new")


@transaction.atomic
def boards_follow_dong_rename(
    *,
    dong: DongPage,
    old_slug: str,
    old_title: str,
    old_name_en: str,
    also_redirect: Iterable[str] = (),
) -> list[Board]:
    """Carry an association's rename into its boards, keeping their threads, posts and ids.

    A name or address derived from the association's old ones (see
    `boards_ensure`) takes the new ones; one that staff chose is left alone.
    The old board addresses answer a permanent redirect: the forum's own, and
    the URL names in `also_redirect` (apps above forums that address a board
    by its slug, passed by the seeding command). Called before `boards_ensure`,
    which finds boards by address.
    """
    old_names = general_board_names(old_title, old_name_en)
    new_names = general_board_names(dong.title, dong.name_en)
    changed = []
    for board in Board.objects.filter(dong=dong).order_by("pk"):
        fields = []
        if board.name == old_names[0] != new_names[0]:
            board.name = new_names[0]
            fields.append("name")
        if board.name_en == old_names[1] != new_names[1]:
            board.name_en = new_names[1]
            fields.append("name_en")
        moves = (
            board.slug == old_slug != dong.slug
            and not Board.objects.filter(slug=dong.slug).exists()
        )
        if moves:
            board.slug = dong.slug
            fields.append("slug")
        if fields:
            board.save(update_fields=fields)
            changed.append(board)
        if moves:
            for name in (*BOARD_URL_NAMES, *also_redirect):
                redirect_ensure(
                    old_path=reverse(name, args=[old_slug]),
                    target=reverse(name, args=[board.slug]),
                )
    return changed
