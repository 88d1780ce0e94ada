"""Strings of Wagtail's admin (and django-taggit's) that leaders see and Wagtail's catalogues lack.

Wagtail's Korean catalogue misses these msgids entirely, so a Korean leader
read "Exploring", "Usage count: (high to low)" or "A comma-separated list of
tags." in English. Listing them here (marked, never called) puts them in
`locale/*/django.po` through `make makemessages`, where we translate them;
LOCALE_PATHS come before the libraries' catalogues. When a Wagtail upgrade
renames one, `tests/site/test_admin_language.py` finds the English again.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

STRINGS = (
    gettext_noop("%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s"),
    gettext_noop("Choose who can view the live version of this page"),
    gettext_noop("Title: (A -> Z)"),
    gettext_noop("Title: (Z -> A)"),
    gettext_noop("Locking: "),
    gettext_noop("Status: "),
    gettext_noop("Page visibility: "),
    gettext_noop("Locale: "),
    gettext_noop("just now"),
    gettext_noop("Item %(index)s of %(total)s"),
    gettext_noop("Add selected images to collection"),
    gettext_noop("Add tags to the selected images"),
    gettext_noop("Any"),
    gettext_noop("Anyone can edit this %(model_name)s"),
    gettext_noop("Autosave is paused"),
    gettext_noop("Autosave is <span>paused</span>"),
    gettext_noop("Checks"),
    gettext_noop("Close dialog"),
    gettext_noop("Content metrics"),
    gettext_noop("Date updated"),
    gettext_noop("Delete selected images"),
    gettext_noop("Edit account avatar"),
    gettext_noop("Edited by"),
    gettext_noop("Exploring"),
    gettext_noop("File size: (low to high)"),
    gettext_noop("File size: (high to low)"),
    gettext_noop("Filter by up to ten most popular tags."),
    gettext_noop("Filter by"),
    gettext_noop("Grid layout"),
    gettext_noop("Has child pages"),
    gettext_noop("Is commenting action"),
    gettext_noop("Issues found"),
    gettext_noop("List layout"),
    gettext_noop("Loading"),
    gettext_noop("Maximum"),
    gettext_noop("Minimap"),
    gettext_noop("Minimum"),
    gettext_noop("More options for '%(title)s'"),
    gettext_noop("No publishing schedule set"),
    gettext_noop("Page type"),
    gettext_noop("Page types usage"),
    gettext_noop("Preview in new tab"),
    gettext_noop("Preview is out of date"),
    gettext_noop("Readability"),
    gettext_noop("Reading time"),
    ngettext_lazy("Referenced %(count)s time", "Referenced %(count)s times", 1),
    gettext_noop("Saved"),
    gettext_noop("Search all pages…"),
    gettext_noop("Set schedule"),
    gettext_noop("Show filters"),
    gettext_noop("Show issue"),
    gettext_noop("Side panel width"),
    gettext_noop("Side panels"),
    gettext_noop("Status %(status)s"),
    gettext_noop("This data explained"),
    gettext_noop("To be created by %(user)s"),
    gettext_noop("Toggle checks"),
    gettext_noop("Toggle section"),
    gettext_noop("Usage count"),
    gettext_noop("Usage count: (low to high)"),
    gettext_noop("Usage count: (high to low)"),
    gettext_noop("What's new in Wagtail %(version)s"),
    gettext_noop("Words"),
    ngettext_lazy(
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
        1,
    ),
    ngettext_lazy(
        '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Images <span class="w-sr-only">created in %(site_name)s</span>',
        1,
    ),
    ngettext_lazy(
        '%(total)s Document <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Documents <span class="w-sr-only">created in %(site_name)s</span>',
        1,
    ),
    gettext_noop("Wagtail %(current_version)s editor guide"),
    gettext_noop(
        "Anyone can edit this %(model_name)s – lock it to prevent others from editing"
    ),
    gettext_noop("page log entry"),
    gettext_noop(
        "Correct the validation errors to resume preview (saving will highlight errors)"
    ),
    gettext_noop("system"),
    gettext_noop("A comma-separated list of tags."),
    gettext_noop("Please provide a comma-separated list of tags."),
)
