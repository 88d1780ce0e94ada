from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

display_name_validator = RegexValidator(
    r"^[\w][\w .·-]*$",
    _("Use letters, numbers, spaces, dots, hyphens or underscores only."),
)


class DistrictHomePage(Page):
    """The district's front door at `/`: every association, and the district-wide pages.

    There is exactly one; `seed_district` creates it and points the Wagtail Site at it.
    """

    introduction = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    search_fields = Page.search_fields + [index.SearchField("introduction")]

    parent_page_types = ("wagtailcore.Page",)
    subpage_types = ("dong.DongPage", "dong.StandardPage")
    max_count = 1

    class Meta:
        verbose_name = _("district home page")

    def get_context(self, request, *args, **kwargs):
        from dong.models import DongPage

        context = super().get_context(request, *args, **kwargs)
        context["associations"] = (
            DongPage.objects.child_of(self).live().public().order_by("path")
        )
        return context


class Profile(models.Model):
    """What a resident tells us about themselves: a display name, an optional home dong, a language.

    Nothing else, on purpose (personal-information protection): no real name,
    phone number or resident registration number is ever asked for or stored.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        _("display name"),
        max_length=30,
        validators=[display_name_validator],
        help_text=_(
            "Shown next to what you write. Do not use your real name if you prefer not to."
        ),
    )
    home_dong = models.ForeignKey(
        "dong.DongPage",
        verbose_name=_("home neighbourhood"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("profile")
        constraints = (
            models.UniqueConstraint(
                Lower("display_name"), name="profile_display_name_unique_ci"
            ),
        )

    def __str__(self) -> str:
        return self.display_name
