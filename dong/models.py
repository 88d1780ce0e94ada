from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Collection, Orderable, Page
from wagtail.query import PageQuerySet
from wagtail.search import index

from district.page_routing import SpecificChildRoutingMixin
from district.privacy import ViewRestrictionsInOneQueryMixin, public, public_within
from district.slugs import ReadableSlugMixin, ReadableSlugPageForm
from district.validators import validate_one_line
from dong.blocks import DongBodyBlock

# Lists load only the columns a list shows: a Wagtail page row has some forty,
# and building forty-column objects for every item was a good part of a page's
# time. A template that shows a new field in a list must add it here, or each
# item costs a query (the query-count tests would say so). url_path is what
# `{% pageurl %}` needs; path ties a page to its association.
PAGE_LIST_FIELDS = ("title", "slug", "url_path", "path", "depth")
DONG_LIST_FIELDS = (*PAGE_LIST_FIELDS, "name_en")
NOTICE_LIST_FIELDS = (*PAGE_LIST_FIELDS, "date", "summary", "pinned_until")
MINUTES_LIST_FIELDS = (*PAGE_LIST_FIELDS, "meeting_date", "meeting_type")

dong_code_validator = RegexValidator(
    r"^[0-9A-Za-z_-]{1,20}$", _("Use up to 20 letters, digits, '-' or '_'.")
)


class DongPage(SpecificChildRoutingMixin, ViewRestrictionsInOneQueryMixin, Page):
    """One resident self-government association (주민자치회) and its corner of the site.

    The page title is the Korean name. `code` ties the page to the district's data
    file, so re-seeding updates it instead of adding a copy. Each association has
    a leaders' group and a collection for its images and documents, created by
    `seed_district`; the group's Wagtail permissions cover this page's subtree only.
    """

    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[dong_code_validator]
    )
    name_en = models.CharField(
        _("English name"), max_length=100, validators=[validate_one_line]
    )
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_(
            "Residents of the dong (resident registration), from the district's data file. "
            "Empty: thresholds sized by population fall back to their minimum."
        ),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    body = StreamField(DongBodyBlock(), blank=True, verbose_name=_("body"))
    office_address = models.CharField(
        _("office address"), max_length=255, blank=True, validators=[validate_one_line]
    )
    office_hours = models.CharField(
        _("office hours"), max_length=255, blank=True, validators=[validate_one_line]
    )
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
        validators=[validate_one_line],
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
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("office_address"),
                FieldPanel("office_hours"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
            ],
            heading=_("Association office"),
        ),
        InlinePanel("officers", label=_("Officers")),
        InlinePanel("committees", label=_("Committees")),
    ]
    promote_panels = Page.promote_panels + [
        FieldPanel("code", read_only=True),
        FieldPanel("population", read_only=True),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("name_en"),
        index.SearchField("introduction"),
        index.SearchField("body"),
        index.AutocompleteField("name_en"),
    ]

    api_fields = (
        APIField("code"),
        APIField("name_en"),
        APIField("introduction"),
        APIField("office_address"),
        APIField("office_hours"),
        APIField("contact_email"),
        APIField("contact_phone"),
    )

    parent_page_types = ("district.DistrictHomePage",)
    subpage_types = (
        "dong.NoticeIndexPage",
        "dong.MinutesIndexPage",
        "dong.StandardPage",
    )

    class Meta:
        verbose_name = _("association page")
        verbose_name_plural = _("association pages")

    @property
    def local_name(self) -> str:
        """The name in the reader's language: Korean for Korean readers, English otherwise."""
        if (get_language() or "ko").startswith("ko") or not self.name_en:
            return self.title
        return self.name_en

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_notices"] = NoticePage.public_list(self)[:5]
        context["latest_minutes"] = MinutesPage.public_list(self)[:3]
        context["officers"] = [
            o for o in self.officers.select_related("photo") if o.show_publicly
        ]
        context["committees"] = list(self.committees.all())
        return context


class Officer(Orderable):
    """An officer of the association, shown only if they agreed to be listed."""

    page = ParentalKey(DongPage, on_delete=models.CASCADE, related_name="officers")
    role = models.CharField(
        _("role"),
        max_length=50,
        help_text=_("e.g. 회장, 부회장, 간사"),
        validators=[validate_one_line],
    )
    display_name = models.CharField(
        _("name as shown"), max_length=50, validators=[validate_one_line]
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    show_publicly = models.BooleanField(
        _("the officer agreed to be listed publicly"),
        default=False,
        help_text=_("Personal information: list an officer only with their consent."),
    )

    panels = (
        FieldPanel("role"),
        FieldPanel("display_name"),
        FieldPanel("photo"),
        FieldPanel("show_publicly"),
    )


class Committee(Orderable):
    page = ParentalKey(DongPage, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(
        _("committee"), max_length=100, validators=[validate_one_line]
    )
    purpose = models.CharField(
        _("purpose"), max_length=300, blank=True, validators=[validate_one_line]
    )
    rhythm = models.CharField(
        _("meets"),
        max_length=100,
        blank=True,
        help_text=_("e.g. monthly, first Monday"),
        validators=[validate_one_line],
    )

    panels = (FieldPanel("name"), FieldPanel("purpose"), FieldPanel("rhythm"))


def _list_and_neighbours(page: Page, model: type[Page], field: str) -> dict:
    """The list a notice or minutes page belongs to, and its older and newer
    live, public siblings (by `field`, then id), for the links under the text."""
    parent = page.get_parent()
    siblings = public_within(parent, model.objects.live().child_of(parent)).only(
        "title", "url_path", field
    )
    value = getattr(page, field)
    before = models.Q(**{f"{field}__lt": value}) | models.Q(
        **{field: value, "pk__lt": page.pk}
    )
    after = models.Q(**{f"{field}__gt": value}) | models.Q(
        **{field: value, "pk__gt": page.pk}
    )
    return {
        "list_url": parent.url,
        "older": siblings.filter(before).order_by(f"-{field}", "-pk").first(),
        "newer": siblings.filter(after).order_by(field, "pk").first(),
    }


class NoticeIndexPage(SpecificChildRoutingMixin, ViewRestrictionsInOneQueryMixin, Page):
    """An association's news and notices, newest first; pinned notices on top."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ("dong.DongPage",)
    subpage_types = ("dong.NoticePage",)
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("notice list")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        notices = public_within(self, NoticePage.objects.live().child_of(self)).only(
            *NOTICE_LIST_FIELDS
        )
        pinned = list(notices.filter(pinned_until__gte=today).order_by("-date", "-pk"))
        rest = notices.exclude(pk__in=[p.pk for p in pinned]).order_by("-date", "-pk")
        context["pinned"] = pinned
        context["page_obj"] = Paginator(rest, 20).get_page(request.GET.get("page"))
        return context


class NoticeTag(TaggedItemBase):
    content_object = ParentalKey(
        "dong.NoticePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NoticePage(ReadableSlugMixin, ViewRestrictionsInOneQueryMixin, Page):
    base_form_class = ReadableSlugPageForm
    date = models.DateField(_("date"), default=date.today)
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, validators=[validate_one_line]
    )
    body = RichTextField(
        _("body"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
    )
    tags = ClusterTaggableManager(through=NoticeTag, blank=True, verbose_name=_("tags"))
    pinned_until = models.DateField(
        _("pinned until"),
        null=True,
        blank=True,
        help_text=_("Keep this notice at the top of the list until this date."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("pinned_until"),
        InlinePanel("attachments", label=_("Attachments")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    api_fields = (
        APIField("date"),
        APIField("summary"),
        APIField("body"),
        APIField("tags"),
        APIField("pinned_until"),
    )
    parent_page_types = ("dong.NoticeIndexPage",)
    subpage_types = ()

    class Meta:
        verbose_name = _("notice")

    @classmethod
    def public_in(cls, within: Page | None = None) -> PageQuerySet:
        """Live, public notices (below `within`, an association or the home page), newest first."""
        notices = cls.objects.live()
        notices = public(notices) if within is None else public_within(within, notices)
        return notices.order_by("-date", "-pk")

    @classmethod
    def public_list(cls, within: Page | None = None) -> PageQuerySet:
        """`public_in`, loading what a list shows."""
        return cls.public_in(within).only(*NOTICE_LIST_FIELDS)

    def clean(self) -> None:
        super().clean()
        if self.pinned_until and self.pinned_until < timezone.localdate():
            raise ValidationError(
                {
                    "pinned_until": _(
                        "This date is in the past: choose a future date or leave it empty."
                    )
                }
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = list(self.attachments.select_related("document"))
        context.update(_list_and_neighbours(self, NoticePage, "date"))
        return context

    @property
    def dong(self) -> "DongPage | None":
        return DongPage.objects.ancestor_of(self).first()


class NoticeAttachment(Orderable):
    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = (FieldPanel("document"),)


class MeetingType(models.TextChoices):
    REGULAR = "regular", _("Regular meeting")
    ASSEMBLY = "assembly", _("General assembly (주민총회)")
    COMMITTEE = "committee", _("Committee meeting")


class MinutesIndexPage(
    SpecificChildRoutingMixin, ViewRestrictionsInOneQueryMixin, Page
):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ("dong.DongPage",)
    subpage_types = ("dong.MinutesPage",)
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("minutes list")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        minutes = (
            public_within(self, MinutesPage.objects.live().child_of(self))
            .only(*MINUTES_LIST_FIELDS)
            .order_by("-meeting_date", "-pk")
        )
        context["page_obj"] = Paginator(minutes, 20).get_page(request.GET.get("page"))
        return context


class MinutesPage(ReadableSlugMixin, ViewRestrictionsInOneQueryMixin, Page):
    """Minutes of one meeting: published for transparency, or private among the leaders while a draft."""

    base_form_class = ReadableSlugPageForm

    meeting_date = models.DateField(_("meeting date"))
    meeting_type = models.CharField(
        _("meeting type"), max_length=20, choices=MeetingType.choices
    )
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    agenda = RichTextField(
        _("agenda"), features=["bold", "italic", "ol", "ul", "link"], blank=True
    )
    decisions = StreamField(
        [("decision", blocks.CharBlock(label=_("Decision"), max_length=500))],
        blank=True,
        verbose_name=_("decisions"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("meeting_date"),
        FieldPanel("meeting_type"),
        FieldPanel("attendance"),
        FieldPanel("agenda"),
        FieldPanel("decisions"),
        InlinePanel("documents", label=_("Documents")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("agenda"),
        index.SearchField("decisions"),
    ]
    api_fields = (
        APIField("meeting_date"),
        APIField("meeting_type"),
        APIField("attendance"),
        APIField("agenda"),
        APIField("decisions"),
    )
    parent_page_types = ("dong.MinutesIndexPage",)

    @classmethod
    def public_in(cls, within: Page | None = None) -> PageQuerySet:
        """Live, public minutes (below `within`), latest meeting first."""
        minutes = cls.objects.live()
        minutes = public(minutes) if within is None else public_within(within, minutes)
        return minutes.order_by("-meeting_date", "-pk")

    @classmethod
    def public_list(cls, within: Page | None = None) -> PageQuerySet:
        """`public_in`, loading what a list shows."""
        return cls.public_in(within).only(*MINUTES_LIST_FIELDS)

    subpage_types = ()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["documents"] = list(self.documents.select_related("document"))
        context.update(_list_and_neighbours(self, MinutesPage, "meeting_date"))
        return context

    def clean(self) -> None:
        super().clean()
        if self.meeting_date and self.meeting_date > timezone.localdate() + timedelta(
            days=366
        ):
            raise ValidationError(
                {
                    "meeting_date": _(
                        "This date is more than a year ahead: please check it."
                    )
                }
            )


class MinutesDocument(Orderable):
    page = ParentalKey(MinutesPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = (FieldPanel("document"),)


class StandardPage(
    ReadableSlugMixin, SpecificChildRoutingMixin, ViewRestrictionsInOneQueryMixin, Page
):
    """Anything else an association (or the district) publishes: programmes, how to join, about."""

    base_form_class = ReadableSlugPageForm

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
