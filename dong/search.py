"""What site search finds among pages, and the associations it can be narrowed to.

Registered with `district.search` from `DongConfig.ready()`. Every Wagtail page
of the site is a source (the district's own pages too): live, public pages
only; a private page (a view restriction on it or above it) is never found,
not even by the readers it is open to, as in lists and feeds.
"""

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import StartsWith
from wagtail.models import Page

from district.privacy import public
from district.search import AnyUser, DongChoice, Match, Result
from dong.models import DongPage


def dong_choices() -> list[DongChoice]:
    return [
        DongChoice(slug=d.slug, name=d.local_name, page_id=d.pk, path=d.path)
        for d in DongPage.objects.live()
        .order_by("path")
        .only("slug", "title", "name_en", "path")
    ]


def visible_pages(reader: AnyUser) -> QuerySet[Page]:
    """Live, public pages below the tree's root, each with the association it sits in (if any)."""
    dong = DongPage.objects.filter(StartsWith(OuterRef("path"), F("path")))
    return (
        public(Page.objects.live().filter(depth__gt=1))
        .annotate(
            dong_title=Subquery(dong.values("title")[:1]),
            dong_name_en=Subquery(dong.values("name_en")[:1]),
        )
        .only("id", "title", "path", "depth", "url_path", "content_type_id")
    )


def pages_in(choice: DongChoice) -> Q:
    return Q(path__startswith=choice.path)


def describe_page(page: Page, match: Match) -> Result:
    dong = ""
    if page.dong_title:
        dong = DongPage(title=page.dong_title, name_en=page.dong_name_en).local_name
    return Result(
        title=page.title,
        url=page.url,
        kind=str(page.specific_class._meta.verbose_name),
        snippet=match.snippet(),
        dong=dong,
    )
