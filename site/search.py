"""Site search that works for Korean as people type it.

Wagtail's database backend indexes pages and forum threads/posts into its
IndexEntry table. Its PostgreSQL full-text search splits words on spaces and
does not segment Korean, so "자치" would not find "주민자치회". We search the
plain-text columns of that same index with case-insensitive substring matching
(every word of the query must occur), which finds infixes on SQLite and
PostgreSQL alike; on PostgreSQL a pg_trgm GIN index keeps it fast (migration
district 0004). Results are checked against the reader's permissions before
they are shown.
"""

import html
import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from dong.models import DongPage
from forums.models import Post, Thread

MAX_TERMS = 5


@dataclass
class Result:
    title: str
    url: str
    kind: str
    snippet: SafeString
    dong: str


def _columns() -> tuple[str, str]:
    return (
        ("title_text", "body_text")
        if connection.vendor == "postgresql"
        else ("title", "body")
    )


def terms_of(query: str) -> list[str]:
    return [term for term in query.split() if term][:MAX_TERMS]


def highlight(text: str, terms: list[str], width: int = 160) -> SafeString:
    """A window of `text` around the first match, escaped, with every term in <mark>."""
    text = " ".join(text.split())
    lower = text.lower()
    first = min(
        (lower.find(t.lower()) for t in terms if lower.find(t.lower()) >= 0), default=0
    )
    start = max(0, first - width // 3)
    window = text[start : start + width]
    escaped = html.escape(window)
    for term in sorted(terms, key=len, reverse=True):
        escaped = re.sub(
            f"({re.escape(html.escape(term))})",
            r"<mark>\1</mark>",
            escaped,
            flags=re.IGNORECASE,
        )
    prefix = "… " if start else ""
    suffix = " …" if start + width < len(text) else ""
    return mark_safe(prefix + escaped + suffix)


def matching_entries(terms: list[str]):
    title, body = _columns()
    entries = IndexEntry.objects.all()
    for term in terms:
        entries = entries.filter(
            Q(**{f"{title}__icontains": term}) | Q(**{f"{body}__icontains": term})
        )
    return entries.values_list("content_type_id", "object_id", title, body)


def search(
    query: str, *, dong: DongPage | None = None, limit: int = 500
) -> list[Result]:
    """Live public pages and visible forum threads and posts matching every word of `query`.

    Hidden content is left out for everyone, moderators included: they find it in the queue.
    """
    terms = terms_of(query)
    if not terms:
        return []
    rows = list(matching_entries(terms)[: limit * 2])
    by_type: dict[int, dict[str, tuple[str, str]]] = {}
    for content_type_id, object_id, title, body in rows:
        by_type.setdefault(content_type_id, {})[object_id] = (title or "", body or "")
    results: list[Result] = []
    page_ids, thread_ids, post_ids = set(), set(), set()
    thread_type = ContentType.objects.get_for_model(Thread)
    post_type = ContentType.objects.get_for_model(Post)
    for content_type_id, objects in by_type.items():
        ids = {int(i) for i in objects}
        if content_type_id == thread_type.pk:
            thread_ids |= ids
        elif content_type_id == post_type.pk:
            post_ids |= ids
        else:
            page_ids |= ids
    texts = {
        key: value for objects in by_type.values() for key, value in objects.items()
    }

    pages = Page.objects.live().public().filter(pk__in=page_ids).specific()
    if dong is not None:
        pages = pages.descendant_of(dong, inclusive=True)
    dong_names = {d.path: d.local_name for d in DongPage.objects.live()}
    for page in pages:
        title, body = texts.get(str(page.pk), ("", ""))
        results.append(
            Result(
                title=page.title,
                url=page.url,
                kind=str(page.specific_class._meta.verbose_name),
                snippet=highlight(body or title, terms),
                dong=dong_names.get(page.path[: Page.steplen * 3], ""),
            )
        )

    threads = Thread.objects.filter(is_hidden=False).select_related("board__dong")
    posts = Post.objects.filter(
        is_hidden=False, thread__is_hidden=False
    ).select_related("thread__board__dong")
    if dong is not None:
        threads = threads.filter(board__dong=dong)
        posts = posts.filter(thread__board__dong=dong)
    for thread in threads.filter(pk__in=thread_ids):
        results.append(
            Result(
                thread.title,
                thread.get_absolute_url(),
                str(Thread._meta.verbose_name),
                highlight(thread.title, terms),
                thread.board.dong.local_name
                if thread.board.dong
                else thread.board.local_name,
            )
        )
    for post in posts.filter(pk__in=post_ids):
        results.append(
            Result(
                post.thread.title,
                post.get_absolute_url(),
                str(Post._meta.verbose_name),
                highlight(post.body, terms),
                post.thread.board.dong.local_name
                if post.thread.board.dong
                else post.thread.board.local_name,
            )
        )
    results.sort(
        key=lambda r: (
            not any(t.lower() in r.title.lower() for t in terms),
            r.kind,
            r.title,
        )
    )
    return results[:limit]
