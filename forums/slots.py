"""What the forums put on pages below them: the district-wide boards, an association's boards and latest threads."""

from django.template import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from wagtail import hooks

from district.slots import render_section, slot_hook
from forums.models import Board, Thread


@hooks.register(slot_hook("home"), order=30)
def home_boards(context: Context, **kwargs) -> str:
    boards = Board.objects.filter(dong__isnull=True).order_by("position", "id")
    return render_section(
        context, "forums/includes/home_boards.html", {"district_boards": boards}
    )


@hooks.register(slot_hook("dong_page_aside"), order=10)
def dong_page_boards(context: Context, *, page, **kwargs) -> str:
    boards = list(Board.objects.filter(dong=page).order_by("position", "id"))
    return render_section(
        context, "forums/includes/dong_boards.html", {"boards": boards}
    )


@hooks.register(slot_hook("dong_block_latest_threads"))
def dong_block_threads(context: Context, *, page, count: int = 5, **kwargs) -> str:
    """The body block: the newest visible threads on the association's boards."""
    threads = []
    if page is not None and page.pk is not None:
        threads = list(
            Thread.objects.filter(board__dong=page, is_hidden=False).order_by(
                "-last_activity_at"
            )[: max(1, min(count, 20))]
        )
    return render_section(
        context, "forums/includes/dong_block_threads.html", {"threads": threads}
    )


@hooks.register(slot_hook("nav"), order=10)
def nav_link(context: Context, **kwargs) -> str:
    """The header's link to this app."""
    return format_html(
        '<li><a href="{}">{}</a></li>', reverse("forums:boards"), gettext("Forums")
    )
