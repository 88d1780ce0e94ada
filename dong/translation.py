"""Which notice and minutes texts residents can have machine-translated (district.translation).

Pages have no live topic: the page asks again until the translation is there.
Who may read follows the page's view restrictions (the kernel's default for pages).
"""

from wagtail.rich_text import expand_db_html

from district.translation import TranslatableField, register_translatable
from dong.models import MinutesPage, NoticePage


def _decisions(page: MinutesPage) -> str:
    return "\n".join(str(block.value) for block in page.decisions)


def register() -> None:
    register_translatable(
        NoticePage,
        [
            "title",
            "summary",
            TranslatableField(
                "body", "html", prepare=lambda page: expand_db_html(page.body)
            ),
        ],
    )
    register_translatable(
        MinutesPage,
        [
            "title",
            TranslatableField(
                "agenda", "html", prepare=lambda page: expand_db_html(page.agenda)
            ),
            TranslatableField("decisions", "text", source=_decisions),
        ],
    )
