"""Background jobs (django-tasks, run by `manage.py db_worker`)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from district.models import Notification
from district.validators import one_line


@task(queue_name="email")
def notification_email(notification_id: int) -> bool:
    """E-mail a notification that is still unread, in the recipient's language, unless they opted out."""
    notification = (
        Notification.objects.select_related("user__profile")
        .filter(pk=notification_id, read_at__isnull=True, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not notification.user.email:
        return False
    profile = getattr(notification.user, "profile", None)
    if profile is not None and not profile.email_notifications:
        return False
    with translation.override((profile and profile.language) or settings.LANGUAGE_CODE):
        context = {
            "notification": notification,
            "message": notification.message(),
            "url": settings.WAGTAILADMIN_BASE_URL
            + (notification.url or "/notifications/"),
            "settings_url": settings.WAGTAILADMIN_BASE_URL + "/accounts/profile/",
        }
        # A subject is one header line: text from residents (titles, names) must not break it.
        subject = one_line(
            render_to_string("district/email/notification_subject.txt", context),
            max_length=200,
        )
        body = render_to_string("district/email/notification_body.txt", context)
    send_mail(subject, body, None, [notification.user.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True
