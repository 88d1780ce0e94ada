"""RSS and Atom feeds of notices: one per association and one for the whole district."""

from datetime import datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from dong.models import DongPage
from dong.selectors import public_notices, with_dong_titles


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

    def author_name(self, obj):
        # Atom requires an author (RFC 4287, 4.1.1): the association, or the district.
        return obj.title if obj else settings.DISTRICT_NAME

    def description(self, obj):
        return _("News and notices of the resident self-government associations")

    def items(self, obj):
        return with_dong_titles(list(public_notices(obj)[:30]))

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.title

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        """The date the notice page shows (its `date`, at the start of that day in Seoul)."""
        return timezone.make_aware(datetime.combine(item.date, time.min))

    def item_updateddate(self, item):
        """When it last changed: a later edit, else its own date."""
        published = self.item_pubdate(item)
        edited = item.last_published_at
        return max(published, edited) if edited else published

    def item_author_name(self, item):
        return getattr(item, "dong_title", "") or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class NoticeAtomFeed(NoticeFeed):
    feed_type = Atom1Feed
    subtitle = NoticeFeed.description
