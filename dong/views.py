"""Open data and browsing views for association content (thin: selectors do the reading)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from district.csv import csv_response, dict_writer
from dong.models import DongPage
from dong.selectors import (
    notices_tagged,
    public_minutes,
    public_notices,
    with_dong_titles,
)

EXPORT_FIELDS = ("kind", "title", "date", "url", "tags")


def _rows(request: HttpRequest, dong: DongPage) -> list[dict]:
    rows = []
    for notice in public_notices(dong).prefetch_related("tags"):
        rows.append(
            {
                "kind": "notice",
                "title": notice.title,
                "date": notice.date.isoformat(),
                "url": request.build_absolute_uri(notice.url),
                "tags": [tag.name for tag in notice.tags.all()],
            }
        )
    for minutes in public_minutes(dong):
        rows.append(
            {
                "kind": "minutes",
                "title": minutes.title,
                "date": minutes.meeting_date.isoformat(),
                "url": request.build_absolute_uri(minutes.url),
                "tags": [],
            }
        )
    return rows


def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """An association's public notices and minutes as CSV or JSON (title, date, URL, tags)."""
    dong = get_object_or_404(DongPage.objects.live().public(), slug=slug)
    rows = _rows(request, dong)
    if fmt == "json":
        response = JsonResponse(
            {"association": dong.title, "code": dong.code, "items": rows},
            json_dumps_params={"ensure_ascii": False},
        )
    elif fmt == "csv":
        response = csv_response(f"{dong.slug}-{fmt}.{fmt}", inline=True)
        writer = dict_writer(response, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "tags": ";".join(row["tags"])})
    else:
        raise Http404
    response["Content-Disposition"] = f'inline; filename="{dong.slug}-{fmt}.{fmt}"'
    return response


def notice_tag(request: HttpRequest, slug: str) -> HttpResponse:
    """Notices across the district with one tag."""
    tag = get_object_or_404(Tag, slug=slug)
    page = Paginator(notices_tagged(slug), 20).get_page(request.GET.get("page"))
    page.object_list = with_dong_titles(list(page.object_list))
    return render(request, "dong/notice_tag.html", {"tag": tag, "page_obj": page})
