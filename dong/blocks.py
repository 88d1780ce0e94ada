"""StreamField blocks for association pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=100)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])
    tone = blocks.ChoiceBlock(
        label=_("Tone"),
        choices=[("info", _("Information")), ("important", _("Important"))],
        default="info",
    )

    class Meta:
        icon = "warning"
        label = _("Call-out")
        template = "dong/blocks/callout.html"


class CommitteeListBlock(blocks.StaticBlock):
    """Shows the association's committees (edited in the Committees panel)."""

    class Meta:
        icon = "group"
        label = _("Committee list")
        admin_text = _("Shows the committees listed on this page.")
        template = "dong/blocks/committee_list.html"


class MeetingScheduleBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=100, required=False)
    meetings = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("name", blocks.CharBlock(label=_("Meeting"), max_length=100)),
                (
                    "when",
                    blocks.CharBlock(
                        label=_("When"),
                        max_length=100,
                        help_text=_("e.g. every 2nd Tuesday, 19:00"),
                    ),
                ),
                (
                    "where",
                    blocks.CharBlock(label=_("Where"), max_length=150, required=False),
                ),
            ]
        ),
        label=_("Meetings"),
    )

    class Meta:
        icon = "date"
        label = _("Meeting schedule")
        template = "dong/blocks/meeting_schedule.html"


class ContactCardBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Office or role"), max_length=100)
    email = blocks.EmailBlock(label=_("E-mail"), required=False)
    phone = blocks.CharBlock(label=_("Phone"), max_length=30, required=False)
    address = blocks.CharBlock(label=_("Address"), max_length=200, required=False)

    class Meta:
        icon = "mail"
        label = _("Contact card")
        template = "dong/blocks/contact_card.html"


class DocumentListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=100, required=False)
    documents = blocks.ListBlock(DocumentChooserBlock(), label=_("Documents"))

    class Meta:
        icon = "doc-full"
        label = _("Document list")
        template = "dong/blocks/document_list.html"


class LatestThreadsBlock(blocks.StructBlock):
    count = blocks.IntegerBlock(
        label=_("How many"), default=5, min_value=1, max_value=20
    )

    class Meta:
        icon = "comment"
        label = _("Latest forum threads")
        template = "dong/blocks/latest_threads.html"


class UpcomingEventsBlock(blocks.StructBlock):
    """The next dates of events on this association's boards (organised in the events section)."""

    count = blocks.IntegerBlock(
        label=_("How many dates"), default=5, min_value=1, max_value=20
    )

    class Meta:
        icon = "date"
        label = _("Upcoming events")
        template = "dong/blocks/upcoming_events.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), max_length=200, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "dong/blocks/captioned_image.html"


class DongBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
    )
    image = CaptionedImageBlock()
    callout = CalloutBlock()
    committees = CommitteeListBlock()
    meeting_schedule = MeetingScheduleBlock()
    contact_card = ContactCardBlock()
    documents = DocumentListBlock()
    latest_threads = LatestThreadsBlock()
    upcoming_events = UpcomingEventsBlock()
