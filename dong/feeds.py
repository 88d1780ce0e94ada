"""RSS and Atom feeds of notices: one per association and one for the whole district."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from dong.models import DongPage
from dong.selectors import public_notices


class NoticeFeed(Feed):
    def get_object(self, request, slug: str | None = None):
        return (
            get_object_or_404(DongPage.objects.live().public(), slug=slug)
            if slug
            else None
        )

    def title(self, obj):
        name = obj.title if obj else settings.DISTRICT_NAME
        return _("%(name)s notices") % {"name": name}

    def link(self, obj):
        return obj.url if obj else "/"

    def description(self, obj):
        return _("News and notices of the resident self-government associations")

    def items(self, obj):
        return public_notices(obj)[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.title

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class NoticeAtomFeed(NoticeFeed):
    feed_type = Atom1Feed
    subtitle = NoticeFeed.description
