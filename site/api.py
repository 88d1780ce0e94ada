"""Open data: Wagtail's read-only API v2 (public, live content only).

The endpoints are Wagtail's, with two guards against odd input: an `offset`
past what any table holds is a 400 (PostgreSQL and SQLite would overflow on
it), and `search` keeps only letters, digits and spaces (SQLite's full-text
syntax would otherwise fail on quotes and brackets).
"""

import re

from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

MAX_OFFSET = 1_000_000
MAX_SEARCH_LENGTH = 100
_NOT_A_WORD = re.compile(r"[^\w\s]+")


class BoundedPagination(WagtailPagination):
    def paginate_queryset(self, queryset, request, view=None):
        offset = request.GET.get("offset", "0").strip()
        if offset.isdigit() and int(offset) > MAX_OFFSET:
            raise BadRequestError(f"offset cannot be higher than {MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


def search_terms(value: str) -> str:
    return " ".join(_NOT_A_WORD.sub(" ", value[:MAX_SEARCH_LENGTH]).split())


class GuardedListingMixin:
    pagination_class = BoundedPagination

    def listing_view(self, request):
        if "search" in request.GET:
            query = request._request.GET.copy()
            terms = search_terms(query["search"])
            if terms:
                query["search"] = terms
            else:
                del query["search"]
            request._request.GET = query
        return super().listing_view(request)


class Pages(GuardedListingMixin, PagesAPIViewSet):
    pass


class Images(GuardedListingMixin, ImagesAPIViewSet):
    pass


class Documents(GuardedListingMixin, DocumentsAPIViewSet):
    pass


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", Pages)
api_router.register_endpoint("images", Images)
api_router.register_endpoint("documents", Documents)
