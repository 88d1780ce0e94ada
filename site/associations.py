"""The associations, as the kernel knows them: Wagtail pages that the `dong` app names.

The kernel asks a resident for their home association (sign-up, profile)
without importing the app that defines associations: `dong` registers the
queryset from its AppConfig.ready(). A profile's home association is a
foreign key to Wagtail's `Page` (an association page's id is its page id).
"""

from collections.abc import Callable

from django.db.models import QuerySet
from wagtail.models import Page

_provider: list[Callable[[], QuerySet[Page]]] = []


def register_associations(provider: Callable[[], QuerySet[Page]]) -> None:
    """`provider()` returns the live associations in the order a form lists them."""
    _provider[:] = [provider]


def live_associations() -> QuerySet[Page]:
    return _provider[0]() if _provider else Page.objects.none()


def local_name(page: Page) -> str:
    """An association's name in the reader's language (its title if the page type has no other)."""
    return getattr(page, "local_name", page.title)
