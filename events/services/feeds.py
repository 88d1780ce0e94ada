"""The resident's secret "my events" calendar address."""

import secrets

from django.contrib.auth.models import AbstractUser

from events.models import CalendarFeed


def calendar_feed_for(*, user: AbstractUser, renew: bool = False) -> CalendarFeed:
    """The resident's secret "my events" calendar address; `renew` replaces it (the old one stops working)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        feed = CalendarFeed(user=user)
    elif not renew:
        return feed
    feed.token = secrets.token_urlsafe(32)
    feed.save()
    return feed
