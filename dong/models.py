from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Collection, Page
from wagtail.search import index

dong_code_validator = RegexValidator(
    r"^[0-9A-Za-z_-]{1,20}$", _("Use up to 20 letters, digits, '-' or '_'.")
)


class DongPage(Page):
    """One resident self-government association (주민자치회) and its corner of the site.

    The page title is the Korean name. `code` ties the page to the district's data
    file, so re-seeding updates it instead of adding a copy. Each association has
    a leaders' group and a collection for its images and documents, created by
    `seed_district`; the group's Wagtail permissions cover this page's subtree only.
    """

    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[dong_code_validator]
    )
    name_en = models.CharField(_("English name"), max_length=100)
    introduction = models.TextField(_("introduction"), blank=True)
    office_address = models.CharField(_("office address"), max_length=255, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=255, blank=True)
    contact_email = models.EmailField(
        _("office e-mail"),
        blank=True,
        help_text=_("The association office's address, not a person's."),
    )
    contact_phone = models.CharField(
        _("office phone"),
        max_length=30,
        blank=True,
        help_text=_("The association office's number, not a person's."),
    )
    leaders_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL
    )
    collection = models.ForeignKey(
        Collection, null=True, blank=True, editable=False, on_delete=models.SET_NULL
    )

    content_panels = Page.content_panels + [
        FieldPanel("name_en"),
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("office_address"),
                FieldPanel("office_hours"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
            ],
            heading=_("Association office"),
        ),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("code", read_only=True)]
    search_fields = Page.search_fields + [
        index.SearchField("name_en"),
        index.SearchField("introduction"),
        index.AutocompleteField("name_en"),
    ]

    parent_page_types = ("district.DistrictHomePage",)
    subpage_types = ("dong.StandardPage",)

    class Meta:
        verbose_name = _("association page")
        verbose_name_plural = _("association pages")

    @property
    def local_name(self) -> str:
        """The name in the reader's language: Korean for Korean readers, English otherwise."""
        if (get_language() or "ko").startswith("ko") or not self.name_en:
            return self.title
        return self.name_en


class StandardPage(Page):
    """Anything else an association (or the district) publishes: programmes, how to join, about."""

    introduction = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    parent_page_types = (
        "district.DistrictHomePage",
        "dong.DongPage",
        "dong.StandardPage",
    )
    subpage_types = ("dong.StandardPage",)

    class Meta:
        verbose_name = _("standard page")

    @property
    def local_name(self) -> str:
        return self.title
