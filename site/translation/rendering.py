"""How a stored translation is shown: the same HTML on the page and in live messages."""

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info, override

from district.markup import render_markdown
from district.translation.glossary import explain_html

RICH_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "a", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "hr", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render(text: str, format: str, language: str) -> SafeString:
    if format == "markdown":
        html = render_markdown(text)
    elif format == "html":
        html = nh3.clean(
            text,
            tags=RICH_TAGS,
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="nofollow noopener",
        )
    elif "\n" in text:
        html = linebreaks(text, autoescape=True)
    else:
        html = str(escape(text))
    return mark_safe(explain_html(html, language))


def language_name(code: str, reader_language: str) -> str:
    """The source language's name in the reader's language ("Korean", "tiếng Hàn"…)."""
    if not code:
        return ""
    try:
        info = get_language_info(code)
    except KeyError:
        return code
    with override(reader_language):
        return str(info["name_translated"])
