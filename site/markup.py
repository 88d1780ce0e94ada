"""Residents' Markdown → safe HTML: markdown-it-py with raw HTML off, then nh3 sanitising.

Rendering happens once, when text is saved; the stored HTML is what pages and
live updates show. Two layers on purpose: markdown-it never emits raw HTML, and
nh3 allow-lists what may remain, so a bug in one is caught by the other.
"""

import re

import nh3
from markdown_it import MarkdownIt

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    .enable(["linkify", "strikethrough"])
    .disable("image")
)  # images become plain links: no third-party requests from residents' posts
_md.validateLink = lambda url: (
    url.strip().lower().startswith(("http://", "https://", "mailto:", "/", "#"))
)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
MENTION_RE = re.compile(r"(?<![\w@])@([\w][\w.·-]{1,29})")


def render_markdown(text: str) -> str:
    html = _md.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def count_links(text: str) -> int:
    return len(LINK_RE.findall(text))


def mentioned_names(text: str) -> list[str]:
    """Display names written as @name (outside code is not distinguished; extra names simply match no one)."""
    seen: dict[str, None] = {}
    for name in MENTION_RE.findall(text):
        seen.setdefault(name.rstrip(".-·"), None)
    return list(seen)
