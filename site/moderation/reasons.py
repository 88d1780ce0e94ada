"""Why a moderator acted: one code from a short shared list, plus a text the author reads."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abuse, harassment or hate")
    PERSONAL_INFO = "personal_info", _("Personal information")
    OFF_TOPIC = "off_topic", _("Off-topic")
    ILLEGAL = "illegal", _("Illegal content")
    OTHER = "other", _("Other")


def reason_label(code: str) -> str:
    """The code's label in the active language (an unknown code reads as "Other")."""
    if code in ModerationReason.values:
        return str(ModerationReason(code).label)
    return str(ModerationReason.OTHER.label)
